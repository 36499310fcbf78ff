import { createHash } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { StateRowSchemas } from '../../src/control/state/state.schemas.js'
import { STATE_TABLES } from '../../src/database/state.js'
import { accessToken, bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { DOCS_ACCOUNT, makePayment, OTHER_ACCOUNT, sweepAndSettle } from '../helpers/webhooks.js'

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const BUILTIN_FAULTS = ['7d3e5b1f-0a2c-4e6d-8f9a-000000000500', '7d3e5b1f-0a2c-4e6d-8f9a-000000000504']
const COLLECTIONS = ['format_version', 'entities', 'clients', 'tokens', 'customers', 'accounts', 'keys', 'magic_keys', 'magic_ach_accounts', 'resolutions', 'recipients', 'payments', 'qr_codes', 'webhooks', 'faults', 'payment_authorizations', 'payment_authorization_requests']

type Row = Record<string, unknown>
interface StateDoc {
  format_version: number
  entities: Row[]
  tokens: Row[]
  customers: Row[]
  accounts: Row[]
  keys: Row[]
  payments: Row[]
  [collection: string]: unknown
}

/** 400 invalid_parameter_value from the control plane (`resource` is `_mock`). */
function expectInvalidMock(t: Parameters<typeof expectError>[0], res: LightMyRequestResponse, message: string) {
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
}

async function exportState(app: FastifyInstance): Promise<LightMyRequestResponse> {
  return app.inject({ url: '/_mock/state' })
}

async function rows(app: FastifyInstance): Promise<Record<string, Row[]>> {
  return (await exportState(app)).json() as Record<string, Row[]>
}

async function post(app: FastifyInstance, url: string, payload: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url, headers, payload: payload as object })
  if (res.statusCode >= 300) throw new Error(`${url} failed: ${res.statusCode} ${res.body}`)
  return res.json() as Record<string, unknown> & { id: string }
}

/**
 * A state with a row in every table: a seeded entity with an account and a key, a customer,
 * a key, a resolution and a payment to it (settled, so an INBOUND record too), recipients, a QR
 * code, a webhook endpoint, tokens and a fault rule of its own.
 */
async function fillState(app: FastifyInstance) {
  const seeded = (await post(app, '/_mock/seed', { entity: { name: 'qa-job' }, accounts: [{ available_balance: '100.10' }], keys: [{}] })) as unknown as {
    client: { client_id: string; client_secret: string }
    accounts: { id: string }[]
  }
  const headers = await bearer(app)
  const customer = await post(app, '/v1/customers/business/link', {
    business_name: 'Tienda de Prueba',
    email: 'tienda@example.com',
    mobile_phone_number: '+573001112233',
    identification_type: 'NIT',
    identification_number: '901234567',
    merchant_category_code: '5411',
    address: { line_1: 'Calle 1 # 2-3', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
  }, headers)
  const key = await post(app, '/v1/keys', { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' } }, headers)
  await post(app, '/v1/recipients/breb', { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3009998877' }, alias: 'Proveedor' }, headers)
  await post(app, '/v1/recipients/ach', {
    customer_id: DOCS_CUSTOMER,
    owner: { type: 'BUSINESS', business_name: 'Ferretería', identification_type: 'NIT', identification_number: '900123456' },
    account: { account_type: 'SAVINGS', account_number: '0550123456789', bank_name: 'BANCO DE BOGOTA' },
  }, headers)
  await post(app, '/v1/qrcodes', { key_id: key.id, customer_id: DOCS_CUSTOMER, type: 'STATIC', channel: 'POS', vat: { vat_type: 'FIXED', vat_value: '0' }, inc: { inc_type: 'FIXED', inc_value: '0' } }, headers)
  await post(app, '/_mock/webhooks', { url: 'http://127.0.0.1:9/hooks', secret: 'whsec', mode: 'once' })
  const payment = await makePayment(app, '3001234567', '25.50')
  if (payment.statusCode !== 200) throw new Error(`payment failed: ${payment.body}`)
  // Settle it (held by nothing): the docs account gets an INBOUND record.
  await app.inject({ method: 'POST', url: `/_mock/payments/${payment.json().id}/settle` })
  await post(app, '/_mock/faults', { path: '/v1/qrcodes', status: 503 })
  return { seeded, customer, headers }
}

t.test('reset answers 204 and puts every fixture back: seeded and created objects gone, balances as they were', async (t) => {
  const { app: fresh } = await buildTestApp(t)
  const { app } = await buildTestApp(t)
  await fillState(app)
  const before = await rows(app)
  t.ok(before.payments!.length >= 2 && before.qr_codes!.length === 1 && before.entities!.length === 3, 'the state had a row in every table')

  const res = await app.inject({ method: 'POST', url: '/_mock/reset', payload: { tokens: true } })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)

  const after = await rows(app)
  const pristine = await rows(fresh)
  for (const collection of COLLECTIONS.filter((c) => c !== 'webhooks')) {
    t.same(after[collection], pristine[collection], `${collection}: the same as on a fresh start (the generated fields too)`)
  }
  t.same(after.webhooks, before.webhooks, 'webhook endpoints are kept')
  t.equal(after.webhooks!.length, 1)
  const docs = (await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: await bearer(app) })).json()
  t.same(docs.available_balance, { value: '90000000000000000', currency: 'COP' }, 'the payer’s balance is back')
})

t.test('reset keeps the tokens of the fixtures’ clients, drops a seeded entity’s, and {"tokens": true} drops them all', async (t) => {
  const { app } = await buildTestApp(t)
  const { seeded, headers } = await fillState(app)
  const seededToken = await post(app, '/v1/iam/oauth/tokens', { ...seeded.client, grant_type: 'client_credentials' })
  const other = await bearer(app, 'other')

  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  const kept = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  t.equal(kept.statusCode, 200, 'the default client’s token still works')
  t.equal((await app.inject({ url: `/v1/accounts/${OTHER_ACCOUNT}`, headers: other })).statusCode, 200, 'so does the other entity’s')
  const gone = await app.inject({ url: '/v1/accounts', headers: { authorization: `Bearer ${seededToken.access_token as string}` } })
  expectError(t, gone, 401, 'invalid_token', 'UNAUTHENTICATED', 'The access token is invalid')
  await expectMatchesSpec(t, app, gone)
  t.equal((await rows(app)).tokens!.length, 2 + 1, 'the two fillState tokens of the fixtures’ clients and the other’s')

  const res = await app.inject({ method: 'POST', url: '/_mock/reset', payload: { tokens: true } })
  t.equal(res.statusCode, 204)
  const revoked = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  expectError(t, revoked, 401, 'invalid_token', 'UNAUTHENTICATED', 'The access token is invalid')
  t.same((await rows(app)).tokens, [])
})

t.test('reset brings back removed built-in fault rules and clears the others', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'DELETE', url: `/_mock/faults/${BUILTIN_FAULTS[0]}` })).statusCode, 204)
  await post(app, '/_mock/faults', { account_id: DOCS_ACCOUNT, status: 429, code: 'rate_limited' })
  const headers = await bearer(app)
  t.equal((await app.inject({ url: '/v1/accounts/00000000-0000-4000-8000-000000000500', headers })).statusCode, 200, 'the …0500 rule is gone')
  t.equal((await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })).statusCode, 429)

  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  const faults = (await app.inject({ url: '/_mock/faults' })).json() as { faults: { id: string; builtin: boolean }[] }
  t.same(
    faults.faults.map((f) => [f.id, f.builtin]),
    BUILTIN_FAULTS.map((id) => [id, true]),
  )
  const res = await app.inject({ url: '/v1/accounts/00000000-0000-4000-8000-000000000500', headers })
  expectError(t, res, 500, 'internal_error', 'INTERNAL', 'Internal server error')
  t.equal((await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })).statusCode, 200, 'the added rule is gone')
})

t.test('reset clears webhook deliveries, the clock offset and the journal', async (t) => {
  const { app, time } = await buildTestApp(t)
  await post(app, '/_mock/webhooks', { url: 'http://127.0.0.1:9/hooks', secret: 'whsec', mode: 'retry' })
  t.equal((await makePayment(app)).statusCode, 200)
  await sweepAndSettle(app)
  t.ok((await app.inject({ url: '/_mock/webhooks/deliveries' })).json().deliveries.length > 0, 'an attempt was logged')
  await post(app, '/_mock/clock', { advance_seconds: 3600 })
  t.ok((await app.inject({ url: '/_mock/requests' })).json().requests.length > 0, 'the journal has requests')

  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.same((await app.inject({ url: '/_mock/webhooks/deliveries' })).json(), { deliveries: [] })
  for (const table of ['webhook_events', 'webhook_jobs', 'webhook_deliveries']) {
    t.equal((app.services.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n, 0, `${table} is empty`)
  }
  t.same((await app.inject({ url: '/_mock/clock' })).json(), { now: new Date(time.nowMs()).toISOString(), frozen: false }, 'the clock is wall time again')
  t.same((await app.inject({ url: '/_mock/requests' })).json(), { requests: [] })
  t.equal((await app.inject({ url: '/_mock/webhooks' })).json().webhooks.length, 1, 'the endpoint stays')
})

t.test('reset answers 400 to a bad body and 415 to another media type', async (t) => {
  const { app } = await buildTestApp(t)
  const bad = await app.inject({ method: 'POST', url: '/_mock/reset', payload: { tokens: 'yes' } })
  expectInvalidMock(t, bad, "Field 'tokens' must be a boolean")
  await expectMatchesSpec(t, app, bad)
  const text = await app.inject({ method: 'POST', url: '/_mock/reset', headers: { 'content-type': 'text/plain' }, payload: 'tokens' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type', '_mock')
  await expectMatchesSpec(t, app, text)
})

t.test('exports every table: exact money in minor units, client secrets, token hashes and never a token', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await accessToken(app)
  const res = await exportState(app)
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  const doc = res.json() as Record<string, Row[]> & { format_version: number }
  t.same(Object.keys(doc), COLLECTIONS)
  t.equal(doc.format_version, 1)
  t.match(doc.accounts![0], { id: DOCS_ACCOUNT, customer_id: DOCS_CUSTOMER, account_number: '88827643001', available_minor: '9000000000000000000', pending_minor: '0' })
  t.match(doc.accounts!.find((a) => a.id === '00000000-0000-4000-8000-000000000003'), { available_minor: '100000', pending_minor: '25050' })
  t.match(doc.clients![0], { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', scopes: ['iam.*', 'paas.core.*'] })
  t.same(
    doc.tokens!.map((row) => row.token_hash),
    [createHash('sha256').update(token).digest('hex')],
  )
  t.notOk(res.body.includes(token), 'the access token itself is nowhere')
  t.same(
    doc.faults!.map((f) => [f.id, f.builtin]),
    BUILTIN_FAULTS.map((id) => [id, true]),
  )
  t.same(doc.magic_keys!.map((m) => m.key_value), ['3000000002', '3000000009', '3000000404'])
})

t.test('an export imported into a fresh app exports identically, and the app behaves the same', async (t) => {
  const { app: source } = await buildTestApp(t)
  const { headers } = await fillState(source)
  const exported = await exportState(source)

  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json' }, payload: exported.body })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)

  const again = await exportState(app)
  t.equal(again.body, exported.body, 'byte for byte the same export')
  const marks = (a: FastifyInstance) => a.services.db.prepare('SELECT id, paid FROM resolutions ORDER BY id').all() as { id: string; paid: number }[]
  t.ok(marks(source).some((r) => r.paid === 1), 'the source has a paid resolution')
  t.same(marks(app), marks(source), 'the imported payments marked their resolutions paid again (0013), a mark the export leaves out')
  t.notOk(exported.body.includes('"paid"'), 'no paid field in the document')
  const account = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  t.equal(account.statusCode, 200, 'a token issued by the source works here: its hash came along')
  t.same(account.json(), (await source.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })).json())
  const faulted = await app.inject({ url: '/v1/qrcodes', headers })
  t.equal(faulted.statusCode, 503, 'the imported fault rule applies at once')
})

t.test('an invalid import answers 400 naming the field and changes nothing', async (t) => {
  const { app } = await buildTestApp(t)
  await fillState(app)
  const before = (await exportState(app)).body
  const cases: [string, (doc: StateDoc) => unknown, string][] = [
    ['another version', (d) => ({ ...d, format_version: 2 }), "Field 'format_version' must be 1"],
    ['a missing collection', (d) => ({ ...d, tokens: undefined }), "Field 'tokens' is required"],
    ['a number for money', (d) => (d.accounts[0]!.available_minor = 9000, d), "Field 'accounts[0].available_minor' must be a string"],
    ['decimals in minor units', (d) => (d.accounts[1]!.pending_minor = '12.5', d), "Field 'accounts[1].pending_minor' must match ^(0|[1-9][0-9]*)$"],
    ['an unknown field', (d) => (d.customers[2]!.nickname = 'x', d), "Field 'customers[2].nickname' is not allowed"],
    ['a timestamp without milliseconds', (d) => (d.entities[0]!.created_at = '2025-10-09T00:00:00Z', d), "Field 'entities[0].created_at' must match ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"],
    ['a dangling customer', (d) => (d.accounts[0]!.customer_id = '11111111-1111-4111-8111-111111111111', d), "Field 'accounts[0].customer_id' names no customer of the document"],
    ['a customer of another entity', (d) => (d.accounts[0]!.entity_id = d.entities[1]!.id, d), "Field 'accounts[0].customer_id' names a customer of another entity"],
    [
      'a repeated account number',
      (d) => (d.accounts.push({ ...d.accounts[0]!, id: '11111111-1111-4111-8111-111111111111' }), d),
      '', // filled below: the index depends on the count
    ],
    ['a repeated key value', (d) => (d.keys.push({ ...d.keys[0]!, id: '11111111-1111-4111-8111-111111111111' }), d), ''],
    ['a token of an unknown client', (d) => (d.tokens[0]!.client_id = 'nobody', d), "Field 'tokens[0].client_id' names no client of the document"],
    ['a second payment of one resolution', (d) => (d.payments.push({ ...(d.payments.find((p) => p.direction === 'OUTBOUND') as Row), id: '11111111-1111-4111-8111-111111111111' }), d), ''],
  ]
  for (const [name, mutate, message] of cases) {
    const doc = JSON.parse(before) as StateDoc
    const n = { accounts: doc.accounts.length, keys: doc.keys.length, payments: doc.payments.length }
    const expected =
      message ||
      (name.includes('account number')
        ? `Field 'accounts[${n.accounts}].account_number' repeats accounts[0].account_number`
        : name.includes('key value')
          ? `Field 'keys[${n.keys}].key_value' repeats keys[0].key_value`
          : `Field 'payments[${n.payments}].resolution_id' repeats payments[${doc.payments.findIndex((p) => p.direction === 'OUTBOUND')}].resolution_id`)
    const res = await app.inject({ method: 'PUT', url: '/_mock/state', payload: mutate(doc) as object })
    expectInvalidMock(t, res, expected)
    await expectMatchesSpec(t, app, res)
    t.equal((await exportState(app)).body, before, `${name}: nothing changed`)
  }
  const array = await app.inject({ method: 'PUT', url: '/_mock/state', payload: [] })
  expectInvalidMock(t, array, 'The request body must be a JSON object')
})

t.test('an import takes bodies up to MOCK_BODY_LIMIT: 413 above it, while a large state goes through under the default', async (t) => {
  const { app: small } = await buildTestApp(t, { mockBodyLimit: 4096 })
  const exported = await exportState(small)
  t.ok(exported.body.length > 4096)
  const res = await small.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json' }, payload: exported.body })
  expectError(t, res, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large', '_mock')
  await expectMatchesSpec(t, small, res)

  const { app: source } = await buildTestApp(t)
  await post(source, '/_mock/seed', { accounts: Array.from({ length: 5000 }, () => ({ available_balance: '1.01' })) })
  const large = await exportState(source)
  t.ok(large.body.length > 1024 * 1024, `an export of ${large.body.length} bytes, over /v1’s 1 MiB`)
  const { app } = await buildTestApp(t)
  const imported = await app.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json' }, payload: large.body })
  t.equal(imported.statusCode, 204)
  t.equal((await exportState(app)).body, large.body)
})

t.test('reset, export, import and seed need the admin token when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'let-me-in' })
  const calls = [
    { method: 'POST' as const, url: '/_mock/reset', status: 204 },
    { method: 'GET' as const, url: '/_mock/state', status: 200 },
    { method: 'POST' as const, url: '/_mock/seed', payload: { customers: [{}] }, status: 200 },
  ]
  for (const call of calls) {
    const missing = await app.inject({ method: call.method, url: call.url, ...(call.payload && { payload: call.payload }) })
    expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, missing)
    const wrong = await app.inject({ method: call.method, url: call.url, headers: { 'x-mock-admin-token': 'guess' }, ...(call.payload && { payload: call.payload }) })
    expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
    const ok = await app.inject({ method: call.method, url: call.url, headers: { 'x-mock-admin-token': 'let-me-in' }, ...(call.payload && { payload: call.payload }) })
    t.equal(ok.statusCode, call.status, `${call.method} ${call.url} with the token`)
    await expectMatchesSpec(t, app, ok)
  }
  const exported = (await app.inject({ url: '/_mock/state', headers: { 'x-mock-admin-token': 'let-me-in' } })).body
  const put = await app.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json' }, payload: exported })
  expectError(t, put, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
  const allowed = await app.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json', 'x-mock-admin-token': 'let-me-in' }, payload: exported })
  t.equal(allowed.statusCode, 204)
})

t.test('the state document covers every column of every table but delivery history, so nothing is lost on a round trip', async (t) => {
  const { app } = await buildTestApp(t)
  const db = app.services.db
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
  const history = ['payment_authorization_attempts', 'webhook_deliveries', 'webhook_events', 'webhook_jobs']
  const covered = STATE_TABLES.map((spec) => spec.table)
  t.same([...covered, ...history].sort(), tables, 'each table is state or delivery history (a new table must be added to src/database/state.ts)')
  for (const spec of STATE_TABLES) {
    const columns = (db.prepare(`PRAGMA table_info(${spec.table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => !spec.derived?.[c])
    const schema = StateRowSchemas[spec.collection] as { properties: Record<string, unknown>; required?: string[] }
    t.same(Object.keys(schema.properties).sort(), [...columns].sort(), `${spec.collection}: the schema names exactly the columns of ${spec.table}`)
    t.same([...(schema.required ?? [])].sort(), [...columns].sort(), `${spec.collection}: every column is required`)
  }
})
