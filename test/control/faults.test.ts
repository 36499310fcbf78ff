import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Fixtures of CONTRACT §6.
const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const SMALL_ACCOUNT = '00000000-0000-4000-8000-000000000003'
const ERROR_500_ACCOUNT = '00000000-0000-4000-8000-000000000500'
const SLOW_ACCOUNT = '00000000-0000-4000-8000-000000000504'

/** The fixtures' two built-in rules, as GET /_mock/faults answers them. */
const BUILTIN_RULES = [
  {
    id: '7d3e5b1f-0a2c-4e6d-8f9a-000000000500',
    builtin: true,
    method: null,
    path: null,
    account_id: ERROR_500_ACCOUNT,
    key_value: null,
    status: 500,
    code: 'internal_error',
    message: null,
    delay_ms: null,
    times_left: null,
    created_at: '2025-10-09T00:00:00.000Z',
  },
  {
    id: '7d3e5b1f-0a2c-4e6d-8f9a-000000000504',
    builtin: true,
    method: null,
    path: null,
    account_id: SLOW_ACCOUNT,
    key_value: null,
    status: null,
    code: null,
    message: null,
    delay_ms: 5000,
    times_left: null,
    created_at: '2025-10-09T00:00:00.000Z',
  },
]

const UNAVAILABLE = 'The service is unavailable'

type Headers = Record<string, string>

async function addRule(app: FastifyInstance, body: object): Promise<{ id: string; times_left: number | null }> {
  const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: body })
  if (res.statusCode !== 201) throw new Error(`POST /_mock/faults answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

async function rules(app: FastifyInstance): Promise<{ id: string; builtin: boolean; times_left: number | null }[]> {
  return (await app.inject({ url: '/_mock/faults' })).json().faults
}

function getAccount(app: FastifyInstance, headers: Headers, id = DOCS_ACCOUNT) {
  return app.inject({ url: `/v1/accounts/${id}`, headers })
}

async function resolve(app: FastifyInstance, headers: Headers, keyValue: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (res.statusCode !== 200) throw new Error(`resolve-key answered ${res.statusCode}: ${res.body}`)
  return res.json().resolution_id
}

function pay(app: FastifyInstance, headers: Headers, resolutionId: string) {
  return app.inject({ method: 'POST', url: '/v1/payments/breb', headers, payload: { account_id: SMALL_ACCOUNT, resolution_id: resolutionId, amount: { value: '1', currency: 'COP' } } })
}

// POST /_mock/faults, GET /_mock/faults

t.test('adds a rule: 201 with every field, listed after the built-in ones, oldest first', async (t) => {
  const { app } = await buildTestApp(t)
  const body = {
    method: 'get',
    path: '/v1/accounts/:account_id',
    account_id: DOCS_ACCOUNT,
    key_value: '3001234567',
    status: 503,
    code: 'bank_down',
    message: 'The bank is down',
    delay_ms: 1500,
    times: 2,
  }
  const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: body })
  t.equal(res.statusCode, 201)
  const rule = res.json()
  t.match(rule.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  t.same(rule, {
    id: rule.id,
    builtin: false,
    method: 'GET',
    path: '/v1/accounts/:account_id',
    account_id: DOCS_ACCOUNT,
    key_value: '3001234567',
    status: 503,
    code: 'bank_down',
    message: 'The bank is down',
    delay_ms: 1500,
    times_left: 2,
    created_at: NOW,
  })
  await expectMatchesSpec(t, app, res)

  const second = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { delay_ms: 0 } })
  t.equal(second.statusCode, 201)
  t.match(second.json(), { builtin: false, method: null, path: null, account_id: null, key_value: null, status: null, code: null, message: null, delay_ms: 0, times_left: null })

  const list = await app.inject({ url: '/_mock/faults' })
  t.equal(list.statusCode, 200)
  t.same(list.json(), { faults: [...BUILTIN_RULES, rule, second.json()] }, 'built-in rules first, then the added ones in creation order')
  await expectMatchesSpec(t, app, list)
})

t.test('lists the fixtures’ built-in rules, marked builtin', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/_mock/faults' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { faults: BUILTIN_RULES })
  await expectMatchesSpec(t, app, res)
})

t.test('shows the code a rule answers with when it names none', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [status, code] of [
    [400, 'invalid_parameter_value'],
    [401, 'invalid_token'],
    [403, 'forbidden'],
    [404, 'route_not_found'],
    [409, 'already_exists'],
    [429, 'rate_limited'],
    [500, 'internal_error'],
    [502, 'bad_gateway'],
    [503, 'service_unavailable'],
    [504, 'gateway_timeout'],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { status, path: '/v1/nowhere' } })
    t.equal(res.statusCode, 201)
    t.equal(res.json().code, code, `${status} answers ${code}`)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 400 naming the field for a rule it cannot take, and stores nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: [object, string][] = [
    [{}, "Field 'status' or 'delay_ms' is required"],
    [{ path: '/v1/accounts', times: 1 }, "Field 'status' or 'delay_ms' is required"],
    [{ status: 399 }, "Field 'status' must be at least 400"],
    [{ status: 600 }, "Field 'status' must be at most 599"],
    [{ status: '500' }, "Field 'status' must be an integer"],
    [{ status: 500.5 }, "Field 'status' must be an integer"],
    [{ status: 500, code: 'Bank-Down' }, "Field 'code' must match ^[a-z][a-z0-9_]*$"],
    [{ status: 500, code: '9lives' }, "Field 'code' must match ^[a-z][a-z0-9_]*$"],
    [{ delay_ms: 60001 }, "Field 'delay_ms' must be at most 60000"],
    [{ delay_ms: -1 }, "Field 'delay_ms' must be at least 0"],
    [{ status: 500, times: 0 }, "Field 'times' must be at least 1"],
    [{ status: 500, method: 'FETCH' }, "Field 'method' must be one of: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"],
    [{ status: 500, method: 'G E T' }, "Field 'method' must match ^[A-Za-z]+$"],
    [{ status: 500, path: 'v1/accounts' }, "Field 'path' must match ^/"],
    [{ status: 500, account_id: '' }, "Field 'account_id' must not be empty"],
    [{ status: 500, key_value: '' }, "Field 'key_value' must not be empty"],
    [{ status: 500, message: '' }, "Field 'message' must not be empty"],
    [{ status: 500, acount_id: DOCS_ACCOUNT }, "Field 'acount_id' is not allowed"],
    [{ delay_ms: 10, code: 'slow' }, "Field 'code' needs a 'status'"],
    [{ delay_ms: 10, message: 'slow' }, "Field 'message' needs a 'status'"],
    [{ status: 500, id: 'rule-1' }, "Field 'id' must be a UUID"],
  ]
  for (const [body, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: body })
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
  t.same(await rules(app), BUILTIN_RULES, 'no rule was stored')
  const headers = await bearer(app)
  t.equal((await getAccount(app, headers)).statusCode, 200, 'and none applies')
})

t.test('answers 400 invalid_json, 415 and 413 for bodies it cannot read', async (t) => {
  const { app } = await buildTestApp(t)
  const broken = await app.inject({ method: 'POST', url: '/_mock/faults', headers: { 'content-type': 'application/json' }, payload: '{"status":' })
  expectError(t, broken, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON', '_mock')
  await expectMatchesSpec(t, app, broken)
  const text = await app.inject({ method: 'POST', url: '/_mock/faults', headers: { 'content-type': 'text/plain' }, payload: 'status=500' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type', '_mock')
  await expectMatchesSpec(t, app, text)
  const big = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { status: 500, message: 'x'.repeat(1024 * 1024) } })
  expectError(t, big, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large', '_mock')
  await expectMatchesSpec(t, app, big)
  t.same(await rules(app), BUILTIN_RULES)
})

t.test('takes a rule’s own id, and answers 409 already_exists for a taken one', async (t) => {
  const { app } = await buildTestApp(t)
  const id = randomUUID()
  const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { id, status: 500 } })
  t.equal(res.statusCode, 201)
  t.equal(res.json().id, id)
  for (const taken of [id, BUILTIN_RULES[0]?.id]) {
    const again = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { id: taken, status: 503 } })
    expectError(t, again, 409, 'already_exists', 'ALREADY_EXISTS', `A fault rule with id ${taken} already exists`, '_mock')
    await expectMatchesSpec(t, app, again)
  }
  t.equal((await rules(app)).length, 3)
})

// DELETE /_mock/faults/:id, DELETE /_mock/faults

t.test('removes a rule by id: 204, then 404 fault_not_found, and it no longer applies', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const rule = await addRule(app, { path: '/v1/accounts', status: 503 })
  t.equal((await getAccount(app, headers)).statusCode, 503)

  const res = await app.inject({ method: 'DELETE', url: `/_mock/faults/${rule.id}` })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)
  t.same(await rules(app), BUILTIN_RULES)
  t.equal((await getAccount(app, headers)).statusCode, 200)

  const again = await app.inject({ method: 'DELETE', url: `/_mock/faults/${rule.id}` })
  expectError(t, again, 404, 'fault_not_found', 'NOT_FOUND', 'Fault rule not found', '_mock')
  await expectMatchesSpec(t, app, again)
})

t.test('answers 404 for an unknown rule id and 400 for one that is not a UUID', async (t) => {
  const { app } = await buildTestApp(t)
  const unknown = await app.inject({ method: 'DELETE', url: `/_mock/faults/${randomUUID()}` })
  expectError(t, unknown, 404, 'fault_not_found', 'NOT_FOUND', 'Fault rule not found', '_mock')
  await expectMatchesSpec(t, app, unknown)
  const bad = await app.inject({ method: 'DELETE', url: '/_mock/faults/rule-1' })
  expectError(t, bad, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'id' must be a UUID", '_mock')
  await expectMatchesSpec(t, app, bad)
})

t.test('removes a built-in rule by id: account …0500 then answers normally', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const before = await getAccount(app, headers, ERROR_500_ACCOUNT)
  expectError(t, before, 500, 'internal_error', 'INTERNAL', 'Internal server error')
  await expectMatchesSpec(t, app, before, { allowDefault: true })

  const res = await app.inject({ method: 'DELETE', url: `/_mock/faults/${BUILTIN_RULES[0]?.id}` })
  t.equal(res.statusCode, 204)
  await expectMatchesSpec(t, app, res)
  t.same(await rules(app), [BUILTIN_RULES[1]])
  const after = await getAccount(app, headers, ERROR_500_ACCOUNT)
  t.equal(after.statusCode, 200)
  t.equal(after.json().id, ERROR_500_ACCOUNT)
})

t.test('removes every added rule at once: 204, the built-in rules stay', async (t) => {
  const { app, sleeps } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { status: 503 })
  await addRule(app, { delay_ms: 100, times: 5 })
  t.equal((await rules(app)).length, 4)

  const res = await app.inject({ method: 'DELETE', url: '/_mock/faults' })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)
  t.same(await rules(app), BUILTIN_RULES)
  t.equal((await getAccount(app, headers)).statusCode, 200, 'the added rules no longer apply')
  t.equal((await getAccount(app, headers, ERROR_500_ACCOUNT)).statusCode, 500, 'the built-in ones still do')
  t.same(sleeps, [], 'no delay was asked for after the bulk delete')

  const again = await app.inject({ method: 'DELETE', url: '/_mock/faults' })
  t.equal(again.statusCode, 204, 'with nothing left to remove too')
  await expectMatchesSpec(t, app, again)
})

// Matching (CONTRACT §5)

t.test('matches the method, in any case', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { method: 'post', path: '/v1/accounts', status: 503 })
  const get = await getAccount(app, headers)
  t.equal(get.statusCode, 200, 'GET is not affected')
  const link = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '123' } })
  expectError(t, link, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE)
  await expectMatchesSpec(t, app, link, { allowDefault: true })
})

t.test('takes a path with a : segment as a route pattern, whatever its parameter names', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { path: '/v1/accounts/:id', status: 503 })
  for (const id of [DOCS_ACCOUNT, SECOND_ACCOUNT, 'not-a-uuid']) {
    const res = await getAccount(app, headers, id)
    expectError(t, res, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE)
    await expectMatchesSpec(t, app, res, { allowDefault: true })
  }
  t.equal((await app.inject({ url: '/v1/accounts', headers })).statusCode, 200, 'the list is another route')
  const link = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '124' } })
  t.equal(link.statusCode, 200, 'POST /v1/accounts/link is not the route /v1/accounts/:account_id')
  t.equal((await app.inject({ url: `/v1/customers/${DOCS_CUSTOMER}`, headers })).statusCode, 200)
})

t.test('matches a route pattern with literal segments after a parameter', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { path: '/v1/keys/:key_id/suspend', status: 429 })
  const created = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' } } })
  t.equal(created.statusCode, 200)
  const id = created.json().id
  t.equal((await app.inject({ url: `/v1/keys/${id}`, headers })).statusCode, 200)
  const suspend = await app.inject({ method: 'PATCH', url: `/v1/keys/${id}/suspend`, headers })
  expectError(t, suspend, 429, 'rate_limited', 'RESOURCE_EXHAUSTED', 'Too many requests')
  await expectMatchesSpec(t, app, suspend, { allowDefault: true })
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/keys/${id}/activate`, headers })).statusCode, 409, 'activate is not matched (and the key was never suspended)')
})

t.test('takes any other path as a prefix on segment boundaries', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const rule = await addRule(app, { path: '/v1/accounts', status: 503 })
  for (const url of ['/v1/accounts', `/v1/accounts/${DOCS_ACCOUNT}`, '/v1/accounts?page_size=1']) {
    const res = await app.inject({ url, headers })
    expectError(t, res, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE)
    await expectMatchesSpec(t, app, res, { allowDefault: true })
  }
  t.equal((await app.inject({ url: '/v1/customers', headers })).statusCode, 200)
  await app.inject({ method: 'DELETE', url: `/_mock/faults/${rule.id}` })

  await addRule(app, { path: '/v1/acc', status: 503 })
  t.equal((await app.inject({ url: '/v1/accounts', headers })).statusCode, 200, '/v1/acc is not a segment of /v1/accounts')
  await app.inject({ method: 'DELETE', url: '/_mock/faults' })

  await addRule(app, { path: '/v1/accounts/', status: 503 })
  t.equal((await getAccount(app, headers)).statusCode, 503, 'a trailing slash changes nothing')
  t.equal((await app.inject({ url: '/v1/accounts', headers })).statusCode, 503)
  await app.inject({ method: 'DELETE', url: '/_mock/faults' })

  await addRule(app, { path: '/v1', status: 503 })
  t.equal((await app.inject({ url: '/v1/customers', headers })).statusCode, 503, '/v1 covers every route')
  const token = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' } })
  expectError(t, token, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE)
  await expectMatchesSpec(t, app, token, { allowDefault: true })
})

t.test('matches an account id named in the path, the query or the JSON body', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { account_id: SECOND_ACCOUNT, status: 503 })
  const named = [
    await getAccount(app, headers, SECOND_ACCOUNT),
    await app.inject({ url: `/v1/accounts?account_id=${SECOND_ACCOUNT}`, headers }),
    await app.inject({ url: `/v1/keys?account_id=${SECOND_ACCOUNT}`, headers }),
    await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: SECOND_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' } } }),
  ]
  for (const res of named) {
    expectError(t, res, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE)
    await expectMatchesSpec(t, app, res, { allowDefault: true })
  }
  t.equal((await getAccount(app, headers)).statusCode, 200, 'another account is not affected')
  t.equal((await app.inject({ url: '/v1/accounts', headers })).statusCode, 200, 'nor a request that names no account')
  const other = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' } } })
  t.equal(other.statusCode, 200)
})

t.test('matches a key value named in the query or the JSON body', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { key_value: '3001234567', status: 503 })
  const named = [
    await app.inject({ url: '/v1/keys?key_value=3001234567', headers }),
    await app.inject({ url: '/v1/payments?key_value=3001234567', headers }),
    await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' } } }),
    await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3001234567' } } }),
    await app.inject({ method: 'POST', url: '/v1/validate-key', headers, payload: { key: { key_type: 'PHONE', key_value: '3001234567' } } }),
  ]
  for (const res of named) {
    expectError(t, res, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE)
    await expectMatchesSpec(t, app, res, { allowDefault: true })
  }
  t.equal((await app.inject({ url: '/v1/keys?key_value=3007654321', headers })).statusCode, 200, 'another value is not affected')
  t.equal((await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3007654321' } } })).statusCode, 200)
})

t.test('matches a payment by the key of the resolution it pays', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const target = await resolve(app, headers, '3001234567')
  const elsewhere = await resolve(app, headers, '3007654321')
  await addRule(app, { key_value: '3001234567', status: 503, code: 'receiver_bank_down' })

  const res = await pay(app, headers, target)
  expectError(t, res, 503, 'receiver_bank_down', 'UNAVAILABLE', UNAVAILABLE)
  await expectMatchesSpec(t, app, res, { allowDefault: true })
  const list = await app.inject({ url: '/v1/payments', headers })
  expectError(t, list, 404, 'payment_not_found', 'NOT_FOUND', 'Payment not found')
  await expectMatchesSpec(t, app, list)

  const other = await pay(app, headers, elsewhere)
  t.equal(other.statusCode, 200, 'a payment to another key goes through')
  t.match(other.json(), { status: 'PROCESSING', receiver: { key: { key_value: '3007654321' } } })
  const unknown = await pay(app, headers, randomUUID())
  t.equal(unknown.statusCode, 404, 'an unknown resolution names no key')
})

t.test('applies a rule once, N times, or always', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const once = await addRule(app, { account_id: DOCS_ACCOUNT, status: 503, times: 1 })
  t.equal(once.times_left, 1)
  t.equal((await getAccount(app, headers)).statusCode, 503)
  t.equal((await getAccount(app, headers)).statusCode, 200, 'once: the second request goes through')
  t.notOk((await rules(app)).some((rule) => rule.id === once.id), 'a used-up rule disappears')

  const thrice = await addRule(app, { account_id: DOCS_ACCOUNT, status: 502, times: 3 })
  const left: (number | null | undefined)[] = []
  for (let i = 0; i < 3; i++) {
    const res = await getAccount(app, headers)
    expectError(t, res, 502, 'bad_gateway', 'INTERNAL', 'Bad Gateway')
    left.push((await rules(app)).find((rule) => rule.id === thrice.id)?.times_left)
  }
  t.same(left, [2, 1, undefined], 'times_left counts down, then the rule is gone')
  t.equal((await getAccount(app, headers)).statusCode, 200)

  await addRule(app, { account_id: DOCS_ACCOUNT, status: 503 })
  for (let i = 0; i < 5; i++) t.equal((await getAccount(app, headers)).statusCode, 503, `always: request ${i + 1}`)
})

t.test('answers with the oldest matching rule that has a status', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { path: '/v1/customers', status: 503 }) // matches nothing below
  await addRule(app, { account_id: DOCS_ACCOUNT, delay_ms: 10 }) // no status: never answers
  const first = await addRule(app, { path: '/v1/accounts/:account_id', status: 418, code: 'first_rule', message: 'The oldest rule answers' })
  await addRule(app, { account_id: DOCS_ACCOUNT, status: 429 })

  const res = await getAccount(app, headers)
  expectError(t, res, 418, 'first_rule', 'INVALID_ARGUMENT', 'The oldest rule answers')
  await expectMatchesSpec(t, app, res, { allowDefault: true })

  await app.inject({ method: 'DELETE', url: `/_mock/faults/${first.id}` })
  const next = await getAccount(app, headers)
  expectError(t, next, 429, 'rate_limited', 'RESOURCE_EXHAUSTED', 'Too many requests')
  await expectMatchesSpec(t, app, next, { allowDefault: true })
})

t.test('adds up the delays of every matching rule, and still answers the route', async (t) => {
  const { app, sleeps } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { path: '/v1/accounts', delay_ms: 100 })
  await addRule(app, { account_id: SLOW_ACCOUNT, delay_ms: 250, times: 1 })
  await addRule(app, { method: 'POST', delay_ms: 4000 }) // another method: not added

  const slow = await getAccount(app, headers, SLOW_ACCOUNT)
  t.equal(slow.statusCode, 200)
  t.equal(slow.json().id, SLOW_ACCOUNT)
  await expectMatchesSpec(t, app, slow)
  const plain = await getAccount(app, headers)
  t.equal(plain.statusCode, 200)
  const none = await app.inject({ url: '/v1/customers', headers })
  t.equal(none.statusCode, 200)
  t.same(sleeps, [5350, 100], 'built-in 5000 + 100 + 250, then 100 alone; nothing for a request no delay matches')
})

t.test('waits the delays, then answers with the status', async (t) => {
  const { app, sleeps } = await buildTestApp(t)
  const headers = await bearer(app)
  await addRule(app, { account_id: DOCS_ACCOUNT, delay_ms: 700 })
  await addRule(app, { account_id: DOCS_ACCOUNT, delay_ms: 300, status: 504 })
  const res = await getAccount(app, headers)
  expectError(t, res, 504, 'gateway_timeout', 'INTERNAL', 'Gateway Timeout')
  await expectMatchesSpec(t, app, res, { allowDefault: true })
  t.same(sleeps, [1000])
})

t.test('gives an answer the type of its status and the message of its code, in the request’s language', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const cases: [object, number, string, string, string, string][] = [
    [{ status: 500 }, 500, 'internal_error', 'INTERNAL', 'Internal server error', 'Error interno del servidor'],
    [{ status: 503 }, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE, 'El servicio no está disponible'],
    [{ status: 429 }, 429, 'rate_limited', 'RESOURCE_EXHAUSTED', 'Too many requests', 'Demasiadas solicitudes'],
    [{ status: 403 }, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity', 'El recurso pertenece a otra entidad'],
    [{ status: 400 }, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', 'A parameter has an invalid value', 'Un parámetro tiene un valor inválido'],
    [{ status: 422 }, 422, 'unprocessable_entity', 'INVALID_ARGUMENT', 'Unprocessable Entity', 'Error HTTP 422 (Unprocessable Entity)'],
    [{ status: 599 }, 599, 'internal_error', 'INTERNAL', 'Internal server error', 'Error interno del servidor'],
    [{ status: 503, code: 'internal_error' }, 503, 'internal_error', 'UNAVAILABLE', 'Internal server error', 'Error interno del servidor'],
    [{ status: 500, code: 'core_down', message: 'Core banking is down' }, 500, 'core_down', 'INTERNAL', 'Core banking is down', 'Core banking is down'],
    [{ status: 409 }, 409, 'already_exists', 'ALREADY_EXISTS', 'The resource already exists', 'El recurso ya existe'],
    [{ status: 409, code: 'duplicate_payment' }, 409, 'duplicate_payment', 'ALREADY_EXISTS', 'The resource already exists', 'El recurso ya existe'],
    [{ status: 502, code: 'upstream_down' }, 502, 'upstream_down', 'INTERNAL', 'Bad Gateway', 'Error HTTP 502 (Bad Gateway)'],
  ]
  for (const [body, status, code, type, en, es] of cases) {
    await app.inject({ method: 'DELETE', url: '/_mock/faults' })
    await addRule(app, { ...body, account_id: DOCS_ACCOUNT })
    const english = await getAccount(app, headers)
    expectError(t, english, status, code, type, en)
    await expectMatchesSpec(t, app, english, { allowDefault: true })
    const spanish = await getAccount(app, { ...headers, 'accept-language': 'es-CO,es;q=0.9' })
    expectError(t, spanish, status, code, type, es)
  }
})

t.test('runs after authentication, scope and body parsing, before validation', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const readonlyHeaders = await bearer(app, 'readonly')
  await addRule(app, { path: '/v1', status: 503 })
  const noToken = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}` })
  expectError(t, noToken, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, noToken)
  const readonly = await app.inject({ method: 'POST', url: '/v1/keys', headers: readonlyHeaders, payload: {} })
  expectError(t, readonly, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
  const broken = await app.inject({ method: 'POST', url: '/v1/keys', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"account_id":' })
  expectError(t, broken, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON')
  const invalid = await getAccount(app, headers, 'not-a-uuid')
  expectError(t, invalid, 503, 'service_unavailable', 'UNAVAILABLE', UNAVAILABLE)
  await expectMatchesSpec(t, app, invalid, { allowDefault: true })
  const unknownRoute = await app.inject({ url: '/v1/nowhere', headers })
  expectError(t, unknownRoute, 404, 'route_not_found', 'NOT_FOUND', 'No route matches this path')
})

t.test('never applies a rule to /_mock', async (t) => {
  const { app } = await buildTestApp(t)
  await addRule(app, { status: 500 })
  await addRule(app, { path: '/_mock', status: 503 })
  await addRule(app, { path: '/_mock/faults', status: 503, delay_ms: 1000 })
  const list = await app.inject({ url: '/_mock/faults' })
  t.equal(list.statusCode, 200)
  t.equal(list.json().faults.length, 5)
  const health = await app.inject({ url: '/_mock/health' })
  t.equal(health.statusCode, 200)
  const clock = await app.inject({ url: '/_mock/clock' })
  t.equal(clock.statusCode, 200)
  const cleared = await app.inject({ method: 'DELETE', url: '/_mock/faults' })
  t.equal(cleared.statusCode, 204, 'a rule that fails every /v1 request can still be removed')
})

t.test('needs the admin token on every fault route when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'qa-admin' })
  const calls = [
    { method: 'POST' as const, url: '/_mock/faults', payload: { status: 503 } },
    { method: 'GET' as const, url: '/_mock/faults' },
    { method: 'DELETE' as const, url: `/_mock/faults/${BUILTIN_RULES[0]?.id}` },
    { method: 'DELETE' as const, url: '/_mock/faults' },
  ]
  for (const call of calls) {
    const missing = await app.inject(call)
    expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, missing)
    const wrong = await app.inject({ ...call, headers: { 'x-mock-admin-token': 'qa-admiN' } })
    expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
    await expectMatchesSpec(t, app, wrong)
  }
  t.same(app.services.faults.list().length, 2, 'nothing was added or removed')
  const statuses = []
  for (const call of calls) statuses.push((await app.inject({ ...call, headers: { 'x-mock-admin-token': 'qa-admin' } })).statusCode)
  t.same(statuses, [201, 200, 204, 204])
})

t.test('brings the built-in rules back and drops the added ones on POST /_mock/reset', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  await app.inject({ method: 'DELETE', url: `/_mock/faults/${BUILTIN_RULES[0]?.id}` })
  await addRule(app, { account_id: DOCS_ACCOUNT, status: 503 })
  t.equal((await getAccount(app, headers)).statusCode, 503, 'the added rule applies (and is cached)')
  t.equal((await getAccount(app, headers, ERROR_500_ACCOUNT)).statusCode, 200, 'the removed built-in rule does not')

  const reset = await app.inject({ method: 'POST', url: '/_mock/reset' })
  t.equal(reset.statusCode, 204)
  t.same(await rules(app), BUILTIN_RULES)
  t.equal((await getAccount(app, headers)).statusCode, 200, 'the added rule is gone, from the cache too')
  t.equal((await getAccount(app, headers, ERROR_500_ACCOUNT)).statusCode, 500, 'the built-in rule is back')
})
