import type { FastifyInstance } from 'fastify'
import { PNG } from 'pngjs'
import t from 'tap'
import { bearer, type ClientName } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { DEFAULT_ENTITY, DOCS_ACCOUNT, makePayment, OTHER_ACCOUNT, OTHER_CUSTOMER, OTHER_ENTITY } from '../helpers/webhooks.js'

// Issue 14: the console's keys, tokens, recipients and QR codes tabs read these /_mock views, and
// its key and token buttons call these actions; payments gain q and names beside ids.

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_CUSTOMER_NAME = 'changing'
const DOCS_ACCOUNT_NUMBER = '88827643001'

async function newKey(app: FastifyInstance, keyValue: string, accountId = DOCS_ACCOUNT, client: ClientName = 'admin'): Promise<{ id: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/keys', headers: await bearer(app, client), payload: { account_id: accountId, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (res.statusCode !== 200) throw new Error(`key registration failed: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string }
}

t.test('GET /_mock/keys lists every entity’s keys with the account number and customer name; q finds one', async (t) => {
  const { app, time } = await buildTestApp(t)
  const mine = await newKey(app, '3004440001')
  time.advance(1)
  const theirs = await newKey(app, '3004440002', OTHER_ACCOUNT, 'other')
  const res = await app.inject({ url: '/_mock/keys' })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  t.match(res.json().keys, [
    { id: mine.id, entity_id: DEFAULT_ENTITY, customer_id: DOCS_CUSTOMER, account_id: DOCS_ACCOUNT, account_number: DOCS_ACCOUNT_NUMBER, customer_name: DOCS_CUSTOMER_NAME, status: 'ACTIVE', key: { key_type: 'PHONE', key_value: '3004440001' } },
    { id: theirs.id, entity_id: OTHER_ENTITY, customer_id: OTHER_CUSTOMER, account_id: OTHER_ACCOUNT },
  ])
  const asV1 = (await app.inject({ url: `/v1/keys/${mine.id}`, headers: await bearer(app) })).json()
  const { entity_id: _e, customer_id: _c, account_number: _n, customer_name: _m, ...rest } = res.json().keys[0]
  t.same(rest, asV1, 'the /v1 key object plus the owners')

  const ids = async (query: string) => {
    const r = await app.inject({ url: `/_mock/keys?${query}` })
    t.equal(r.statusCode, 200, query)
    await expectMatchesSpec(t, app, r)
    return (r.json().keys as { id: string }[]).map((k) => k.id)
  }
  t.same(await ids('q=300444000'), [mine.id, theirs.id], 'a value prefix')
  t.same(await ids('q=3004440002'), [theirs.id], 'a value')
  t.same(await ids(`q=${mine.id}`), [mine.id], 'a key id')
  t.same(await ids(`q=${OTHER_ACCOUNT}`), [theirs.id], 'an account id')
  t.same(await ids(`q=${DOCS_CUSTOMER}`), [mine.id], 'a customer id')
  t.same(await ids(`entity_id=${OTHER_ENTITY}`), [theirs.id])
  t.same(await ids('status=suspended'), [])
  t.same(await ids('q=999'), [], 'no match is 200 []')
})

t.test('suspends, activates and deletes any entity’s key with the API’s own rules', async (t) => {
  const { app, time } = await buildTestApp(t)
  const key = await newKey(app, '3004440003', OTHER_ACCOUNT, 'other')
  time.advance(1000)
  const suspended = await app.inject({ method: 'PATCH', url: `/_mock/keys/${key.id}/suspend` })
  t.equal(suspended.statusCode, 200)
  await expectMatchesSpec(t, app, suspended)
  t.match(suspended.json(), { id: key.id, status: 'SUSPENDED', entity_id: OTHER_ENTITY, updated_at: '2026-01-15T12:00:01.000Z' })
  const owner = await bearer(app, 'other')
  t.equal((await app.inject({ url: `/v1/keys/${key.id}`, headers: owner })).json().status, 'SUSPENDED', 'the owner sees it suspended')

  const again = await app.inject({ method: 'PATCH', url: `/_mock/keys/${key.id}/suspend` })
  expectError(t, again, 409, 'invalid_state', 'FAILED_PRECONDITION', 'The key is already SUSPENDED', '_mock')
  await expectMatchesSpec(t, app, again)

  const active = await app.inject({ method: 'PATCH', url: `/_mock/keys/${key.id}/activate`, headers: { 'content-type': 'application/json' }, payload: '{}' })
  t.equal(active.statusCode, 200, 'an empty JSON body is accepted')
  t.equal(active.json().status, 'ACTIVE')

  const deleted = await app.inject({ method: 'DELETE', url: `/_mock/keys/${key.id}` })
  t.equal(deleted.statusCode, 204)
  t.equal(deleted.body, '')
  await expectMatchesSpec(t, app, deleted)
  t.equal((await app.inject({ url: `/v1/keys/${key.id}`, headers: owner })).statusCode, 404, 'gone for its owner')
  await newKey(app, '3004440003')
  t.pass('and the value can be registered again')

  for (const [method, url] of [
    ['PATCH', `/_mock/keys/${key.id}/activate`],
    ['DELETE', `/_mock/keys/${key.id}`],
  ] as const) {
    const missing = await app.inject({ method, url })
    t.equal(missing.statusCode, 404, `${method} ${url}`)
    t.equal(missing.json().code, 'key_not_found')
    await expectMatchesSpec(t, app, missing)
  }
  const bad = await app.inject({ method: 'PATCH', url: '/_mock/keys/nope/suspend' })
  expectError(t, bad, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'key_id' must be a UUID", '_mock')
  await expectMatchesSpec(t, app, bad)
})

t.test('GET /_mock/tokens shows each token’s state on the mock’s clock and never the token; DELETE revokes', async (t) => {
  const { app, time } = await buildTestApp(t, { tokenTtlSeconds: 60 })
  const first = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' } })
  time.advance(30_000)
  const second = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: 'passport-mock-other', client_secret: 'passport-mock-other-secret', grant_type: 'client_credentials' } })
  time.advance(31_000)
  const list = await app.inject({ url: '/_mock/tokens' })
  t.equal(list.statusCode, 200)
  await expectMatchesSpec(t, app, list)
  const { createHash } = await import('node:crypto')
  const hashOf = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 12)
  t.match(list.json().tokens, [
    { token_id: first.json().token_id, entity_id: DEFAULT_ENTITY, client_id: 'passport-mock-client', status: 'EXPIRED', expires_in: 0, revoked_at: null, token_hash_prefix: hashOf(first.json().access_token) },
    { token_id: second.json().token_id, entity_id: OTHER_ENTITY, client_id: 'passport-mock-other', status: 'ACTIVE', expires_in: 29, revoked_at: null },
  ])
  for (const issued of [first, second]) t.notOk(list.body.includes(issued.json().access_token), 'the access token is never shown')
  t.same(
    (await app.inject({ url: `/_mock/tokens?entity_id=${OTHER_ENTITY}` })).json().tokens.map((r: { token_id: string }) => r.token_id),
    [second.json().token_id],
  )
  t.same((await app.inject({ url: '/_mock/tokens?client_id=passport-mock-readonly' })).json().tokens, [])

  const revoked = await app.inject({ method: 'DELETE', url: `/_mock/tokens/${second.json().token_id}` })
  t.equal(revoked.statusCode, 200)
  await expectMatchesSpec(t, app, revoked)
  t.match(revoked.json(), { token_id: second.json().token_id, status: 'REVOKED', expires_in: 0, revoked_at: '2026-01-15T12:01:01.000Z' })
  const refused = await app.inject({ url: '/v1/accounts', headers: { authorization: `Bearer ${second.json().access_token}` } })
  t.equal(refused.json().code, 'token_revoked', 'the revoked token is refused by /v1')
  const twice = await app.inject({ method: 'DELETE', url: `/_mock/tokens/${second.json().token_id}` })
  t.equal(twice.statusCode, 404, 'already revoked: 404, as the revoke page words it')
  t.equal(twice.json().code, 'token_not_found')
  await expectMatchesSpec(t, app, twice)
  const expiredRevoked = await app.inject({ method: 'DELETE', url: `/_mock/tokens/${first.json().token_id}` })
  t.equal(expiredRevoked.json().status, 'REVOKED', 'an expired token can still be revoked')
})

t.test('GET /_mock/recipients lists Bre-B and ACH recipients of every entity with the customer name', async (t) => {
  const { app, time } = await buildTestApp(t)
  const breb = await app.inject({
    method: 'POST',
    url: '/v1/recipients/breb',
    headers: await bearer(app),
    payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3009998877' }, alias: 'Proveedor' },
  })
  t.equal(breb.statusCode, 200, breb.body)
  time.advance(1)
  const ach = await app.inject({
    method: 'POST',
    url: '/v1/recipients/ach',
    headers: await bearer(app, 'other'),
    payload: {
      customer_id: OTHER_CUSTOMER,
      owner: { type: 'BUSINESS', business_name: 'Proveedor SAS', identification_type: 'NIT', identification_number: '900123456' },
      account: { account_type: 'CHECKING', account_number: '1234567890', bank_name: 'BANCO DE OCCIDENTE' },
    },
  })
  t.equal(ach.statusCode, 200, ach.body)
  const res = await app.inject({ url: '/_mock/recipients' })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  t.same(res.json().recipients, [
    { ...breb.json(), entity_id: DEFAULT_ENTITY, customer_name: DOCS_CUSTOMER_NAME },
    { ...ach.json(), entity_id: OTHER_ENTITY, customer_name: res.json().recipients[1].customer_name },
  ])
  t.type(res.json().recipients[1].customer_name, 'string')
  const types = async (query: string) => ((await app.inject({ url: `/_mock/recipients?${query}` })).json().recipients as { type: string }[]).map((r) => r.type)
  t.same(await types('type=ach'), ['ACH'])
  t.same(await types(`entity_id=${DEFAULT_ENTITY}`), ['BREB'])
  t.same(await types(`customer_id=${OTHER_CUSTOMER}`), ['ACH'])
})

t.test('GET /_mock/qrcodes shows each QR code’s PNG and its payload decoded into fields', async (t) => {
  const { app } = await buildTestApp(t)
  const empty = await app.inject({ url: '/_mock/qrcodes' })
  t.same(empty.json().qr_codes, [], 'none at all is 200 [], not the 404 of /v1')
  await expectMatchesSpec(t, app, empty)
  const key = await newKey(app, '3004440004')
  const created = await app.inject({
    method: 'POST',
    url: '/v1/qrcodes',
    headers: await bearer(app),
    payload: { key_id: key.id, customer_id: DOCS_CUSTOMER, type: 'DYNAMIC', channel: 'POS', amount: { value: '14907', currency: 'COP' }, vat: { vat_type: 'FIXED', vat_value: '0' }, inc: { inc_type: 'FIXED', inc_value: '0' } },
  })
  t.equal(created.statusCode, 200, created.body)
  const res = await app.inject({ url: '/_mock/qrcodes' })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  const [view] = res.json().qr_codes
  const { entity_id, customer_name, decoded, data_objects, ...v1 } = view
  t.same(v1, created.json(), 'the /v1 QR object, its PNG included')
  t.equal(entity_id, DEFAULT_ENTITY)
  t.equal(customer_name, DOCS_CUSTOMER_NAME)
  const image = PNG.sync.read(Buffer.from(view.qr_code_image, 'base64'))
  t.ok(image.width > 0 && image.height > 0, `the PNG reads (${image.width}×${image.height})`)
  const decodeAnswer = await app.inject({ method: 'POST', url: '/v1/qrcodes/decode', headers: await bearer(app), payload: { customer_id: DOCS_CUSTOMER, qr_code_data: view.qr_code_data } })
  t.same(decoded, decodeAnswer.json(), 'decoded is what POST /v1/qrcodes/decode answers')
  t.match(decoded, { type: 'DYNAMIC', key: { key_type: 'PHONE', key_value: '3004440004' }, amount: { value: '14907', currency: 'COP' }, merchant: { merchant_name: 'changing' } })
  t.same(data_objects[0], { id: '00', value: '01' }, 'the payload format indicator first')
  t.equal(data_objects.at(-1).id, '63', 'the CRC last')
  t.equal(data_objects.map((o: { id: string; value: string }) => `${o.id}${String(o.value.length).padStart(2, '0')}${o.value}`).join(''), view.qr_code_data, 'the data objects are the whole payload')
  t.same((await app.inject({ url: `/_mock/qrcodes?entity_id=${OTHER_ENTITY}` })).json().qr_codes, [])
})

t.test('GET /_mock/payments: names beside ids, and q by id, end-to-end id, key value or account number', async (t) => {
  const { app, time } = await buildTestApp(t)
  const outbound = (await makePayment(app, '3001112222', '10.50')).json()
  time.advance(1)
  const inbound = (await app.inject({ method: 'POST', url: '/_mock/simulations/inbound-payment', payload: { account_id: DOCS_ACCOUNT, amount: { value: '99', currency: 'COP' } } })).json()
  const all = await app.inject({ url: '/_mock/payments' })
  await expectMatchesSpec(t, app, all)
  t.match(all.json().payments, [
    { id: outbound.id, account_id: OTHER_ACCOUNT, account_number: String, customer_name: String },
    { id: inbound.id, account_id: DOCS_ACCOUNT, account_number: DOCS_ACCOUNT_NUMBER, customer_name: DOCS_CUSTOMER_NAME },
  ])
  const ids = async (q: string) => {
    const res = await app.inject({ url: `/_mock/payments?q=${encodeURIComponent(q)}` })
    t.equal(res.statusCode, 200, q)
    await expectMatchesSpec(t, app, res)
    return (res.json().payments as { id: string }[]).map((p) => p.id)
  }
  t.same(await ids(outbound.id), [outbound.id], 'a payment id')
  t.same(await ids(inbound.end_to_end_identification), [inbound.id], 'an end-to-end id')
  t.same(await ids(outbound.end_to_end_identification.slice(0, 20)), [outbound.id], 'an end-to-end id prefix')
  t.same(await ids('3001112222'), [outbound.id], 'a key value')
  t.same(await ids('300111'), [outbound.id], 'a key value prefix')
  t.same(await ids(DOCS_ACCOUNT_NUMBER), [inbound.id], 'an account number')
  t.same(await ids('zzz'), [], 'no match is 200 []')
  const long = await app.inject({ url: `/_mock/payments?q=${'9'.repeat(201)}` })
  expectError(t, long, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'q' must be at most 200 characters long", '_mock')
  await expectMatchesSpec(t, app, long)
})

t.test('q finds a payment among 100,000 in well under 200 ms', async (t) => {
  const { app } = await buildTestApp(t)
  // 100,000 payments written straight into the table (the API would take minutes): copies of one
  // real payment with their own ids, end-to-end ids and key values, on the fixtures' accounts.
  const seed = (await makePayment(app)).json()
  const db = app.services.db
  const started = performance.now()
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
    INSERT INTO payments (id, entity_id, account_id, customer_id, direction, type, status, resolution_id, amount_minor, qr_code_reference, end_to_end_identification,
      receiver, sender, key_type, key_value, outcome, created_at, updated_at)
    SELECT printf('00000000-0000-4000-8000-%012d', i), entity_id, account_id, customer_id, direction, type, 'SETTLED', NULL, amount_minor, qr_code_reference,
      printf('E2E%020d', i), receiver, sender, key_type, printf('31%08d', i), outcome, created_at, updated_at
    FROM n, payments WHERE payments.id = '${seed.id}'`)
  t.comment(`100,000 payments inserted in ${(performance.now() - started).toFixed(0)} ms`)
  const search = async (q: string) => {
    const started = performance.now()
    const res = await app.inject({ url: `/_mock/payments?q=${encodeURIComponent(q)}&page_size=50&order_direction=DESC` })
    const ms = performance.now() - started
    t.equal(res.statusCode, 200, q)
    return { body: res.json() as { payments: { id: string }[]; pagination_info: { total_elements: number } }, ms }
  }
  const cases: [string, number][] = [
    ['00000000-0000-4000-8000-000000054321', 1],
    ['E2E00000000000000054321', 1],
    ['3100054321', 1],
    ['310005432', 10],
  ]
  for (const [q, count] of cases) {
    await search(q)
    const { body, ms } = await search(q)
    t.equal(body.pagination_info.total_elements, count, `q=${q}: ${count} of 100,001`)
    t.ok(ms < 200, `q=${q} answered in ${ms.toFixed(1)} ms`)
  }
  await search('88827643')
  const byAccount = await search('88827643')
  t.equal(byAccount.body.pagination_info.total_elements, 0, 'an account number prefix with no payments')
  t.ok(byAccount.ms < 200, `account number prefix answered in ${byAccount.ms.toFixed(1)} ms`)
})

t.test('the console’s new views need the admin token when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'qa-secret' })
  for (const [method, url] of [
    ['GET', '/_mock/keys'],
    ['GET', '/_mock/tokens'],
    ['GET', '/_mock/recipients'],
    ['GET', '/_mock/qrcodes'],
    ['PATCH', '/_mock/keys/00000000-0000-4000-8000-000000000001/suspend'],
    ['DELETE', '/_mock/keys/00000000-0000-4000-8000-000000000001'],
    ['DELETE', '/_mock/tokens/00000000-0000-4000-8000-000000000001'],
  ] as const) {
    const missing = await app.inject({ method, url })
    expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, missing)
  }
  t.equal((await app.inject({ url: '/_mock/tokens', headers: { 'x-mock-admin-token': 'qa-secret' } })).statusCode, 200)
})
