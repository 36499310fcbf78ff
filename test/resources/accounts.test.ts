import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { type ClientName, bearer } from '../helpers/auth.js'
import { expectError, expectInvalid } from '../helpers/errors.js'
import { fixturesFile } from '../helpers/fixtures.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const acct = (suffix: string) => `00000000-0000-4000-8000-000000000${suffix}`
const FOREIGN_ACCOUNT = acct('403')
/** The default entity's fixture accounts (CONTRACT §6); `…0403` is the other entity's. */
const DEFAULT_ACCOUNTS = [DOCS_ACCOUNT, SECOND_ACCOUNT, acct('000'), acct('001'), acct('002'), acct('003'), acct('005'), acct('500'), acct('504')]

const zero = { value: '0', currency: 'COP' }

async function linkAccount(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url: '/v1/accounts/link', headers: await bearer(app, client), payload: payload as object })
}

async function getAccount(app: FastifyInstance, id: string, client: ClientName = 'admin') {
  return app.inject({ url: `/v1/accounts/${id}`, headers: await bearer(app, client) })
}

async function listAccounts(app: FastifyInstance, query = '', headers?: { authorization: string }) {
  return app.inject({ url: `/v1/accounts${query}`, headers: headers ?? (await bearer(app)) })
}

interface AccountBody {
  id: string
  account_number: string
  status: string
  available_balance: { value: string; currency: string }
  created_at: string
  updated_at: string
}

interface AccountList {
  accounts: AccountBody[]
  pagination_info: { total_elements: number; total_pages: number; current_page: number; first_request_timestamp: string }
}

function ids(res: LightMyRequestResponse): string[] {
  return (res.json() as AccountList).accounts.map((a) => a.id)
}

const CUSTOM_ENTITY = 'c0ffee00-0000-4000-8000-000000000001'
const CUSTOM_CUSTOMER = 'c0ffee00-0000-4000-8000-0000000000c1'
const CUSTOM_CLIENT = { client_id: 'custom-client', client_secret: 'custom-secret' }

/** An app whose only entity holds one customer and the given accounts. */
async function customApp(t: Test, accounts: unknown[]) {
  const fixturesPath = fixturesFile(t, {
    entities: [{ id: CUSTOM_ENTITY, name: 'Custom Entity', clients: [{ ...CUSTOM_CLIENT, scopes: ['paas.core.*'] }] }],
    customers: [{ id: CUSTOM_CUSTOMER }],
    accounts,
  })
  const built = await buildTestApp(t, { fixturesPath })
  const token = await built.app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...CUSTOM_CLIENT, grant_type: 'client_credentials' } })
  if (token.statusCode !== 200) throw new Error(`token request failed: ${token.body}`)
  return { ...built, headers: { authorization: `Bearer ${(token.json() as { access_token: string }).access_token}` } }
}

// ---------------------------------------------------------------------------------------------
// GET /v1/accounts/:account_id, the docs example

t.test('answers the docs example account exactly as CONTRACT §6 says', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    id: DOCS_ACCOUNT,
    customer_id: 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e',
    account_number: '88827643001',
    account_type: 'ORDINARY',
    status: 'ACTIVE',
    available_balance: { value: '90000000000000000', currency: 'COP' },
    pending_balance: { value: '0', currency: 'COP' },
    created_at: '2025-10-09T10:40:29.966Z',
    updated_at: '2025-10-09T17:41:23.179Z',
  })
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 account_not_found for an unknown account', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${randomUUID()}`, headers: await bearer(app) })
  t.equal(res.statusCode, 404)
  t.match(res.json(), { code: 'account_not_found', type: 'NOT_FOUND', http_code: 404, resource: 'accounts' })
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// POST /v1/accounts/link

t.test('links an ORDINARY account: ACTIVE, zero balances, readable afterwards', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(2500)
  const res = await linkAccount(app, { customer_id: SECOND_CUSTOMER, account_type: 'ORDINARY', account_number: '8800000001' })
  t.equal(res.statusCode, 200)
  const body = res.json() as AccountBody
  t.match(body.id, UUID)
  t.same(body, {
    id: body.id,
    customer_id: SECOND_CUSTOMER,
    account_number: '8800000001',
    account_type: 'ORDINARY',
    status: 'ACTIVE',
    available_balance: zero,
    pending_balance: zero,
    created_at: '2026-01-15T12:00:02.500Z',
    updated_at: '2026-01-15T12:00:02.500Z',
  })
  await expectMatchesSpec(t, app, res)
  const read = await getAccount(app, body.id)
  t.equal(read.statusCode, 200)
  t.same(read.json(), body)
  await expectMatchesSpec(t, app, read)
})

t.test('links a LOW_VALUE account with a 35-character number', async (t) => {
  const { app } = await buildTestApp(t)
  const number = 'A'.repeat(35)
  const res = await linkAccount(app, { customer_id: DOCS_CUSTOMER, account_type: 'LOW_VALUE', account_number: number })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { customer_id: DOCS_CUSTOMER, account_type: 'LOW_VALUE', account_number: number, status: 'ACTIVE', available_balance: zero, pending_balance: zero, created_at: NOW })
  await expectMatchesSpec(t, app, res)
})

for (const field of ['customer_id', 'account_type', 'account_number']) {
  t.test(`answers 400 naming ${field} when it is missing from a link`, async (t) => {
    const { app } = await buildTestApp(t)
    const body: Record<string, unknown> = { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '8800000002' }
    delete body[field]
    const res = await linkAccount(app, body)
    expectInvalid(t, res, `Field '${field}' is required`)
    await expectMatchesSpec(t, app, res)
  })
}

const LINK_FORMAT_CASES: Array<[string, Record<string, unknown>, string]> = [
  ['an account_type of SAVINGS', { account_type: 'SAVINGS' }, "Field 'account_type' must be one of: ORDINARY, LOW_VALUE"],
  ['an empty account_type', { account_type: '' }, "Field 'account_type' must be one of: ORDINARY, LOW_VALUE"],
  ['an empty account_number', { account_number: '' }, "Field 'account_number' must not be empty"],
  ['an account_number of 36 characters', { account_number: '1'.repeat(36) }, "Field 'account_number' must be at most 35 characters long"],
  ['an account_number sent as a number', { account_number: 8800000002 }, "Field 'account_number' must be a string"],
  ['a customer_id that is not a UUID', { customer_id: 'db7e89e7' }, "Field 'customer_id' must be a UUID"],
]

for (const [what, patch, message] of LINK_FORMAT_CASES) {
  t.test(`answers 400 for a link with ${what}`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await linkAccount(app, { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '8800000002', ...patch })
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
    const list = await listAccounts(app, `?customer_id=${DOCS_CUSTOMER}`)
    t.equal((list.json() as AccountList).pagination_info.total_elements, 8, 'nothing was stored')
  })
}

t.test('answers 404 customer_not_found linking to an unknown customer', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await linkAccount(app, { customer_id: randomUUID(), account_type: 'ORDINARY', account_number: '8800000003' })
  expectError(t, res, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 403 forbidden linking to another entity’s customer', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await linkAccount(app, { customer_id: OTHER_CUSTOMER, account_type: 'ORDINARY', account_number: '8800000004' })
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  const theirs = await listAccounts(app, '', await bearer(app, 'other'))
  t.same(ids(theirs), [FOREIGN_ACCOUNT], 'nothing was added to the other entity')
})

t.test('answers 409 already_exists for an account number the entity already has', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await linkAccount(app, { customer_id: SECOND_CUSTOMER, account_type: 'ORDINARY', account_number: '88827643001' })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'An account with this account_number already exists')
  await expectMatchesSpec(t, app, res)
  const again = await linkAccount(app, { customer_id: SECOND_CUSTOMER, account_type: 'LOW_VALUE', account_number: '8800000005' })
  t.equal(again.statusCode, 200)
  const repeat = await linkAccount(app, { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '8800000005' })
  expectError(t, repeat, 409, 'already_exists', 'ALREADY_EXISTS', 'An account with this account_number already exists')
})

t.test('lets another entity link a number the default entity already has', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await linkAccount(app, { customer_id: OTHER_CUSTOMER, account_type: 'ORDINARY', account_number: '88827643001' }, 'other')
  t.equal(res.statusCode, 200)
  const body = res.json() as AccountBody
  t.match(body, { customer_id: OTHER_CUSTOMER, account_number: '88827643001', status: 'ACTIVE' })
  t.not(body.id, DOCS_ACCOUNT)
  await expectMatchesSpec(t, app, res)
  const mine = await listAccounts(app, '?account_number=88827643001')
  t.same(ids(mine), [DOCS_ACCOUNT], 'the default entity still sees only its own account')
})

t.test('answers 401 for a link without a token or with the read-only client', async (t) => {
  const { app } = await buildTestApp(t)
  const payload = { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '8800000006' }
  const none = await app.inject({ method: 'POST', url: '/v1/accounts/link', payload })
  expectError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, none)
  const readonly = await linkAccount(app, payload, 'readonly')
  expectError(t, readonly, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
  await expectMatchesSpec(t, app, readonly)
})

t.test('answers 415 for a link body that is not JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/accounts/link',
    headers: { ...(await bearer(app)), 'content-type': 'application/x-www-form-urlencoded' },
    payload: `customer_id=${DOCS_CUSTOMER}&account_type=ORDINARY&account_number=8800000007`,
  })
  expectError(t, res, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 413 for a link body over 1 MiB', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await linkAccount(app, { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: 'x'.repeat(1024 * 1024) })
  expectError(t, res, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/accounts/:account_id

const FIXTURE_ACCOUNTS: Array<[string, Record<string, unknown>]> = [
  [
    SECOND_ACCOUNT,
    {
      customer_id: SECOND_CUSTOMER,
      account_number: '880310992',
      account_type: 'ORDINARY',
      status: 'ACTIVE',
      available_balance: { value: '90000000000000000', currency: 'COP' },
      pending_balance: zero,
    },
  ],
  [acct('000'), { customer_id: DOCS_CUSTOMER, status: 'ACTIVE', available_balance: zero, pending_balance: zero }],
  [acct('001'), { customer_id: DOCS_CUSTOMER, status: 'INACTIVE', available_balance: zero, pending_balance: zero }],
  [acct('002'), { customer_id: DOCS_CUSTOMER, status: 'BLOCKED', available_balance: zero, pending_balance: zero }],
  [acct('003'), { customer_id: DOCS_CUSTOMER, status: 'ACTIVE', available_balance: { value: '1000', currency: 'COP' }, pending_balance: { value: '250.50', currency: 'COP' } }],
  [acct('005'), { customer_id: DOCS_CUSTOMER, status: 'CLOSED', available_balance: zero, pending_balance: zero }],
]

for (const [id, expected] of FIXTURE_ACCOUNTS) {
  t.test(`answers fixture account ${id} as CONTRACT §6 lists it`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await getAccount(app, id, 'readonly')
    t.equal(res.statusCode, 200)
    const body = res.json() as AccountBody
    t.match(body, { id, account_type: 'ORDINARY', account_number: /^[0-9A-Za-z]{1,35}$/, ...expected })
    t.same(Object.keys(body).sort(), ['account_number', 'account_type', 'available_balance', 'created_at', 'customer_id', 'id', 'pending_balance', 'status', 'updated_at'])
    t.ok(body.created_at <= body.updated_at, 'updated_at is not before created_at')
    t.ok(body.created_at.startsWith('2025-10-'), 'generated dates sit near the fixtures anchor')
    await expectMatchesSpec(t, app, res)
  })
}

t.test('answers account …0504 normally after the built-in 5 s delay', async (t) => {
  const { app, sleeps } = await buildTestApp(t)
  const res = await getAccount(app, acct('504'))
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: acct('504'), customer_id: DOCS_CUSTOMER, status: 'ACTIVE', available_balance: zero })
  t.same(sleeps, [5000])
  await expectMatchesSpec(t, app, res)
})

t.test('answers account …0500 with the built-in 500 internal_error', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await getAccount(app, acct('500'))
  expectError(t, res, 500, 'internal_error', 'INTERNAL', 'Internal server error')
  await expectMatchesSpec(t, app, res, { allowDefault: true })
})

t.test('answers 400 for an account id that is not a UUID', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await getAccount(app, 'not-a-uuid')
  expectInvalid(t, res, "Field 'account_id' must be a UUID")
  await expectMatchesSpec(t, app, res)
})

t.test('answers 403 forbidden for the other entity’s account …0403', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await getAccount(app, FOREIGN_ACCOUNT)
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  const own = await getAccount(app, FOREIGN_ACCOUNT, 'other')
  t.equal(own.statusCode, 200, 'its own entity reads it')
  t.match(own.json(), { id: FOREIGN_ACCOUNT, customer_id: OTHER_CUSTOMER, available_balance: { value: '1000', currency: 'COP' } })
  await expectMatchesSpec(t, app, own)
  const back = await getAccount(app, DOCS_ACCOUNT, 'other')
  expectError(t, back, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
})

t.test('answers 401 missing_token for a read without a token', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}` })
  expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// Money exactness (CONTRACT §1)

const MONEY_CASES: Array<[string, string, string, string]> = [
  // [account id, fixture value, answered value, stored minor units]
  ['c0ffee00-0000-4000-8000-00000000a001', '90000000000000000', '90000000000000000', '9000000000000000000'],
  ['c0ffee00-0000-4000-8000-00000000a002', '90000000000000001', '90000000000000001', '9000000000000000100'],
  ['c0ffee00-0000-4000-8000-00000000a003', '5.5', '5.50', '550'],
  ['c0ffee00-0000-4000-8000-00000000a004', '1000.00', '1000', '100000'],
  ['c0ffee00-0000-4000-8000-00000000a005', '0.01', '0.01', '1'],
]

t.test('answers balances exactly as decimal strings, in canonical form', async (t) => {
  const { app, headers } = await customApp(
    t,
    MONEY_CASES.map(([id, value], i) => ({ id, available_balance: value, pending_balance: { value: i === 0 ? '12345678901234567.89' : '0.10', currency: 'COP' } })),
  )
  for (const [id, , answered] of MONEY_CASES) {
    const res = await app.inject({ url: `/v1/accounts/${id}`, headers })
    t.equal(res.statusCode, 200)
    t.same((res.json() as AccountBody).available_balance, { value: answered, currency: 'COP' }, `${id} answers ${answered}`)
    await expectMatchesSpec(t, app, res)
    const raw = /"available_balance":\{"value":"([^"]*)"/.exec(res.body)?.[1]
    t.equal(raw, answered, 'the raw JSON carries the value as a string')
  }
  const first = await app.inject({ url: `/v1/accounts/${MONEY_CASES[0]?.[0]}`, headers })
  t.same((first.json() as { pending_balance: unknown }).pending_balance, { value: '12345678901234567.89', currency: 'COP' })
  const other = await app.inject({ url: `/v1/accounts/${MONEY_CASES[2]?.[0]}`, headers })
  t.same((other.json() as { pending_balance: unknown }).pending_balance, { value: '0.10', currency: 'COP' })

  const list = await listAccounts(app, '', headers)
  t.equal(list.statusCode, 200)
  const byId = new Map((list.json() as AccountList).accounts.map((a) => [a.id, a.available_balance.value]))
  for (const [id, , answered] of MONEY_CASES) t.equal(byId.get(id), answered, `the list answers ${answered} for ${id}`)
  await expectMatchesSpec(t, app, list)
})

t.test('stores balances as TEXT minor units in SQLite', async (t) => {
  const { app } = await customApp(
    t,
    MONEY_CASES.map(([id, value]) => ({ id, available_balance: value })),
  )
  const db = app.services.db
  const columns = db.prepare('PRAGMA table_info(accounts)').all() as Array<{ name: string; type: string }>
  t.equal(columns.find((c) => c.name === 'available_minor')?.type, 'TEXT')
  t.equal(columns.find((c) => c.name === 'pending_minor')?.type, 'TEXT')
  const read = db.prepare('SELECT available_minor AS v, typeof(available_minor) AS t, pending_minor AS p, typeof(pending_minor) AS pt FROM accounts WHERE id = ?')
  for (const [id, , , minor] of MONEY_CASES) {
    t.same(read.get(id), { v: minor, t: 'text', p: '0', pt: 'text' }, `${id} is stored as '${minor}'`)
  }
  t.ok(BigInt('9000000000000000100') > BigInt(Number.MAX_SAFE_INTEGER), 'the largest value is beyond a JavaScript number')
})

// ---------------------------------------------------------------------------------------------
// GET /v1/accounts

t.test('lists the default entity’s accounts, never the other entity’s', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await listAccounts(app, '', await bearer(app, 'readonly'))
  t.equal(res.statusCode, 200)
  const body = res.json() as AccountList
  t.same(Object.keys(body).sort(), ['accounts', 'pagination_info'])
  t.same(ids(res).sort(), [...DEFAULT_ACCOUNTS].sort())
  t.notOk(ids(res).includes(FOREIGN_ACCOUNT))
  t.same(body.pagination_info, { total_elements: 9, total_pages: 1, current_page: 1, first_request_timestamp: NOW })
  t.same(
    body.accounts.find((a) => a.id === DOCS_ACCOUNT),
    (await getAccount(app, DOCS_ACCOUNT)).json(),
    'a listed account is the same object a single read answers',
  )
  await expectMatchesSpec(t, app, res)
  const other = await listAccounts(app, '', await bearer(app, 'other'))
  t.same(ids(other), [FOREIGN_ACCOUNT])
  t.match(other.json(), { pagination_info: { total_elements: 1 } })
  await expectMatchesSpec(t, app, other)
})

t.test('answers 20 accounts a page by default', async (t) => {
  const { app, headers } = await customApp(t, Array.from({ length: 25 }, () => ({})))
  const first = await listAccounts(app, '', headers)
  t.equal(first.statusCode, 200)
  t.equal(ids(first).length, 20)
  t.same((first.json() as AccountList).pagination_info, { total_elements: 25, total_pages: 2, current_page: 1, first_request_timestamp: NOW })
  await expectMatchesSpec(t, app, first)
  const second = await listAccounts(app, '?page_params.page_number=2', headers)
  t.equal(ids(second).length, 5)
  t.match(second.json(), { pagination_info: { total_elements: 25, total_pages: 2, current_page: 2 } })
  t.same([...ids(first), ...ids(second)].length, new Set([...ids(first), ...ids(second)]).size, 'no account is on both pages')
  await expectMatchesSpec(t, app, second)
  const max = await listAccounts(app, '?page_params.page_size=100', headers)
  t.equal(ids(max).length, 25)
  t.match(max.json(), { pagination_info: { total_pages: 1 } })
  const one = await listAccounts(app, '?page_size=1', headers)
  t.equal(ids(one).length, 1)
  t.match(one.json(), { pagination_info: { total_elements: 25, total_pages: 25 } })
  await expectMatchesSpec(t, app, one)
})

t.test('pages with pagination totals and answers [] past the end', async (t) => {
  const { app } = await buildTestApp(t)
  const all = ids(await listAccounts(app))
  const pages: string[] = []
  for (const page of [1, 2, 3]) {
    const res = await listAccounts(app, `?page_params.page_size=4&page_params.page_number=${page}`)
    t.equal(res.statusCode, 200)
    t.same((res.json() as AccountList).pagination_info, { total_elements: 9, total_pages: 3, current_page: page, first_request_timestamp: NOW })
    await expectMatchesSpec(t, app, res)
    pages.push(...ids(res))
  }
  t.same(pages, all, 'the pages together are the whole list, in order')
  const past = await listAccounts(app, '?page_params.page_size=4&page_params.page_number=4')
  t.equal(past.statusCode, 200)
  t.same((past.json() as AccountList).accounts, [])
  t.same((past.json() as AccountList).pagination_info, { total_elements: 9, total_pages: 3, current_page: 4, first_request_timestamp: NOW })
  await expectMatchesSpec(t, app, past)
  const far = await listAccounts(app, '?page_number=1000')
  t.equal(far.statusCode, 200)
  t.same(ids(far), [])
  await expectMatchesSpec(t, app, far)
})

t.test('answers an empty list with 200 when a filter matches nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await listAccounts(app, '?account_number=does-not-exist')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { accounts: [], pagination_info: { total_elements: 0, total_pages: 0, current_page: 1, first_request_timestamp: NOW } })
  await expectMatchesSpec(t, app, res)
})

// Ids chosen so that id order, file order and time order all differ (CONTRACT §4: rows tie-break on id).
const ORDERED = {
  A: { id: 'c0ffee00-0000-4000-8000-00000000000a', created_at: '2025-01-01T00:00:01.000Z', updated_at: '2025-01-01T00:00:09.000Z' },
  B: { id: 'c0ffee00-0000-4000-8000-00000000000b', created_at: '2025-01-01T00:00:02.000Z', updated_at: '2025-01-01T00:00:05.000Z' },
  C: { id: 'c0ffee00-0000-4000-8000-00000000000c', created_at: '2025-01-01T00:00:02.000Z', updated_at: '2025-01-01T00:00:07.000Z' },
  D: { id: 'c0ffee00-0000-4000-8000-000000000001', created_at: '2025-01-01T00:00:02.000Z', updated_at: '2025-01-01T00:00:05.000Z' },
  E: { id: 'c0ffee00-0000-4000-8000-00000000000e', created_at: '2025-01-01T00:00:03.000Z', updated_at: '2025-01-01T00:00:01.000Z' },
}
const { A, B, C, D, E } = ORDERED
const CREATED_ASC = [A, D, B, C, E].map((a) => a.id)
const UPDATED_ASC = [E, D, B, C, A].map((a) => a.id)

async function orderingApp(t: Test) {
  return customApp(t, [A, C, E, B, D])
}

const ORDER_CASES: Array<[string, string[]]> = [
  ['', CREATED_ASC],
  ['?order_params.order_key=created_at', CREATED_ASC],
  ['?order_params.order_direction=ASC', CREATED_ASC],
  ['?order_params.order_direction=ORDER_DIRECTION_ENUM_UNSPECIFIED', CREATED_ASC],
  ['?order_params.order_direction=DESC', [...CREATED_ASC].reverse()],
  ['?order_params.order_key=created_at&order_params.order_direction=DESC', [...CREATED_ASC].reverse()],
  ['?order_params.order_key=updated_at', UPDATED_ASC],
  ['?order_params.order_key=updated_at&order_params.order_direction=ASC', UPDATED_ASC],
  ['?order_params.order_key=updated_at&order_params.order_direction=DESC', [...UPDATED_ASC].reverse()],
  ['?order_params.order_key=updated_at&order_params.order_direction=ORDER_DIRECTION_ENUM_UNSPECIFIED', UPDATED_ASC],
  // the flat legacy names
  ['?order_key=updated_at', UPDATED_ASC],
  ['?order_direction=DESC', [...CREATED_ASC].reverse()],
  ['?order_key=updated_at&order_direction=DESC', [...UPDATED_ASC].reverse()],
  ['?order_direction=ORDER_DIRECTION_ENUM_UNSPECIFIED', CREATED_ASC],
  // enum values in any case
  ['?order_params.order_direction=desc', [...CREATED_ASC].reverse()],
  ['?order_direction=Desc', [...CREATED_ASC].reverse()],
  ['?order_params.order_key=UPDATED_AT', UPDATED_ASC],
  ['?order_key=Updated_At&order_direction=desc', [...UPDATED_ASC].reverse()],
  ['?order_params.order_direction=order_direction_enum_unspecified', CREATED_ASC],
]

for (const [query, expected] of ORDER_CASES) {
  t.test(`orders accounts for ${query || 'no order parameters'}`, async (t) => {
    const { app, headers } = await orderingApp(t)
    const res = await listAccounts(app, query, headers)
    t.equal(res.statusCode, 200)
    t.same(ids(res), expected)
    await expectMatchesSpec(t, app, res)
  })
}

t.test('pages through tied rows without skipping or repeating one', async (t) => {
  const { app, headers } = await orderingApp(t)
  for (const [query, expected] of [
    ['', CREATED_ASC],
    ['&order_params.order_direction=DESC', [...CREATED_ASC].reverse()],
    ['&order_params.order_key=updated_at', UPDATED_ASC],
  ] as const) {
    const seen: string[] = []
    for (const page of [1, 2, 3]) {
      const res = await listAccounts(app, `?page_params.page_size=2&page_params.page_number=${page}${query}`, headers)
      t.equal(res.statusCode, 200)
      t.match(res.json(), { pagination_info: { total_elements: 5, total_pages: 3, current_page: page } })
      seen.push(...ids(res))
    }
    t.same(seen, expected, `pages of 2 ${query || '(default order)'}`)
  }
})

t.test('reads the flat legacy page names like the nested ones', async (t) => {
  const { app, headers } = await orderingApp(t)
  const nested = await listAccounts(app, '?page_params.page_size=2&page_params.page_number=2', headers)
  const flat = await listAccounts(app, '?page_size=2&page_number=2', headers)
  t.equal(flat.statusCode, 200)
  t.same(ids(flat), CREATED_ASC.slice(2, 4))
  t.same(flat.json(), nested.json())
  t.match(flat.json(), { pagination_info: { total_elements: 5, total_pages: 3, current_page: 2 } })
  await expectMatchesSpec(t, app, flat)
})

t.test('ignores unknown query parameters', async (t) => {
  const { app } = await buildTestApp(t)
  const plain = await listAccounts(app)
  const res = await listAccounts(app, '?foo=bar&page_params.cursor=abc&order_params.nulls=last&limit=1')
  t.equal(res.statusCode, 200)
  t.same(res.json(), plain.json())
  await expectMatchesSpec(t, app, res)
})

const BAD_QUERIES: Array<[string, string]> = [
  ['page_params.page_size=0', "Field 'page_params.page_size' must be at least 1"],
  ['page_params.page_size=101', "Field 'page_params.page_size' must be at most 100"],
  ['page_size=0', "Field 'page_size' must be at least 1"],
  ['page_size=101', "Field 'page_size' must be at most 100"],
  ['page_params.page_size=ten', "Field 'page_params.page_size' must be an integer"],
  ['page_params.page_size=2.5', "Field 'page_params.page_size' must be an integer"],
  ['page_params.page_number=0', "Field 'page_params.page_number' must be at least 1"],
  ['page_number=0', "Field 'page_number' must be at least 1"],
  ['page_number=-1', "Field 'page_number' must be at least 1"],
  ['order_params.order_key=id', "Field 'order_params.order_key' must be one of: created_at, updated_at"],
  ['order_key=balance', "Field 'order_key' must be one of: created_at, updated_at"],
  ['order_params.order_direction=UP', "Field 'order_params.order_direction' must be one of: ASC, DESC, ORDER_DIRECTION_ENUM_UNSPECIFIED"],
  ['order_direction=descending', "Field 'order_direction' must be one of: ASC, DESC, ORDER_DIRECTION_ENUM_UNSPECIFIED"],
  ['status=FROZEN', "Field 'status' must be one of: ACTIVE, INACTIVE, BLOCKED, CLOSED"],
  ['account_type=SAVINGS', "Field 'account_type' must be one of: ORDINARY, LOW_VALUE"],
  ['customer_id=not-a-uuid', "Field 'customer_id' must be a UUID"],
  ['account_id=123', "Field 'account_id' must be a UUID"],
  [`account_number=${'1'.repeat(36)}`, "Field 'account_number' must be at most 35 characters long"],
  ['page_params.first_request_timestamp.seconds=yesterday', "Field 'page_params.first_request_timestamp.seconds' must be an integer"],
  ['page_params.first_request_timestamp.nanos=1000000000', "Field 'page_params.first_request_timestamp.nanos' must be at most 999999999"],
  ['page_params.first_request_timestamp.nanos=-1', "Field 'page_params.first_request_timestamp.nanos' must be at least 0"],
]

for (const [query, message] of BAD_QUERIES) {
  t.test(`answers 400 listing accounts with ${query.slice(0, 60)}`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await listAccounts(app, `?${query}`)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  })
}

t.test('filters accounts by customer_id', async (t) => {
  const { app } = await buildTestApp(t)
  const second = await listAccounts(app, `?customer_id=${SECOND_CUSTOMER}`)
  t.equal(second.statusCode, 200)
  t.same(ids(second), [SECOND_ACCOUNT])
  await expectMatchesSpec(t, app, second)
  const docs = await listAccounts(app, `?customer_id=${DOCS_CUSTOMER}`)
  t.same(ids(docs).sort(), DEFAULT_ACCOUNTS.filter((id) => id !== SECOND_ACCOUNT).sort())
  t.match(docs.json(), { pagination_info: { total_elements: 8 } })
  await expectMatchesSpec(t, app, docs)
})

t.test('filters accounts by account_id', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await listAccounts(app, `?account_id=${acct('003')}`)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { accounts: [(await getAccount(app, acct('003'))).json()], pagination_info: { total_elements: 1, total_pages: 1, current_page: 1, first_request_timestamp: NOW } })
  await expectMatchesSpec(t, app, res)
})

t.test('filters accounts by status, in any case', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[string, string[]]> = [
    ['ACTIVE', [DOCS_ACCOUNT, SECOND_ACCOUNT, acct('000'), acct('003'), acct('500'), acct('504')]],
    ['INACTIVE', [acct('001')]],
    ['blocked', [acct('002')]],
    ['Closed', [acct('005')]],
  ]
  for (const [status, expected] of cases) {
    const res = await listAccounts(app, `?status=${status}`)
    t.equal(res.statusCode, 200)
    t.same(ids(res).sort(), [...expected].sort(), `status=${status}`)
    t.ok((res.json() as AccountList).accounts.every((a) => a.status === status.toUpperCase()))
    await expectMatchesSpec(t, app, res)
  }
})

t.test('filters accounts by account_type, in any case', async (t) => {
  const { app } = await buildTestApp(t)
  const none = await listAccounts(app, '?account_type=LOW_VALUE')
  t.equal(none.statusCode, 200)
  t.same(ids(none), [], 'the fixtures hold no LOW_VALUE account')
  const linked = (await linkAccount(app, { customer_id: SECOND_CUSTOMER, account_type: 'LOW_VALUE', account_number: '8800000010' })).json() as AccountBody
  for (const value of ['LOW_VALUE', 'low_value']) {
    const res = await listAccounts(app, `?account_type=${value}`)
    t.equal(res.statusCode, 200)
    t.same(ids(res), [linked.id], `account_type=${value}`)
    await expectMatchesSpec(t, app, res)
  }
  const ordinary = await listAccounts(app, '?account_type=ordinary')
  t.same(ids(ordinary).sort(), [...DEFAULT_ACCOUNTS].sort())
  await expectMatchesSpec(t, app, ordinary)
})

t.test('filters accounts by account_number', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await listAccounts(app, '?account_number=88827643001')
  t.equal(res.statusCode, 200)
  t.same(ids(res), [DOCS_ACCOUNT])
  await expectMatchesSpec(t, app, res)
  const partial = await listAccounts(app, '?account_number=8882764300')
  t.same(ids(partial), [], 'the number must match whole')
})

t.test('combines filters', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await listAccounts(app, `?customer_id=${DOCS_CUSTOMER}&status=ACTIVE&account_type=ORDINARY`)
  t.equal(res.statusCode, 200)
  t.same(ids(res).sort(), [DOCS_ACCOUNT, acct('000'), acct('003'), acct('500'), acct('504')].sort())
  await expectMatchesSpec(t, app, res)
  const clash = await listAccounts(app, `?customer_id=${SECOND_CUSTOMER}&account_id=${DOCS_ACCOUNT}`)
  t.same(ids(clash), [])
})

t.test('matches nothing when a filter names another entity’s account or customer', async (t) => {
  const { app } = await buildTestApp(t)
  const foreignNumber = ((await getAccount(app, FOREIGN_ACCOUNT, 'other')).json() as AccountBody).account_number
  for (const query of [`account_id=${FOREIGN_ACCOUNT}`, `customer_id=${OTHER_CUSTOMER}`, `account_number=${foreignNumber}`]) {
    const res = await listAccounts(app, `?${query}`)
    t.equal(res.statusCode, 200, query)
    t.same(ids(res), [], query)
    t.match(res.json(), { pagination_info: { total_elements: 0, total_pages: 0 } })
    await expectMatchesSpec(t, app, res)
  }
})

t.test('leaves out accounts linked after the snapshot time and echoes it', async (t) => {
  const { app, time } = await buildTestApp(t)
  const link = async (number: string) =>
    ((await linkAccount(app, { customer_id: SECOND_CUSTOMER, account_type: 'ORDINARY', account_number: number })).json() as AccountBody).id
  const first = await link('8800000021') // 12:00:00.000
  time.advance(5200)
  const second = await link('8800000022') // 12:00:05.200
  time.advance(200)
  const third = await link('8800000023') // 12:00:05.400
  time.advance(60_000)
  const seconds = Date.parse('2026-01-15T12:00:05.000Z') / 1000
  const base = `?customer_id=${SECOND_CUSTOMER}`

  const whole = await listAccounts(app, `${base}&page_params.first_request_timestamp.seconds=${seconds}`)
  t.equal(whole.statusCode, 200)
  t.same(ids(whole), [SECOND_ACCOUNT, first])
  t.same((whole.json() as AccountList).pagination_info, { total_elements: 2, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:00:05.000Z' })
  await expectMatchesSpec(t, app, whole)

  const nanos = await listAccounts(app, `${base}&page_params.first_request_timestamp.seconds=${seconds}&page_params.first_request_timestamp.nanos=300000000`)
  t.equal(nanos.statusCode, 200)
  t.same(ids(nanos), [SECOND_ACCOUNT, first, second])
  t.same((nanos.json() as AccountList).pagination_info, { total_elements: 3, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:00:05.300Z' })
  await expectMatchesSpec(t, app, nanos)

  const now = await listAccounts(app, base)
  t.same(ids(now), [SECOND_ACCOUNT, first, second, third])
  t.same((now.json() as AccountList).pagination_info, { total_elements: 4, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:01:05.400Z' })
  await expectMatchesSpec(t, app, now)

  const before = await listAccounts(app, `?page_params.first_request_timestamp.seconds=${Date.parse('2020-01-01T00:00:00.000Z') / 1000}`)
  t.equal(before.statusCode, 200)
  t.same(ids(before), [], 'a snapshot before every account leaves them all out')
  t.match(before.json(), { pagination_info: { total_elements: 0, first_request_timestamp: '2020-01-01T00:00:00.000Z' } })
  await expectMatchesSpec(t, app, before)
})

t.test('keeps later pages stable with a snapshot while accounts are linked', async (t) => {
  const { app, time } = await buildTestApp(t)
  const firstPage = await listAccounts(app, '?page_params.page_size=5')
  const info = (firstPage.json() as AccountList).pagination_info
  t.equal(info.first_request_timestamp, NOW, 'the first page answers the mock clock’s now')
  time.advance(1000)
  const late = await linkAccount(app, { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '8800000030' })
  t.equal(late.statusCode, 200)
  const seconds = Date.parse(info.first_request_timestamp) / 1000
  const secondPage = await listAccounts(app, `?page_params.page_size=5&page_params.page_number=2&page_params.first_request_timestamp.seconds=${seconds}`)
  t.equal(secondPage.statusCode, 200)
  t.same((secondPage.json() as AccountList).pagination_info, { total_elements: 9, total_pages: 2, current_page: 2, first_request_timestamp: NOW })
  t.notOk(ids(secondPage).includes((late.json() as AccountBody).id))
  t.same([...ids(firstPage), ...ids(secondPage)].sort(), [...DEFAULT_ACCOUNTS].sort(), 'the two pages are exactly the snapshot')
  await expectMatchesSpec(t, app, secondPage)
  const live = await listAccounts(app, '?page_params.page_size=5&page_params.page_number=2')
  t.match(live.json(), { pagination_info: { total_elements: 10, first_request_timestamp: '2026-01-15T12:00:01.000Z' } })
})

t.test('answers 401 for a list without a token or with an unknown token', async (t) => {
  const { app } = await buildTestApp(t)
  const none = await app.inject({ url: '/v1/accounts' })
  expectError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, none)
  const bad = await listAccounts(app, '', { authorization: `Bearer ${'0'.repeat(64)}` })
  expectError(t, bad, 401, 'invalid_token', 'UNAUTHENTICATED', 'The access token is invalid')
  await expectMatchesSpec(t, app, bad)
})
