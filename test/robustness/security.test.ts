import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { ManualTime } from '../../src/core/clock.js'
import { secretsEqual } from '../../src/core/secrets.js'
import { bearer, CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// fixtures/default.json (CONTRACT §6).
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const FOREIGN_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const FOREIGN_ACCOUNT = '00000000-0000-4000-8000-000000000403'
const FOREIGN_KEY_VALUE = '3119998877'
const TOKENS = '/v1/iam/oauth/tokens'
const UUID = '11111111-2222-4333-8444-555555555555'

type Doc = { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> }
type Headers = Record<string, string>

async function documented(app: FastifyInstance): Promise<{ method: string; path: string; query: string[] }[]> {
  const doc = (await app.inject({ url: '/documentation/json' })).json() as Doc
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name) })),
  )
}

async function ok(res: Promise<LightMyRequestResponse> | LightMyRequestResponse, what: string): Promise<Record<string, unknown>> {
  const r = await res
  if (r.statusCode !== 200) throw new Error(`${what} failed: ${r.statusCode} ${r.body}`)
  return r.json() as Record<string, unknown>
}

// ---------------------------------------------------------------- admin token

t.test('with MOCK_ADMIN_TOKEN set, every /_mock route but health answers 401 without the header and with a wrong one', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'the-admin-token-5' })
  const routes = (await documented(app)).filter((r) => r.path.startsWith('/_mock'))
  t.ok(routes.length >= 20, `${routes.length} /_mock routes in the OpenAPI document`)
  for (const { method, path } of routes) {
    const url = path.replace(/\{[^}]+\}/g, UUID)
    const withBody = method === 'POST' || method === 'PUT' ? { payload: {} } : {}
    if (path === '/_mock/health') {
      const res = await app.inject({ method: method as 'GET', url })
      t.equal(res.statusCode, 200, 'health needs no admin token')
      await expectMatchesSpec(t, app, res)
      continue
    }
    const none = await app.inject({ method: method as 'GET', url, ...withBody })
    expectError(t, none, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, none)
    for (const wrong of ['the-admin-token-6', 'the-admin-token-5 ', 'the-admin-token', '', "' OR 1=1 --"]) {
      const res = await app.inject({ method: method as 'GET', url, headers: { 'x-mock-admin-token': wrong }, ...withBody })
      expectError(t, res, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
      await expectMatchesSpec(t, app, res)
    }
  }
  // The right token passes the check (GET /_mock/state answers as usual).
  const right = await app.inject({ url: '/_mock/state', headers: { 'x-mock-admin-token': 'the-admin-token-5' } })
  t.equal(right.statusCode, 200)
  await expectMatchesSpec(t, app, right)
})

// ---------------------------------------------------------------- entities

interface Foreign {
  token_id: string
  customer_id: string
  account_id: string
  key_id: string
  recipient_id: string
  ach_recipient_id: string
  resolution_id: string
  payment_id: string
  qr_code_id: string
}

/** Objects of the other entity, made with its own client, and one of each kind in the default entity. */
async function setup(app: FastifyInstance) {
  const admin = await bearer(app, 'admin')
  const other = await bearer(app, 'other')
  const post = (headers: Headers, url: string, payload: object) => app.inject({ method: 'POST', url, headers, payload })
  const otherToken = await ok(post({}, TOKENS, { ...CLIENTS.other, grant_type: 'client_credentials' }), 'other token')
  const key = await ok(post(other, '/v1/keys', { account_id: FOREIGN_ACCOUNT, key: { key_type: 'PHONE', key_value: FOREIGN_KEY_VALUE } }), 'foreign key')
  const recipient = await ok(post(other, '/v1/recipients/breb', { customer_id: FOREIGN_CUSTOMER, key: { key_type: 'PHONE', key_value: '3001234567' } }), 'foreign recipient')
  const ach = await ok(
    post(other, '/v1/recipients/ach', {
      customer_id: FOREIGN_CUSTOMER,
      owner: { type: 'INDIVIDUAL', first_name: 'Pepito', first_last_name: 'Silva', identification_type: 'CC', identification_number: '1020304050' },
      account: { account_type: 'SAVINGS', account_number: '0550123456789', bank_name: 'BANCO DE BOGOTA' },
    }),
    'foreign ACH recipient',
  )
  const resolution = await ok(post(other, '/v1/resolve-key', { customer_id: FOREIGN_CUSTOMER, key: { key_type: 'PHONE', key_value: '3000000009' } }), 'foreign resolution')
  const payment = await ok(post(other, '/v1/payments/breb', { account_id: FOREIGN_ACCOUNT, resolution_id: resolution.id, amount: { value: '10', currency: 'COP' } }), 'foreign payment')
  const qr = await ok(
    post(other, '/v1/qrcodes', { key_id: key.id, customer_id: FOREIGN_CUSTOMER, type: 'STATIC', channel: 'POS', vat: { vat_type: 'FIXED', vat_value: '0' }, inc: { inc_type: 'FIXED', inc_value: '0' } }),
    'foreign QR code',
  )
  // The default entity's own rows, so that no list is empty for want of rows (CONTRACT §4's 404s).
  const ownKey = await ok(post(admin, '/v1/keys', { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3119990001' } }), 'own key')
  const ownResolution = await ok(post(admin, '/v1/resolve-key', { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3000000009' } }), 'own resolution')
  await ok(post(admin, '/v1/payments/breb', { account_id: DOCS_ACCOUNT, resolution_id: ownResolution.id, amount: { value: '5', currency: 'COP' } }), 'own payment')
  await ok(post(admin, '/v1/qrcodes', { key_id: ownKey.id, customer_id: DOCS_CUSTOMER, type: 'STATIC', channel: 'POS', vat: { vat_type: 'FIXED', vat_value: '0' }, inc: { inc_type: 'FIXED', inc_value: '0' } }), 'own QR code')
  const foreign: Foreign = {
    token_id: otherToken.token_id as string,
    customer_id: FOREIGN_CUSTOMER,
    account_id: FOREIGN_ACCOUNT,
    key_id: key.id as string,
    recipient_id: recipient.id as string,
    ach_recipient_id: ach.id as string,
    resolution_id: resolution.id as string,
    payment_id: payment.id as string,
    qr_code_id: qr.id as string,
  }
  return { admin, other, foreign, otherAccess: otherToken.access_token as string }
}

/** How the other entity sees its objects (the `other` client's own reads). */
async function foreignView(app: FastifyInstance, other: Headers, f: Foreign) {
  const urls = [
    `${TOKENS}/${f.token_id}`,
    `/v1/customers/${f.customer_id}`,
    `/v1/accounts/${f.account_id}`,
    `/v1/keys/${f.key_id}`,
    `/v1/recipients/breb/${f.recipient_id}`,
    `/v1/recipients/ach/${f.ach_recipient_id}`,
    `/v1/payments/${f.payment_id}`,
    `/v1/qrcodes/${f.qr_code_id}`,
  ]
  const out: Record<string, unknown> = {}
  for (const url of urls) out[url] = await ok(app.inject({ url, headers: other }), url)
  return out
}

t.test('the admin token and client secrets are checked by the one constant-time comparison, whatever the guess', async (t) => {
  // The call path, not the clock (issue 5): a spy around the real secretsEqual sees every check.
  const calls: Array<{ given: string; expected: string; result: boolean }> = []
  const compareSecrets = (given: string, expected: string) => {
    const result = secretsEqual(given, expected)
    calls.push({ given, expected, result })
    return result
  }
  const ADMIN_TOKEN = 'admin-token-call-path-5'
  const config = { ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent' as const, mockAdminToken: ADMIN_TOKEN }
  const app = await buildApp(config, { timeSource: new ManualTime('2026-01-15T12:00:00.000Z'), sweepIntervalMs: 0, sleep: async () => {}, compareSecrets })
  t.teardown(() => app.close())

  const guesses = ['x', 'admin-token-call-path-4', 'admin-token-call-path-5-and-more', '', ADMIN_TOKEN]
  for (const guess of guesses) {
    calls.length = 0
    const res = await app.inject({ url: '/_mock/clock', headers: { 'x-mock-admin-token': guess } })
    t.equal(res.statusCode, guess === ADMIN_TOKEN ? 200 : 401, `guess ${JSON.stringify(guess)}`)
    t.same(calls, [{ given: guess, expected: ADMIN_TOKEN, result: guess === ADMIN_TOKEN }], 'one comparison, through secretsEqual')
  }

  // Client secrets: a wrong secret and an unknown client both cost one comparison.
  for (const [client_id, client_secret, expected] of [
    [CLIENTS.admin.client_id, 'wrong', CLIENTS.admin.client_secret],
    ['no-such-client', 'whatever', undefined],
  ] as const) {
    calls.length = 0
    const res = await app.inject({ method: 'POST', url: TOKENS, payload: { client_id, client_secret, grant_type: 'client_credentials' } })
    t.equal(res.statusCode, 401)
    t.equal(calls.length, 1, `one comparison for ${client_id}`)
    t.equal(calls[0]?.given, client_secret)
    if (expected !== undefined) t.equal(calls[0]?.expected, expected)
    else t.not(calls[0]?.expected, client_secret, 'an unknown client is compared against a stand-in secret')
  }
})

t.test('another entity can neither read nor change the objects of an entity through any /v1 route with a path id', async (t) => {
  const { app } = await buildTestApp(t)
  const { admin, other, foreign } = await setup(app)
  const before = await foreignView(app, other, foreign)

  const routes = (await documented(app)).filter((r) => r.path.startsWith('/v1/') && r.path.includes('{'))
  t.ok(routes.length >= 15, `${routes.length} /v1 routes with a path id`)
  for (const { method, path } of routes) {
    const param = /\{([^}]+)\}/.exec(path)?.[1] ?? ''
    const id = path.startsWith('/v1/recipients/ach/') ? foreign.ach_recipient_id : foreign[param as keyof Foreign]
    t.ok(id, `a foreign id for {${param}}`)
    const url = path.replace(`{${param}}`, id)
    // PATCH of a customer needs a valid body to get past validation to the ownership check.
    const payload = path === '/v1/customers/{customer_id}' && method === 'PATCH' ? { payload: { business_name: 'Taken Over SAS' } } : {}
    const res = await app.inject({ method: method as 'GET', url, headers: admin, ...payload })
    expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
    await expectMatchesSpec(t, app, res)
  }

  // Ids in bodies name foreign objects the same way.
  const bodyCases: [string, object, string][] = [
    ['/v1/accounts/link', { customer_id: FOREIGN_CUSTOMER, account_type: 'ORDINARY', account_number: '5550009' }, 'accounts'],
    ['/v1/keys', { account_id: FOREIGN_ACCOUNT, key: { key_type: 'PHONE', key_value: '3119990002' } }, 'keys'],
    ['/v1/resolve-key', { customer_id: FOREIGN_CUSTOMER, key: { key_type: 'PHONE', key_value: '3000000009' } }, 'resolve-key'],
    ['/v1/recipients/breb', { customer_id: FOREIGN_CUSTOMER, key: { key_type: 'PHONE', key_value: '3001234568' } }, 'recipients'],
    ['/v1/payments/breb', { account_id: DOCS_ACCOUNT, resolution_id: foreign.resolution_id, amount: { value: '1', currency: 'COP' } }, 'payments'],
    ['/v1/payments/breb/confirm', { id: foreign.payment_id }, 'payments'],
    ['/v1/payments/ach', { account_id: DOCS_ACCOUNT, recipient_id: foreign.ach_recipient_id, amount: { value: '1', currency: 'COP' } }, 'payments'],
    ['/v1/payments/ach', { account_id: FOREIGN_ACCOUNT, recipient_id: foreign.ach_recipient_id, amount: { value: '1', currency: 'COP' } }, 'payments'],
  ]
  for (const [url, payload, resource] of bodyCases) {
    const res = await app.inject({ method: 'POST', url, headers: admin, payload })
    expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity', resource)
    await expectMatchesSpec(t, app, res)
  }

  t.same(await foreignView(app, other, foreign), before, 'the foreign objects are unchanged')
  const still = await app.inject({ url: `/v1/keys/${foreign.key_id}`, headers: other })
  t.match(still.json(), { status: 'ACTIVE' }, 'the foreign key is still ACTIVE')
})

t.test('a list filtered by another entity\'s id matches nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const { admin, foreign } = await setup(app)
  const byName: Record<string, string> = { ...foreign, key_value: FOREIGN_KEY_VALUE }
  const lists = (await documented(app)).filter((r) => r.method === 'GET' && r.path.startsWith('/v1/') && !r.path.includes('{'))
  let checked = 0
  for (const { path, query } of lists) {
    for (const name of query) {
      let value = byName[name]
      if (path === '/v1/recipients' && name === 'recipient_id') value = foreign.recipient_id
      if (value === undefined) continue
      const res = await app.inject({ url: `${path}?${name}=${value}`, headers: admin })
      t.equal(res.statusCode, 200, `${path}?${name}=<foreign> is 200`)
      const body = res.json() as Record<string, unknown>
      const collections = Object.entries(body).filter(([k, v]) => k !== 'pagination_info' && Array.isArray(v))
      t.equal(collections.length, 1, 'one collection in the envelope')
      t.same(collections[0]?.[1], [], `${path}?${name}=<foreign> matches nothing`)
      t.match(body.pagination_info, { total_elements: 0 })
      await expectMatchesSpec(t, app, res)
      checked++
    }
  }
  t.ok(checked >= 15, `${checked} filters checked`)
})

t.test('a payment credits the account behind another entity\'s key, and resolve and validate show its owner', async (t) => {
  const { app } = await buildTestApp(t)
  const { admin, other } = await setup(app)
  const accountBefore = await ok(app.inject({ url: `/v1/accounts/${FOREIGN_ACCOUNT}`, headers: other }), 'foreign account')
  const customer = await ok(app.inject({ url: `/v1/customers/${FOREIGN_CUSTOMER}`, headers: other }), 'foreign customer')

  const resolve = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers: admin, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: FOREIGN_KEY_VALUE } } })
  t.equal(resolve.statusCode, 200)
  await expectMatchesSpec(t, app, resolve)
  const resolution = resolve.json() as { id: string; owner: Record<string, unknown>; account: Record<string, unknown> }
  t.ok(JSON.stringify(resolution.owner).includes(String((customer as { business_name?: string }).business_name ?? customer.first_name)), 'resolve shows the foreign key\'s owner')
  t.notOk(JSON.stringify(resolution).includes(FOREIGN_ACCOUNT), 'nor the foreign account id')

  const validate = await app.inject({ method: 'POST', url: '/v1/validate-key', headers: admin, payload: { key: { key_type: 'PHONE', key_value: FOREIGN_KEY_VALUE } } })
  t.equal(validate.statusCode, 200)
  t.match(validate.json(), { key: 'MATCH' })
  await expectMatchesSpec(t, app, validate)

  const payment = await app.inject({ method: 'POST', url: '/v1/payments/breb', headers: admin, payload: { account_id: DOCS_ACCOUNT, resolution_id: resolution.id, amount: { value: '250', currency: 'COP' } } })
  t.equal(payment.statusCode, 200)
  await expectMatchesSpec(t, app, payment)
  const paymentId = (payment.json() as { id: string }).id
  const settle = await app.inject({ method: 'POST', url: `/_mock/payments/${paymentId}/settle` })
  t.equal(settle.statusCode, 200)
  t.match(settle.json(), { status: 'SETTLED' })
  await expectMatchesSpec(t, app, settle)

  const accountAfter = await ok(app.inject({ url: `/v1/accounts/${FOREIGN_ACCOUNT}`, headers: other }), 'foreign account')
  const available = (a: Record<string, unknown>) => BigInt(String((a.available_balance as { value: string }).value))
  t.equal(available(accountAfter) - available(accountBefore), 250n, 'the foreign account is credited with the amount')
  const inbound = await app.inject({ url: `/v1/payments?account_id=${FOREIGN_ACCOUNT}&direction=INBOUND`, headers: other })
  t.equal(inbound.statusCode, 200)
  t.match(inbound.json(), { payments: [{ direction: 'INBOUND', status: 'SETTLED', amount: { value: '250' } }] })
  await expectMatchesSpec(t, app, inbound)
  // The payer still cannot read the receiver's account.
  const peek = await app.inject({ url: `/v1/accounts/${FOREIGN_ACCOUNT}`, headers: admin })
  expectError(t, peek, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
})

// ---------------------------------------------------------------- secrets in logs and journal

t.test('secrets and tokens never reach the log or the journal', async (t) => {
  let logText = ''
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString()
      done()
    },
  })
  const ADMIN_TOKEN = 'admin-token-never-logged-5'
  const WEBHOOK_SECRET = 'webhook-secret-never-logged-5'
  const config = { ...loadConfig({}), databasePath: ':memory:', logLevel: 'info' as const, mockAdminToken: ADMIN_TOKEN }
  const app = await buildApp(config, { timeSource: new ManualTime('2026-01-15T12:00:00.000Z'), sweepIntervalMs: 0, sleep: async () => {}, logStream })
  t.teardown(() => app.close())
  const adminHeader = { 'x-mock-admin-token': ADMIN_TOKEN }

  const tokens: string[] = []
  const json = await app.inject({ method: 'POST', url: TOKENS, payload: { ...CLIENTS.admin, grant_type: 'client_credentials' } })
  const form = await app.inject({
    method: 'POST',
    url: TOKENS,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...CLIENTS.readonly, grant_type: 'client_credentials' }).toString(),
  })
  const basic = await app.inject({
    method: 'POST',
    url: TOKENS,
    headers: { authorization: `Basic ${Buffer.from(`${CLIENTS.other.client_id}:${CLIENTS.other.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
  })
  for (const res of [json, form, basic]) {
    t.equal(res.statusCode, 200, res.body)
    tokens.push((res.json() as { access_token: string }).access_token)
  }
  // A wrong secret too: it must not be logged either.
  const wrong = await app.inject({ method: 'POST', url: TOKENS, payload: { client_id: CLIENTS.admin.client_id, client_secret: 'wrong-secret-never-logged', grant_type: 'client_credentials' } })
  t.equal(wrong.statusCode, 401)

  for (const token of tokens) {
    const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}?access_token=${token}`, headers: { authorization: `Bearer ${token}` } })
    t.not(res.statusCode, 500)
  }
  const listed = await app.inject({ url: TOKENS, headers: { authorization: `Bearer ${tokens[0]}` } })
  t.equal(listed.statusCode, 200)
  const hook = await app.inject({ method: 'POST', url: '/_mock/webhooks', headers: adminHeader, payload: { url: 'http://127.0.0.1:9/hook', secret: WEBHOOK_SECRET, mode: 'once' } })
  t.equal(hook.statusCode, 201, hook.body)
  const state = await app.inject({ url: '/_mock/state', headers: adminHeader })
  t.equal(state.statusCode, 200)
  const badAdmin = await app.inject({ url: '/_mock/state', headers: { 'x-mock-admin-token': `${ADMIN_TOKEN}-wrong` } })
  t.equal(badAdmin.statusCode, 401)

  const journal = await app.inject({ url: '/_mock/requests?limit=1000', headers: adminHeader })
  t.equal(journal.statusCode, 200)
  await expectMatchesSpec(t, app, journal)
  t.ok(journal.body.includes(TOKENS), 'the journal recorded the token requests')
  t.ok(logText.includes('"url":"/v1/iam/oauth/tokens"'), 'the log recorded the token requests')

  const secrets = [...Object.values(CLIENTS).map((c) => c.client_secret), 'wrong-secret-never-logged', ...tokens, ADMIN_TOKEN, WEBHOOK_SECRET]
  for (const secret of secrets) {
    t.notOk(logText.includes(secret), `the log does not contain ${secret.slice(0, 12)}…`)
    t.notOk(journal.body.includes(secret), `the journal does not contain ${secret.slice(0, 12)}…`)
    t.notOk(journal.body.includes(encodeURIComponent(secret)), `nor its URL-encoded form ${secret.slice(0, 12)}…`)
  }
  const basicValue = Buffer.from(`${CLIENTS.other.client_id}:${CLIENTS.other.client_secret}`).toString('base64')
  t.notOk(logText.includes(basicValue) || journal.body.includes(basicValue), 'nor the Basic credentials')
})
