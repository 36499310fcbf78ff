import { createHash, randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { secretsEqual } from '../../src/core/secrets.js'
import { TokensService } from '../../src/resources/tokens/tokens.service.js'
import { accessToken, bearer, CLIENTS } from '../helpers/auth.js'
import { CONTRACT_SCOPES, DOCUMENTED_SCOPES } from '../helpers/contract-scopes.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const TOKENS = '/v1/iam/oauth/tokens'
// fixtures/default.json: the entities behind the fixtures' clients (CONTRACT §6).
const DEFAULT_ENTITY = '9f1c2b7e-4d3a-4e8b-a5c6-7d8e9f0a1b2c'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const START = '2026-01-15T12:00:00.000Z'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const DAY_MS = 86_400_000

// CONTRACT §3 "Scopes by route": every scope a route requires, written out from the table.
const ALL_ROUTE_SCOPES = CONTRACT_SCOPES
// "The read-only client has every `*.get` and `*.list.get` scope above, nothing else."
const READ_ROUTE_SCOPES = ALL_ROUTE_SCOPES.filter((s) => s.endsWith('.get'))
// Contract 2: the full-access client shows the docs' example scopes too (iam.*, paas.core.webhooks.*).
const FULL_ACCESS_SCOPES = [...new Set([...DOCUMENTED_SCOPES, ...ALL_ROUTE_SCOPES])]

const ERROR_FIELDS = ['code', 'http_code', 'message', 'resource', 'trace_id', 'type', 'url']

/** The contract's error body (CONTRACT §2): exactly seven fields, the trace id of the response header, and the OpenAPI schema. */
async function expectError(t: Test, app: FastifyInstance, res: LightMyRequestResponse, status: number, code: string, type: string, message?: string | RegExp) {
  t.equal(res.statusCode, status, `answers ${status}`)
  const body = res.json() as Record<string, unknown>
  t.same(Object.keys(body).sort(), ERROR_FIELDS, 'the error body has exactly the seven contract fields')
  t.match(body, { code, http_code: status, type, resource: 'iam', url: new URL(res.raw.req.url ?? '/', 'http://x').pathname })
  if (message !== undefined) t.match(body.message, message)
  t.equal(body.trace_id, res.headers['x-trace-id'], 'trace_id repeats the x-trace-id header')
  await expectMatchesSpec(t, app, res)
}

function issue(app: FastifyInstance, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: TOKENS, payload, headers })
}

function credentials(client: keyof typeof CLIENTS) {
  return { ...CLIENTS[client], grant_type: 'client_credentials' }
}

async function issueFor(app: FastifyInstance, client: keyof typeof CLIENTS): Promise<{ access_token: string; token_id: string }> {
  const res = await issue(app, credentials(client))
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

const auth = (accessTokenValue: string) => ({ authorization: `Bearer ${accessTokenValue}` })
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const sorted = (values: readonly string[]) => [...values].sort()

// ---------------------------------------------------------------- POST /v1/iam/oauth/tokens

t.test('issues a token for a JSON body with every field the contract names', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.set('2026-02-01T08:30:15.123Z')
  const res = await issue(app, credentials('admin'))
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'account_id', 'created_at', 'expires_in', 'roles', 'scopes', 'token_id', 'token_type'])
  t.match(body.access_token, /^[0-9a-f]{64}$/)
  t.equal(body.token_type, 'Bearer')
  t.equal(body.expires_in, 86400)
  t.match(res.body, /"expires_in":86400[,}]/, 'expires_in is a JSON integer, not a string')
  t.match(body.token_id, UUID)
  t.same(sorted(body.scopes), sorted(FULL_ACCESS_SCOPES), 'every route scope and every scope of the docs’ example, expanded')
  t.same((body.scopes as string[]).filter((s) => s.includes('*')), ['iam.mfa.*'], 'no wildcard but the one the docs’ example shows')
  t.same((body.scopes as string[]).filter((s) => DOCUMENTED_SCOPES.includes(s)), DOCUMENTED_SCOPES, 'the documented scopes in the docs’ order')
  t.same(body.roles, ['ENTITY_ADMIN'])
  t.equal(body.account_id, DEFAULT_ENTITY, "account_id is the entity's id")
  t.equal(body.created_at, '2026-02-01T08:30:15.123Z', "created_at is the mock clock's time")
  await expectMatchesSpec(t, app, res)
})

t.test('issues ENTITY_READER tokens with the read scopes to the read-only client', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await issue(app, credentials('readonly'))
  t.equal(res.statusCode, 200)
  t.match(res.json(), { token_type: 'Bearer', roles: ['ENTITY_READER'], account_id: DEFAULT_ENTITY, created_at: START })
  t.same(sorted(res.json().scopes), sorted(READ_ROUTE_SCOPES))
  await expectMatchesSpec(t, app, res)
})

t.test('issues a fresh random token on every request', async (t) => {
  const { app } = await buildTestApp(t)
  const a = await issueFor(app, 'admin')
  const b = await issueFor(app, 'admin')
  t.not(a.access_token, b.access_token)
  t.not(a.token_id, b.token_id)
})

t.test('issues a token for a form body', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: TOKENS,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(credentials('admin')).toString(),
  })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { access_token: /^[0-9a-f]{64}$/, token_type: 'Bearer', expires_in: 86400, roles: ['ENTITY_ADMIN'], account_id: DEFAULT_ENTITY })
  await expectMatchesSpec(t, app, res)
  const use = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: auth(res.json().access_token) })
  t.equal(use.statusCode, 200, 'the token works')
})

t.test('issues a token for a client sent in Authorization: Basic', async (t) => {
  const { app } = await buildTestApp(t)
  const basic = `Basic ${Buffer.from('passport-mock-readonly:passport-mock-readonly-secret').toString('base64')}`
  const json = await issue(app, { grant_type: 'client_credentials' }, { authorization: basic })
  t.equal(json.statusCode, 200)
  t.match(json.json(), { token_type: 'Bearer', roles: ['ENTITY_READER'], account_id: DEFAULT_ENTITY })
  await expectMatchesSpec(t, app, json)

  // What generic OAuth2 libraries send: a form body with only grant_type.
  const form = await app.inject({
    method: 'POST',
    url: TOKENS,
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
  })
  t.equal(form.statusCode, 200)
  t.match(form.json(), { roles: ['ENTITY_READER'] })
  await expectMatchesSpec(t, app, form)
})

t.test('answers 401 invalid_client for a wrong secret in Authorization: Basic', async (t) => {
  const { app } = await buildTestApp(t)
  const basic = `Basic ${Buffer.from('passport-mock-client:nope').toString('base64')}`
  const res = await issue(app, { grant_type: 'client_credentials' }, { authorization: basic })
  await expectError(t, app, res, 401, 'invalid_client', 'UNAUTHENTICATED')
})

t.test('answers 400 naming each missing field', async (t) => {
  const { app } = await buildTestApp(t)
  for (const field of ['client_id', 'client_secret', 'grant_type'] as const) {
    const payload: Record<string, string> = credentials('admin')
    delete payload[field]
    const res = await issue(app, payload)
    await expectError(t, app, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', `Field '${field}' is required`)
    t.equal(res.json().message, `Field '${field}' is required`)
  }
  const empty = await issue(app, {})
  await expectError(t, app, empty, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT')
  t.equal(empty.json().message, "Field 'client_id' is required", 'the first missing field is named')
})

t.test('checks missing fields before grant_type, and grant_type before the client', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await issue(app, { client_id: 'nobody', grant_type: 'password' })
  await expectError(t, app, missing, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT')
  t.equal(missing.json().message, "Field 'client_secret' is required")

  const grant = await issue(app, { client_id: 'nobody', client_secret: 'nothing', grant_type: 'password' })
  await expectError(t, app, grant, 400, 'unsupported_grant_type', 'INVALID_ARGUMENT')
})

t.test('answers 400 unsupported_grant_type for another grant', async (t) => {
  const { app } = await buildTestApp(t)
  for (const grant_type of ['password', 'authorization_code', 'CLIENT_CREDENTIALS']) {
    const res = await issue(app, { ...CLIENTS.admin, grant_type })
    await expectError(t, app, res, 400, 'unsupported_grant_type', 'INVALID_ARGUMENT')
  }
})

t.test('answers the same 401 invalid_client for an unknown client and for a wrong secret', async (t) => {
  const { app } = await buildTestApp(t)
  const unknown = await issue(app, { client_id: 'no-such-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' })
  await expectError(t, app, unknown, 401, 'invalid_client', 'UNAUTHENTICATED')
  const wrong = await issue(app, { client_id: 'passport-mock-client', client_secret: 'passport-mock-secreT', grant_type: 'client_credentials' })
  await expectError(t, app, wrong, 401, 'invalid_client', 'UNAUTHENTICATED')
  // Another client's secret is as wrong as any other.
  const crossed = await issue(app, { client_id: 'passport-mock-client', client_secret: CLIENTS.other.client_secret, grant_type: 'client_credentials' })
  await expectError(t, app, crossed, 401, 'invalid_client', 'UNAUTHENTICATED')

  const { trace_id: traceA, ...a } = unknown.json()
  const { trace_id: traceB, ...b } = wrong.json()
  t.same(a, b, 'both bodies are the same apart from the trace id')
  t.not(traceA, traceB)
  t.equal(unknown.headers['content-type'], wrong.headers['content-type'])
})

t.test('answers 400 invalid_json for a body that is not JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: TOKENS, headers: { 'content-type': 'application/json' }, payload: '{"client_id": "passport-mock-client",' })
  await expectError(t, app, res, 400, 'invalid_json', 'INVALID_ARGUMENT')
})

t.test('answers 415 for a text/plain body', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: TOKENS, headers: { 'content-type': 'text/plain' }, payload: 'client_id=passport-mock-client' })
  await expectError(t, app, res, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE')
})

t.test('answers 413 for a body over 1 MiB', async (t) => {
  const { app } = await buildTestApp(t)
  const payload = JSON.stringify({ ...credentials('admin'), padding: 'x'.repeat(1024 * 1024) })
  const res = await app.inject({ method: 'POST', url: TOKENS, headers: { 'content-type': 'application/json' }, payload })
  await expectError(t, app, res, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE')
})

t.test('stores only a SHA-256 of the access token', async (t) => {
  const { app } = await buildTestApp(t)
  const issued = await issueFor(app, 'admin')
  const rows = app.services.db.prepare('SELECT * FROM tokens').all() as Record<string, unknown>[]
  const row = rows.find((r) => r.id === issued.token_id)
  t.ok(row, 'the token has a row')
  t.equal(row?.token_hash, sha256(issued.access_token))
  const dump = JSON.stringify(rows)
  t.notOk(dump.includes(issued.access_token), 'the access token is nowhere in the table')
  t.notOk(dump.toLowerCase().includes(issued.access_token.slice(0, 32)), 'not even half of it')
  const db = app.services.db.prepare("SELECT group_concat(token_hash || scopes || roles || id, '') AS all_text FROM tokens").get() as { all_text: string }
  t.notOk(db.all_text.includes(issued.access_token))
})

// ---------------------------------------------------------------- bearer checks

t.test('answers 401 missing_token without an Authorization: Bearer header', async (t) => {
  const { app } = await buildTestApp(t)
  const none = await app.inject({ url: TOKENS })
  await expectError(t, app, none, 401, 'missing_token', 'UNAUTHENTICATED')
  const basic = await app.inject({ url: TOKENS, headers: { authorization: `Basic ${Buffer.from('passport-mock-client:passport-mock-secret').toString('base64')}` } })
  await expectError(t, app, basic, 401, 'missing_token', 'UNAUTHENTICATED')
})

t.test('answers 401 invalid_token for a malformed or unknown token', async (t) => {
  const { app } = await buildTestApp(t)
  const real = await accessToken(app)
  for (const value of ['Bearer', 'Bearer not-a-token', `Bearer ${real.slice(1)}`, `Bearer ${real}x`, `Bearer ${'0'.repeat(64)}`, `Bearer ${sha256(real)}`]) {
    const res = await app.inject({ url: TOKENS, headers: { authorization: value } })
    await expectError(t, app, res, 401, 'invalid_token', 'UNAUTHENTICATED')
  }
  const ok = await app.inject({ url: TOKENS, headers: auth(real) })
  t.equal(ok.statusCode, 200, 'the real token works')
})

t.test('answers 401 token_expired once the mock clock passes TOKEN_TTL_SECONDS', async (t) => {
  const { app, time } = await buildTestApp(t)
  const token = await accessToken(app)
  time.advance(DAY_MS - 1000)
  const before = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: auth(token) })
  t.equal(before.statusCode, 200, 'valid one second before expiry')
  time.advance(1001)
  const after = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: auth(token) })
  t.equal(after.statusCode, 401)
  t.match(after.json(), { code: 'token_expired', type: 'UNAUTHENTICATED', resource: 'accounts' })
  await expectMatchesSpec(t, app, after)
  const list = await app.inject({ url: TOKENS, headers: auth(token) })
  await expectError(t, app, list, 401, 'token_expired', 'UNAUTHENTICATED')
})

t.test('uses a TOKEN_TTL_SECONDS override for expires_in, expires_at and expiry', async (t) => {
  const { app, time } = await buildTestApp(t, { tokenTtlSeconds: 60 })
  const res = await issue(app, credentials('admin'))
  t.equal(res.statusCode, 200)
  t.equal(res.json().expires_in, 60)
  await expectMatchesSpec(t, app, res)
  const { access_token, token_id } = res.json()
  const info = await app.inject({ url: `${TOKENS}/${token_id}`, headers: auth(access_token) })
  t.match(info.json(), { status: 'ACTIVE', created_at: START, expires_in: 60, expires_at: '2026-01-15T12:01:00.000Z' })
  time.advance(59_000)
  const later = await app.inject({ url: `${TOKENS}/${token_id}`, headers: auth(access_token) })
  t.match(later.json(), { status: 'ACTIVE', expires_in: 1 }, 'expires_in read back: the seconds left')
  t.equal((await app.inject({ url: TOKENS, headers: auth(access_token) })).statusCode, 200, 'valid at 59 s')
  time.advance(2_000)
  const expired = await app.inject({ url: TOKENS, headers: auth(access_token) })
  await expectError(t, app, expired, 401, 'token_expired', 'UNAUTHENTICATED')
})

t.test('answers 401 token_revoked for a revoked token', async (t) => {
  const { app } = await buildTestApp(t)
  const { access_token, token_id } = await issueFor(app, 'admin')
  const del = await app.inject({ method: 'DELETE', url: `${TOKENS}/${token_id}`, headers: auth(access_token) })
  t.equal(del.statusCode, 200)
  const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: auth(access_token) })
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 'token_revoked', type: 'UNAUTHENTICATED', http_code: 401 })
  await expectMatchesSpec(t, app, res)
})

t.test('answers 401 insufficient_scope to the read-only client on a write route', async (t) => {
  const { app } = await buildTestApp(t)
  const readonly = await bearer(app, 'readonly')
  const link = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers: readonly,
    payload: {
      business_name: 'Tienda QA',
      email: 'qa@example.com',
      mobile_phone_number: '+573001112233',
      identification_type: 'NIT',
      identification_number: '900000001',
      merchant_category_code: '5734',
      address: { line_1: 'Calle 1', city: 'Bogota', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
    },
  })
  t.equal(link.statusCode, 401)
  t.match(link.json(), { code: 'insufficient_scope', type: 'UNAUTHENTICATED', resource: 'customers' })
  await expectMatchesSpec(t, app, link)

  const { token_id } = await issueFor(app, 'admin')
  const del = await app.inject({ method: 'DELETE', url: `${TOKENS}/${token_id}`, headers: readonly })
  await expectError(t, app, del, 401, 'insufficient_scope', 'UNAUTHENTICATED')

  const read = await app.inject({ url: `${TOKENS}/${token_id}`, headers: readonly })
  t.equal(read.statusCode, 200, 'the read-only client may read')
  t.match(read.json(), { status: 'ACTIVE' }, 'and the token was not revoked')
})

// ---------------------------------------------------------------- GET /v1/iam/oauth/tokens

t.test("lists every token of the caller's entity, never another entity's, never the access token", async (t) => {
  const { app, time } = await buildTestApp(t)
  const admin = await issueFor(app, 'admin')
  time.advance(1000)
  const reader = await issueFor(app, 'readonly')
  time.advance(1000)
  const other = await issueFor(app, 'other')

  const res = await app.inject({ url: TOKENS, headers: auth(admin.access_token) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    tokens: [
      {
        token_id: admin.token_id,
        scopes: res.json().tokens[0].scopes,
        roles: ['ENTITY_ADMIN'],
        account_id: DEFAULT_ENTITY,
        grant_flow: 'GRANT_FLOW_CLIENT_CREDENTIALS',
        status: 'ACTIVE',
        created_at: '2026-01-15T12:00:00.000Z',
        expires_in: 86398,
        expires_at: '2026-01-16T12:00:00.000Z',
      },
      {
        token_id: reader.token_id,
        scopes: res.json().tokens[1].scopes,
        roles: ['ENTITY_READER'],
        account_id: DEFAULT_ENTITY,
        grant_flow: 'GRANT_FLOW_CLIENT_CREDENTIALS',
        status: 'ACTIVE',
        created_at: '2026-01-15T12:00:01.000Z',
        expires_in: 86399,
        expires_at: '2026-01-16T12:00:01.000Z',
      },
    ],
    pagination_info: { total_elements: 2, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:00:02.000Z' },
  })
  t.same(sorted(res.json().tokens[0].scopes), sorted(FULL_ACCESS_SCOPES))
  t.same(sorted(res.json().tokens[1].scopes), sorted(READ_ROUTE_SCOPES))
  t.notOk(res.body.includes(admin.access_token) || res.body.includes(reader.access_token), 'no access token in the list')
  t.notOk(res.body.includes(other.token_id), "the other entity's token is not listed")
  await expectMatchesSpec(t, app, res)

  const theirs = await app.inject({ url: TOKENS, headers: auth(other.access_token) })
  t.same(
    theirs.json().tokens.map((x: { token_id: string }) => x.token_id),
    [other.token_id],
    'the other entity sees only its own',
  )
  t.equal(theirs.json().tokens[0].account_id, '2b8e4f1a-6c3d-4a9e-b7f5-1c2d3e4f5a6b')
  await expectMatchesSpec(t, app, theirs)
})

t.test('lists ACTIVE, EXPIRED and REVOKED tokens alike', async (t) => {
  const { app, time } = await buildTestApp(t, { tokenTtlSeconds: 3600 })
  const expired = await issueFor(app, 'admin')
  time.advance(2 * 3600 * 1000)
  const lister = await issueFor(app, 'admin')
  const revoked = await issueFor(app, 'readonly')
  const del = await app.inject({ method: 'DELETE', url: `${TOKENS}/${revoked.token_id}`, headers: auth(lister.access_token) })
  t.equal(del.statusCode, 200)

  const res = await app.inject({ url: TOKENS, headers: auth(lister.access_token) })
  t.equal(res.statusCode, 200)
  const statuses = Object.fromEntries(res.json().tokens.map((x: { token_id: string; status: string }) => [x.token_id, x.status]))
  t.same(statuses, { [expired.token_id]: 'EXPIRED', [lister.token_id]: 'ACTIVE', [revoked.token_id]: 'REVOKED' })
  const left = Object.fromEntries(res.json().tokens.map((x: { token_id: string; expires_in: number }) => [x.token_id, x.expires_in]))
  t.same(left, { [expired.token_id]: 0, [lister.token_id]: 3600, [revoked.token_id]: 0 }, 'expires_in: 0 once expired or revoked')
  t.equal(res.json().pagination_info.total_elements, 3)
  await expectMatchesSpec(t, app, res)
})

t.test('filters the list by grant_flow, role, account_id and user_id', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await issueFor(app, 'admin')
  const reader = await issueFor(app, 'readonly')
  await issueFor(app, 'other')
  const ids = async (query: string) => {
    const res = await app.inject({ url: `${TOKENS}?${query}`, headers: auth(admin.access_token) })
    t.equal(res.statusCode, 200, query)
    await expectMatchesSpec(t, app, res)
    return sorted(res.json().tokens.map((x: { token_id: string }) => x.token_id))
  }
  const both = sorted([admin.token_id, reader.token_id])
  t.same(await ids('grant_flow=GRANT_FLOW_CLIENT_CREDENTIALS'), both)
  t.same(await ids('grant_flow=grant_flow_client_credentials'), both, 'enum values are case-insensitive')
  t.same(await ids('grant_flow=GRANT_FLOW_PASSWORD'), [])
  t.same(await ids('role=ENTITY_READER'), [reader.token_id])
  t.same(await ids('role=ENTITY_ADMIN'), [admin.token_id])
  t.same(await ids('role=ENTITY_OPERATOR'), [])
  t.same(await ids(`account_id=${DEFAULT_ENTITY}`), both)
  t.same(await ids('account_id=2b8e4f1a-6c3d-4a9e-b7f5-1c2d3e4f5a6b'), [], "another entity's id matches nothing")
  t.same(await ids('user_id=someone'), [], 'client-credentials tokens have no user')
  t.same(await ids(`role=ENTITY_READER&account_id=${DEFAULT_ENTITY}`), [reader.token_id])
  t.same(await ids('unknown_parameter=1'), both, 'unknown parameters are ignored')
})

t.test('answers 400 for a bad filter value', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const cases: [string, string][] = [
    ['grant_flow=BOGUS', 'grant_flow'],
    ['account_id=not-a-uuid', 'account_id'],
    ['page_params.page_size=0', 'page_params.page_size'],
    ['page_params.page_size=101', 'page_params.page_size'],
    ['page_size=abc', 'page_size'],
    ['page_params.page_number=0', 'page_params.page_number'],
    ['order_params.order_direction=SIDEWAYS', 'order_params.order_direction'],
  ]
  for (const [query, field] of cases) {
    const res = await app.inject({ url: `${TOKENS}?${query}`, headers })
    await expectError(t, app, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', `Field '${field}'`)
  }
  const uuid = await app.inject({ url: `${TOKENS}?account_id=nope`, headers })
  t.equal(uuid.json().message, "Field 'account_id' must be a UUID")
  t.equal(uuid.json().url, TOKENS, 'url has no query string')
})

t.test('pages the list with pagination_info', async (t) => {
  const { app, time } = await buildTestApp(t)
  const issued: string[] = []
  for (let i = 0; i < 5; i++) {
    issued.push((await issueFor(app, 'admin')).token_id)
    time.advance(1000)
  }
  const headers = await bearer(app)
  const page = async (query: string) => {
    const res = await app.inject({ url: `${TOKENS}?${query}`, headers })
    t.equal(res.statusCode, 200, query)
    await expectMatchesSpec(t, app, res)
    return res.json()
  }
  const first = await page('page_params.page_size=2')
  t.same(
    first.tokens.map((x: { token_id: string }) => x.token_id),
    issued.slice(0, 2),
  )
  t.same(first.pagination_info, { total_elements: 6, total_pages: 3, current_page: 1, first_request_timestamp: '2026-01-15T12:00:05.000Z' })
  const second = await page('page_params.page_size=2&page_params.page_number=2')
  t.same(
    second.tokens.map((x: { token_id: string }) => x.token_id),
    issued.slice(2, 4),
  )
  t.match(second.pagination_info, { total_elements: 6, total_pages: 3, current_page: 2 })
  const legacy = await page('page_size=4&page_number=2')
  t.equal(legacy.tokens.length, 2)
  t.match(legacy.pagination_info, { total_elements: 6, total_pages: 2, current_page: 2 })
  const desc = await page('order_params.order_direction=desc&page_params.page_size=1')
  t.equal(desc.tokens[0].created_at, '2026-01-15T12:00:05.000Z', 'DESC puts the newest first')
  const past = await page('page_params.page_size=2&page_params.page_number=9')
  t.same(past.tokens, [])
  t.match(past.pagination_info, { total_elements: 6, current_page: 9 })
  const last = await page('page_params.page_number=2147483647')
  t.same(last.tokens, [], 'the largest page number is a page past the end, not an error')
  const snapshot = await page(`page_params.first_request_timestamp.seconds=${Date.parse('2026-01-15T12:00:01.000Z') / 1000}`)
  t.same(
    snapshot.tokens.map((x: { token_id: string }) => x.token_id),
    issued.slice(0, 2),
    'rows created after the snapshot are left out',
  )
  t.equal(snapshot.pagination_info.first_request_timestamp, '2026-01-15T12:00:01.000Z')
})

// ---------------------------------------------------------------- GET /v1/iam/oauth/tokens/:token_id

t.test('retrieves one token of the entity', async (t) => {
  const { app, time } = await buildTestApp(t)
  const reader = await issueFor(app, 'readonly')
  time.advance(5000)
  const res = await app.inject({ url: `${TOKENS}/${reader.token_id}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    token_id: reader.token_id,
    scopes: res.json().scopes,
    roles: ['ENTITY_READER'],
    account_id: DEFAULT_ENTITY,
    grant_flow: 'GRANT_FLOW_CLIENT_CREDENTIALS',
    status: 'ACTIVE',
    created_at: START,
    expires_in: 86395,
    expires_at: '2026-01-16T12:00:00.000Z',
  })
  t.same(sorted(res.json().scopes), sorted(READ_ROUTE_SCOPES))
  t.notOk(res.body.includes(reader.access_token))
  await expectMatchesSpec(t, app, res)
})

t.test('answers 400 for a token_id that is not a UUID', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `${TOKENS}/not-a-uuid`, headers: await bearer(app) })
  await expectError(t, app, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT')
  t.equal(res.json().message, "Field 'token_id' must be a UUID")
})

t.test('answers 404 token_not_found for an unknown token', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `${TOKENS}/${randomUUID()}`, headers: await bearer(app) })
  await expectError(t, app, res, 404, 'token_not_found', 'NOT_FOUND')
})

t.test("answers 403 forbidden for another entity's token", async (t) => {
  const { app } = await buildTestApp(t)
  const other = await issueFor(app, 'other')
  const res = await app.inject({ url: `${TOKENS}/${other.token_id}`, headers: await bearer(app) })
  await expectError(t, app, res, 403, 'forbidden', 'PERMISSION_DENIED')
  t.notOk(res.body.includes(other.access_token))
})

// ---------------------------------------------------------------- DELETE /v1/iam/oauth/tokens/:token_id

t.test('revokes a token: 200 with no body, as the revoke page says (EN and ES), then REVOKED', async (t) => {
  const { app, time } = await buildTestApp(t)
  const victim = await issueFor(app, 'readonly')
  const headers = await bearer(app)
  time.advance(1000)
  const res = await app.inject({ method: 'DELETE', url: `${TOKENS}/${victim.token_id}`, headers })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '')
  t.notOk(res.headers['content-type'], 'no body, no media type')
  await expectMatchesSpec(t, app, res)
  const info = await app.inject({ url: `${TOKENS}/${victim.token_id}`, headers })
  t.match(info.json(), { token_id: victim.token_id, status: 'REVOKED' })
  const use = await app.inject({ url: TOKENS, headers: auth(victim.access_token) })
  await expectError(t, app, use, 401, 'token_revoked', 'UNAUTHENTICATED')
})

t.test('revokes an expired token with 200', async (t) => {
  const { app, time } = await buildTestApp(t)
  const old = await issueFor(app, 'admin')
  time.advance(DAY_MS + 1000)
  const headers = await bearer(app)
  const before = await app.inject({ url: `${TOKENS}/${old.token_id}`, headers })
  t.match(before.json(), { status: 'EXPIRED' })
  const res = await app.inject({ method: 'DELETE', url: `${TOKENS}/${old.token_id}`, headers })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)
  const after = await app.inject({ url: `${TOKENS}/${old.token_id}`, headers })
  t.match(after.json(), { status: 'REVOKED' })
})

t.test('answers 404 token_not_found when the token is already revoked (the revoke page: "does not exist or was already revoked")', async (t) => {
  const { app } = await buildTestApp(t)
  const victim = await issueFor(app, 'admin')
  const headers = await bearer(app)
  t.equal((await app.inject({ method: 'DELETE', url: `${TOKENS}/${victim.token_id}`, headers })).statusCode, 200)
  const again = await app.inject({ method: 'DELETE', url: `${TOKENS}/${victim.token_id}`, headers })
  await expectError(t, app, again, 404, 'token_not_found', 'NOT_FOUND')
  t.equal(again.json().message, 'The token does not exist or was already revoked')
})

t.test('answers 404 token_not_found when revoking an unknown token', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'DELETE', url: `${TOKENS}/${randomUUID()}`, headers: await bearer(app) })
  await expectError(t, app, res, 404, 'token_not_found', 'NOT_FOUND')
})

t.test("answers 403 forbidden when revoking another entity's token, and leaves it working", async (t) => {
  const { app } = await buildTestApp(t)
  const other = await issueFor(app, 'other')
  const res = await app.inject({ method: 'DELETE', url: `${TOKENS}/${other.token_id}`, headers: await bearer(app) })
  await expectError(t, app, res, 403, 'forbidden', 'PERMISSION_DENIED')
  const use = await app.inject({ url: TOKENS, headers: auth(other.access_token) })
  t.equal(use.statusCode, 200, "the other entity's token still works")
})

t.test('answers 400 when a body token_id differs from the path, 200 when it matches', async (t) => {
  const { app } = await buildTestApp(t)
  const victim = await issueFor(app, 'admin')
  const headers = await bearer(app)
  const differs = await app.inject({ method: 'DELETE', url: `${TOKENS}/${victim.token_id}`, headers, payload: { token_id: randomUUID() } })
  await expectError(t, app, differs, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /token_id/)
  const malformed = await app.inject({ method: 'DELETE', url: `${TOKENS}/${victim.token_id}`, headers, payload: { token_id: 'nope' } })
  await expectError(t, app, malformed, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /token_id/)
  const still = await app.inject({ url: `${TOKENS}/${victim.token_id}`, headers })
  t.match(still.json(), { status: 'ACTIVE' }, 'a 400 revokes nothing')
  const matches = await app.inject({ method: 'DELETE', url: `${TOKENS}/${victim.token_id}`, headers, payload: { token_id: victim.token_id } })
  t.equal(matches.statusCode, 200)
  t.equal(matches.body, '')
  await expectMatchesSpec(t, app, matches)
})

t.test('revokes with Content-Type: application/json and an empty body', async (t) => {
  const { app } = await buildTestApp(t)
  const victim = await issueFor(app, 'admin')
  const headers = await bearer(app)
  const res = await app.inject({ method: 'DELETE', url: `${TOKENS}/${victim.token_id}`, headers: { ...headers, 'content-type': 'application/json' }, payload: '' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)
  const info = await app.inject({ url: `${TOKENS}/${victim.token_id}`, headers })
  t.match(info.json(), { status: 'REVOKED' })
})

// ---------------------------------------------------------------- constant-time secret check

t.test('compares secrets with secretsEqual for an unknown client and for a wrong secret alike', async (t) => {
  const calls: [string, string][] = []
  // The service with a spying comparison around the real secretsEqual, on the stores of a test app.
  const spy = (given: string, expected: string) => {
    calls.push([given, expected])
    return secretsEqual(given, expected)
  }
  const { app } = await buildTestApp(t)
  const { stores, clock } = app.services
  const tokens = new TokensService(stores.tokens, stores.identity, clock, 86400, spy)
  const attempt = (request: Record<string, string>) => {
    try {
      tokens.issue(request)
      return 'issued'
    } catch (error) {
      return (error as { code?: string }).code
    }
  }

  t.equal(attempt({ client_id: 'passport-mock-client', client_secret: 'wrong-secret', grant_type: 'client_credentials' }), 'invalid_client')
  t.same(calls, [['wrong-secret', 'passport-mock-secret']], 'a known client: its secret is compared')

  calls.length = 0
  t.equal(attempt({ client_id: 'no-such-client', client_secret: 'some-secret', grant_type: 'client_credentials' }), 'invalid_client')
  t.equal(calls.length, 1, 'an unknown client still costs one comparison')
  t.equal(calls[0]?.[0], 'some-secret')
  t.match(calls[0]?.[1], /^.+$/, 'against a dummy secret')
  t.not(calls[0]?.[1], 'passport-mock-secret', 'not some real client secret')

  calls.length = 0
  t.equal(attempt(credentials('admin')), 'issued')
  t.same(calls, [['passport-mock-secret', 'passport-mock-secret']], 'a right secret goes through the same check')

  calls.length = 0
  t.equal(attempt({ client_id: 'no-such-client', client_secret: 'x', grant_type: 'password' }), 'unsupported_grant_type')
  t.same(calls, [], 'nothing is compared before grant_type is checked')
})

t.test('secretsEqual tells equal secrets from different ones of any length', async (t) => {
  t.equal(secretsEqual('passport-mock-secret', 'passport-mock-secret'), true)
  t.equal(secretsEqual('', ''), true)
  t.equal(secretsEqual('passport-mock-secret', 'passport-mock-secreT'), false)
  t.equal(secretsEqual('passport-mock-secret', 'passport-mock-secret '), false, 'a longer secret')
  t.equal(secretsEqual('passport', 'passport-mock-secret'), false, 'a prefix')
  t.equal(secretsEqual('', 'passport-mock-secret'), false, 'an empty secret')
  t.equal(secretsEqual('ñandú', 'ñandú'), true, 'non-ASCII text')
  t.equal(secretsEqual('ñandú', 'nandu'), false)
  t.equal(secretsEqual('x'.repeat(10_000), 'x'.repeat(10_000)), true, 'long secrets')
})
