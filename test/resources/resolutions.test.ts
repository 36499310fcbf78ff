import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { type ClientName, bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError, expectInvalid, expectBodyParsingErrors } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Contract 2: the mock's own keys answer the docs' participant and node (https://docs.passportfintech.com/EN/resolve-recipient).
const INTERNAL_PARTICIPANT = { name: '', identification_number: '123456789' }
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'
/** The other entity's customer and account (CONTRACT §6). */
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const FOREIGN_ACCOUNT = '00000000-0000-4000-8000-000000000403'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const THIRTY_MINUTES_MS = 30 * 60 * 1000
/** CONTRACT §6: never resolves. */
const NEVER_RESOLVES = { key_type: 'PHONE', key_value: '3000000404' }

interface Owner {
  type: string
  identification_type: string
  identification_number: string
  business_name: string
  first_name: string
  second_name: string
  first_last_name: string
  second_last_name: string
}

interface ResolutionBody {
  id: string
  resolution_id: string
  customer_id: string
  key: { key_type: string; key_value: string }
  owner: Owner
  participant: { name: string; identification_number: string }
  account: { account_type: string; account_number: string }
  receptor_node: string
  resolved_at: string
  expires_at: string
  created_at: string
  updated_at: string
}

async function resolveKey(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url: '/v1/resolve-key', headers: await bearer(app, client), payload: payload as object })
}

async function validateKey(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url: '/v1/validate-key', headers: await bearer(app, client), payload: payload as object })
}

async function registerKey(app: FastifyInstance, accountId: string, key: { key_type: string; key_value: string }, client: ClientName = 'admin', displayName?: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: await bearer(app, client),
    payload: { account_id: accountId, key, ...(displayName !== undefined && { display_name: displayName }) },
  })
  if (res.statusCode !== 200) throw new Error(`key registration failed: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string }
}

async function read<T>(app: FastifyInstance, url: string, client: ClientName): Promise<T> {
  const res = await app.inject({ url, headers: await bearer(app, client) })
  if (res.statusCode !== 200) throw new Error(`GET ${url} failed: ${res.statusCode} ${res.body}`)
  return res.json() as T
}

// ---------------------------------------------------------------------------------------------
// POST /v1/resolve-key

t.test('resolves a key registered in the other entity to that customer, its account and the sponsor bank', async (t) => {
  const { app, time } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3702222329' }
  await registerKey(app, FOREIGN_ACCOUNT, key, 'other')
  const customer = await read<{ business_name: string; identification_type: string; identification_number: string }>(app, `/v1/customers/${OTHER_CUSTOMER}`, 'other')
  const account = await read<{ account_type: string; account_number: string }>(app, `/v1/accounts/${FOREIGN_ACCOUNT}`, 'other')
  time.advance(7000)

  const res = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key })
  t.equal(res.statusCode, 200)
  const body = res.json() as ResolutionBody
  t.match(body.id, UUID)
  t.same(body, {
    id: body.id,
    resolution_id: body.id,
    type: 'BREB',
    customer_id: DOCS_CUSTOMER,
    key,
    owner: {
      type: 'BUSINESS',
      identification_type: customer.identification_type,
      identification_number: customer.identification_number,
      business_name: customer.business_name,
      first_name: '',
      second_name: '',
      first_last_name: '',
      second_last_name: '',
    },
    participant: INTERNAL_PARTICIPANT,
    account: { account_type: account.account_type, account_number: account.account_number },
    receptor_node: 'VIS',
    resolved_at: '2026-01-15T12:00:07.000Z',
    expires_at: '2026-01-15T12:30:07.000Z',
    created_at: '2026-01-15T12:00:07.000Z',
    updated_at: '2026-01-15T12:00:07.000Z',
  })
  t.ok(customer.business_name.length > 0, 'the owner carries a real name')
  await expectMatchesSpec(t, app, res)
})

t.test('resolves a key with a display name to that name as the owner’s business_name', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'ALPHA', key_value: '@tienda2025' }
  await registerKey(app, DOCS_ACCOUNT, key, 'admin', 'Tienda La Esquina')
  const res = await resolveKey(app, { customer_id: SECOND_CUSTOMER, key })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    customer_id: SECOND_CUSTOMER,
    owner: { type: 'BUSINESS', business_name: 'Tienda La Esquina', identification_type: 'NIT', identification_number: '903978023' },
    participant: INTERNAL_PARTICIPANT,
    account: { account_type: 'ORDINARY', account_number: '88827643001' },
    receptor_node: 'VIS',
  })
  await expectMatchesSpec(t, app, res)
})

t.test('resolves MOBILE and an upper-case e-mail to the registered key, answered in canonical form', async (t) => {
  const { app } = await buildTestApp(t)
  await registerKey(app, DOCS_ACCOUNT, { key_type: 'PHONE', key_value: '3123185778' })
  await registerKey(app, DOCS_ACCOUNT, { key_type: 'EMAIL', key_value: 'pagos@tienda.co' })
  for (const [sent, answered] of [
    [
      { key_type: 'MOBILE', key_value: '3123185778' },
      { key_type: 'PHONE', key_value: '3123185778' },
    ],
    [
      { key_type: 'EMAIL', key_value: 'PAGOS@Tienda.CO' },
      { key_type: 'EMAIL', key_value: 'pagos@tienda.co' },
    ],
  ]) {
    const res = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key: sent })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { key: answered, receptor_node: 'VIS', account: { account_number: '88827643001' } })
    t.same(Object.keys((res.json() as ResolutionBody).key), ['key_type', 'key_value'])
    await expectMatchesSpec(t, app, res)
  }
})

t.test('resolves a value registered nowhere to a generated owner at an outside bank, the same every time', async (t) => {
  const { app, time } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3975999158' }
  const first = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key })
  t.equal(first.statusCode, 200)
  await expectMatchesSpec(t, app, first)
  const a = first.json() as ResolutionBody
  t.equal(a.receptor_node, 'BRB')
  t.not(a.participant.name, INTERNAL_PARTICIPANT.name, 'not the sponsor bank')
  t.match(a.owner.identification_number, /^[0-9]+$/)
  t.ok(a.owner.business_name !== '' || (a.owner.first_name !== '' && a.owner.first_last_name !== ''), 'the owner has a name')
  t.match(a.account.account_number, /^[0-9]+$/)

  time.advance(60_000)
  const second = await resolveKey(app, { customer_id: SECOND_CUSTOMER, key })
  const b = second.json() as ResolutionBody
  t.not(b.id, a.id, 'a new resolution')
  t.same({ owner: b.owner, participant: b.participant, account: b.account }, { owner: a.owner, participant: a.participant, account: a.account }, 'the same owner on a second call')

  // Two fresh apps (another database, another process state) derive the same owner from the value.
  const fresh = await buildTestApp(t)
  const third = (await resolveKey(fresh.app, { customer_id: DOCS_CUSTOMER, key })).json() as ResolutionBody
  t.same({ owner: third.owner, participant: third.participant, account: third.account }, { owner: a.owner, participant: a.participant, account: a.account }, 'the same owner in a fresh app')
})

t.test('derives different owners for different unregistered values', async (t) => {
  const { app } = await buildTestApp(t)
  const owners = new Set<string>()
  for (const key_value of ['3000000101', '3000000102', '3000000103', '3000000104', '3000000105']) {
    const res = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value } })
    t.equal(res.statusCode, 200)
    owners.add(JSON.stringify((res.json() as ResolutionBody).owner))
  }
  t.ok(owners.size > 1, `${owners.size} distinct owners for five values`)
})

t.test('answers 404 key_not_found for a SUSPENDED key, and resolves it again once activated', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'BCODE', key_value: '0016027228' }
  const { id } = await registerKey(app, FOREIGN_ACCOUNT, key, 'other')
  const headers = await bearer(app, 'other')
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/keys/${id}/suspend`, headers })).statusCode, 200)
  const res = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key })
  expectError(t, res, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
  await expectMatchesSpec(t, app, res)
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/keys/${id}/activate`, headers })).statusCode, 200)
  const again = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key })
  t.equal(again.statusCode, 200)
  t.match(again.json(), { receptor_node: 'VIS' })
})

t.test('answers 404 key_not_found for the reserved PHONE 3000000404, sent as PHONE or MOBILE', async (t) => {
  const { app } = await buildTestApp(t)
  for (const key_type of ['PHONE', 'MOBILE']) {
    const res = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key: { key_type, key_value: '3000000404' } })
    expectError(t, res, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('resolves a deleted key’s value as a value registered nowhere', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3123185778' }
  const { id } = await registerKey(app, DOCS_ACCOUNT, key)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: await bearer(app) })).statusCode, 204)
  const res = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { receptor_node: 'BRB' })
  t.not((res.json() as ResolutionBody).account.account_number, '88827643001')
})

t.test('answers 400 naming the field for a malformed resolve-key body', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3975999158' }
  const cases: [unknown, string][] = [
    [{ key }, "Field 'customer_id' is required"],
    [{ customer_id: DOCS_CUSTOMER }, "Field 'key' is required"],
    [{ customer_id: 'nope', key }, "Field 'customer_id' must be a UUID"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'M', key_value: '3975999158' } }, "Field 'key.key_type' must be one of: ID, PHONE, EMAIL, ALPHA, BCODE, MOBILE"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '+573975999158' } }, "Field 'key.key_value' must be a 10-digit mobile number starting with 3, without +57"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'ID', key_value: '1234-5' } }, "Field 'key.key_value' must be 1 to 18 letters or digits"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'EMAIL', key_value: `${'a'.repeat(31)}@x.co` } }, "Field 'key.key_value' must be an email of at most 92 characters, with at most 30 before the @ and 61 after it"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'ALPHA', key_value: '@abcdef' } }, "Field 'key.key_value' must be @ followed by 5 to 20 letters and digits, with at least one of each"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'BCODE', key_value: '1016027228' } }, "Field 'key.key_value' must be 10 digits starting with 00"],
  ]
  for (const [payload, message] of cases) {
    const res = await resolveKey(app, payload)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('checks the key before the customer, and the customer before the directory', async (t) => {
  const { app } = await buildTestApp(t)
  const badKey = await resolveKey(app, { customer_id: randomUUID(), key: { key_type: 'PHONE', key_value: '123' } })
  t.equal(badKey.statusCode, 400, 'a bad key for an unknown customer is 400')
  const unknown = await resolveKey(app, { customer_id: randomUUID(), key: NEVER_RESOLVES })
  expectError(t, unknown, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, unknown)
})

t.test('answers 404 customer_not_found and 403 forbidden for the paying customer', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3975999158' }
  const missing = await resolveKey(app, { customer_id: randomUUID(), key })
  expectError(t, missing, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, missing)
  const foreign = await resolveKey(app, { customer_id: OTHER_CUSTOMER, key })
  expectError(t, foreign, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, foreign)
})

t.test('keeps id = resolution_id and expires_at = resolved_at + 30 minutes wherever the clock stands', async (t) => {
  const { app, time } = await buildTestApp(t, {}, '2026-03-31T23:45:00.123Z')
  for (const advance of [0, 59_999, 3 * 24 * 3600 * 1000]) {
    time.advance(advance)
    const res = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'ID', key_value: '36606864' } })
    t.equal(res.statusCode, 200)
    const body = res.json() as ResolutionBody
    t.equal(body.resolution_id, body.id)
    t.equal(body.resolved_at, new Date(time.nowMs()).toISOString(), 'resolved now on the mock clock')
    t.equal(Date.parse(body.expires_at) - Date.parse(body.resolved_at), THIRTY_MINUTES_MS)
    t.match(body.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 401 for resolve-key and validate-key without a token or with the read-only client', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3975999158' }
  for (const [url, payload] of [
    ['/v1/resolve-key', { customer_id: DOCS_CUSTOMER, key }],
    ['/v1/validate-key', { key }],
  ] as const) {
    const none = await app.inject({ method: 'POST', url, payload })
    expectError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
    await expectMatchesSpec(t, app, none)
    const readonly = await app.inject({ method: 'POST', url, payload, headers: await bearer(app, 'readonly') })
    expectError(t, readonly, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
    await expectMatchesSpec(t, app, readonly)
  }
})

t.test('answers 400 invalid_json, 413 and 415 on resolve-key and validate-key', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  for (const url of ['/v1/resolve-key', '/v1/validate-key']) {
    await expectBodyParsingErrors(t, app, url, headers)
  }
})

// ---------------------------------------------------------------------------------------------
// POST /v1/validate-key

t.test('validates a registered key: MATCH or NO_MATCH for each block sent, and only those blocks', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3702222329' }
  await registerKey(app, FOREIGN_ACCOUNT, key, 'other')
  const customer = await read<{ business_name: string; identification_number: string }>(app, `/v1/customers/${OTHER_CUSTOMER}`, 'other')
  const { account_type, account_number } = await read<{ account_type: string; account_number: string }>(app, `/v1/accounts/${FOREIGN_ACCOUNT}`, 'other')
  const account = { account_type, account_number }
  const rightOwner = { type: 'BUSINESS', identification_type: 'NIT', identification_number: customer.identification_number, business_name: customer.business_name }

  const cases: [Record<string, unknown>, Record<string, string>][] = [
    [{ key }, { key: 'MATCH' }],
    [{ key: { key_type: 'MOBILE', key_value: key.key_value } }, { key: 'MATCH' }],
    [{ key, owner: rightOwner }, { key: 'MATCH', owner: 'MATCH' }],
    [{ key, owner: { business_name: `  ${customer.business_name.toUpperCase()} ` } }, { key: 'MATCH', owner: 'MATCH' }],
    [{ key, owner: { ...rightOwner, identification_number: '000000000' } }, { key: 'MATCH', owner: 'NO_MATCH' }],
    [{ key, owner: { type: 'INDIVIDUAL' } }, { key: 'MATCH', owner: 'NO_MATCH' }],
    [{ key, participant: INTERNAL_PARTICIPANT }, { key: 'MATCH', participant: 'MATCH' }],
    [{ key, participant: { identification_number: '123456789' } }, { key: 'MATCH', participant: 'MATCH' }],
    [{ key, participant: { name: '', identification_number: '123456789' } }, { key: 'MATCH', participant: 'MATCH' }],
    [{ key, participant: { identification_number: '890203088' } }, { key: 'MATCH', participant: 'NO_MATCH' }],
    [{ key, account }, { key: 'MATCH', account: 'MATCH' }],
    [{ key, account: { account_number: `${account.account_number}9` } }, { key: 'MATCH', account: 'NO_MATCH' }],
    [
      { key, owner: rightOwner, participant: { name: 'BANCOLOMBIA' }, account },
      { key: 'MATCH', owner: 'MATCH', participant: 'NO_MATCH', account: 'MATCH' },
    ],
  ]
  for (const [payload, expected] of cases) {
    const res = await validateKey(app, payload)
    t.equal(res.statusCode, 200)
    t.same(res.json(), expected, JSON.stringify(payload))
    await expectMatchesSpec(t, app, res)
  }
})

t.test('validates a value registered nowhere against the owner resolve-key derives for it', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'EMAIL', key_value: 'cliente@otrobanco.co' }
  const resolved = (await resolveKey(app, { customer_id: DOCS_CUSTOMER, key })).json() as ResolutionBody
  const match = await validateKey(app, { key, owner: resolved.owner, participant: resolved.participant, account: resolved.account })
  t.equal(match.statusCode, 200)
  t.same(match.json(), { key: 'MATCH', owner: 'MATCH', participant: 'MATCH', account: 'MATCH' })
  await expectMatchesSpec(t, app, match)
  const miss = await validateKey(app, { key, owner: { identification_number: `${resolved.owner.identification_number}0` } })
  t.same(miss.json(), { key: 'MATCH', owner: 'NO_MATCH' })
  await expectMatchesSpec(t, app, miss)
})

t.test('answers 404 key_not_found on validate-key for a SUSPENDED key and for 3000000404', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'ID', key_value: '36606864' }
  const { id } = await registerKey(app, DOCS_ACCOUNT, key)
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/keys/${id}/suspend`, headers: await bearer(app) })).statusCode, 200)
  for (const payload of [{ key }, { key: NEVER_RESOLVES, owner: { business_name: 'x' } }]) {
    const res = await validateKey(app, payload)
    expectError(t, res, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 400 naming the field for a malformed validate-key body', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: [unknown, string][] = [
    [{}, "Field 'key' is required"],
    [{ owner: { business_name: 'x' } }, "Field 'key' is required"],
    [{ key: { key_type: 'PHONE', key_value: '2123456789' } }, "Field 'key.key_value' must be a 10-digit mobile number starting with 3, without +57"],
    [{ key: { key_type: 'B', key_value: '0016027228' } }, "Field 'key.key_type' must be one of: ID, PHONE, EMAIL, ALPHA, BCODE, MOBILE"],
    [{ key: { key_type: 'PHONE', key_value: '3975999158' }, owner: { business_name: 7 } }, "Field 'owner.business_name' must be a string"],
  ]
  for (const [payload, message] of cases) {
    const res = await validateKey(app, payload)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers type BREB and the docs’ participant and node on resolve-key and on a recipient’s resolve alike (Contract 2)', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3975999158' }
  await registerKey(app, DOCS_ACCOUNT, key)
  const direct = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key })
  t.equal(direct.statusCode, 200)
  t.match(direct.json(), { type: 'BREB', participant: { name: '', identification_number: '123456789' }, receptor_node: 'VIS' })
  await expectMatchesSpec(t, app, direct)
  const headers = await bearer(app)
  const recipient = await app.inject({ method: 'POST', url: '/v1/recipients/breb', headers, payload: { customer_id: DOCS_CUSTOMER, key, alias: 'Pepito SAS5' } })
  t.equal(recipient.statusCode, 200)
  const viaRecipient = await app.inject({ method: 'POST', url: `/v1/recipients/${(recipient.json() as { id: string }).id}/resolve`, headers })
  t.equal(viaRecipient.statusCode, 200)
  t.match(viaRecipient.json(), { type: 'BREB', participant: { name: '', identification_number: '123456789' }, receptor_node: 'VIS' })
  await expectMatchesSpec(t, app, viaRecipient)
  const outside = await resolveKey(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3123185778' } })
  t.match(outside.json(), { type: 'BREB', receptor_node: 'BRB' }, 'a key at an outside bank keeps its bank and node')
  t.not((outside.json() as { participant: { identification_number: string } }).participant.identification_number, '123456789')
})
