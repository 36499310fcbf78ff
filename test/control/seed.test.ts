import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { CONTRACT_SCOPES, DOCUMENTED_SCOPES } from '../helpers/contract-scopes.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { DEFAULT_ENTITY, DOCS_ACCOUNT, OTHER_ACCOUNT, OTHER_CUSTOMER } from '../helpers/webhooks.js'

const NOW = '2026-01-15T12:00:00.000Z'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const ACCOUNT_ID = '3d7f2a10-8c4b-4e2f-9a61-5b0c7e9d1f24'

interface SeedAnswer {
  entity?: { id: string; name: string; created_at: string }
  client?: { client_id: string; client_secret: string; scopes: string[] }
  customers: { id: string; business_name: string; status: string; email: string; identification_number: string }[]
  accounts: { id: string; customer_id: string; status: string; account_number: string; available_balance: { value: string }; pending_balance: { value: string } }[]
  keys: { id: string; account_id: string; status: string; key: { key_type: string; key_value: string } }[]
  faults: { id: string; status: number | null; times_left: number | null }[]
}

function seed(app: FastifyInstance, document: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/_mock/seed', headers, payload: document as object })
}

/** 400 invalid_parameter_value from the control plane, exactly this message. */
function expectInvalidMock(t: Parameters<typeof expectError>[0], res: LightMyRequestResponse, message: string) {
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
}

/** Every row of the database, for "nothing was stored" checks. */
async function snapshot(app: FastifyInstance): Promise<string> {
  return (await app.inject({ url: '/_mock/state' })).body
}

async function tokenFor(t: Parameters<typeof expectError>[0], app: FastifyInstance, client: { client_id: string; client_secret: string }) {
  const res = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...client, grant_type: 'client_credentials' } })
  t.equal(res.statusCode, 200, 'the seeded client gets a token')
  return { authorization: `Bearer ${res.json().access_token as string}` }
}

t.test('applies the CONTRACT §5 example: a new entity with its client, a customer, a BLOCKED account with 500.25 and a key', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await seed(app, {
    entity: { name: 'ci-job-42' },
    customers: [{ business_name: 'Tienda QA' }],
    accounts: [{ id: ACCOUNT_ID, status: 'BLOCKED', available_balance: '500.25' }],
    keys: [{ account_id: ACCOUNT_ID, key: { key_type: 'PHONE', key_value: '3001234567' } }],
  })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  const body = res.json() as SeedAnswer
  t.match(body.entity, { id: UUID, name: 'ci-job-42', created_at: NOW })
  t.match(body.client, { client_id: /^seed-[a-z0-9]{12}$/, client_secret: /^[A-Za-z0-9]{40}$/ })
  t.same([...(body.client?.scopes ?? [])].sort(), [...new Set([...CONTRACT_SCOPES, ...DOCUMENTED_SCOPES])].sort(), 'every scope, expanded: the routes’ and the docs’ example')
  t.same(body.client?.scopes.filter((s) => s.includes('*')), ['iam.mfa.*'], 'no wildcard but the docs’ own iam.mfa.*')

  // CONTRACT §5: accounts without customer_id share one new customer, besides the document's own.
  t.equal(body.customers.length, 2)
  t.match(body.customers[0], { business_name: 'Tienda QA', status: 'ACTIVE', type: 'BUSINESS', identification_type: 'NIT', identification_number: /^[0-9]{9}$/, created_at: NOW })
  t.equal(body.accounts[0]?.customer_id, body.customers[1]?.id, 'the account belongs to the shared new customer')
  t.same(body.accounts, [
    {
      id: ACCOUNT_ID,
      customer_id: body.customers[1]?.id,
      account_number: body.accounts[0]?.account_number,
      account_type: 'ORDINARY',
      status: 'BLOCKED',
      available_balance: { value: '500.25', currency: 'COP' },
      pending_balance: { value: '0', currency: 'COP' },
      created_at: NOW,
      updated_at: NOW,
    },
  ])
  t.match(body.accounts[0]?.account_number, /^88[0-9]{9}$/)
  t.match(body.keys, [{ id: UUID, status: 'ACTIVE', key: { key_type: 'PHONE', key_value: '3001234567' }, account_id: ACCOUNT_ID, created_at: NOW }])
  t.same(body.faults, [])

  // The new client sees its own objects through /v1, exactly as seeded.
  const headers = await tokenFor(t, app, body.client as { client_id: string; client_secret: string })
  const account = await app.inject({ url: `/v1/accounts/${ACCOUNT_ID}`, headers })
  t.equal(account.statusCode, 200)
  t.same(account.json(), body.accounts[0])
  const key = await app.inject({ url: `/v1/keys/${body.keys[0]?.id}`, headers })
  t.same(key.json(), body.keys[0])
})

t.test('seeds a BLOCKED account with 500.25 into the default entity; money as an object and pending_balance work too', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await seed(app, {
    accounts: [
      { status: 'BLOCKED', available_balance: '500.25' },
      { customer_id: DOCS_CUSTOMER, account_type: 'LOW_VALUE', status: 'INACTIVE', available_balance: { value: '10.5', currency: 'COP' }, pending_balance: '0.07' },
    ],
  })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  const body = res.json() as SeedAnswer
  t.notOk('entity' in body, 'no entity part without a new entity')
  t.notOk('client' in body)
  t.equal(body.customers.length, 1, 'one new customer for the account without customer_id')
  const headers = await bearer(app)
  const blocked = await app.inject({ url: `/v1/accounts/${body.accounts[0]?.id}`, headers })
  t.equal(blocked.statusCode, 200, 'the default entity owns it')
  t.match(blocked.json(), { status: 'BLOCKED', available_balance: { value: '500.25', currency: 'COP' }, pending_balance: { value: '0', currency: 'COP' } })
  const low = await app.inject({ url: `/v1/accounts/${body.accounts[1]?.id}`, headers })
  t.match(low.json(), {
    customer_id: DOCS_CUSTOMER,
    account_type: 'LOW_VALUE',
    status: 'INACTIVE',
    available_balance: { value: '10.50', currency: 'COP' },
    pending_balance: { value: '0.07', currency: 'COP' },
  })
  await expectMatchesSpec(t, app, low)
})

t.test('keeps balances exact: 90000000000000001 round-trips through /v1 and the export', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await seed(app, { accounts: [{ available_balance: '90000000000000001', pending_balance: '99999999999999999999999999999.99' }] })
  t.equal(res.statusCode, 200)
  const seeded = (res.json() as SeedAnswer).accounts[0]
  t.same(seeded?.available_balance, { value: '90000000000000001', currency: 'COP' })
  t.same(seeded?.pending_balance, { value: '99999999999999999999999999999.99', currency: 'COP' })
  const read = await app.inject({ url: `/v1/accounts/${seeded?.id}`, headers: await bearer(app) })
  t.same(read.json().available_balance, { value: '90000000000000001', currency: 'COP' })
  const row = ((await app.inject({ url: '/_mock/state' })).json().accounts as { id: string; available_minor: string; pending_minor: string }[]).find((a) => a.id === seeded?.id)
  t.same(row && [row.available_minor, row.pending_minor], ['9000000000000000100', '9999999999999999999999999999999'])
})

t.test('a new entity is isolated: its client sees only its own objects, and the default entity gets 403 on them', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await seed(app, { entity: { name: 'ci-job-7' }, accounts: [{}, {}], keys: [{}] })
  const body = res.json() as SeedAnswer
  const own = await tokenFor(t, app, body.client as { client_id: string; client_secret: string })

  const list = await app.inject({ url: '/v1/accounts', headers: own })
  t.equal(list.statusCode, 200)
  t.same(
    (list.json().accounts as { id: string }[]).map((a) => a.id).sort(),
    body.accounts.map((a) => a.id).sort(),
    'its list holds exactly the seeded accounts',
  )
  await expectMatchesSpec(t, app, list)
  const customers = await app.inject({ url: '/v1/customers', headers: own })
  t.same(
    (customers.json().customers as { id: string }[]).map((c) => c.id),
    body.customers.map((c) => c.id),
  )
  t.equal(body.keys[0]?.account_id, body.accounts[0]?.id, 'a key without account_id goes on the document’s first account')

  const foreign = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: own })
  expectError(t, foreign, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  const admin = await bearer(app)
  for (const url of [`/v1/accounts/${body.accounts[0]?.id}`, `/v1/customers/${body.customers[0]?.id}`, `/v1/keys/${body.keys[0]?.id}`]) {
    const res = await app.inject({ url, headers: admin })
    expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
    await expectMatchesSpec(t, app, res)
  }
  const entities = (await app.inject({ url: '/_mock/state' })).json().entities as { id: string; name: string }[]
  t.same(entities.at(-1), { id: body.entity?.id, name: 'ci-job-7', created_at: NOW })
})

t.test('is deterministic: the same documents in the same order give the same objects on two fresh apps, and after a reset', async (t) => {
  const documents = [{ entity: { name: 'a' }, customers: [{}], accounts: [{}, { status: 'CLOSED' }], keys: [{}, { key: { key_type: 'EMAIL' } }, { key: { key_type: 'ALPHA' } }, { key: { key_type: 'BCODE' } }, { key: { key_type: 'ID' } }], faults: [{ delay_ms: 10 }] }, { accounts: [{}] }]
  const answers: string[][] = []
  for (let run = 0; run < 2; run++) {
    const { app } = await buildTestApp(t)
    const bodies: string[] = []
    for (const document of documents) bodies.push((await seed(app, document)).body)
    answers.push(bodies)
  }
  t.same(answers[1], answers[0], 'byte for byte the same answers')
  const first = JSON.parse(answers[0]?.[0] ?? '{}') as SeedAnswer
  t.match(
    first.keys.map((k) => k.key),
    [
      { key_type: 'PHONE', key_value: /^3[0-9]{9}$/ },
      { key_type: 'EMAIL', key_value: /^[a-z0-9.]+@example\.com$/ },
      { key_type: 'ALPHA', key_value: /^@[a-z]{5}[0-9]{4}$/ },
      { key_type: 'BCODE', key_value: /^00[0-9]{8}$/ },
      { key_type: 'ID', key_value: /^[1-9][0-9]{9}$/ },
    ],
    'a generated key value of each type is well formed',
  )

  const { app } = await buildTestApp(t)
  await seed(app, { accounts: [{}, {}, {}] })
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.equal((await seed(app, documents[0])).body, answers[0]?.[0], 'a reset restarts the stream')
})

t.test('generated numbers are unique within an entity, against the fixtures and the document', async (t) => {
  const { app } = await buildTestApp(t)
  const body = (await seed(app, { customers: Array.from({ length: 50 }, () => ({})), accounts: Array.from({ length: 300 }, () => ({})) })).json() as SeedAnswer
  const state = (await app.inject({ url: '/_mock/state' })).json() as { accounts: { entity_id: string; account_number: string }[]; customers: { entity_id: string; identification_number: string; email: string }[] }
  const numbers = state.accounts.filter((a) => a.entity_id === DEFAULT_ENTITY).map((a) => a.account_number)
  t.equal(new Set(numbers).size, numbers.length, `${numbers.length} distinct account numbers`)
  const nits = state.customers.filter((c) => c.entity_id === DEFAULT_ENTITY).map((c) => c.identification_number)
  t.equal(new Set(nits).size, nits.length, `${nits.length} distinct NITs`)
  t.equal(body.accounts.length, 300)
  t.equal(new Set(body.accounts.map((a) => a.customer_id)).size, 1, 'one shared customer')
})

t.test('a taken id, number or key value is 409 already_exists naming the field, and nothing is stored', async (t) => {
  const { app } = await buildTestApp(t)
  const before = await snapshot(app)
  const cases: [unknown, string][] = [
    [{ accounts: [{}, { id: DOCS_ACCOUNT }] }, `Field 'accounts[1].id' is taken: an account with id ${DOCS_ACCOUNT} already exists`],
    [{ customers: [{ id: DOCS_CUSTOMER }] }, `Field 'customers[0].id' is taken: a customer with id ${DOCS_CUSTOMER} already exists`],
    [{ customers: [{ identification_number: '903978023' }] }, "Field 'customers[0].identification_number' is taken: a customer of the entity already has this NIT"],
    [{ accounts: [{ account_number: '88827643001' }] }, "Field 'accounts[0].account_number' is taken: an account of the entity already has this number"],
    [
      { keys: [{ key: { key_type: 'PHONE', key_value: '3001234567' } }, { key: { key_type: 'MOBILE', key_value: '3001234567' } }] },
      "Field 'keys[1].key.key_value' is taken: this key value is already registered in the Bre-B directory",
    ],
    [{ faults: [{ id: '7d3e5b1f-0a2c-4e6d-8f9a-000000000500', status: 500 }] }, "Field 'faults[0].id' is taken: a fault rule with id 7d3e5b1f-0a2c-4e6d-8f9a-000000000500 already exists"],
  ]
  for (const [document, message] of cases) {
    const res = await seed(app, document)
    expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
  t.equal(await snapshot(app), before, 'nothing was stored')
  // The same account number is free in another entity.
  t.equal((await seed(app, { entity: {}, accounts: [{ account_number: '88827643001' }] })).statusCode, 200)
})

t.test('a reference to another entity’s object, or to nothing, is 400 naming the field, and nothing is stored', async (t) => {
  const { app } = await buildTestApp(t)
  const before = await snapshot(app)
  const cases: [unknown, string][] = [
    [{ accounts: [{ customer_id: OTHER_CUSTOMER }] }, "Field 'accounts[0].customer_id' names a customer of another entity"],
    [{ keys: [{ account_id: OTHER_ACCOUNT }] }, "Field 'keys[0].account_id' names an account of another entity"],
    [{ entity: { name: 'x' }, accounts: [{ customer_id: DOCS_CUSTOMER }] }, "Field 'accounts[0].customer_id' names a customer of another entity"],
    [{ accounts: [{ customer_id: '11111111-1111-4111-8111-111111111111' }] }, "Field 'accounts[0].customer_id' names no customer"],
    [{ customers: [{}], keys: [{ account_id: '11111111-1111-4111-8111-111111111111' }] }, "Field 'keys[0].account_id' names no account"],
  ]
  for (const [document, message] of cases) {
    const res = await seed(app, document)
    expectInvalidMock(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  t.equal(await snapshot(app), before, 'nothing was stored, not even the entity or customer before the bad reference')
})

t.test('bad fields are 400 naming them, with nothing stored', async (t) => {
  const { app } = await buildTestApp(t)
  const before = await snapshot(app)
  const cases: [unknown, string][] = [
    [{ accounts: [{}, { available_balance: 500.25 }] }, "Field 'accounts[1].available_balance' must be a string"],
    [{ accounts: [{ available_balance: '500.255' }] }, 'Field \'accounts[0].available_balance\' must be a decimal string with at most two decimals, such as "1000" or "5000.50"'],
    [{ accounts: [{ pending_balance: { value: '1', currency: 'USD' } }] }, "Field 'accounts[0].pending_balance.currency' must be one of: COP"],
    [{ accounts: [{ status: 'FROZEN' }] }, "Field 'accounts[0].status' must be one of: ACTIVE, INACTIVE, BLOCKED, CLOSED"],
    [{ customers: [{ nickname: 'x' }] }, "Field 'customers[0].nickname' is not allowed"],
    [{ customers: [{ identification_number: '12' }] }, "Field 'customers[0].identification_number' must be 9 digits"],
    [{ keys: [{ key: { key_type: 'PHONE', key_value: '12345' } }] }, "Field 'keys[0].key.key_value' must be a 10-digit mobile number starting with 3, without +57"],
    [{ faults: [{ path: '/v1/accounts' }] }, "Field 'faults[0].status' or 'faults[0].delay_ms' is required"],
    [{ entity: { name: '' } }, "Field 'entity.name' must not be empty"],
    [{ accounts: {} }, "Field 'accounts' must be an array"],
    [[], 'The request body must be a JSON object'],
  ]
  for (const [document, message] of cases) {
    const res = await seed(app, document)
    expectInvalidMock(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  // A document whose last part fails stores none of its earlier parts.
  const late = await seed(app, { entity: { name: 'late' }, customers: [{}], accounts: [{}], keys: [{}], faults: [{ status: 503 }, { code: 'x' }] })
  expectInvalidMock(t, late, "Field 'faults[1].status' or 'faults[1].delay_ms' is required")
  t.equal(await snapshot(app), before, 'nothing was stored')
  const faults = (await app.inject({ url: '/_mock/faults' })).json().faults as unknown[]
  t.equal(faults.length, 2, 'only the built-in rules, in the cache too')
})

t.test('seeded fault rules apply to /v1 at once', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await seed(app, { faults: [{ path: '/v1/accounts/:account_id', status: 503, times: 1 }] })
  t.equal(res.statusCode, 200)
  t.match((res.json() as SeedAnswer).faults, [{ id: UUID, status: 503, times_left: 1, builtin: false, code: 'service_unavailable' }])
  const headers = await bearer(app)
  const faulted = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  expectError(t, faulted, 503, 'service_unavailable', 'UNAVAILABLE', 'The service is unavailable')
  t.equal((await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })).statusCode, 200, 'once')
})

t.test('an empty document seeds nothing, and every part is optional', async (t) => {
  const { app } = await buildTestApp(t)
  const before = await snapshot(app)
  const res = await app.inject({ method: 'POST', url: '/_mock/seed', headers: { 'content-type': 'application/json' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { customers: [], accounts: [], keys: [], faults: [] })
  await expectMatchesSpec(t, app, res)
  t.equal(await snapshot(app), before)
  const onlyKeys = (await seed(app, { keys: [{ status: 'SUSPENDED' }] })).json() as SeedAnswer
  t.equal(onlyKeys.accounts.length, 1, 'a key without accounts gets a new account')
  t.equal(onlyKeys.customers.length, 1, 'of a new customer')
  t.match(onlyKeys.keys, [{ status: 'SUSPENDED', account_id: onlyKeys.accounts[0]?.id, key: { key_type: 'PHONE' } }])
})

t.test('takes a 2 MiB document under MOCK_BODY_LIMIT and answers 413 over a small limit', async (t) => {
  const accounts = Array.from({ length: 9000 }, (_, i) => ({
    account_number: `QA-${String(i).padStart(31, '0')}`,
    account_type: 'LOW_VALUE',
    status: 'INACTIVE',
    available_balance: { value: `${i}.25`, currency: 'COP' },
    pending_balance: { value: '0', currency: 'COP' },
    created_at: '2025-12-01T08:30:00.000Z',
  }))
  const payload = JSON.stringify({ accounts })
  t.ok(payload.length > 2 * 1024 * 1024, `${payload.length} bytes`)

  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/_mock/seed', headers: { 'content-type': 'application/json' }, payload })
  t.equal(res.statusCode, 200)
  const body = res.json() as SeedAnswer
  t.equal(body.accounts.length, 9000)
  t.match(body.accounts[8999], { account_number: `QA-${String(8999).padStart(31, '0')}`, available_balance: { value: '8999.25' }, created_at: '2025-12-01T08:30:00.000Z' })

  const { app: small } = await buildTestApp(t, { mockBodyLimit: 1024 * 1024 })
  const over = await small.inject({ method: 'POST', url: '/_mock/seed', headers: { 'content-type': 'application/json' }, payload })
  expectError(t, over, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large', '_mock')
  await expectMatchesSpec(t, small, over)
  // The rest of /_mock keeps the 1 MiB default, whatever MOCK_BODY_LIMIT says.
  const fault = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { status: 503, message: 'x'.repeat(2 * 1024 * 1024) } })
  expectError(t, fault, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large', '_mock')
})
