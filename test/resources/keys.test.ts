import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { type ClientName, bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError, expectInvalid, expectBodyParsingErrors } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
/** Customer `a9326341…`'s account (CONTRACT §6). */
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const acct = (suffix: string) => `00000000-0000-4000-8000-000000000${suffix}`
/** ACTIVE, customer `db7e89e7…`, zero balances. */
const ZERO_ACCOUNT = acct('000')
/** The other entity's account: 403 for the default entity. */
const FOREIGN_ACCOUNT = acct('403')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const KEY_TYPE_ENUM = "Field 'key.key_type' must be one of: ID, PHONE, EMAIL, ALPHA, BCODE, MOBILE"

const RULES = {
  ID: 'must be 1 to 18 letters or digits',
  PHONE: 'must be a 10-digit mobile number starting with 3, without +57',
  EMAIL: 'must be an email of at most 92 characters, with at most 30 before the @ and 61 after it',
  ALPHA: 'must be @ followed by 5 to 20 letters and digits, with at least one of each',
  BCODE: 'must be 10 digits starting with 00',
} as const

interface KeyBody {
  id: string
  status: 'ACTIVE' | 'SUSPENDED'
  key: { key_type: string; key_value: string }
  account_id: string
  display_name?: string
  created_at: string
  updated_at: string
}

interface KeyList {
  keys: KeyBody[]
  pagination_info: { total_elements: number; total_pages: number; current_page: number; first_request_timestamp: string }
}

async function createKey(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url: '/v1/keys', headers: await bearer(app, client), payload: payload as object })
}

/** Registers a key and returns its body (fails loudly otherwise). */
async function registered(app: FastifyInstance, accountId: string, keyType: string, keyValue: string, client: ClientName = 'admin'): Promise<KeyBody> {
  const res = await createKey(app, { account_id: accountId, key: { key_type: keyType, key_value: keyValue } }, client)
  if (res.statusCode !== 200) throw new Error(`key registration failed: ${res.statusCode} ${res.body}`)
  return res.json() as KeyBody
}

async function getKey(app: FastifyInstance, id: string, client: ClientName = 'admin') {
  return app.inject({ url: `/v1/keys/${id}`, headers: await bearer(app, client) })
}

async function patchKey(app: FastifyInstance, id: string, action: 'suspend' | 'activate', client: ClientName = 'admin') {
  return app.inject({ method: 'PATCH', url: `/v1/keys/${id}/${action}`, headers: await bearer(app, client) })
}

async function deleteKey(app: FastifyInstance, id: string, client: ClientName = 'admin') {
  return app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: await bearer(app, client) })
}

async function listKeys(app: FastifyInstance, query = '', client: ClientName = 'admin') {
  return app.inject({ url: `/v1/keys${query}`, headers: await bearer(app, client) })
}

function ids(res: LightMyRequestResponse): string[] {
  return (res.json() as KeyList).keys.map((k) => k.id)
}

// ---------------------------------------------------------------------------------------------
// POST /v1/keys: the five formats

t.test('registers a key: ACTIVE, with its account, display name and the clock’s time; GET returns it', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(1234)
  const res = await createKey(app, { account_id: DOCS_ACCOUNT, key: { key_type: 'BCODE', key_value: '0016027228' }, display_name: 'Pepito Silva' })
  t.equal(res.statusCode, 200)
  const body = res.json() as KeyBody
  t.match(body.id, UUID)
  t.same(body, {
    id: body.id,
    status: 'ACTIVE',
    key: { key_type: 'BCODE', key_value: '0016027228' },
    account_id: DOCS_ACCOUNT,
    display_name: 'Pepito Silva',
    created_at: '2026-01-15T12:00:01.234Z',
    updated_at: '2026-01-15T12:00:01.234Z',
  })
  await expectMatchesSpec(t, app, res)

  const read = await getKey(app, body.id)
  t.equal(read.statusCode, 200)
  t.same(read.json(), body)
  await expectMatchesSpec(t, app, read)
})

t.test('registers a key without a display name: no display_name field', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await createKey(app, { account_id: SECOND_ACCOUNT, key: { key_type: 'ID', key_value: '36606864' } })
  t.equal(res.statusCode, 200)
  const body = res.json() as KeyBody
  t.same(body, { id: body.id, status: 'ACTIVE', key: { key_type: 'ID', key_value: '36606864' }, account_id: SECOND_ACCOUNT, created_at: NOW, updated_at: NOW })
  await expectMatchesSpec(t, app, res)
})

const VALID: [string, string][] = [
  ['ID', '36606864'],
  ['ID', 'A'.repeat(18)],
  ['ID', '7'],
  ['ID', 'abcXYZ123'],
  ['PHONE', '3975999158'],
  ['PHONE', '3000000000'],
  ['EMAIL', '78L216DRQG@passportfintech.com'],
  ['EMAIL', `${'a'.repeat(30)}@${'b'.repeat(57)}.com`],
  ['EMAIL', 'x@y'],
  ['ALPHA', '@user1'],
  ['ALPHA', '@1abcd'],
  ['ALPHA', `@${'a'.repeat(19)}9`],
  ['BCODE', '0016027228'],
  ['BCODE', '0000000000'],
]

for (const keyType of Object.keys(RULES)) {
  t.test(`registers well-formed ${keyType} values`, async (t) => {
    const { app } = await buildTestApp(t)
    for (const [type, value] of VALID.filter(([type]) => type === keyType)) {
      const res = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: type, key_value: value } })
      t.equal(res.statusCode, 200, `${value} (${value.length} chars)`)
      t.match(res.json(), { status: 'ACTIVE', key: { key_type: type, key_value: type === 'EMAIL' ? value.toLowerCase() : value } })
      await expectMatchesSpec(t, app, res)
    }
  })
}

const INVALID: [keyof typeof RULES, string, string?][] = [
  ['ID', 'A'.repeat(19)],
  ['ID', '1234-5678'],
  ['ID', '1234 5678'],
  ['ID', 'ñandú1'],
  ['PHONE', '2123456789'],
  ['PHONE', '312345678'],
  ['PHONE', '31234567890'],
  ['PHONE', '+573123456789'],
  ['PHONE', '312345678a'],
  ['EMAIL', 'no-at-sign.example.com'],
  ['EMAIL', 'two@at@example.com'],
  ['EMAIL', `${'a'.repeat(31)}@example.com`, '31 before the @'],
  ['EMAIL', `a@${'b'.repeat(58)}.com`, '62 after the @'],
  ['EMAIL', '@example.com'],
  ['EMAIL', 'pepito@'],
  ['EMAIL', 'pe pito@example.com'],
  ['ALPHA', '@userabc', 'no digit'],
  ['ALPHA', '@123456', 'no letter'],
  ['ALPHA', '@ab12', 'four characters after @'],
  ['ALPHA', `@${'a'.repeat(20)}9`, 'twenty-one characters after @'],
  ['ALPHA', 'user123', 'no @'],
  ['ALPHA', '@user_123'],
  ['BCODE', '0116027228'],
  ['BCODE', '001602722'],
  ['BCODE', '00160272281'],
  ['BCODE', '00abcdefgh'],
]

for (const keyType of Object.keys(RULES) as (keyof typeof RULES)[]) {
  t.test(`answers 400 naming key.key_value for malformed ${keyType} values`, async (t) => {
    const { app } = await buildTestApp(t)
    for (const [, value, what] of INVALID.filter(([type]) => type === keyType)) {
      const res = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: keyType, key_value: value } })
      t.equal(res.statusCode, 400, what ?? JSON.stringify(value))
      expectInvalid(t, res, `Field 'key.key_value' ${RULES[keyType]}`)
      await expectMatchesSpec(t, app, res)
    }
    t.same(ids(await listKeys(app)), [], 'nothing was registered')
  })
}

t.test('answers 400 for an EMAIL over 92 characters and for an empty value', async (t) => {
  const { app } = await buildTestApp(t)
  const long = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: 'EMAIL', key_value: `${'a'.repeat(30)}@${'b'.repeat(58)}.com` } })
  expectInvalid(t, long, "Field 'key.key_value' must be at most 92 characters long")
  await expectMatchesSpec(t, app, long)
  const empty = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: 'ID', key_value: '' } })
  expectInvalid(t, empty, "Field 'key.key_value' must not be empty")
  await expectMatchesSpec(t, app, empty)
})

t.test('accepts MOBILE and answers PHONE, in the create, get and list answers', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: 'MOBILE', key_value: '3123185778' } })
  t.equal(res.statusCode, 200)
  const body = res.json() as KeyBody
  t.same(body.key, { key_type: 'PHONE', key_value: '3123185778' })
  await expectMatchesSpec(t, app, res)
  t.same(((await getKey(app, body.id)).json() as KeyBody).key, { key_type: 'PHONE', key_value: '3123185778' })
  t.same((await listKeys(app)).json(), { keys: [body], pagination_info: { total_elements: 1, total_pages: 1, current_page: 1, first_request_timestamp: NOW } })
  const phone = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE', key_value: '3123185778' } })
  expectError(t, phone, 409, 'already_exists', 'ALREADY_EXISTS', 'This key value is already registered in the Bre-B directory')
})

t.test('stores an e-mail key lower-case, so another case of it is taken', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: 'EMAIL', key_value: 'Pepito.Silva@PassportFintech.COM' } })
  t.equal(res.statusCode, 200)
  t.same((res.json() as KeyBody).key, { key_type: 'EMAIL', key_value: 'pepito.silva@passportfintech.com' })
  await expectMatchesSpec(t, app, res)
  const again = await createKey(app, { account_id: DOCS_ACCOUNT, key: { key_type: 'EMAIL', key_value: 'PEPITO.SILVA@passportfintech.com' } })
  expectError(t, again, 409, 'already_exists', 'ALREADY_EXISTS', 'This key value is already registered in the Bre-B directory')
  await expectMatchesSpec(t, app, again)
})

for (const legacy of ['NRIC', 'M', 'E', 'O', 'B']) {
  t.test(`answers 400 for the legacy key type ${legacy}`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: legacy, key_value: '3123185778' } })
    expectInvalid(t, res, KEY_TYPE_ENUM)
    await expectMatchesSpec(t, app, res)
  })
}

t.test('answers 400 naming the field for a malformed create body', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3123185778' }
  const cases: [unknown, string][] = [
    [{ key }, "Field 'account_id' is required"],
    [{ account_id: ZERO_ACCOUNT }, "Field 'key' is required"],
    [{ account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE' } }, "Field 'key.key_value' is required"],
    [{ account_id: ZERO_ACCOUNT, key: { key_type: 'phone', key_value: '3123185778' } }, KEY_TYPE_ENUM],
    [{ account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE', key_value: 3123185778 } }, "Field 'key.key_value' must be a string"],
    [{ account_id: 'nope', key }, "Field 'account_id' must be a UUID"],
    [{ account_id: ZERO_ACCOUNT, key, display_name: '' }, "Field 'display_name' must not be empty"],
    [{ account_id: ZERO_ACCOUNT, key, display_name: 'x'.repeat(141) }, "Field 'display_name' must be at most 140 characters long"],
  ]
  for (const [payload, message] of cases) {
    const res = await createKey(app, payload)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('checks the value’s format before the account: a bad value on an unknown account is 400', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await createKey(app, { account_id: randomUUID(), key: { key_type: 'PHONE', key_value: '123' } })
  expectInvalid(t, res, `Field 'key.key_value' ${RULES.PHONE}`)
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 account_not_found for an unknown account and 403 forbidden for the other entity’s', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3123185778' }
  const missing = await createKey(app, { account_id: randomUUID(), key })
  expectError(t, missing, 404, 'account_not_found', 'NOT_FOUND', 'Account not found')
  await expectMatchesSpec(t, app, missing)
  const foreign = await createKey(app, { account_id: FOREIGN_ACCOUNT, key })
  expectError(t, foreign, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, foreign)
  t.same(ids(await listKeys(app)), [], 'nothing was registered')
})

for (const [suffix, status] of [
  ['001', 'INACTIVE'],
  ['002', 'BLOCKED'],
  ['005', 'CLOSED'],
] as const) {
  t.test(`answers 409 invalid_state for a key on an account that is ${status}`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await createKey(app, { account_id: acct(suffix), key: { key_type: 'PHONE', key_value: '3123185778' } })
    expectError(t, res, 409, 'invalid_state', 'FAILED_PRECONDITION', `The account is ${status}: keys can only be registered on ACTIVE accounts`)
    await expectMatchesSpec(t, app, res)
  })
}

t.test('answers 409 already_exists for a value registered in the same entity, on any account', async (t) => {
  const { app } = await buildTestApp(t)
  await registered(app, ZERO_ACCOUNT, 'ALPHA', '@tienda2025')
  const res = await createKey(app, { account_id: SECOND_ACCOUNT, key: { key_type: 'ALPHA', key_value: '@tienda2025' } })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'This key value is already registered in the Bre-B directory')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 409 already_exists for a value registered in another entity (one national directory)', async (t) => {
  const { app } = await buildTestApp(t)
  await registered(app, FOREIGN_ACCOUNT, 'PHONE', '3702222329', 'other')
  const res = await createKey(app, { account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE', key_value: '3702222329' } })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'This key value is already registered in the Bre-B directory')
  await expectMatchesSpec(t, app, res)
  t.same(ids(await listKeys(app)), [], 'the default entity has no key, and does not see the other’s')
})

t.test('answers 409 already_exists for a SUSPENDED key’s value: it is still live', async (t) => {
  const { app } = await buildTestApp(t)
  const key = await registered(app, ZERO_ACCOUNT, 'PHONE', '3123185778')
  t.equal((await patchKey(app, key.id, 'suspend')).statusCode, 200)
  const res = await createKey(app, { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3123185778' } })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'This key value is already registered in the Bre-B directory')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 400 invalid_json, 413 and 415 on create', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await expectBodyParsingErrors(t, app, '/v1/keys', headers)
})

// ---------------------------------------------------------------------------------------------
// Authentication and scopes

t.test('answers 401 insufficient_scope for the read-only client on every write, which changes nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const key = await registered(app, ZERO_ACCOUNT, 'PHONE', '3123185778')
  const headers = await bearer(app, 'readonly')
  for (const request of [
    { method: 'POST' as const, url: '/v1/keys', payload: { account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE', key_value: '3975999158' } } },
    { method: 'PATCH' as const, url: `/v1/keys/${key.id}/suspend` },
    { method: 'PATCH' as const, url: `/v1/keys/${key.id}/activate` },
    { method: 'DELETE' as const, url: `/v1/keys/${key.id}` },
  ]) {
    const res = await app.inject({ ...request, headers })
    expectError(t, res, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
    await expectMatchesSpec(t, app, res)
  }
  const read = await getKey(app, key.id, 'readonly')
  t.equal(read.statusCode, 200, 'the read-only client reads keys')
  t.same(read.json(), key, 'unchanged')
  await expectMatchesSpec(t, app, read)
  const list = await listKeys(app, '', 'readonly')
  t.same(ids(list), [key.id])
  await expectMatchesSpec(t, app, list)
})

t.test('answers 401 missing_token on every key route without a token', async (t) => {
  const { app } = await buildTestApp(t)
  const id = randomUUID()
  for (const request of [
    { method: 'POST' as const, url: '/v1/keys' },
    { method: 'GET' as const, url: '/v1/keys' },
    { method: 'GET' as const, url: `/v1/keys/${id}` },
    { method: 'PATCH' as const, url: `/v1/keys/${id}/suspend` },
    { method: 'PATCH' as const, url: `/v1/keys/${id}/activate` },
    { method: 'DELETE' as const, url: `/v1/keys/${id}` },
  ]) {
    const res = await app.inject(request)
    expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
    await expectMatchesSpec(t, app, res)
  }
})

// ---------------------------------------------------------------------------------------------
// GET /v1/keys/:key_id

t.test('answers 404 key_not_found for an unknown key, 403 for another entity’s, 400 for a bad id', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await getKey(app, randomUUID())
  expectError(t, missing, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
  await expectMatchesSpec(t, app, missing)
  const foreign = await registered(app, FOREIGN_ACCOUNT, 'PHONE', '3702222329', 'other')
  const res = await getKey(app, foreign.id)
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  const bad = await getKey(app, 'not-a-uuid')
  expectInvalid(t, bad, "Field 'key_id' must be a UUID")
  await expectMatchesSpec(t, app, bad)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/keys

t.test('lists nothing as 200 with an empty array', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await listKeys(app)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { keys: [], pagination_info: { total_elements: 0, total_pages: 0, current_page: 1, first_request_timestamp: NOW } })
  await expectMatchesSpec(t, app, res)
})

t.test('lists the entity’s keys, oldest first, with every filter of reference B §3.3, never another entity’s', async (t) => {
  const { app, time } = await buildTestApp(t)
  const phone = await registered(app, ZERO_ACCOUNT, 'PHONE', '3123185778')
  time.advance(1000)
  const email = await registered(app, DOCS_ACCOUNT, 'EMAIL', 'Pagos@Tienda.co')
  time.advance(1000)
  const id = await registered(app, SECOND_ACCOUNT, 'ID', '36606864')
  time.advance(1000)
  const bcode = await registered(app, SECOND_ACCOUNT, 'BCODE', '0016027228')
  time.advance(1000)
  t.equal((await patchKey(app, email.id, 'suspend')).statusCode, 200)
  const foreign = await registered(app, FOREIGN_ACCOUNT, 'PHONE', '3702222329', 'other')

  const all = await listKeys(app)
  t.equal(all.statusCode, 200)
  t.same(ids(all), [phone.id, email.id, id.id, bcode.id])
  t.same((all.json() as KeyList).pagination_info, { total_elements: 4, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:00:04.000Z' })
  await expectMatchesSpec(t, app, all)

  const cases: [string, string[]][] = [
    [`customer_id=${DOCS_CUSTOMER}`, [phone.id, email.id]],
    [`customer_id=${SECOND_CUSTOMER}`, [id.id, bcode.id]],
    [`account_id=${SECOND_ACCOUNT}`, [id.id, bcode.id]],
    [`account_id=${FOREIGN_ACCOUNT}`, []],
    ['key_type=PHONE', [phone.id]],
    ['key_type=mobile', [phone.id]],
    ['key_type=bcode', [bcode.id]],
    [`key_id=${id.id}`, [id.id]],
    [`key_id=${foreign.id}`, []],
    ['status=SUSPENDED', [email.id]],
    ['status=suspended', [email.id]],
    ['status=Active', [phone.id, id.id, bcode.id]],
    ['key_value=3123185778', [phone.id]],
    ['key_value=pagos@tienda.co', [email.id]],
    ['key_type=EMAIL&key_value=PAGOS@TIENDA.CO', [email.id]],
    ['key_value=3702222329', []],
    [`status=ACTIVE&customer_id=${SECOND_CUSTOMER}&key_type=ID`, [id.id]],
    ['order_params.order_direction=desc', [bcode.id, id.id, email.id, phone.id]],
    ['order_params.order_key=updated_at', [phone.id, id.id, bcode.id, email.id]],
    ['page_params.page_size=3&page_params.page_number=2', [bcode.id]],
    ['page_size=2&page_number=2', [id.id, bcode.id]],
    ['page_params.page_number=9', []],
  ]
  for (const [query, expected] of cases) {
    const res = await listKeys(app, `?${query}`)
    t.equal(res.statusCode, 200, query)
    t.same(ids(res), expected, query)
    await expectMatchesSpec(t, app, res)
  }

  const other = await listKeys(app, '', 'other')
  t.same(ids(other), [foreign.id], 'the other entity sees only its own key')
})

t.test('answers 400 for a bad list filter', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: [string, string][] = [
    ['status=DELETED', "Field 'status' must be one of: ACTIVE, SUSPENDED"],
    ['key_type=M', "Field 'key_type' must be one of: ID, PHONE, EMAIL, ALPHA, BCODE, MOBILE"],
    ['customer_id=x', "Field 'customer_id' must be a UUID"],
    ['account_id=x', "Field 'account_id' must be a UUID"],
    ['key_id=x', "Field 'key_id' must be a UUID"],
    ['page_params.page_size=0', "Field 'page_params.page_size' must be at least 1"],
  ]
  for (const [query, message] of cases) {
    const res = await listKeys(app, `?${query}`)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
})

// ---------------------------------------------------------------------------------------------
// PATCH /v1/keys/:key_id/suspend and /activate

t.test('suspends an ACTIVE key and activates it again, bumping updated_at; repeats are 409', async (t) => {
  const { app, time } = await buildTestApp(t)
  const key = await registered(app, ZERO_ACCOUNT, 'PHONE', '3123185778')
  time.advance(60_000)
  const suspended = await patchKey(app, key.id, 'suspend')
  t.equal(suspended.statusCode, 200)
  t.same(suspended.json(), { ...key, status: 'SUSPENDED', updated_at: '2026-01-15T12:01:00.000Z' })
  await expectMatchesSpec(t, app, suspended)
  t.same((await getKey(app, key.id)).json(), suspended.json(), 'GET shows the new status')

  const again = await patchKey(app, key.id, 'suspend')
  expectError(t, again, 409, 'invalid_state', 'FAILED_PRECONDITION', 'The key is already SUSPENDED')
  await expectMatchesSpec(t, app, again)

  time.advance(60_000)
  const activated = await patchKey(app, key.id, 'activate')
  t.equal(activated.statusCode, 200)
  t.same(activated.json(), { ...key, status: 'ACTIVE', updated_at: '2026-01-15T12:02:00.000Z' })
  await expectMatchesSpec(t, app, activated)

  const twice = await patchKey(app, key.id, 'activate')
  expectError(t, twice, 409, 'invalid_state', 'FAILED_PRECONDITION', 'The key is already ACTIVE')
  await expectMatchesSpec(t, app, twice)
})

t.test('takes suspend and activate with an empty JSON body, as real clients send them', async (t) => {
  const { app } = await buildTestApp(t)
  const key = await registered(app, ZERO_ACCOUNT, 'PHONE', '3123185778')
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  for (const [action, status] of [
    ['suspend', 'SUSPENDED'],
    ['activate', 'ACTIVE'],
  ] as const) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/keys/${key.id}/${action}`, headers, payload: '' })
    t.equal(res.statusCode, 200, action)
    t.match(res.json(), { id: key.id, status })
    await expectMatchesSpec(t, app, res)
  }
  const text = await app.inject({ method: 'PATCH', url: `/v1/keys/${key.id}/suspend`, headers: { ...headers, 'content-type': 'text/plain' }, payload: 'x' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, text)
})

t.test('answers 404, 403 and 400 on suspend and activate', async (t) => {
  const { app } = await buildTestApp(t)
  const foreign = await registered(app, FOREIGN_ACCOUNT, 'PHONE', '3702222329', 'other')
  for (const action of ['suspend', 'activate'] as const) {
    const missing = await patchKey(app, randomUUID(), action)
    expectError(t, missing, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
    await expectMatchesSpec(t, app, missing)
    const res = await patchKey(app, foreign.id, action)
    expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
    await expectMatchesSpec(t, app, res)
    const bad = await patchKey(app, 'nope', action)
    expectInvalid(t, bad, "Field 'key_id' must be a UUID")
    await expectMatchesSpec(t, app, bad)
  }
  t.match((await getKey(app, foreign.id, 'other')).json(), { status: 'ACTIVE' }, 'the other entity’s key is untouched')
})

t.test('checks ownership before state: another entity’s ACTIVE key is 403 on activate, not 409', async (t) => {
  const { app } = await buildTestApp(t)
  const foreign = await registered(app, FOREIGN_ACCOUNT, 'PHONE', '3702222329', 'other')
  const res = await patchKey(app, foreign.id, 'activate')
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// DELETE /v1/keys/:key_id

for (const status of ['ACTIVE', 'SUSPENDED'] as const) {
  t.test(`deletes a ${status} key: 204, then 404 on get, suspend, activate and delete; the value is free again`, async (t) => {
    const { app } = await buildTestApp(t)
    const key = await registered(app, ZERO_ACCOUNT, 'EMAIL', 'pagos@tienda.co')
    if (status === 'SUSPENDED') t.equal((await patchKey(app, key.id, 'suspend')).statusCode, 200)
    const res = await app.inject({ method: 'DELETE', url: `/v1/keys/${key.id}`, headers: { ...(await bearer(app)), 'content-type': 'application/json' } })
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    await expectMatchesSpec(t, app, res)

    for (const after of [await getKey(app, key.id), await patchKey(app, key.id, 'suspend'), await patchKey(app, key.id, 'activate'), await deleteKey(app, key.id)]) {
      expectError(t, after, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
      await expectMatchesSpec(t, app, after)
    }
    t.same(ids(await listKeys(app)), [], 'gone from the list')

    // The same value can be registered again, on another account and even in another entity.
    const again = await createKey(app, { account_id: SECOND_ACCOUNT, key: { key_type: 'EMAIL', key_value: 'PAGOS@tienda.co' } })
    t.equal(again.statusCode, 200)
    t.not((again.json() as KeyBody).id, key.id, 'a new key')
    t.match(again.json(), { status: 'ACTIVE', account_id: SECOND_ACCOUNT, key: { key_type: 'EMAIL', key_value: 'pagos@tienda.co' } })
    await expectMatchesSpec(t, app, again)
  })
}

t.test('lets another entity register a value once it is deleted', async (t) => {
  const { app } = await buildTestApp(t)
  const key = await registered(app, ZERO_ACCOUNT, 'PHONE', '3123185778')
  t.equal((await deleteKey(app, key.id)).statusCode, 204)
  const res = await createKey(app, { account_id: FOREIGN_ACCOUNT, key: { key_type: 'PHONE', key_value: '3123185778' } }, 'other')
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 deleting an unknown key, 403 for another entity’s (which stays), 400 for a bad id, 415 for a text body', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await deleteKey(app, randomUUID())
  expectError(t, missing, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
  await expectMatchesSpec(t, app, missing)
  const foreign = await registered(app, FOREIGN_ACCOUNT, 'PHONE', '3702222329', 'other')
  const res = await deleteKey(app, foreign.id)
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  t.equal((await getKey(app, foreign.id, 'other')).statusCode, 200, 'still there')
  const bad = await deleteKey(app, 'nope')
  expectInvalid(t, bad, "Field 'key_id' must be a UUID")
  await expectMatchesSpec(t, app, bad)
  const own = await registered(app, ZERO_ACCOUNT, 'PHONE', '3123185778')
  const text = await app.inject({ method: 'DELETE', url: `/v1/keys/${own.id}`, headers: { ...(await bearer(app)), 'content-type': 'text/plain' }, payload: 'x' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, text)
  t.equal((await getKey(app, own.id)).statusCode, 200, 'not deleted by the refused request')
})

t.test('takes the docs’ table form too: key_type and key_value at the top level when key is absent', async (t) => {
  const { app } = await buildTestApp(t)
  // https://docs.passportfintech.com/EN/create-keys lists key_type and key_value as top-level parameters.
  const res = await createKey(app, { account_id: DOCS_ACCOUNT, key_type: 'BCODE', key_value: '0016027228', display_name: 'Pepito Silva' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ACTIVE', key: { key_type: 'BCODE', key_value: '0016027228' }, account_id: DOCS_ACCOUNT, display_name: 'Pepito Silva' })
  t.notOk('key_type' in res.json(), 'answered in the examples’ nested form')
  await expectMatchesSpec(t, app, res)
  const mobile = await createKey(app, { account_id: DOCS_ACCOUNT, key_type: 'MOBILE', key_value: '3123185778' })
  t.match(mobile.json(), { key: { key_type: 'PHONE', key_value: '3123185778' } })
  const both = await createKey(app, { account_id: DOCS_ACCOUNT, key: { key_type: 'ID', key_value: '36606864' }, key_type: 'PHONE', key_value: '3001112222' })
  t.match(both.json(), { key: { key_type: 'ID', key_value: '36606864' } }, 'key wins when both forms are sent')
  for (const [payload, message] of [
    [{ account_id: DOCS_ACCOUNT, key_type: 'PHONE' }, "Field 'key_value' is required"],
    [{ account_id: DOCS_ACCOUNT, key_value: '3001112222' }, "Field 'key_type' is required"],
    [{ account_id: DOCS_ACCOUNT, key_type: 'PHONE', key_value: '123' }, `Field 'key_value' ${RULES.PHONE}`],
    [{ account_id: DOCS_ACCOUNT, key_type: 'E', key_value: 'a@b.co' }, KEY_TYPE_ENUM.replace("'key.key_type'", "'key_type'")],
  ] as const) {
    const bad = await createKey(app, payload)
    expectInvalid(t, bad, message)
    await expectMatchesSpec(t, app, bad)
  }
})
