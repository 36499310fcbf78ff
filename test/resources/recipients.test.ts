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
/** The other entity's customer (CONTRACT §6: it owns account …0403). */
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const THIRTY_MINUTES_MS = 30 * 60 * 1000

const INDIVIDUAL_OWNER = {
  type: 'INDIVIDUAL',
  first_name: 'Pepito',
  second_name: 'Andrés',
  first_last_name: 'Silva',
  second_last_name: 'Gómez',
  identification_type: 'CC',
  identification_number: '1020304050',
}
const SAVINGS_ACCOUNT = { account_type: 'SAVINGS', account_number: '0550123456789', bank_name: 'BANCO DE BOGOTA' }

interface BrebRecipientBody {
  id: string
  customer_id: string
  type: 'BREB'
  key: { key_type: string; key_value: string }
  alias?: string
  created_at: string
  updated_at: string
}

interface RecipientList {
  recipients: { id: string; type: string }[]
  pagination_info: { total_elements: number; total_pages: number; current_page: number; first_request_timestamp: string }
}

interface ResolutionBody {
  id: string
  resolution_id: string
  customer_id: string
  key: { key_type: string; key_value: string }
  owner: Record<string, string>
  participant: { name: string; identification_number: string }
  account: { account_type: string; account_number: string }
  receptor_node: string
  resolved_at: string
  expires_at: string
  created_at: string
  updated_at: string
}

async function post(app: FastifyInstance, url: string, payload: unknown, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url, headers: await bearer(app, client), payload: payload as object })
}

async function createBreb(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return post(app, '/v1/recipients/breb', payload, client)
}

async function createAch(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return post(app, '/v1/recipients/ach', payload, client)
}

/** Creates a recipient and returns its id (fails the test loudly otherwise). */
async function recipientId(res: Promise<LightMyRequestResponse>): Promise<string> {
  const r = await res
  if (r.statusCode !== 200) throw new Error(`recipient creation failed: ${r.statusCode} ${r.body}`)
  return (r.json() as { id: string }).id
}

async function get(app: FastifyInstance, url: string, client: ClientName = 'admin') {
  return app.inject({ url, headers: await bearer(app, client) })
}

async function resolve(app: FastifyInstance, id: string, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url: `/v1/recipients/${id}/resolve`, headers: await bearer(app, client) })
}

function listIds(res: LightMyRequestResponse): string[] {
  return (res.json() as RecipientList).recipients.map((r) => r.id)
}

// ---------------------------------------------------------------------------------------------
// POST /v1/recipients/breb

t.test('saves a Bre-B recipient: MOBILE is answered as PHONE, the alias is echoed, GET returns it', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(1500)
  const res = await createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'MOBILE', key_value: '3975999158' }, alias: 'Pepito SAS5' })
  t.equal(res.statusCode, 200)
  const body = res.json() as BrebRecipientBody
  t.match(body.id, UUID)
  t.same(body, {
    id: body.id,
    customer_id: DOCS_CUSTOMER,
    type: 'BREB',
    key: { key_type: 'PHONE', key_value: '3975999158' },
    alias: 'Pepito SAS5',
    created_at: '2026-01-15T12:00:01.500Z',
    updated_at: '2026-01-15T12:00:01.500Z',
  })
  await expectMatchesSpec(t, app, res)

  time.advance(60_000)
  const read = await get(app, `/v1/recipients/breb/${body.id}`)
  t.equal(read.statusCode, 200)
  t.same(read.json(), body, 'the stored recipient, unchanged')
  await expectMatchesSpec(t, app, read)
})

t.test('saves a Bre-B recipient without an alias: no alias field; an e-mail key is stored lower-case', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await createBreb(app, { customer_id: SECOND_CUSTOMER, key: { key_type: 'EMAIL', key_value: 'Pepito.Silva@Example.COM' } })
  t.equal(res.statusCode, 200)
  const body = res.json() as BrebRecipientBody
  t.same(body, {
    id: body.id,
    customer_id: SECOND_CUSTOMER,
    type: 'BREB',
    key: { key_type: 'EMAIL', key_value: 'pepito.silva@example.com' },
    created_at: NOW,
    updated_at: NOW,
  })
  t.notOk('alias' in body)
  await expectMatchesSpec(t, app, res)
})

t.test('saves a Bre-B recipient without resolving its key: even the never-resolving 3000000404 is accepted', async (t) => {
  const { app } = await buildTestApp(t)
  for (const key of [
    { key_type: 'PHONE', key_value: '3000000404' },
    { key_type: 'ID', key_value: '36606864' },
    { key_type: 'ALPHA', key_value: '@user123' },
    { key_type: 'BCODE', key_value: '0016027228' },
  ]) {
    const res = await createBreb(app, { customer_id: DOCS_CUSTOMER, key, alias: '' })
    t.equal(res.statusCode, 200, `${key.key_type} ${key.key_value}`)
    t.match(res.json(), { type: 'BREB', key, alias: '' })
    await expectMatchesSpec(t, app, res)
  }
})

t.test('saves the same key twice as two recipients (no uniqueness is documented)', async (t) => {
  const { app } = await buildTestApp(t)
  const payload = { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3123185778' } }
  const first = await recipientId(createBreb(app, payload))
  const res = await createBreb(app, payload)
  t.equal(res.statusCode, 200)
  t.not((res.json() as BrebRecipientBody).id, first)
  await expectMatchesSpec(t, app, res)
})

t.test('answers 400 naming the field for a malformed Bre-B recipient', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3975999158' }
  const cases: [unknown, string][] = [
    [{ key }, "Field 'customer_id' is required"],
    [{ customer_id: DOCS_CUSTOMER }, "Field 'key' is required"],
    [{ customer_id: 'not-a-uuid', key }, "Field 'customer_id' must be a UUID"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_value: '3975999158' } }, "Field 'key.key_type' is required"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '+573975999158' } }, "Field 'key.key_value' must be a 10-digit mobile number starting with 3, without +57"],
    [{ customer_id: DOCS_CUSTOMER, key: { key_type: 'BCODE', key_value: '0116027228' } }, "Field 'key.key_value' must be 10 digits starting with 00"],
    [{ customer_id: DOCS_CUSTOMER, key, alias: 'a'.repeat(129) }, "Field 'alias' must be at most 128 characters long"],
    [{ customer_id: DOCS_CUSTOMER, key, alias: 7 }, "Field 'alias' must be a string"],
  ]
  for (const [payload, message] of cases) {
    const res = await createBreb(app, payload)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  // Legacy codes (reference B §9) are not key types any more (CONTRACT §4).
  const legacy = await createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'M', key_value: '3975999158' } })
  expectError(t, legacy, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /^Field 'key\.key_type' must be one of: /)
  await expectMatchesSpec(t, app, legacy)
})

t.test('checks the key format before the customer: a bad key for an unknown customer is 400', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await createBreb(app, { customer_id: randomUUID(), key: { key_type: 'ALPHA', key_value: '@onlyletters' } })
  expectInvalid(t, res, "Field 'key.key_value' must be @ followed by 5 to 20 letters and digits, with at least one of each")
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 customer_not_found and 403 forbidden for the customer of a Bre-B recipient', async (t) => {
  const { app } = await buildTestApp(t)
  const key = { key_type: 'PHONE', key_value: '3975999158' }
  const missing = await createBreb(app, { customer_id: randomUUID(), key })
  expectError(t, missing, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, missing)
  const foreign = await createBreb(app, { customer_id: OTHER_CUSTOMER, key })
  expectError(t, foreign, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, foreign)
  const list = await get(app, '/v1/recipients')
  t.same(listIds(list), [], 'nothing was saved')
})

t.test('answers 400 invalid_json, 413 and 415 on the create routes', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  for (const url of ['/v1/recipients/breb', '/v1/recipients/ach']) {
    await expectBodyParsingErrors(t, app, url, headers)
  }
})

// ---------------------------------------------------------------------------------------------
// POST /v1/recipients/ach

t.test('saves an ACH recipient for an INDIVIDUAL: the request echoed with id, type and times; GET returns it', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(250)
  const res = await createAch(app, { customer_id: DOCS_CUSTOMER, alias: 'Arriendo', owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT })
  t.equal(res.statusCode, 200)
  const body = res.json() as { id: string }
  t.match(body.id, UUID)
  t.same(body, {
    id: body.id,
    customer_id: DOCS_CUSTOMER,
    type: 'ACH',
    alias: 'Arriendo',
    owner: INDIVIDUAL_OWNER,
    account: SAVINGS_ACCOUNT,
    created_at: '2026-01-15T12:00:00.250Z',
    updated_at: '2026-01-15T12:00:00.250Z',
  })
  await expectMatchesSpec(t, app, res)

  const read = await get(app, `/v1/recipients/ach/${body.id}`)
  t.equal(read.statusCode, 200)
  t.same(read.json(), body)
  await expectMatchesSpec(t, app, read)
})

t.test('saves an ACH recipient for a BUSINESS with only the required fields; any bank name is taken', async (t) => {
  const { app } = await buildTestApp(t)
  const owner = { type: 'BUSINESS', business_name: 'Comercializadora Andina S.A.S.', identification_type: 'NIT', identification_number: '900123456' }
  const account = { account_type: 'INCLUSIVE_LOW_VALUE', account_number: '123456789012345678', bank_name: 'Cooperativa Imaginaria de Ahorro' }
  const res = await createAch(app, { customer_id: SECOND_CUSTOMER, owner, account })
  t.equal(res.statusCode, 200)
  const body = res.json() as { id: string }
  t.same(body, { id: body.id, customer_id: SECOND_CUSTOMER, type: 'ACH', owner, account, created_at: NOW, updated_at: NOW })
  await expectMatchesSpec(t, app, res)
})

t.test('takes every identification type and account type of reference B §5.2', async (t) => {
  const { app } = await buildTestApp(t)
  const identificationTypes = ['CC', 'CE', 'NUIP', 'PPT', 'PEP', 'NIT', 'PAS', 'TDI']
  const accountTypes = ['LOW_VALUE', 'ORDINARY', 'CHECKING', 'SAVINGS', 'INCLUSIVE_LOW_VALUE']
  for (const [i, identification_type] of identificationTypes.entries()) {
    const account_type = accountTypes[i % accountTypes.length] as string
    const res = await createAch(app, {
      customer_id: DOCS_CUSTOMER,
      owner: { ...INDIVIDUAL_OWNER, identification_type, identification_number: 'X'.repeat(30) },
      account: { account_type, account_number: '1', bank_name: 'B' },
    })
    t.equal(res.statusCode, 200, `${identification_type} / ${account_type}`)
    t.match(res.json(), { owner: { identification_type }, account: { account_type } })
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 400 naming the field for a malformed ACH recipient', async (t) => {
  const { app } = await buildTestApp(t)
  const base = { customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }
  const { first_name: _f, ...noFirstName } = INDIVIDUAL_OWNER
  const { first_last_name: _l, ...noFirstLastName } = INDIVIDUAL_OWNER
  const cases: [unknown, string][] = [
    [{ owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }, "Field 'customer_id' is required"],
    [{ customer_id: DOCS_CUSTOMER, account: SAVINGS_ACCOUNT }, "Field 'owner' is required"],
    [{ customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER }, "Field 'account' is required"],
    [{ ...base, owner: noFirstName }, "Field 'owner.first_name' is required"],
    [{ ...base, owner: noFirstLastName }, "Field 'owner.first_last_name' is required"],
    [{ ...base, owner: { ...INDIVIDUAL_OWNER, first_name: '' } }, "Field 'owner.first_name' is required"],
    [{ ...base, owner: { type: 'BUSINESS', identification_type: 'NIT', identification_number: '900123456' } }, "Field 'owner.business_name' is required"],
    [{ ...base, owner: { ...INDIVIDUAL_OWNER, type: 'PERSON' } }, "Field 'owner.type' must be one of: INDIVIDUAL, BUSINESS"],
    [{ ...base, owner: { ...INDIVIDUAL_OWNER, identification_type: 'DNI' } }, "Field 'owner.identification_type' must be one of: CC, CE, NUIP, PPT, PEP, NIT, PAS, TDI"],
    [{ ...base, owner: { ...INDIVIDUAL_OWNER, identification_number: '' } }, "Field 'owner.identification_number' must not be empty"],
    [{ ...base, owner: { ...INDIVIDUAL_OWNER, identification_number: '1'.repeat(31) } }, "Field 'owner.identification_number' must be at most 30 characters long"],
    [{ ...base, account: { ...SAVINGS_ACCOUNT, account_type: 'CURRENT' } }, "Field 'account.account_type' must be one of: LOW_VALUE, ORDINARY, CHECKING, SAVINGS, INCLUSIVE_LOW_VALUE"],
    [{ ...base, account: { ...SAVINGS_ACCOUNT, account_number: '1'.repeat(19) } }, "Field 'account.account_number' must be at most 18 characters long"],
    [{ ...base, account: { ...SAVINGS_ACCOUNT, account_number: '' } }, "Field 'account.account_number' must not be empty"],
    [{ ...base, account: { ...SAVINGS_ACCOUNT, bank_name: 'B'.repeat(65) } }, "Field 'account.bank_name' must be at most 64 characters long"],
    [{ ...base, account: { account_type: 'SAVINGS', account_number: '1' } }, "Field 'account.bank_name' is required"],
    [{ ...base, alias: 'a'.repeat(129) }, "Field 'alias' must be at most 128 characters long"],
  ]
  for (const [payload, message] of cases) {
    const res = await createAch(app, payload)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('checks the owner’s name parts before the customer: an incomplete owner for an unknown customer is 400', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await createAch(app, {
    customer_id: randomUUID(),
    owner: { type: 'BUSINESS', identification_type: 'NIT', identification_number: '900123456' },
    account: SAVINGS_ACCOUNT,
  })
  expectInvalid(t, res, "Field 'owner.business_name' is required")
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 customer_not_found and 403 forbidden for the customer of an ACH recipient', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await createAch(app, { customer_id: randomUUID(), owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT })
  expectError(t, missing, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, missing)
  const foreign = await createAch(app, { customer_id: OTHER_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT })
  expectError(t, foreign, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, foreign)
})

// ---------------------------------------------------------------------------------------------
// Authentication and scopes

t.test('answers 401 without a token and 401 insufficient_scope for the read-only client on writes', async (t) => {
  const { app } = await buildTestApp(t)
  const id = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }))
  const writes = [
    { method: 'POST' as const, url: '/v1/recipients/breb', payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } } },
    { method: 'POST' as const, url: '/v1/recipients/ach', payload: { customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT } },
    { method: 'DELETE' as const, url: `/v1/recipients/${id}` },
    { method: 'POST' as const, url: `/v1/recipients/${id}/resolve` },
  ]
  const readonly = await bearer(app, 'readonly')
  for (const request of writes) {
    const res = await app.inject({ ...request, headers: readonly })
    expectError(t, res, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
    await expectMatchesSpec(t, app, res)
  }
  for (const request of [...writes, { method: 'GET' as const, url: '/v1/recipients' }, { method: 'GET' as const, url: `/v1/recipients/breb/${id}` }, { method: 'GET' as const, url: `/v1/recipients/ach/${id}` }]) {
    const res = await app.inject(request)
    expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
    await expectMatchesSpec(t, app, res)
  }
  const still = await get(app, `/v1/recipients/breb/${id}`, 'readonly')
  t.equal(still.statusCode, 200, 'the read-only client reads, and the recipient was not deleted')
  await expectMatchesSpec(t, app, still)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/recipients/breb/:recipient_id and /ach/:recipient_id

t.test('answers 404 recipient_not_found for an unknown id and for a recipient of the other type', async (t) => {
  const { app } = await buildTestApp(t)
  const breb = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }))
  const ach = await recipientId(createAch(app, { customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }))
  for (const url of [`/v1/recipients/breb/${randomUUID()}`, `/v1/recipients/ach/${randomUUID()}`, `/v1/recipients/breb/${ach}`, `/v1/recipients/ach/${breb}`]) {
    const res = await get(app, url)
    expectError(t, res, 404, 'recipient_not_found', 'NOT_FOUND', 'Recipient not found')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 403 forbidden for another entity’s recipient, and 404 there when it is of the other type', async (t) => {
  const { app } = await buildTestApp(t)
  const breb = await recipientId(createBreb(app, { customer_id: OTHER_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }, 'other'))
  const ach = await recipientId(createAch(app, { customer_id: OTHER_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }, 'other'))
  for (const url of [`/v1/recipients/breb/${breb}`, `/v1/recipients/ach/${ach}`]) {
    const res = await get(app, url)
    expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
    await expectMatchesSpec(t, app, res)
    const own = await get(app, url, 'other')
    t.equal(own.statusCode, 200, 'its own entity reads it')
    await expectMatchesSpec(t, app, own)
  }
  const crossed = await get(app, `/v1/recipients/ach/${breb}`)
  expectError(t, crossed, 404, 'recipient_not_found', 'NOT_FOUND', 'Recipient not found')
  await expectMatchesSpec(t, app, crossed)
})

t.test('answers 400 for a recipient id that is not a UUID', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  for (const [method, url] of [
    ['GET', '/v1/recipients/breb/nope'],
    ['GET', '/v1/recipients/ach/nope'],
    ['DELETE', '/v1/recipients/nope'],
    ['POST', '/v1/recipients/nope/resolve'],
  ] as const) {
    const res = await app.inject({ method, url, headers })
    expectInvalid(t, res, "Field 'recipient_id' must be a UUID")
    await expectMatchesSpec(t, app, res)
  }
})

// ---------------------------------------------------------------------------------------------
// GET /v1/recipients

t.test('lists nothing as 200 with an empty array', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await get(app, '/v1/recipients')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { recipients: [], pagination_info: { total_elements: 0, total_pages: 0, current_page: 1, first_request_timestamp: NOW } })
  await expectMatchesSpec(t, app, res)
})

t.test('lists both types, oldest first, and filters by every parameter of reference B §5.4', async (t) => {
  const { app, time } = await buildTestApp(t)
  const brebDocs = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }))
  time.advance(1000)
  const achDocs = await recipientId(createAch(app, { customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }))
  time.advance(1000)
  const achSecond = await recipientId(
    createAch(app, {
      customer_id: SECOND_CUSTOMER,
      owner: { type: 'BUSINESS', business_name: 'Tienda QA', identification_type: 'NIT', identification_number: '900123456' },
      account: { account_type: 'CHECKING', account_number: '777', bank_name: 'BANCO FALABELLA' },
    }),
  )
  time.advance(1000)
  const brebSecond = await recipientId(createBreb(app, { customer_id: SECOND_CUSTOMER, key: { key_type: 'ID', key_value: '36606864' } }))
  // Another entity's recipients never show.
  const foreign = await recipientId(createAch(app, { customer_id: OTHER_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }, 'other'))

  const all = await get(app, '/v1/recipients')
  t.equal(all.statusCode, 200)
  t.same(listIds(all), [brebDocs, achDocs, achSecond, brebSecond])
  t.same((all.json() as RecipientList).pagination_info, { total_elements: 4, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:00:03.000Z' })
  await expectMatchesSpec(t, app, all)

  const cases: [string, string[]][] = [
    [`customer_id=${DOCS_CUSTOMER}`, [brebDocs, achDocs]],
    [`customer_id=${OTHER_CUSTOMER}`, []],
    ['type=BREB', [brebDocs, brebSecond]],
    ['type=ach', [achDocs, achSecond]],
    [`recipient_id=${achSecond}`, [achSecond]],
    [`recipient_id=${foreign}`, []],
    ['identification_number=1020304050', [achDocs]],
    ['account_number=777', [achSecond]],
    ['account_type=savings', [achDocs]],
    ['account_type=ORDINARY', []],
    [`type=ACH&customer_id=${SECOND_CUSTOMER}`, [achSecond]],
    // Docs #30's example values: the owner's type; only ACH recipients have one until resolved.
    ['type=INDIVIDUAL', [achDocs]],
    ['type=business', [achSecond]],
    [`type=BUSINESS&customer_id=${DOCS_CUSTOMER}`, []],
    ['order_params.order_direction=DESC', [brebSecond, achSecond, achDocs, brebDocs]],
    ['page_params.page_size=3&page_params.page_number=2', [brebSecond]],
    ['page_size=2&page_number=3', []],
  ]
  for (const [query, expected] of cases) {
    const res = await get(app, `/v1/recipients?${query}`)
    t.equal(res.statusCode, 200, query)
    t.same(listIds(res), expected, query)
    await expectMatchesSpec(t, app, res)
  }

  const paged = await get(app, '/v1/recipients?page_params.page_size=3&page_params.page_number=2')
  t.match((paged.json() as RecipientList).pagination_info, { total_elements: 4, total_pages: 2, current_page: 2 })

  const other = await get(app, '/v1/recipients', 'other')
  t.same(listIds(other), [foreign], 'the other entity sees only its own')
  await expectMatchesSpec(t, app, other)
})

t.test('lists the same bodies as the single lookups', async (t) => {
  const { app, time } = await buildTestApp(t)
  const breb = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' }, alias: 'Pepito' }))
  time.advance(1) // rows with the same created_at are ordered by id, which is random
  const ach = await recipientId(createAch(app, { customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }))
  const list = (await get(app, '/v1/recipients')).json() as RecipientList
  t.same(list.recipients, [(await get(app, `/v1/recipients/breb/${breb}`)).json(), (await get(app, `/v1/recipients/ach/${ach}`)).json()])
})

t.test('answers 400 for a bad list filter', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: [string, string][] = [
    ['type=SWIFT', "Field 'type' must be one of: BREB, ACH, INDIVIDUAL, BUSINESS"],
    ['customer_id=42', "Field 'customer_id' must be a UUID"],
    ['recipient_id=x', "Field 'recipient_id' must be a UUID"],
    ['account_type=CURRENT', "Field 'account_type' must be one of: LOW_VALUE, ORDINARY, CHECKING, SAVINGS, INCLUSIVE_LOW_VALUE"],
    ['page_params.page_size=101', "Field 'page_params.page_size' must be at most 100"],
  ]
  for (const [query, message] of cases) {
    const res = await get(app, `/v1/recipients?${query}`)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
})

// ---------------------------------------------------------------------------------------------
// DELETE /v1/recipients/:recipient_id

t.test('deletes either type: 204 with no body, then 404 on get, delete and resolve', async (t) => {
  const { app } = await buildTestApp(t)
  const breb = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }))
  const ach = await recipientId(createAch(app, { customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }))
  // Real clients send Content-Type: application/json with an empty body on delete (CONTRACT §1).
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  for (const [id, type] of [
    [breb, 'breb'],
    [ach, 'ach'],
  ] as const) {
    const res = await app.inject({ method: 'DELETE', url: `/v1/recipients/${id}`, headers })
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    await expectMatchesSpec(t, app, res)
    const read = await get(app, `/v1/recipients/${type}/${id}`)
    expectError(t, read, 404, 'recipient_not_found', 'NOT_FOUND', 'Recipient not found')
    const again = await app.inject({ method: 'DELETE', url: `/v1/recipients/${id}`, headers })
    expectError(t, again, 404, 'recipient_not_found', 'NOT_FOUND', 'Recipient not found')
    await expectMatchesSpec(t, app, again)
    const resolved = await resolve(app, id)
    expectError(t, resolved, 404, 'recipient_not_found', 'NOT_FOUND', 'Recipient not found')
  }
  t.same(listIds(await get(app, '/v1/recipients')), [])
})

t.test('answers 404 for deleting an unknown recipient and 403 for another entity’s, which stays', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const missing = await app.inject({ method: 'DELETE', url: `/v1/recipients/${randomUUID()}`, headers })
  expectError(t, missing, 404, 'recipient_not_found', 'NOT_FOUND', 'Recipient not found')
  await expectMatchesSpec(t, app, missing)
  const foreign = await recipientId(createBreb(app, { customer_id: OTHER_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }, 'other'))
  const res = await app.inject({ method: 'DELETE', url: `/v1/recipients/${foreign}`, headers })
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  const still = await get(app, `/v1/recipients/breb/${foreign}`, 'other')
  t.equal(still.statusCode, 200)
})

t.test('answers 415 for a delete with a non-JSON body', async (t) => {
  const { app } = await buildTestApp(t)
  const id = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }))
  const res = await app.inject({ method: 'DELETE', url: `/v1/recipients/${id}`, headers: { ...(await bearer(app)), 'content-type': 'text/plain' }, payload: 'x' })
  expectError(t, res, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// POST /v1/recipients/:recipient_id/resolve

t.test('resolves a Bre-B recipient as POST /v1/resolve-key does, for the recipient’s customer, valid 30 minutes', async (t) => {
  const { app, time } = await buildTestApp(t)
  const id = await recipientId(createBreb(app, { customer_id: SECOND_CUSTOMER, key: { key_type: 'MOBILE', key_value: '3123185778' } }))
  time.advance(5000)
  const res = await resolve(app, id)
  t.equal(res.statusCode, 200)
  const body = res.json() as ResolutionBody
  t.match(body.id, UUID)
  t.equal(body.resolution_id, body.id, 'id and resolution_id carry the same value')
  t.match(body, { customer_id: SECOND_CUSTOMER, key: { key_type: 'PHONE', key_value: '3123185778' }, receptor_node: 'BRB' })
  t.equal(body.resolved_at, '2026-01-15T12:00:05.000Z')
  t.equal(body.expires_at, new Date(Date.parse(body.resolved_at) + THIRTY_MINUTES_MS).toISOString())
  t.equal(body.created_at, body.resolved_at)
  t.equal(body.updated_at, body.resolved_at)
  await expectMatchesSpec(t, app, res)
  t.equal(app.services.stores.resolutions.findById(body.id)?.recipientId, id, 'the resolution remembers its recipient')

  // The same directory answer as resolving the key directly (a value registered nowhere: a stable outside owner).
  const direct = await post(app, '/v1/resolve-key', { customer_id: SECOND_CUSTOMER, key: { key_type: 'PHONE', key_value: '3123185778' } })
  t.equal(direct.statusCode, 200)
  const directBody = direct.json() as ResolutionBody
  t.not(directBody.id, body.id, 'each resolution is new')
  t.same({ owner: body.owner, participant: body.participant, account: body.account }, { owner: directBody.owner, participant: directBody.participant, account: directBody.account })
  t.same(Object.keys(body).sort(), Object.keys(directBody).sort(), 'the same fields as resolve-key')
})

t.test('resolves a recipient sent with an empty JSON body, and with {}', async (t) => {
  const { app } = await buildTestApp(t)
  const id = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }))
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  for (const payload of ['', '{}']) {
    const res = await app.inject({ method: 'POST', url: `/v1/recipients/${id}/resolve`, headers, payload })
    t.equal(res.statusCode, 200, JSON.stringify(payload))
    t.match(res.json(), { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } })
    await expectMatchesSpec(t, app, res)
  }
  const bad = await app.inject({ method: 'POST', url: `/v1/recipients/${id}/resolve`, headers, payload: '{' })
  expectError(t, bad, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON')
  await expectMatchesSpec(t, app, bad)
  const text = await app.inject({ method: 'POST', url: `/v1/recipients/${id}/resolve`, headers: { ...headers, 'content-type': 'text/plain' }, payload: 'x' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, text)
})

t.test('resolves a recipient whose key is registered here to that key’s account and owner', async (t) => {
  const { app } = await buildTestApp(t)
  const key = await post(app, '/v1/keys', { account_id: DOCS_ACCOUNT, key: { key_type: 'EMAIL', key_value: 'pagos@tienda.co' }, display_name: 'Tienda Pagos' })
  t.equal(key.statusCode, 200)
  const id = await recipientId(createBreb(app, { customer_id: SECOND_CUSTOMER, key: { key_type: 'EMAIL', key_value: 'PAGOS@tienda.co' } }))
  const res = await resolve(app, id)
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    customer_id: SECOND_CUSTOMER,
    key: { key_type: 'EMAIL', key_value: 'pagos@tienda.co' },
    owner: { type: 'BUSINESS', business_name: 'Tienda Pagos', identification_type: 'NIT', identification_number: '903978023', first_name: '' },
    account: { account_type: 'ORDINARY', account_number: '88827643001' },
    receptor_node: 'VIS',
  })
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 key_not_found for a recipient whose key is SUSPENDED or is the reserved 3000000404', async (t) => {
  const { app } = await buildTestApp(t)
  const key = await post(app, '/v1/keys', { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001112233' } })
  const keyId = (key.json() as { id: string }).id
  const suspend = await app.inject({ method: 'PATCH', url: `/v1/keys/${keyId}/suspend`, headers: await bearer(app) })
  t.equal(suspend.statusCode, 200)
  for (const value of ['3001112233', '3000000404']) {
    const id = await recipientId(createBreb(app, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: value } }))
    const res = await resolve(app, id)
    expectError(t, res, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 400 for resolving an ACH recipient, saying why', async (t) => {
  const { app } = await buildTestApp(t)
  const id = await recipientId(createAch(app, { customer_id: DOCS_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }))
  const res = await resolve(app, id)
  expectInvalid(t, res, 'Only BREB recipients can be resolved: an ACH recipient is a bank account, not a Bre-B key')
  await expectMatchesSpec(t, app, res)
  const es = await app.inject({ method: 'POST', url: `/v1/recipients/${id}/resolve`, headers: { ...(await bearer(app)), 'accept-language': 'es-CO' } })
  expectInvalid(t, es, 'Solo se pueden resolver destinatarios BREB: un destinatario ACH es una cuenta bancaria, no una llave Bre-B')
})

t.test('answers 404 for resolving an unknown recipient and 403 for another entity’s (even an ACH one)', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await resolve(app, randomUUID())
  expectError(t, missing, 404, 'recipient_not_found', 'NOT_FOUND', 'Recipient not found')
  await expectMatchesSpec(t, app, missing)
  const breb = await recipientId(createBreb(app, { customer_id: OTHER_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } }, 'other'))
  const ach = await recipientId(createAch(app, { customer_id: OTHER_CUSTOMER, owner: INDIVIDUAL_OWNER, account: SAVINGS_ACCOUNT }, 'other'))
  for (const id of [breb, ach]) {
    const res = await resolve(app, id)
    expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
    await expectMatchesSpec(t, app, res)
  }
  const own = await resolve(app, breb, 'other')
  t.equal(own.statusCode, 200, 'its own entity resolves it')
  t.match(own.json(), { customer_id: OTHER_CUSTOMER })
  await expectMatchesSpec(t, app, own)
})

t.test('saves a Bre-B recipient from the docs’ table form: key_type (MOBILE) and key_value at the top level', async (t) => {
  const { app } = await buildTestApp(t)
  // https://docs.passportfintech.com/EN/create-recipient: the table lists key_type (ID, MOBILE, EMAIL, ALPHA, BCODE) and key_value flat.
  const res = await createBreb(app, { customer_id: DOCS_CUSTOMER, key_type: 'MOBILE', key_value: '3975999158', alias: 'Pepito SAS5' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { customer_id: DOCS_CUSTOMER, type: 'BREB', key: { key_type: 'PHONE', key_value: '3975999158' }, alias: 'Pepito SAS5' })
  await expectMatchesSpec(t, app, res)
  const half = await createBreb(app, { customer_id: DOCS_CUSTOMER, key_type: 'PHONE' })
  expectInvalid(t, half, "Field 'key_value' is required")
  await expectMatchesSpec(t, app, half)
})
