import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// fixtures/default.json (CONTRACT §6).
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const OTHER_ACCOUNT = '00000000-0000-4000-8000-000000000403'
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const FAULT_500 = '00000000-0000-4000-8000-000000000500'
const FAULT_504 = '00000000-0000-4000-8000-000000000504'
const TOKENS = '/v1/iam/oauth/tokens'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ERROR_FIELDS = ['code', 'http_code', 'message', 'resource', 'trace_id', 'type', 'url']

// CONTRACT §2: the type each code carries.
const TYPES: Record<string, string> = {
  invalid_json: 'INVALID_ARGUMENT',
  invalid_parameter_value: 'INVALID_ARGUMENT',
  unsupported_grant_type: 'INVALID_ARGUMENT',
  invalid_client: 'UNAUTHENTICATED',
  missing_token: 'UNAUTHENTICATED',
  invalid_token: 'UNAUTHENTICATED',
  token_expired: 'UNAUTHENTICATED',
  token_revoked: 'UNAUTHENTICATED',
  insufficient_scope: 'UNAUTHENTICATED',
  forbidden: 'PERMISSION_DENIED',
  account_not_found: 'NOT_FOUND',
  customer_not_found: 'NOT_FOUND',
  token_not_found: 'NOT_FOUND',
  route_not_found: 'NOT_FOUND',
  method_not_allowed: 'METHOD_NOT_ALLOWED',
  already_exists: 'ALREADY_EXISTS',
  invalid_state: 'FAILED_PRECONDITION',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  unsupported_media_type: 'UNSUPPORTED_MEDIA_TYPE',
  internal_error: 'INTERNAL',
}

const LINK_ACCOUNT = { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '77700011' }

function pathOf(res: LightMyRequestResponse): string {
  return new URL(res.raw.req.url ?? '/', 'http://x').pathname
}

/**
 * The contract's error body (CONTRACT §2): the status, exactly seven fields, the code's type,
 * `url` without the query, `trace_id` equal to `x-trace-id`, and no stack trace.
 * `spec` checks it against the OpenAPI document too (`'default'` for a fault-injected status;
 * `false` for answers on paths the document does not have: unknown routes and methods).
 */
async function expectError(
  t: Test,
  app: FastifyInstance,
  res: LightMyRequestResponse,
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  spec: boolean | 'default' = true,
) {
  t.equal(res.statusCode, status, `answers ${status} ${code}`)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json() as Record<string, unknown>
  t.same(Object.keys(body).sort(), ERROR_FIELDS, 'exactly the seven fields')
  t.match(body, { code, http_code: status, type: TYPES[code] ?? String, message: String, resource: String, url: pathOf(res), ...extra })
  t.ok(typeof body.message === 'string' && body.message.length > 0, 'a message')
  t.equal(body.trace_id, res.headers['x-trace-id'], 'trace_id repeats x-trace-id')
  t.match(body.trace_id, UUID)
  t.notMatch(res.body, /stack|\bat \S+ \(|node_modules|\.ts:\d+/, 'no stack trace')
  if (spec) await expectMatchesSpec(t, app, res, { allowDefault: spec === 'default' })
}

// ---------------------------------------------------------------- the error body

t.test('names the first segment after /v1 as resource and the path without its query as url', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const iam = await app.inject({ url: `${TOKENS}/nope?x=1`, headers })
  await expectError(t, app, iam, 400, 'invalid_parameter_value', { resource: 'iam', url: `${TOKENS}/nope` })
  const accounts = await app.inject({ url: `/v1/accounts/not-a-uuid?page_size=2&x=%20y`, headers })
  await expectError(t, app, accounts, 400, 'invalid_parameter_value', { resource: 'accounts', url: '/v1/accounts/not-a-uuid', message: "Field 'account_id' must be a UUID" })
  const customers = await app.inject({ url: `/v1/customers/${randomUUID()}?a=b`, headers })
  await expectError(t, app, customers, 404, 'customer_not_found', { resource: 'customers' })
  t.equal(customers.json().url, pathOf(customers))
  t.notMatch(customers.json().url, /\?/)
})

t.test('answers "" as resource for an unknown top-level path and _mock for the control plane', async (t) => {
  const { app } = await buildTestApp(t)
  const top = await app.inject({ url: '/nothing/here?q=1' })
  await expectError(t, app, top, 404, 'route_not_found', { resource: '', url: '/nothing/here' }, false)
  const root = await app.inject({ url: '/' })
  await expectError(t, app, root, 404, 'route_not_found', { resource: '', url: '/' }, false)
  const mock = await app.inject({ url: '/_mock/nothing?q=1' })
  await expectError(t, app, mock, 404, 'route_not_found', { resource: '_mock', url: '/_mock/nothing' }, false)
  const unknownV1 = await app.inject({ url: '/v1/nothing' })
  await expectError(t, app, unknownV1, 404, 'route_not_found', { resource: 'nothing', url: '/v1/nothing' }, false)
})

t.test('sends x-trace-id, a fresh UUID, on every success and every error', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const token = (await app.inject({ method: 'POST', url: TOKENS, payload: { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' } })).json()
  const responses = [
    await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers }),
    await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers }),
    await app.inject({ method: 'DELETE', url: `${TOKENS}/${token.token_id}`, headers }),
    await app.inject({ method: 'DELETE', url: '/_mock/requests' }),
    await app.inject({ url: '/_mock/health' }),
    await app.inject({ url: '/v1/accounts' }),
    await app.inject({ url: '/nothing' }),
    await app.inject({ method: 'PUT', url: '/v1/accounts' }),
    await app.inject({ url: `/v1/accounts/${FAULT_500}`, headers }),
  ]
  t.same(
    responses.map((r) => r.statusCode),
    [200, 200, 200, 204, 200, 401, 404, 405, 500],
  )
  const ids = responses.map((r) => r.headers['x-trace-id'])
  for (const id of ids) t.match(id, UUID)
  t.equal(new Set(ids).size, ids.length, 'a different trace id per request')
  for (const res of responses.filter((r) => r.statusCode >= 400)) t.equal(res.json().trace_id, res.headers['x-trace-id'])
  await expectMatchesSpec(t, app, responses[0] as LightMyRequestResponse)
  await expectMatchesSpec(t, app, responses[2] as LightMyRequestResponse)
  await expectMatchesSpec(t, app, responses[3] as LightMyRequestResponse)
})

// ---------------------------------------------------------------- routes and methods

t.test('answers 404 route_not_found for an unknown route', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  for (const url of ['/v1/nothing', '/v1/accounts/x/y', '/v2/accounts', '/v1', '/v1/payments/breb/x/y']) {
    const res = await app.inject({ url, headers })
    await expectError(t, app, res, 404, 'route_not_found', { url }, false)
  }
})

t.test('answers 405 method_not_allowed with an Allow header for a known path', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const cases: [string, string, string[], string[]][] = [
    ['PUT', `/v1/accounts/${DOCS_ACCOUNT}`, ['GET'], ['PUT', 'POST', 'DELETE']],
    ['DELETE', TOKENS, ['GET', 'POST'], ['DELETE']],
    ['GET', '/v1/accounts/link', [], []],
    ['POST', `/v1/customers/${DOCS_CUSTOMER}`, ['GET', 'PATCH'], ['POST']],
    ['PATCH', `${TOKENS}/${randomUUID()}`, ['GET', 'DELETE'], ['PATCH']],
    ['DELETE', '/_mock/health', ['GET'], ['DELETE']],
  ]
  for (const [method, url, allowed, refused] of cases) {
    const res = await app.inject({ method: method as 'GET', url, headers })
    if (allowed.length === 0) {
      // GET /v1/accounts/link reads "link" as an account id: a 400, not a 405.
      await expectError(t, app, res, 400, 'invalid_parameter_value', { message: "Field 'account_id' must be a UUID" })
      continue
    }
    await expectError(t, app, res, 405, 'method_not_allowed', {}, false)
    const allow = String(res.headers.allow ?? '')
      .split(',')
      .map((m) => m.trim())
    for (const m of allowed) t.ok(allow.includes(m), `${method} ${url}: Allow lists ${m} (${allow.join(', ')})`)
    for (const m of refused) t.notOk(allow.includes(m), `${method} ${url}: Allow does not list ${m}`)
  }
})

// ---------------------------------------------------------------- language

t.test('answers in Spanish when es is preferred, in English otherwise, with the same code', async (t) => {
  const { app } = await buildTestApp(t)
  const ask = (language: string | undefined) =>
    app.inject({ url: `/v1/accounts/${randomUUID()}`, headers: language === undefined ? {} : { 'accept-language': language } })
  const english = await ask(undefined)
  await expectError(t, app, english, 401, 'missing_token')
  const spanish = await ask('es')
  await expectError(t, app, spanish, 401, 'missing_token')
  t.not(english.json().message, spanish.json().message, 'the two languages differ')
  t.match(english.json().message, /Authorization: Bearer/)
  t.match(spanish.json().message, /Se requiere/)
  for (const language of ['es', 'es-CO', 'es-CO,es;q=0.9', 'ES-co', 'en;q=0.5,es', 'fr,es;q=0.8,en;q=0.7']) {
    const res = await ask(language)
    await expectError(t, app, res, 401, 'missing_token')
    t.equal(res.json().message, spanish.json().message, `${language}: Spanish`)
  }
  for (const language of ['en', 'fr', 'en,es;q=0.5', 'en-US,en;q=0.9,es;q=0.8', 'pt-BR', '*', '']) {
    const res = await ask(language)
    await expectError(t, app, res, 401, 'missing_token')
    t.equal(res.json().message, english.json().message, `${JSON.stringify(language)}: English`)
  }
})

t.test('translates validation and not-found messages too, and repeats them exactly', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const link = (language: string) =>
    app.inject({ method: 'POST', url: '/v1/accounts/link', headers: { ...headers, 'accept-language': language }, payload: { account_type: 'ORDINARY', account_number: '1' } })
  const en = await link('en')
  await expectError(t, app, en, 400, 'invalid_parameter_value', { message: "Field 'customer_id' is required" })
  const es = await link('es-CO')
  await expectError(t, app, es, 400, 'invalid_parameter_value')
  t.match(es.json().message, /customer_id/)
  t.not(es.json().message, en.json().message)
  const again = await link('es-CO')
  t.equal(again.json().message, es.json().message, 'the same request gives the same message')

  const missing = randomUUID()
  const nfEn = await app.inject({ url: `/v1/accounts/${missing}`, headers: { ...headers, 'accept-language': 'en' } })
  const nfEs = await app.inject({ url: `/v1/accounts/${missing}`, headers: { ...headers, 'accept-language': 'es' } })
  await expectError(t, app, nfEn, 404, 'account_not_found')
  await expectError(t, app, nfEs, 404, 'account_not_found')
  t.not(nfEn.json().message, nfEs.json().message)

  const routeEs = await app.inject({ url: '/v1/nothing', headers: { 'accept-language': 'es' } })
  await expectError(t, app, routeEs, 404, 'route_not_found', {}, false)
  const routeEn = await app.inject({ url: '/v1/nothing' })
  t.not(routeEs.json().message, routeEn.json().message)
})

// ---------------------------------------------------------------- order of checks (CONTRACT §2)

t.test('answers 404 and 405 before 401', async (t) => {
  const { app } = await buildTestApp(t)
  const unknown = await app.inject({ url: '/v1/nothing' })
  await expectError(t, app, unknown, 404, 'route_not_found', {}, false)
  const method = await app.inject({ method: 'DELETE', url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: { authorization: 'Bearer nope' } })
  await expectError(t, app, method, 405, 'method_not_allowed', {}, false)
})

t.test('answers 401 for a bad token before checking the scope', async (t) => {
  const { app, time } = await buildTestApp(t)
  const readonly = await bearer(app, 'readonly')
  const scope = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: readonly, payload: LINK_ACCOUNT })
  await expectError(t, app, scope, 401, 'insufficient_scope')
  time.advance(86_400_000 + 1000)
  const expired = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: readonly, payload: LINK_ACCOUNT })
  await expectError(t, app, expired, 401, 'token_expired')
  const malformed = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: { authorization: 'Bearer 123' }, payload: LINK_ACCOUNT })
  await expectError(t, app, malformed, 401, 'invalid_token')
})

t.test('answers 401 without a token before parsing the body (415, invalid_json, 413)', async (t) => {
  const { app } = await buildTestApp(t)
  const json = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: { 'content-type': 'application/json' }, payload: '{"customer_id":' })
  await expectError(t, app, json, 401, 'missing_token')
  const text = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: { 'content-type': 'text/plain' }, payload: 'hello' })
  await expectError(t, app, text, 401, 'missing_token')
  const big = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ x: 'x'.repeat(1024 * 1024 + 10) }) })
  await expectError(t, app, big, 401, 'missing_token')
})

t.test('answers insufficient_scope before parsing the body', async (t) => {
  const { app } = await buildTestApp(t)
  const readonly = await bearer(app, 'readonly')
  const json = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: { ...readonly, 'content-type': 'application/json' }, payload: '{"customer_id":' })
  await expectError(t, app, json, 401, 'insufficient_scope')
  const text = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers: { ...readonly, 'content-type': 'text/plain' }, payload: 'hello' })
  await expectError(t, app, text, 401, 'insufficient_scope')
  const big = await app.inject({
    method: 'POST',
    url: '/v1/accounts/link',
    headers: { ...readonly, 'content-type': 'application/json' },
    payload: JSON.stringify({ x: 'x'.repeat(1024 * 1024 + 10) }),
  })
  await expectError(t, app, big, 401, 'insufficient_scope')
})

t.test('answers invalid_json, 415 and 413 before fault rules', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const url = `/v1/accounts/link?account_id=${FAULT_500}`
  // The control: a parseable request naming the account meets its rule.
  const control = await app.inject({ method: 'POST', url, headers, payload: LINK_ACCOUNT })
  await expectError(t, app, control, 500, 'internal_error', {}, 'default')
  const json = await app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: `{"account_id":"${FAULT_500}",` })
  await expectError(t, app, json, 400, 'invalid_json')
  const text = await app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'text/plain' }, payload: FAULT_500 })
  await expectError(t, app, text, 415, 'unsupported_media_type')
  const big = await app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify({ account_id: FAULT_500, x: 'x'.repeat(1024 * 1024) }),
  })
  await expectError(t, app, big, 413, 'payload_too_large')
})

t.test('answers fault rules before validation: …0500 is 500 even when the request is invalid', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const body = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { account_id: FAULT_500, account_type: 'NOPE' } })
  await expectError(t, app, body, 500, 'internal_error', { resource: 'accounts' }, 'default')
  const query = await app.inject({ url: `/v1/accounts?account_id=${FAULT_500}&status=NOPE&page_size=0`, headers })
  await expectError(t, app, query, 500, 'internal_error', {}, 'default')
  const tokens = await app.inject({ method: 'POST', url: TOKENS, payload: { account_id: FAULT_500 } })
  await expectError(t, app, tokens, 500, 'internal_error', { resource: 'iam' }, 'default')
  // …but after authentication.
  const anonymous = await app.inject({ url: `/v1/accounts/${FAULT_500}` })
  await expectError(t, app, anonymous, 401, 'missing_token')
})

t.test('answers validation (400) before existence (404)', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const link = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { customer_id: randomUUID(), account_type: 'BOGUS', account_number: '1' } })
  await expectError(t, app, link, 400, 'invalid_parameter_value', { message: /account_type/ })
  const revoke = await app.inject({ method: 'DELETE', url: `${TOKENS}/${randomUUID()}`, headers, payload: { token_id: randomUUID() } })
  await expectError(t, app, revoke, 400, 'invalid_parameter_value', { message: /token_id/ })
  const patch = await app.inject({ method: 'PATCH', url: `/v1/customers/${randomUUID()}`, headers, payload: { email: 'no-at-sign' } })
  await expectError(t, app, patch, 400, 'invalid_parameter_value', { message: /email/ })
  // The control: valid requests for the same unknown ids are 404s.
  const linkValid = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { ...LINK_ACCOUNT, customer_id: randomUUID() } })
  await expectError(t, app, linkValid, 404, 'customer_not_found')
  const patchValid = await app.inject({ method: 'PATCH', url: `/v1/customers/${randomUUID()}`, headers, payload: { email: 'ok@example.com' } })
  await expectError(t, app, patchValid, 404, 'customer_not_found')
})

t.test('answers existence (404) for an unknown id and ownership (403) only for an existing foreign one', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const unknown = await app.inject({ url: `/v1/accounts/${randomUUID()}`, headers })
  await expectError(t, app, unknown, 404, 'account_not_found')
  const foreign = await app.inject({ url: `/v1/accounts/${OTHER_ACCOUNT}`, headers })
  await expectError(t, app, foreign, 403, 'forbidden')
  const foreignCustomer = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { ...LINK_ACCOUNT, customer_id: OTHER_CUSTOMER } })
  await expectError(t, app, foreignCustomer, 403, 'forbidden')
  const patchForeign = await app.inject({ method: 'PATCH', url: `/v1/customers/${OTHER_CUSTOMER}`, headers, payload: { email: 'ok@example.com' } })
  await expectError(t, app, patchForeign, 403, 'forbidden')
})

t.test('answers ownership (403) before state (409)', async (t) => {
  const { app } = await buildTestApp(t)
  const other = await bearer(app, 'other')
  const key = await app.inject({ method: 'POST', url: '/v1/keys', headers: other, payload: { account_id: OTHER_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' } } })
  t.equal(key.statusCode, 200, key.body)
  const keyId = (key.json() as { id: string }).id
  const own = await app.inject({ method: 'PATCH', url: `/v1/keys/${keyId}/suspend`, headers: other })
  t.equal(own.statusCode, 200)
  const again = await app.inject({ method: 'PATCH', url: `/v1/keys/${keyId}/suspend`, headers: other })
  await expectError(t, app, again, 409, 'invalid_state', { resource: 'keys' })
  const foreign = await app.inject({ method: 'PATCH', url: `/v1/keys/${keyId}/suspend`, headers: await bearer(app) })
  await expectError(t, app, foreign, 403, 'forbidden', { resource: 'keys' })
})

// ---------------------------------------------------------------- built-in fault rules (CONTRACT §6)

t.test('answers 500 internal_error to any /v1 request naming account …0500', async (t) => {
  const { app, sleeps } = await buildTestApp(t)
  const headers = await bearer(app)
  const path = await app.inject({ url: `/v1/accounts/${FAULT_500}`, headers })
  await expectError(t, app, path, 500, 'internal_error', { url: `/v1/accounts/${FAULT_500}`, resource: 'accounts' }, 'default')
  const query = await app.inject({ url: `/v1/accounts?account_id=${FAULT_500}`, headers })
  await expectError(t, app, query, 500, 'internal_error', { url: '/v1/accounts' }, 'default')
  const tokensQuery = await app.inject({ url: `${TOKENS}?account_id=${FAULT_500}`, headers })
  await expectError(t, app, tokensQuery, 500, 'internal_error', { resource: 'iam' }, 'default')
  const body = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { ...LINK_ACCOUNT, account_id: FAULT_500 } })
  await expectError(t, app, body, 500, 'internal_error', {}, 'default')
  const es = await app.inject({ url: `/v1/accounts/${FAULT_500}`, headers: { ...headers, 'accept-language': 'es' } })
  await expectError(t, app, es, 500, 'internal_error', {}, 'default')
  t.not(es.json().message, path.json().message, 'the message follows the language')
  t.same(sleeps, [], 'no delay')

  // Nothing was created by the faulted link.
  const list = await app.inject({ url: '/v1/accounts?account_number=77700011', headers })
  t.equal(list.statusCode, 200)
  t.same(list.json().accounts, [])
  await expectMatchesSpec(t, app, list)
  // A request naming another account is not affected.
  const fine = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  t.equal(fine.statusCode, 200)
  await expectMatchesSpec(t, app, fine)
})

t.test('delays requests naming account …0504 by 5000 ms and no others', async (t) => {
  const { app, sleeps } = await buildTestApp(t)
  const headers = await bearer(app)
  t.same(sleeps, [], 'issuing a token asks for no delay')
  const path = await app.inject({ url: `/v1/accounts/${FAULT_504}`, headers })
  t.equal(path.statusCode, 200)
  t.match(path.json(), { id: FAULT_504, status: 'ACTIVE' })
  await expectMatchesSpec(t, app, path)
  t.same(sleeps, [5000])
  const query = await app.inject({ url: `/v1/accounts?account_id=${FAULT_504}`, headers })
  t.equal(query.statusCode, 200)
  t.equal(query.json().accounts[0]?.id, FAULT_504)
  await expectMatchesSpec(t, app, query)
  t.same(sleeps, [5000, 5000])
  const body = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { ...LINK_ACCOUNT, account_id: FAULT_504 } })
  t.equal(body.statusCode, 200, 'answers normally after the delay')
  await expectMatchesSpec(t, app, body)
  t.same(sleeps, [5000, 5000, 5000])
  // Invalid requests are delayed too: the rule runs before validation.
  const invalid = await app.inject({ url: `/v1/accounts?account_id=${FAULT_504}&status=NOPE`, headers })
  await expectError(t, app, invalid, 400, 'invalid_parameter_value')
  t.same(sleeps, [5000, 5000, 5000, 5000])

  const others = [
    await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers }),
    await app.inject({ url: '/v1/accounts', headers }),
    await app.inject({ url: `/v1/accounts?account_id=${DOCS_ACCOUNT}`, headers }),
  ]
  t.same(
    others.map((r) => r.statusCode),
    [200, 200, 200],
  )
  t.same(sleeps, [5000, 5000, 5000, 5000], 'requests naming neither account ask for no delay')
})

t.test('never applies fault rules to /_mock routes', async (t) => {
  const { app, sleeps } = await buildTestApp(t)
  for (const account of [FAULT_500, FAULT_504]) {
    const health = await app.inject({ url: `/_mock/health?account_id=${account}` })
    t.equal(health.statusCode, 200)
    t.same(health.json(), { status: 'ok' })
    await expectMatchesSpec(t, app, health)
    const unknown = await app.inject({ url: `/_mock/accounts/${account}` })
    await expectError(t, app, unknown, 404, 'route_not_found', { resource: '_mock' }, false)
    const method = await app.inject({ method: 'POST', url: `/_mock/health?account_id=${account}`, payload: { account_id: account } })
    await expectError(t, app, method, 405, 'method_not_allowed', { resource: '_mock' }, false)
  }
  t.same(sleeps, [])
})

// ---------------------------------------------------------------- bad input

t.test('answers malformed input with a 4xx contract body, never a 5xx or a stack trace', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  const link = (payload: string) => app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload })
  const cases: [string, LightMyRequestResponse][] = [
    ['__proto__ key', await link(`{"__proto__":{"polluted":true},"customer_id":"${DOCS_CUSTOMER}","account_type":"ORDINARY","account_number":"1"}`)],
    ['constructor.prototype key', await link(`{"constructor":{"prototype":{"polluted":true}},"customer_id":"${DOCS_CUSTOMER}"}`)],
    ['JSON array', await link('[]')],
    ['JSON array of objects', await link(`[${JSON.stringify(LINK_ACCOUNT)}]`)],
    ['JSON null', await link('null')],
    ['JSON string', await link('"hello"')],
    ['JSON number', await link('42')],
    ['huge string', await link(JSON.stringify({ ...LINK_ACCOUNT, account_number: 'x'.repeat(900_000) }))],
    ['number for a string', await link(JSON.stringify({ ...LINK_ACCOUNT, account_number: 12345 }))],
    ['object for a string', await link(JSON.stringify({ ...LINK_ACCOUNT, customer_id: { $ne: null } }))],
    ['NUL in a uuid', await link(JSON.stringify({ ...LINK_ACCOUNT, customer_id: `${DOCS_CUSTOMER}\u0000` }))],
    ['NUL in an enum', await link(JSON.stringify({ ...LINK_ACCOUNT, account_type: 'ORDINARY\u0000' }))],
    ['deep nesting', await link(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
    ['lone surrogate', await link(`{"customer_id":"\\ud800","account_type":"ORDINARY","account_number":"1"}`)],
    ['2,000-char path id', await app.inject({ url: `/v1/accounts/${'a'.repeat(2000)}`, headers })],
    ['NUL in a path id', await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}%00`, headers })],
    ['bad percent-encoding', await app.inject({ url: '/v1/accounts/%E0%A4%A', headers })],
    ['repeated query parameter', await app.inject({ url: `/v1/accounts?account_id=${DOCS_ACCOUNT}&account_id=${DOCS_ACCOUNT}`, headers })],
    ['NUL in a query value', await app.inject({ url: '/v1/accounts?status=ACTIVE%00', headers })],
    ['huge page number', await app.inject({ url: '/v1/accounts?page_params.page_number=99999999999999999999999', headers })],
    ['huge legacy page number', await app.inject({ url: `${TOKENS}?page_number=2147483648`, headers })],
  ]
  for (const [name, res] of cases) {
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${name}: a 4xx (${res.statusCode})`)
    const body = res.json() as Record<string, unknown>
    t.same(Object.keys(body).sort(), ERROR_FIELDS, `${name}: the seven fields`)
    t.equal(body.http_code, res.statusCode)
    t.equal(body.trace_id, res.headers['x-trace-id'])
    t.notMatch(res.body, /stack|\bat \S+ \(|node_modules|\.ts:\d+/, `${name}: no stack trace`)
    if (res.statusCode !== 404) await expectMatchesSpec(t, app, res)
  }
  const byName = Object.fromEntries(cases)
  t.match(byName['2,000-char path id']?.json(), { code: 'invalid_parameter_value', http_code: 400, resource: 'accounts' }, 'an over-long path id is a 400 (CONTRACT §2)')
  t.match(byName['bad percent-encoding']?.json(), { code: 'invalid_parameter_value', http_code: 400, url: '/v1/accounts/%E0%A4%A' })
  t.match(byName['__proto__ key']?.json(), { code: 'invalid_json' })
  t.match(byName['huge page number']?.json(), { code: 'invalid_parameter_value', message: /page_params\.page_number/ })
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted')
  const after = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: await bearer(app) })
  t.equal(after.statusCode, 200, 'the app keeps answering')
  await expectMatchesSpec(t, app, after)
})

t.test('answers 413 payload_too_large for a /v1 body over 1 MiB, and reads one just under', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  // A valid body padded with JSON whitespace to an exact size.
  const sized = (bytes: number) => {
    const body = JSON.stringify(LINK_ACCOUNT)
    return body + ' '.repeat(bytes - body.length)
  }
  const over = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: sized(1024 * 1024 + 1) })
  await expectError(t, app, over, 413, 'payload_too_large', { resource: 'accounts' })
  const patch = await app.inject({ method: 'PATCH', url: `/v1/customers/${DOCS_CUSTOMER}`, headers, payload: JSON.stringify({ business_name: 'x'.repeat(2 * 1024 * 1024) }) })
  await expectError(t, app, patch, 413, 'payload_too_large', { resource: 'customers' })
  const atLimit = sized(1024 * 1024)
  t.equal(Buffer.byteLength(atLimit), 1024 * 1024)
  const under = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: atLimit })
  t.equal(under.statusCode, 200, 'a body of exactly 1 MiB is read')
  t.match(under.json(), { account_number: LINK_ACCOUNT.account_number, status: 'ACTIVE' })
  await expectMatchesSpec(t, app, under)
})

t.test('reads Content-Type: application/json with an empty body as no body on POST, PATCH and DELETE', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  const post = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: '' })
  await expectError(t, app, post, 400, 'invalid_parameter_value', { message: "Field 'customer_id' is required" })
  const blank = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: '  \n' })
  await expectError(t, app, blank, 400, 'invalid_parameter_value', { message: "Field 'customer_id' is required" })

  const before = (await app.inject({ url: `/v1/customers/${DOCS_CUSTOMER}`, headers })).json()
  const patch = await app.inject({ method: 'PATCH', url: `/v1/customers/${DOCS_CUSTOMER}`, headers, payload: '' })
  t.equal(patch.statusCode, 200)
  t.same(patch.json(), before, 'an empty PATCH changes nothing')
  await expectMatchesSpec(t, app, patch)

  const token = (await app.inject({ method: 'POST', url: TOKENS, payload: { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' } })).json()
  const del = await app.inject({ method: 'DELETE', url: `${TOKENS}/${token.token_id}`, headers, payload: '' })
  t.equal(del.statusCode, 200, 'revoke answers 200 with no body (Contract 2)')
  t.equal(del.body, '')
  await expectMatchesSpec(t, app, del)
})
