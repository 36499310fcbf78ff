import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec, matchPath } from '../helpers/openapi.js'

/** CONTRACT §3, §4 and §5: every JSON route of this stage, as OpenAPI writes it. */
const STAGE_OPERATIONS = [
  'POST /v1/iam/oauth/tokens',
  'GET /v1/iam/oauth/tokens',
  'GET /v1/iam/oauth/tokens/{token_id}',
  'DELETE /v1/iam/oauth/tokens/{token_id}',
  'POST /v1/customers/business/link',
  'GET /v1/customers',
  'GET /v1/customers/{customer_id}',
  'PATCH /v1/customers/{customer_id}',
  'POST /v1/accounts/link',
  'GET /v1/accounts',
  'GET /v1/accounts/{account_id}',
  'GET /_mock/health',
]

const ERROR_FIELDS = ['code', 'message', 'http_code', 'type', 'resource', 'url', 'trace_id']
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

interface Schema {
  type?: string
  required?: string[]
  properties?: Record<string, unknown>
  additionalProperties?: boolean
}
interface Operation {
  operationId?: string
  tags?: string[]
  security?: Record<string, string[]>[]
  responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }>
}
interface Document {
  openapi: string
  info: { title: string; version: string }
  tags?: { name: string }[]
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Record<string, unknown>> }
}

/** A schema, or the component its `$ref` names. */
function resolved(doc: Document, schema: (Schema & { $ref?: string }) | undefined): Schema | undefined {
  const name = schema?.$ref?.replace('#/components/schemas/', '')
  return name === undefined ? schema : doc.components?.schemas?.[name]
}

async function documentOf(app: FastifyInstance): Promise<Document> {
  const res = await app.inject({ url: '/documentation/json' })
  if (res.statusCode !== 200) throw new Error(`/documentation/json answered ${res.statusCode}`)
  return res.json() as Document
}

/** Every operation of the document as `METHOD /path`, with its object. */
function operations(doc: Document): Map<string, Operation> {
  const ops = new Map<string, Operation>()
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) ops.set(`${method.toUpperCase()} ${path}`, op)
  }
  return ops
}

/**
 * Every route the app registered under /v1 and /_mock, read back from Fastify's own route tree
 * (`printRoutes`), since an onRoute hook cannot be added after buildApp. HEAD twins are left out.
 */
function registeredOperations(app: FastifyInstance): Set<string> {
  const found = new Set<string>()
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!match) continue
    const depth = (match[1] ?? '').length / 4
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '')
    stack[depth] = path
    stack.length = depth + 1
    if (!/^\/(v1|_mock)(\/|$)/.test(path) || !match[3]) continue
    for (const method of match[3].split(', ')) {
      if (method !== 'HEAD') found.add(`${method} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
    }
  }
  return found
}

/** A fake `t` that records what expectMatchesSpec asserts, so the helper itself can be checked. */
function recorder() {
  const calls: { kind: 'ok' | 'fail'; pass: boolean; message: string }[] = []
  return {
    calls,
    ok(value: unknown, message = '') {
      calls.push({ kind: 'ok', pass: Boolean(value), message })
    },
    fail(message: string) {
      calls.push({ kind: 'fail', pass: false, message })
    },
    get failed() {
      return calls.some((c) => !c.pass)
    },
  }
}

/** The same request and status, another body or status: what a buggy handler would have sent. */
function tampered(res: LightMyRequestResponse, change: { statusCode?: number; body?: unknown }): LightMyRequestResponse {
  const body = change.body === undefined ? res.body : typeof change.body === 'string' ? change.body : JSON.stringify(change.body)
  return {
    raw: res.raw,
    headers: res.headers,
    statusCode: change.statusCode ?? res.statusCode,
    body,
    payload: body,
    json: () => JSON.parse(body),
  } as unknown as LightMyRequestResponse
}

t.test('serves an OpenAPI 3.1 document as JSON at /documentation/json', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/documentation/json' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const doc = res.json() as Document
  t.match(doc.openapi, /^3\.1\.\d+$/)
  t.match(doc.info, { title: 'passport-mock', version: String })
})

t.test('documents every route of CONTRACT §3–§5 served at this stage', async (t) => {
  const { app } = await buildTestApp(t)
  const documented = operations(await documentOf(app))
  for (const op of STAGE_OPERATIONS) t.ok(documented.has(op), `${op} is documented`)
})

t.test('documents exactly the /v1 and /_mock routes the app registers', async (t) => {
  const { app } = await buildTestApp(t)
  const registered = registeredOperations(app)
  for (const op of STAGE_OPERATIONS) t.ok(registered.has(op), `${op} is registered (the route tree is read correctly)`)
  // The QA console's static files are outside the OpenAPI rule (CONTRACT: JSON routes only; issue 6).
  const consoleFiles = [...registered].filter((op) => / \/_mock\/ui(\/|$)/.test(op))
  t.same(consoleFiles.sort(), ['GET /_mock/ui', 'GET /_mock/ui/', 'GET /_mock/ui/{file}'], 'the console’s files are the only undocumented routes')
  for (const op of consoleFiles) registered.delete(op)
  const documented = [...operations(await documentOf(app)).keys()].filter((op) => / \/(v1|_mock)(\/|$)/.test(op))
  t.same([...registered].sort(), documented.sort(), 'no route is registered without documentation, and no documented route is missing')
})

t.test('gives every operation one success status and a default error with the seven fields', async (t) => {
  const { app } = await buildTestApp(t)
  const doc = await documentOf(app)
  for (const [name, op] of operations(doc)) {
    // CONTRACT §1: 200 or 204 on /v1; §5 gives the control plane's creations 201.
    const allowed = name.includes('/_mock/') ? ['200', '201', '204'] : ['200', '204']
    const success = Object.keys(op.responses).filter((s) => allowed.includes(s))
    t.equal(success.length, 1, `${name} documents one success status`)
    if (op.responses['204']) t.notOk(op.responses['204'].content, `${name} 204 has no body`)
    // The token revoke's 200 has no body, as its page says (Contract 2); every other 200 is JSON.
    if (op.responses['200'] && name !== 'DELETE /v1/iam/oauth/tokens/{token_id}') t.ok(op.responses['200'].content?.['application/json']?.schema, `${name} 200 has a JSON schema`)
    if (name === 'DELETE /v1/iam/oauth/tokens/{token_id}') t.notOk(op.responses['200']?.content, `${name} 200 has no body`)
    const fallback = op.responses.default?.content?.['application/json']?.schema
    t.ok(fallback, `${name} documents a default error response`)
    for (const [status, response] of Object.entries(op.responses)) {
      if (status !== 'default' && !/^[45]\d\d$/.test(status)) continue
      t.same(response.content?.['application/json']?.schema, { $ref: '#/components/schemas/Error' }, `${name} ${status} is the Error component`)
      t.ok(response.description && response.description !== 'Default Response', `${name} ${status} says what it means`)
      const schema = resolved(doc, response.content?.['application/json']?.schema)
      t.same([...(schema?.required ?? [])].sort(), [...ERROR_FIELDS].sort(), `${name} ${status} requires the seven error fields`)
      t.same(Object.keys(schema?.properties ?? {}).sort(), [...ERROR_FIELDS].sort(), `${name} ${status} has only the seven error fields`)
      t.equal(schema?.additionalProperties, false, `${name} ${status} allows no other field`)
    }
  }
})

t.test('puts every /v1 operation but the token request behind bearer auth, with a 401', async (t) => {
  const { app } = await buildTestApp(t)
  const doc = await documentOf(app)
  t.match(doc.components?.securitySchemes?.bearerAuth, { type: 'http', scheme: 'bearer' })
  let checked = 0
  for (const [name, op] of operations(doc)) {
    if (!name.includes(' /v1/')) continue
    if (name === 'POST /v1/iam/oauth/tokens') {
      t.notOk(op.security?.length, 'the token request needs no bearer token')
      continue
    }
    t.ok(op.responses['401'], `${name} documents 401`)
    // A pasted bearer token, or one Swagger UI gets itself with the client credentials (issue 13 §3).
    t.match(op.security, [{ bearerAuth: [] }, { oauth2: [/^[a-z_.*]+$/] }], `${name} needs a bearer token`)
    t.equal(op.security?.length, 2, `${name} offers exactly the two ways`)
    checked++
  }
  t.ok(checked >= 10, 'every bearer operation of this stage was checked')
})

t.test('tags the control plane mock-control and nothing else', async (t) => {
  const { app } = await buildTestApp(t)
  const doc = await documentOf(app)
  t.ok(doc.tags?.some((tag) => tag.name === 'mock-control'), 'the document declares the mock-control tag')
  for (const [name, op] of operations(doc)) {
    const control = name.includes(' /_mock/')
    t.equal(op.tags?.includes('mock-control') ?? false, control, `${name} ${control ? 'is' : 'is not'} tagged mock-control`)
    t.ok(op.tags?.length, `${name} has a tag`)
  }
  t.match(doc.paths['/_mock/health']?.get?.tags, ['mock-control'])
})

t.test('serves Swagger UI as HTML at /documentation', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/documentation' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.body, /<html/i)
  t.match(res.body, /swagger-ui/)
})

t.test('serves Swagger UI’s files, the document as YAML, and the contract’s 404 for an unknown file', async (t) => {
  const { app } = await buildTestApp(t)
  const css = await app.inject({ url: '/documentation/static/swagger-ui.css' })
  t.equal(css.statusCode, 200)
  t.match(css.headers['content-type'], /^text\/css/)
  t.ok(css.rawPayload.length > 10_000, 'the stylesheet itself')
  const init = await app.inject({ url: '/documentation/static/swagger-initializer.js' })
  t.equal(init.statusCode, 200)
  t.match(init.body, "resolveUrl('./json')", 'the page loads the document the app serves, next to it')
  const yaml = await app.inject({ url: '/documentation/yaml' })
  t.equal(yaml.statusCode, 200)
  t.match(yaml.headers['content-type'], /^application\/x-yaml/)
  t.match(yaml.body, /^openapi: 3\.1\.0$/m)
  const missing = await app.inject({ url: '/documentation/static/no-such-file.js' })
  expectError(t, missing, 404, 'route_not_found', 'NOT_FOUND', 'No route matches this path', '')
})

t.test('picks the documented path that matches, literal segments first', async (t) => {
  const paths = ['/v1/customers', '/v1/customers/{customer_id}', '/v1/customers/business/link', '/v1/accounts/{account_id}', '/v1/accounts/link']
  t.equal(matchPath(paths, '/v1/customers'), '/v1/customers')
  t.equal(matchPath(paths, `/v1/customers/${DOCS_ACCOUNT}`), '/v1/customers/{customer_id}')
  t.equal(matchPath(paths, '/v1/accounts/link'), '/v1/accounts/link')
  t.equal(matchPath(paths, '/v1/accounts/not-a-uuid'), '/v1/accounts/{account_id}')
  t.equal(matchPath(paths, '/v1/accounts/'), undefined, 'an empty segment is no parameter')
  t.equal(matchPath(paths, '/v1/nope'), undefined)
  t.equal(matchPath(paths, '/v1/customers/business/link/extra'), undefined)
})

t.test('expectMatchesSpec passes a response that matches its documented schema', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200)
  const check = recorder()
  await expectMatchesSpec(check, app, res)
  t.equal(check.calls.length, 1)
  t.notOk(check.failed, 'no failed assertion')
  t.match(check.calls[0], { kind: 'ok', pass: true, message: /GET \/v1\/accounts\/\{account_id\} 200 matches/ })
})

t.test('expectMatchesSpec fails a body that does not match its schema', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: await bearer(app) })
  const good = res.json() as Record<string, unknown>
  const { status: _status, ...withoutStatus } = good
  const bodies: [string, unknown][] = [
    ['a required field is missing', withoutStatus],
    ['money is a JSON number', { ...good, available_balance: { value: 90000000000000000, currency: 'COP' } }],
    ['money has a third decimal', { ...good, pending_balance: { value: '0.001', currency: 'COP' } }],
    ['a status is outside its enum', { ...good, status: 'OPEN' }],
    ['a field is not documented', { ...good, balance: '1' }],
    ['an id is not a UUID', { ...good, id: 'not-a-uuid' }],
    ['a list came back instead of the object', [good]],
  ]
  for (const [why, body] of bodies) {
    const check = recorder()
    await expectMatchesSpec(check, app, tampered(res, { body }))
    t.ok(check.failed, `fails when ${why}`)
    t.match(check.calls.at(-1)?.message, /does not match|matches the OpenAPI document: \[/, `says the body does not match when ${why}`)
  }
})

t.test('expectMatchesSpec fails a status the operation does not document', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${randomUUID()}`, headers: await bearer(app) })
  t.equal(res.statusCode, 404)
  const teapot = recorder()
  await expectMatchesSpec(teapot, app, tampered(res, { statusCode: 418 }))
  t.ok(teapot.failed)
  t.match(teapot.calls, [{ kind: 'fail', message: 'GET /v1/accounts/{account_id} does not document status 418' }])

  const viaDefault = recorder()
  await expectMatchesSpec(viaDefault, app, tampered(res, { statusCode: 418 }), { allowDefault: true })
  t.notOk(viaDefault.failed, 'allowDefault takes an error body under the default response')

  const badDefault = recorder()
  const { trace_id: _trace, ...withoutTrace } = res.json() as Record<string, unknown>
  await expectMatchesSpec(badDefault, app, tampered(res, { statusCode: 418, body: withoutTrace }), { allowDefault: true })
  t.ok(badDefault.failed, 'the default response still checks the seven error fields')
})

t.test('expectMatchesSpec takes a fault-injected 503 only through allowDefault', async (t) => {
  const { app } = await buildTestApp(t)
  const rule = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { path: '/v1/accounts/:account_id', status: 503 } })
  t.equal(rule.statusCode, 201)
  const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: await bearer(app) })
  t.equal(res.statusCode, 503)
  const strict = recorder()
  await expectMatchesSpec(strict, app, res)
  t.ok(strict.failed, 'an undocumented 503 fails')
  const lenient = recorder()
  await expectMatchesSpec(lenient, app, res, { allowDefault: true })
  t.notOk(lenient.failed, 'and passes as the default error')
  await expectMatchesSpec(t, app, res, { allowDefault: true })
  const builtin = await app.inject({ url: '/v1/accounts/00000000-0000-4000-8000-000000000500', headers: await bearer(app) })
  t.equal(builtin.statusCode, 500)
  await expectMatchesSpec(t, app, builtin, {}) // 500 is listed explicitly, as the Retrieve Account page lists it
})

/**
 * Contract 2: every status each docs page lists for its route, written out from the pages
 * (reference/docs-audit.md, endpoint table, "Documented codes"), plus 500 on every operation.
 */
const DOCUMENTED_STATUSES: Record<string, number[]> = {
  'GET /v1/iam/oauth/tokens': [400, 401, 403, 500],
  'GET /v1/iam/oauth/tokens/{token_id}': [400, 401, 403, 404, 500],
  'DELETE /v1/iam/oauth/tokens/{token_id}': [200, 400, 401, 403, 404, 409, 500],
  'POST /v1/customers/business/link': [200, 400, 401, 403, 500],
  'GET /v1/customers': [400, 401, 403, 404, 500],
  'GET /v1/customers/{customer_id}': [400, 401, 403, 404, 500],
  'PATCH /v1/customers/{customer_id}': [400, 401, 403, 404],
  'POST /v1/accounts/link': [200, 400, 401, 403, 500],
  'GET /v1/accounts': [400, 401, 403, 500],
  'GET /v1/accounts/{account_id}': [400, 401, 403, 404, 500],
  'POST /v1/keys': [200, 400, 401, 403, 500],
  'GET /v1/keys': [400, 401, 403, 500],
  'GET /v1/keys/{key_id}': [400, 401, 403, 500],
  'PATCH /v1/keys/{key_id}/suspend': [200, 400, 401, 403, 404],
  'PATCH /v1/keys/{key_id}/activate': [200, 400, 401, 403, 404],
  'DELETE /v1/keys/{key_id}': [204, 400, 401, 403, 500],
  'POST /v1/resolve-key': [200, 400, 401, 403, 404, 500],
  'POST /v1/validate-key': [404],
  'POST /v1/recipients/breb': [200, 400, 401, 403, 500],
  'POST /v1/recipients/ach': [200, 400, 401, 403, 500],
  'GET /v1/recipients': [400, 401, 403, 500],
  'GET /v1/recipients/breb/{recipient_id}': [400, 401, 403, 404, 500],
  'POST /v1/recipients/{recipient_id}/resolve': [200, 400, 401, 403, 404],
  'DELETE /v1/recipients/{recipient_id}': [204, 400, 401, 403, 500],
  'POST /v1/payments/breb': [200, 400, 401, 403, 500],
  'POST /v1/payments/breb/confirm': [200, 400, 401, 403, 500],
  'GET /v1/payments/{payment_id}': [400, 401, 403, 404, 500],
  'GET /v1/payments': [400, 401, 403, 404, 500],
  'GET /v1/qrcodes/{qr_code_id}': [400, 401, 403, 404, 500],
  'GET /v1/qrcodes': [400, 401, 403, 404, 500],
  'DELETE /v1/qrcodes/{qr_code_id}': [204, 400, 401, 403, 404, 500],
  'POST /v1/qrcodes/decode': [200, 400, 401, 403, 500],
}

t.test('lists every status the docs list for each route, and 500 on every operation, explicitly (not only as default)', async (t) => {
  const { app } = await buildTestApp(t)
  const ops = operations(await documentOf(app))
  for (const [name, statuses] of Object.entries(DOCUMENTED_STATUSES)) {
    const op = ops.get(name)
    t.ok(op, `${name} is documented`)
    for (const status of statuses) t.ok(op?.responses[String(status)], `${name} lists ${status}`)
  }
  for (const [name, op] of ops) t.ok(op.responses['500'], `${name} lists 500`)
})

t.test('expectMatchesSpec fails a path or a method the document does not have', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const unknownPath = await app.inject({ url: '/v1/nope', headers })
  t.equal(unknownPath.statusCode, 404)
  const path = recorder()
  await expectMatchesSpec(path, app, unknownPath)
  t.match(path.calls, [{ kind: 'fail', message: '/v1/nope is not in the OpenAPI document' }])

  const otherMethod = await app.inject({ method: 'DELETE', url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  t.equal(otherMethod.statusCode, 405)
  const method = recorder()
  await expectMatchesSpec(method, app, otherMethod)
  t.match(method.calls, [{ kind: 'fail', message: 'DELETE /v1/accounts/{account_id} is not in the OpenAPI document' }])
})

t.test('expectMatchesSpec fails a bodiless answer (204, and the token revoke’s 200) that carries a body', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const key = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' } } })
  const res = await app.inject({ method: 'DELETE', url: `/v1/keys/${(key.json() as { id: string }).id}`, headers })
  t.equal(res.statusCode, 204)
  const empty = recorder()
  await expectMatchesSpec(empty, app, res)
  t.notOk(empty.failed, 'the real 204 has no body')
  const withBody = recorder()
  await expectMatchesSpec(withBody, app, tampered(res, { body: '{}' }))
  t.ok(withBody.failed, 'a 204 with a body fails')

  const issued = await app.inject({ url: '/v1/iam/oauth/tokens', headers })
  const tokenId = (issued.json() as { tokens: { token_id: string }[] }).tokens[0]?.token_id
  const revoke = await app.inject({ method: 'DELETE', url: `/v1/iam/oauth/tokens/${tokenId}`, headers })
  t.equal(revoke.statusCode, 200)
  const revokeEmpty = recorder()
  await expectMatchesSpec(revokeEmpty, app, revoke)
  t.notOk(revokeEmpty.failed, 'the revoke’s 200 has no body')
  const revokeWithBody = recorder()
  await expectMatchesSpec(revokeWithBody, app, tampered(revoke, { body: '{}' }))
  t.ok(revokeWithBody.failed, 'and one with a body fails')
})

t.test('lists 413 and 415 on every operation that can receive a body (every method but GET), /_mock included', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [name, op] of operations(await documentOf(app))) {
    if (name.startsWith('GET ')) continue
    t.ok(op.responses['413'], `${name} lists 413`)
    t.ok(op.responses['415'], `${name} lists 415`)
  }
  // The one a client is least likely to expect: a bodiless control route with a body over the 1 MiB limit.
  const res = await app.inject({ method: 'DELETE', url: '/_mock/requests', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) })
  t.equal(res.statusCode, 413)
  await expectMatchesSpec(t, app, res)
})
