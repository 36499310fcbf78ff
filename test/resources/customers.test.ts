import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { expectError, expectInvalid } from '../helpers/errors.js'
import { fixturesFile } from '../helpers/fixtures.js'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'


const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** Reference A §3.7 byte for byte: the email keeps the docs' case (Contract 2). */
const DOCS_CUSTOMER_BODY = {
  id: DOCS_CUSTOMER,
  type: 'BUSINESS',
  status: 'ACTIVE',
  business_name: 'changing',
  email: 'eAqpUh6u@example.com',
  mobile_phone_number: '573956158117',
  identification_type: 'NIT',
  identification_number: '903978023',
  merchant_category_code: '0412',
  address: {
    line_1: 'Diagonal 46 1104',
    line_2: 'Carrera 18 2111',
    line_3: 'Calle 20 675',
    city: 'Cartagena',
    state: 'Bolivar',
    post_code: '101010',
    country: 'CO',
  },
  created_at: '2025-10-09T10:40:27.446Z',
  updated_at: '2025-10-09T17:19:27.951Z',
}

/** A valid link body (reference A §3.3's sketch), with a NIT and email no fixture uses. */
function linkBody(): Record<string, unknown> & { address: Record<string, unknown> } {
  return {
    type: 'BUSINESS',
    business_name: 'Mi Negocio S.A.S.',
    email: 'Negocio@Example.COM',
    mobile_phone_number: '+573001112233',
    identification_type: 'NIT',
    identification_number: '123456789',
    address: { line_1: 'Calle 123 #45-67', line_2: 'Oficina 301', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
    merchant_category_code: '5734',
  }
}

async function link(app: FastifyInstance, payload: unknown, client: 'admin' | 'other' = 'admin') {
  return app.inject({ method: 'POST', url: '/v1/customers/business/link', headers: await bearer(app, client), payload: payload as object })
}

async function patch(app: FastifyInstance, id: string, payload: unknown, client: 'admin' | 'other' = 'admin') {
  return app.inject({ method: 'PATCH', url: `/v1/customers/${id}`, headers: await bearer(app, client), payload: payload as object })
}

async function getCustomer(app: FastifyInstance, id: string, client: 'admin' | 'other' = 'admin') {
  return app.inject({ url: `/v1/customers/${id}`, headers: await bearer(app, client) })
}

// ---------------------------------------------------------------------------------------------
// POST /v1/customers/business/link

t.test('links a business customer and answers it in full', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await link(app, linkBody())
  t.equal(res.statusCode, 200)
  const body = res.json() as { id: string }
  t.match(body.id, UUID)
  t.same(body, {
    id: body.id,
    type: 'BUSINESS',
    status: 'ACTIVE',
    business_name: 'Mi Negocio S.A.S.',
    email: 'Negocio@Example.COM',
    mobile_phone_number: '+573001112233',
    identification_type: 'NIT',
    identification_number: '123456789',
    merchant_category_code: '5734',
    address: { line_1: 'Calle 123 #45-67', line_2: 'Oficina 301', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
    created_at: NOW,
    updated_at: NOW,
  })
  await expectMatchesSpec(t, app, res)

  const read = await getCustomer(app, body.id)
  t.equal(read.statusCode, 200)
  t.same(read.json(), body, 'the linked customer reads back the same')
  await expectMatchesSpec(t, app, read)
})

t.test('links a business customer when type is omitted', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(90_000)
  const { type: _type, ...body } = linkBody()
  const res = await link(app, { ...body, mobile_phone_number: '3001112233' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { type: 'BUSINESS', status: 'ACTIVE', mobile_phone_number: '3001112233', created_at: '2026-01-15T12:01:30.000Z', updated_at: '2026-01-15T12:01:30.000Z' })
  await expectMatchesSpec(t, app, res)
})

t.test('accepts every field at its longest allowed length', async (t) => {
  const { app } = await buildTestApp(t)
  const line = 'x'.repeat(64)
  const email = `${'a'.repeat(23)}@example.com` // 35 characters
  const res = await link(app, {
    ...linkBody(),
    business_name: 'N'.repeat(140),
    email,
    mobile_phone_number: '+123456789012345',
    address: { line_1: line, line_2: line, line_3: line, city: line, state: line, post_code: line, country: 'CO' },
  })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { business_name: 'N'.repeat(140), email, mobile_phone_number: '+123456789012345', address: { line_1: line, line_3: line, post_code: line } })
  await expectMatchesSpec(t, app, res)
})

t.test('accepts a 7-digit phone and an address without optional lines', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await link(app, { ...linkBody(), mobile_phone_number: '1234567', address: { line_1: 'Calle 1', city: 'Cali', state: 'Valle', post_code: '760001', country: 'CO' } })
  t.equal(res.statusCode, 200)
  const body = res.json() as { address: Record<string, string>; mobile_phone_number: string }
  t.equal(body.mobile_phone_number, '1234567')
  t.same(body.address, { line_1: 'Calle 1', city: 'Cali', state: 'Valle', post_code: '760001', country: 'CO' })
  await expectMatchesSpec(t, app, res)
})

const REQUIRED_FIELDS = [
  'business_name',
  'email',
  'mobile_phone_number',
  'identification_type',
  'identification_number',
  'address',
  'merchant_category_code',
  'address.line_1',
  'address.city',
  'address.state',
  'address.post_code',
  'address.country',
]

for (const field of REQUIRED_FIELDS) {
  t.test(`answers 400 naming ${field} when it is missing from a link`, async (t) => {
    const { app } = await buildTestApp(t)
    const body = linkBody()
    const [outer, inner] = field.split('.') as [string, string | undefined]
    if (inner) delete body.address[inner]
    else delete body[outer]
    const res = await link(app, body)
    expectInvalid(t, res, `Field '${field}' is required`)
    await expectMatchesSpec(t, app, res)
  })
}

t.test('answers 400 naming every required field of an empty link body', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await link(app, {})
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /^Field '[a-z_]+' is required$/)
  await expectMatchesSpec(t, app, res)
})

/** [what, field patch, expected message] */
const FORMAT_CASES: Array<[string, (b: ReturnType<typeof linkBody>) => void, string]> = [
  ['an empty business_name', (b) => (b.business_name = ''), "Field 'business_name' must not be empty"],
  ['a business_name of 141 characters', (b) => (b.business_name = 'N'.repeat(141)), "Field 'business_name' must be at most 140 characters long"],
  ['an empty email', (b) => (b.email = ''), "Field 'email' must not be empty"],
  ['an email of 36 characters', (b) => (b.email = `${'a'.repeat(24)}@example.com`), "Field 'email' must be at most 35 characters long"],
  ['an email without @', (b) => (b.email = 'negocio.example.com'), "Field 'email' must be an email address with one @"],
  ['an email with two @', (b) => (b.email = 'a@b@example.com'), "Field 'email' must be an email address with one @"],
  ['a phone with letters', (b) => (b.mobile_phone_number = '+57300ABC2233'), "Field 'mobile_phone_number' must be 7 to 15 digits, optionally after a +"],
  ['a phone of 6 digits', (b) => (b.mobile_phone_number = '123456'), "Field 'mobile_phone_number' must be 7 to 15 digits, optionally after a +"],
  ['a phone of 16 digits', (b) => (b.mobile_phone_number = '1234567890123456'), "Field 'mobile_phone_number' must be 7 to 15 digits, optionally after a +"],
  ['a phone with spaces', (b) => (b.mobile_phone_number = '+57 300 111 2233'), "Field 'mobile_phone_number' must be 7 to 15 digits, optionally after a +"],
  ['a NIT of 8 digits', (b) => (b.identification_number = '12345678'), "Field 'identification_number' must be 9 digits"],
  ['a NIT of 10 digits', (b) => (b.identification_number = '1234567890'), "Field 'identification_number' must be 9 digits"],
  ['a NIT with a check digit', (b) => (b.identification_number = '12345678-9'), "Field 'identification_number' must be 9 digits"],
  ['an MCC of 3 digits', (b) => (b.merchant_category_code = '573'), "Field 'merchant_category_code' must be 4 digits"],
  ['an MCC of 5 digits', (b) => (b.merchant_category_code = '57340'), "Field 'merchant_category_code' must be 4 digits"],
  ['an MCC with a letter', (b) => (b.merchant_category_code = '57A4'), "Field 'merchant_category_code' must be 4 digits"],
  ['an empty address.line_1', (b) => (b.address.line_1 = ''), "Field 'address.line_1' must not be empty"],
  ['an address.line_1 of 65 characters', (b) => (b.address.line_1 = 'x'.repeat(65)), "Field 'address.line_1' must be at most 64 characters long"],
  ['an address.line_2 of 65 characters', (b) => (b.address.line_2 = 'x'.repeat(65)), "Field 'address.line_2' must be at most 64 characters long"],
  ['an address.line_3 of 65 characters', (b) => (b.address.line_3 = 'x'.repeat(65)), "Field 'address.line_3' must be at most 64 characters long"],
  ['an empty address.city', (b) => (b.address.city = ''), "Field 'address.city' must not be empty"],
  ['an address.city of 65 characters', (b) => (b.address.city = 'x'.repeat(65)), "Field 'address.city' must be at most 64 characters long"],
  ['an empty address.state', (b) => (b.address.state = ''), "Field 'address.state' must not be empty"],
  ['an address.state of 65 characters', (b) => (b.address.state = 'x'.repeat(65)), "Field 'address.state' must be at most 64 characters long"],
  ['an empty address.post_code', (b) => (b.address.post_code = ''), "Field 'address.post_code' must not be empty"],
  ['an address.post_code of 65 characters', (b) => (b.address.post_code = 'x'.repeat(65)), "Field 'address.post_code' must be at most 64 characters long"],
  ['a country other than CO', (b) => (b.address.country = 'US'), "Field 'address.country' must be one of: CO"],
  ['a lower-case country', (b) => (b.address.country = 'co'), "Field 'address.country' must be one of: CO"],
  ['an identification_type other than NIT', (b) => (b.identification_type = 'CC'), "Field 'identification_type' must be one of: NIT"],
  ['a type other than BUSINESS', (b) => (b.type = 'INDIVIDUAL'), "Field 'type' must be one of: BUSINESS"],
  ['a NIT sent as a number', (b) => (b.identification_number = 123456789), "Field 'identification_number' must be a string"],
  ['an MCC sent as a number', (b) => (b.merchant_category_code = 5734), "Field 'merchant_category_code' must be a string"],
  ['a phone sent as a number', (b) => (b.mobile_phone_number = 573001112233), "Field 'mobile_phone_number' must be a string"],
  ['an address sent as a string', (b) => (b.address = 'Calle 123' as never), "Field 'address' must be an object"],
]

for (const [what, mutate, message] of FORMAT_CASES) {
  t.test(`answers 400 for a link with ${what}`, async (t) => {
    const { app } = await buildTestApp(t)
    const body = linkBody()
    mutate(body)
    const res = await link(app, body)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
    const list = await app.inject({ url: '/v1/customers?identification_number=123456789', headers: await bearer(app) })
    t.same((list.json() as { customers: unknown[] }).customers, [], 'nothing was stored')
  })
}

t.test('answers 400 invalid_json for a body that is not JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers: { ...(await bearer(app)), 'content-type': 'application/json' },
    payload: '{"business_name": ',
  })
  expectError(t, res, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 409 already_exists for a NIT the entity already has', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await link(app, { ...linkBody(), identification_number: '903978023' })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this identification_number already exists')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 409 already_exists for an email the entity already has, whatever its case', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await link(app, { ...linkBody(), email: 'eAqpUh6u@EXAMPLE.com' })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this email already exists')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 409 for a second link of the same customer', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await link(app, linkBody())).statusCode, 200)
  const res = await link(app, { ...linkBody(), email: 'otro@example.com' })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this identification_number already exists')
  await expectMatchesSpec(t, app, res)
})

t.test('links the same NIT and email in another entity', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await link(app, { ...linkBody(), identification_number: '903978023', email: 'eaqpuh6u@example.com' }, 'other')
  t.equal(res.statusCode, 200)
  const body = res.json() as { id: string }
  t.match(body, { identification_number: '903978023', email: 'eaqpuh6u@example.com', status: 'ACTIVE' })
  t.not(body.id, DOCS_CUSTOMER)
  await expectMatchesSpec(t, app, res)
  const mine = await getCustomer(app, body.id)
  expectError(t, mine, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
})

t.test('answers 401 missing_token for a link without a token', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/v1/customers/business/link', payload: linkBody() })
  expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 401 insufficient_scope for a link with the read-only client', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers: await bearer(app, 'readonly'), payload: linkBody() })
  expectError(t, res, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 415 for a link body that is not JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers: { ...(await bearer(app)), 'content-type': 'text/plain' },
    payload: 'business_name=Mi Negocio',
  })
  expectError(t, res, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 413 for a link body over 1 MiB', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await link(app, { ...linkBody(), business_name: 'N'.repeat(1024 * 1024) })
  expectError(t, res, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/customers/:customer_id

t.test('answers the docs example customer as reference A §3.7 shows it, email in the docs’ case', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await getCustomer(app, DOCS_CUSTOMER)
  t.equal(res.statusCode, 200)
  t.same(res.json(), DOCS_CUSTOMER_BODY)
  await expectMatchesSpec(t, app, res)
})

t.test('answers the second fixture customer with generated fields in the right formats', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/customers/${SECOND_CUSTOMER}`, headers: await bearer(app, 'readonly') })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    id: SECOND_CUSTOMER,
    type: 'BUSINESS',
    status: 'ACTIVE',
    identification_type: 'NIT',
    identification_number: /^[0-9]{9}$/,
    merchant_category_code: /^[0-9]{4}$/,
    mobile_phone_number: /^\+?[0-9]{7,15}$/,
    email: /^[^@A-Z]+@[^@A-Z]+$/,
    address: { country: 'CO' },
  })
  await expectMatchesSpec(t, app, res)
})

t.test('answers 400 for a customer id that is not a UUID', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await getCustomer(app, 'not-a-uuid')
  expectInvalid(t, res, "Field 'customer_id' must be a UUID")
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 customer_not_found for an unknown customer', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await getCustomer(app, randomUUID())
  expectError(t, res, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 403 forbidden for another entity’s customer', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await getCustomer(app, OTHER_CUSTOMER)
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  const own = await getCustomer(app, OTHER_CUSTOMER, 'other')
  t.equal(own.statusCode, 200, 'its own entity reads it')
  await expectMatchesSpec(t, app, own)
})

t.test('answers 401 missing_token for a read without a token', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/customers/${DOCS_CUSTOMER}` })
  expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/customers

async function list(app: FastifyInstance, query = '', client: 'admin' | 'other' | 'readonly' = 'admin') {
  return app.inject({ url: `/v1/customers${query}`, headers: await bearer(app, client) })
}

function ids(res: LightMyRequestResponse): string[] {
  return (res.json() as { customers: Array<{ id: string }> }).customers.map((c) => c.id)
}

t.test('lists the entity’s customers in the list envelope', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await list(app, '', 'readonly')
  t.equal(res.statusCode, 200)
  const body = res.json() as { customers: Array<{ id: string }>; pagination_info: unknown }
  t.same(Object.keys(body).sort(), ['customers', 'pagination_info'])
  t.same(ids(res).sort(), [DOCS_CUSTOMER, SECOND_CUSTOMER].sort(), 'the default entity’s two customers, not the other entity’s')
  t.same(body.customers.find((c) => c.id === DOCS_CUSTOMER), DOCS_CUSTOMER_BODY)
  t.same(body.pagination_info, { total_elements: 2, total_pages: 1, current_page: 1, first_request_timestamp: NOW })
  await expectMatchesSpec(t, app, res)
})

t.test('lists only the other entity’s customer for the other client', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await list(app, '', 'other')
  t.equal(res.statusCode, 200)
  t.same(ids(res), [OTHER_CUSTOMER])
  await expectMatchesSpec(t, app, res)
})

t.test('shows a newly linked customer in the list', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(1000)
  const created = (await link(app, linkBody())).json() as { id: string }
  const res = await list(app)
  t.equal(res.statusCode, 200)
  t.same(ids(res).at(-1), created.id, 'the newest customer comes last in created_at order')
  t.match(res.json(), { pagination_info: { total_elements: 3, first_request_timestamp: '2026-01-15T12:00:01.000Z' } })
  await expectMatchesSpec(t, app, res)
})

t.test('filters customers by identification_number', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await list(app, '?identification_number=903978023')
  t.equal(res.statusCode, 200)
  t.same(ids(res), [DOCS_CUSTOMER])
  t.match(res.json(), { pagination_info: { total_elements: 1, total_pages: 1 } })
  await expectMatchesSpec(t, app, res)
  const none = await list(app, '?identification_number=999999999')
  t.equal(none.statusCode, 200, 'a filter that matches nothing is 200, the entity has customers')
  t.same(ids(none), [])
  t.match(none.json(), { pagination_info: { total_elements: 0, total_pages: 0 } })
  await expectMatchesSpec(t, app, none)
})

t.test('filters customers by customer_id', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await list(app, `?customer_id=${SECOND_CUSTOMER}`)
  t.equal(res.statusCode, 200)
  t.same(ids(res), [SECOND_CUSTOMER])
  await expectMatchesSpec(t, app, res)
})

t.test('filters customers by identification_type, in any case', async (t) => {
  const { app } = await buildTestApp(t)
  for (const value of ['NIT', 'nit']) {
    const res = await list(app, `?identification_type=${value}`)
    t.equal(res.statusCode, 200)
    t.equal(ids(res).length, 2, `identification_type=${value} matches both customers`)
    await expectMatchesSpec(t, app, res)
  }
  const cc = await list(app, '?identification_type=CC')
  t.equal(cc.statusCode, 200)
  t.same(ids(cc), [])
  await expectMatchesSpec(t, app, cc)
})

t.test('matches nothing when a filter names another entity’s customer', async (t) => {
  const { app } = await buildTestApp(t)
  const byId = await list(app, `?customer_id=${OTHER_CUSTOMER}`)
  t.equal(byId.statusCode, 200)
  t.same(ids(byId), [])
  t.match(byId.json(), { pagination_info: { total_elements: 0 } })
  await expectMatchesSpec(t, app, byId)

  const otherNit = ((await getCustomer(app, OTHER_CUSTOMER, 'other')).json() as { identification_number: string }).identification_number
  const byNit = await list(app, `?identification_number=${otherNit}`)
  t.equal(byNit.statusCode, 200)
  t.same(ids(byNit), [])
  await expectMatchesSpec(t, app, byNit)
})

t.test('pages customers', async (t) => {
  const { app } = await buildTestApp(t)
  const all = ids(await list(app))
  const first = await list(app, '?page_params.page_size=1')
  t.equal(first.statusCode, 200)
  t.same(ids(first), [all[0]])
  t.match(first.json(), { pagination_info: { total_elements: 2, total_pages: 2, current_page: 1 } })
  await expectMatchesSpec(t, app, first)
  const second = await list(app, '?page_size=1&page_number=2')
  t.same(ids(second), [all[1]])
  t.match(second.json(), { pagination_info: { total_elements: 2, total_pages: 2, current_page: 2 } })
  await expectMatchesSpec(t, app, second)
  const desc = await list(app, '?order_params.order_direction=desc')
  t.same(ids(desc), [...all].reverse())
  await expectMatchesSpec(t, app, desc)
})

const BAD_LIST_QUERIES: Array<[string, string]> = [
  ['customer_id=not-a-uuid', "Field 'customer_id' must be a UUID"],
  ['identification_type=PASSPORT', "Field 'identification_type' must be one of: NIT, CC"],
  ['identification_number=', "Field 'identification_number' must not be empty"],
  ['page_params.page_size=0', "Field 'page_params.page_size' must be at least 1"],
  ['page_params.page_number=0', "Field 'page_params.page_number' must be at least 1"],
  ['order_params.order_key=name', "Field 'order_params.order_key' must be one of: created_at, updated_at"],
]

for (const [query, message] of BAD_LIST_QUERIES) {
  t.test(`answers 400 listing customers with ${query}`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await list(app, `?${query}`)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  })
}

t.test('answers 404 customer_not_found listing an entity that has no customers at all', async (t) => {
  const fixturesPath = fixturesFile(t, {
    entities: [{ name: 'Empty Entity', clients: [{ client_id: 'empty-client', client_secret: 'empty-secret', scopes: ['paas.core.*'] }] }],
  })
  const { app } = await buildTestApp(t, { fixturesPath })
  const token = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: 'empty-client', client_secret: 'empty-secret', grant_type: 'client_credentials' } })
  t.equal(token.statusCode, 200)
  const headers = { authorization: `Bearer ${(token.json() as { access_token: string }).access_token}` }

  const res = await app.inject({ url: '/v1/customers', headers })
  expectError(t, res, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, res)

  const filtered = await app.inject({ url: `/v1/customers?customer_id=${DOCS_CUSTOMER}`, headers })
  expectError(t, filtered, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')

  const created = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers, payload: linkBody() })
  t.equal(created.statusCode, 200)
  const after = await app.inject({ url: '/v1/customers', headers })
  t.equal(after.statusCode, 200, 'once the entity has a customer the list answers 200')
  t.same(ids(after), [(created.json() as { id: string }).id])
  await expectMatchesSpec(t, app, after)
})

t.test('answers 401 missing_token for a list without a token', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/customers' })
  expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// PATCH /v1/customers/:customer_id

const PATCHABLE: Array<[string, string, string]> = [
  // [field, value sent, value answered]
  ['business_name', 'Nuevo Nombre S.A.S.', 'Nuevo Nombre S.A.S.'],
  ['email', 'Nuevo.Correo@Example.com', 'Nuevo.Correo@Example.com'],
  ['mobile_phone_number', '+573109998877', '+573109998877'],
  ['identification_number', '111222333', '111222333'],
  ['merchant_category_code', '0742', '0742'],
]

for (const [field, sent, answered] of PATCHABLE) {
  t.test(`updates ${field} and moves updated_at with the clock`, async (t) => {
    const { app, time } = await buildTestApp(t)
    time.advance(60_000)
    const res = await patch(app, DOCS_CUSTOMER, { [field]: sent })
    t.equal(res.statusCode, 200)
    t.same(res.json(), { ...DOCS_CUSTOMER_BODY, [field]: answered, updated_at: '2026-01-15T12:01:00.000Z' }, 'only the field and updated_at change')
    await expectMatchesSpec(t, app, res)
    const read = await getCustomer(app, DOCS_CUSTOMER)
    t.same(read.json(), res.json(), 'the change is stored')
  })
}

t.test('updates every allowed field at once, with the path id in the body', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.set('2026-02-01T08:30:00.123Z')
  const res = await patch(app, DOCS_CUSTOMER, {
    id: DOCS_CUSTOMER,
    business_name: 'changing again',
    email: 'eAqpUh6u@example.org',
    mobile_phone_number: '3956158117',
    identification_number: '903978024',
    merchant_category_code: '5411',
  })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    ...DOCS_CUSTOMER_BODY,
    business_name: 'changing again',
    email: 'eAqpUh6u@example.org',
    mobile_phone_number: '3956158117',
    identification_number: '903978024',
    merchant_category_code: '5411',
    created_at: '2025-10-09T10:40:27.446Z',
    updated_at: '2026-02-01T08:30:00.123Z',
  })
  await expectMatchesSpec(t, app, res)
  const byNewNit = await list(app, '?identification_number=903978024')
  t.same(ids(byNewNit), [DOCS_CUSTOMER], 'the list filter sees the new NIT')
})

t.test('answers an empty update with the customer unchanged', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(3_600_000)
  const res = await patch(app, DOCS_CUSTOMER, {})
  t.equal(res.statusCode, 200)
  t.same(res.json(), DOCS_CUSTOMER_BODY, 'updated_at does not move')
  await expectMatchesSpec(t, app, res)
  const read = await getCustomer(app, DOCS_CUSTOMER)
  t.same(read.json(), DOCS_CUSTOMER_BODY)
})

t.test('answers an update with only the path id unchanged', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(3_600_000)
  const res = await patch(app, DOCS_CUSTOMER, { id: DOCS_CUSTOMER })
  t.equal(res.statusCode, 200)
  t.same(res.json(), DOCS_CUSTOMER_BODY)
  await expectMatchesSpec(t, app, res)
})

t.test('reads an empty JSON body on an update as no change', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'PATCH', url: `/v1/customers/${DOCS_CUSTOMER}`, headers: { ...(await bearer(app)), 'content-type': 'application/json' }, payload: '' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), DOCS_CUSTOMER_BODY)
  await expectMatchesSpec(t, app, res)
})

t.test('accepts an update that keeps the customer’s own NIT and email', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.advance(1000)
  const res = await patch(app, DOCS_CUSTOMER, { identification_number: '903978023', email: 'EAQPUH6U@example.com' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { identification_number: '903978023', email: 'EAQPUH6U@example.com' }, 'Contract 2: the email as sent')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 400 for a body id that differs from the path id', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await patch(app, DOCS_CUSTOMER, { id: SECOND_CUSTOMER, business_name: 'x' })
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /^Field 'id' /)
  await expectMatchesSpec(t, app, res)
  t.same((await getCustomer(app, DOCS_CUSTOMER)).json(), DOCS_CUSTOMER_BODY, 'nothing changed')
})

for (const [field, value] of [
  ['address', { line_1: 'Calle 1', city: 'Cali', state: 'Valle', post_code: '760001', country: 'CO' }],
  ['status', 'INACTIVE'],
  ['type', 'BUSINESS'],
  ['identification_type', 'NIT'],
  ['created_at', '2020-01-01T00:00:00.000Z'],
] as const) {
  t.test(`answers 400 naming ${field} when an update sends it`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await patch(app, DOCS_CUSTOMER, { business_name: 'x', [field]: value })
    expectInvalid(t, res, `Field '${field}' is not allowed`)
    await expectMatchesSpec(t, app, res)
    t.same((await getCustomer(app, DOCS_CUSTOMER)).json(), DOCS_CUSTOMER_BODY, 'nothing changed')
  })
}

const PATCH_FORMAT_CASES: Array<[string, Record<string, unknown>, string]> = [
  ['an empty business_name', { business_name: '' }, "Field 'business_name' must not be empty"],
  ['a business_name of 141 characters', { business_name: 'N'.repeat(141) }, "Field 'business_name' must be at most 140 characters long"],
  ['an email without @', { email: 'nobody' }, "Field 'email' must be an email address with one @"],
  ['an email of 36 characters', { email: `${'a'.repeat(24)}@example.com` }, "Field 'email' must be at most 35 characters long"],
  ['a phone of 16 digits', { mobile_phone_number: '1234567890123456' }, "Field 'mobile_phone_number' must be 7 to 15 digits, optionally after a +"],
  ['a NIT of 8 digits', { identification_number: '12345678' }, "Field 'identification_number' must be 9 digits"],
  ['a NIT sent as a number', { identification_number: 903978023 }, "Field 'identification_number' must be a string"],
  ['an MCC of 3 digits', { merchant_category_code: '412' }, "Field 'merchant_category_code' must be 4 digits"],
  ['an id that is not a UUID', { id: 'db7e89e7' }, "Field 'id' must be a UUID"],
]

for (const [what, body, message] of PATCH_FORMAT_CASES) {
  t.test(`answers 400 for an update with ${what}`, async (t) => {
    const { app } = await buildTestApp(t)
    const res = await patch(app, DOCS_CUSTOMER, body)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  })
}

t.test('answers 400 for an update of a customer id that is not a UUID', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await patch(app, 'not-a-uuid', { business_name: 'x' })
  expectInvalid(t, res, "Field 'customer_id' must be a UUID")
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 customer_not_found updating an unknown customer', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await patch(app, randomUUID(), { business_name: 'x' })
  expectError(t, res, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 403 forbidden updating another entity’s customer', async (t) => {
  const { app } = await buildTestApp(t)
  const before = (await getCustomer(app, OTHER_CUSTOMER, 'other')).json()
  const res = await patch(app, OTHER_CUSTOMER, { business_name: 'hijacked' })
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  t.same((await getCustomer(app, OTHER_CUSTOMER, 'other')).json(), before, 'nothing changed')
})

t.test('answers 409 updating to the NIT of another customer of the entity', async (t) => {
  const { app } = await buildTestApp(t)
  const second = (await getCustomer(app, SECOND_CUSTOMER)).json() as { identification_number: string }
  const res = await patch(app, DOCS_CUSTOMER, { identification_number: second.identification_number })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this identification_number already exists')
  await expectMatchesSpec(t, app, res)
  t.same((await getCustomer(app, DOCS_CUSTOMER)).json(), DOCS_CUSTOMER_BODY, 'nothing changed')
})

t.test('answers 409 updating to the email of another customer of the entity, whatever its case', async (t) => {
  const { app } = await buildTestApp(t)
  const second = (await getCustomer(app, SECOND_CUSTOMER)).json() as { email: string }
  const res = await patch(app, DOCS_CUSTOMER, { email: second.email.toUpperCase() })
  expectError(t, res, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this email already exists')
  await expectMatchesSpec(t, app, res)
})

t.test('updates to a NIT and email that only another entity uses', async (t) => {
  const { app } = await buildTestApp(t)
  const foreign = (await getCustomer(app, OTHER_CUSTOMER, 'other')).json() as { identification_number: string; email: string }
  const res = await patch(app, DOCS_CUSTOMER, { identification_number: foreign.identification_number, email: foreign.email })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { identification_number: foreign.identification_number, email: foreign.email })
  await expectMatchesSpec(t, app, res)
})

t.test('answers 401 for an update without a token or with the read-only client', async (t) => {
  const { app } = await buildTestApp(t)
  const none = await app.inject({ method: 'PATCH', url: `/v1/customers/${DOCS_CUSTOMER}`, payload: { business_name: 'x' } })
  expectError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, none)
  const readonly = await app.inject({ method: 'PATCH', url: `/v1/customers/${DOCS_CUSTOMER}`, headers: await bearer(app, 'readonly'), payload: { business_name: 'x' } })
  expectError(t, readonly, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
  await expectMatchesSpec(t, app, readonly)
})

t.test('answers 415 for an update body that is not JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({
    method: 'PATCH',
    url: `/v1/customers/${DOCS_CUSTOMER}`,
    headers: { ...(await bearer(app)), 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'business_name=x',
  })
  expectError(t, res, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 413 for an update body over 1 MiB', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await patch(app, DOCS_CUSTOMER, { business_name: 'N'.repeat(1024 * 1024) })
  expectError(t, res, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large')
  await expectMatchesSpec(t, app, res)
  t.same((await getCustomer(app, DOCS_CUSTOMER)).json(), DOCS_CUSTOMER_BODY, 'nothing changed')
})

// ---------------------------------------------------------------------------------------------
// Contract 2: email case, and the Query Parameters page's filters

t.test('keeps the email’s case on link and update, and compares it without case for uniqueness', async (t) => {
  const { app } = await buildTestApp(t)
  const linked = await link(app, { ...linkBody(), email: 'MiXeD@Example.com' })
  t.equal(linked.statusCode, 200)
  t.equal((linked.json() as { email: string }).email, 'MiXeD@Example.com')
  await expectMatchesSpec(t, app, linked)
  const twin = await link(app, { ...linkBody(), identification_number: '123456780', email: 'mixed@EXAMPLE.COM' })
  expectError(t, twin, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this email already exists')
  await expectMatchesSpec(t, app, twin)
  const taken = await patch(app, SECOND_CUSTOMER, { email: 'EAQPUH6U@EXAMPLE.COM' })
  expectError(t, taken, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this email already exists')
  const docsUpdate = await patch(app, DOCS_CUSTOMER, { id: DOCS_CUSTOMER, business_name: 'changing', email: 'eAqpUh6u@example.com', mobile_phone_number: '573956158117' })
  t.equal(docsUpdate.statusCode, 200)
  t.equal((docsUpdate.json() as { email: string }).email, 'eAqpUh6u@example.com', 'the docs’ Update Customer example answers its own string')
  await expectMatchesSpec(t, app, docsUpdate)
})

t.test('filters customers by email without case, by mobile and by customer_status', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [query, expected] of [
    ['?email=eaqpuh6u@example.com', [DOCS_CUSTOMER]],
    ['?email=EAQPUH6U@EXAMPLE.COM', [DOCS_CUSTOMER]],
    ['?email=nobody@example.com', []],
    ['?mobile=573956158117', [DOCS_CUSTOMER]],
    ['?mobile=3000000000', []],
    ['?customer_status=active', [DOCS_CUSTOMER, SECOND_CUSTOMER]],
    ['?customer_status=INACTIVE', []],
    ['?customer_status=ACTIVE&email=eAqpUh6u@example.com&mobile=573956158117', [DOCS_CUSTOMER]],
  ] as const) {
    const res = await list(app, query)
    t.equal(res.statusCode, 200, query)
    t.same(ids(res).sort(), [...expected].sort(), query)
    await expectMatchesSpec(t, app, res)
  }
  const bad = await list(app, '?customer_status=SUSPENDED')
  expectInvalid(t, bad, "Field 'customer_status' must be one of: ACTIVE, INACTIVE")
  await expectMatchesSpec(t, app, bad)
})

t.test('filters customers by creation and update time, bounds inclusive, and answers 400 naming a bad time', async (t) => {
  const { app } = await buildTestApp(t)
  // The docs' customer: created 2025-10-09T10:40:27.446Z, updated 2025-10-09T17:19:27.951Z.
  for (const [query, expected] of [
    ['?created_from=2025-10-09T10:40:27.446Z&created_to=2025-10-09T10:40:27.446Z', [DOCS_CUSTOMER]],
    ['?created_at=2025-10-09T10:40:27Z', [DOCS_CUSTOMER]],
    ['?created_at=2025-10-09T10:40:27.447Z', []],
    ['?created_from=2025-10-09T10:40:27.447Z&customer_id=' + DOCS_CUSTOMER, []],
    ['?created_to=2025-10-09T05:40:27-05:00&customer_id=' + DOCS_CUSTOMER, [DOCS_CUSTOMER]],
    ['?updated_from=2025-10-09T17:19:27.951Z&updated_to=2025-10-09&customer_id=' + DOCS_CUSTOMER, [DOCS_CUSTOMER]],
    ['?updated_to=2025-10-09T17:19:27.950Z&customer_id=' + DOCS_CUSTOMER, []],
    ['?created_from=2030-01-01', []],
  ] as const) {
    const res = await list(app, query)
    t.equal(res.statusCode, 200, query)
    t.same(ids(res), expected, query)
    await expectMatchesSpec(t, app, res)
  }
  for (const field of ['created_at', 'created_from', 'created_to', 'updated_at', 'updated_from', 'updated_to']) {
    for (const value of ['yesterday', '2025-02-30', '2025-10-09T25:00:00Z', '1760000000']) {
      const res = await list(app, `?${field}=${value}`)
      expectInvalid(t, res, `Field '${field}' must be an ISO 8601 date or date-time, such as 2025-10-09 or 2025-10-09T10:40:29.966Z`)
      await expectMatchesSpec(t, app, res)
    }
  }
  const ignored = await list(app, '?no_such_filter=1&createdFrom=2030-01-01')
  t.equal(ids(ignored).length, 2, 'undocumented parameters stay ignored')
})
