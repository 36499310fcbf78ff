import { createHash } from 'node:crypto'
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { accessToken, CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { ERROR_FIELDS } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Property-based hostile input over every route of the OpenAPI document (issue 5).
// Fixed seed and run count, so a failure reproduces: fast-check prints the seed and the
// shrunk counterexample; rerun with the same SEED to get it again.
const SEED = 20260515
const RUNS = 50

interface Operation {
  parameters?: { in: string; name: string }[]
  requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> }
  responses: Record<string, unknown>
}
type Doc = { paths: Record<string, Record<string, Operation>> }

/** The routes, read from a throw-away app's OpenAPI document (never a hard-coded list). */
async function routes(): Promise<{ method: string; path: string; op: Operation }[]> {
  const out: { method: string; path: string; op: Operation }[] = []
  const { app } = await buildTestApp({ teardown: () => {} })
  try {
    const doc = (await app.inject({ url: '/documentation/json' })).json() as Doc
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path.startsWith('/documentation')) continue
      for (const [method, op] of Object.entries(ops)) out.push({ method: method.toUpperCase(), path, op })
    }
  } finally {
    await app.close()
  }
  return out
}

/** SQLite's count of rows inserted, updated or deleted on this connection so far: cheap enough to read around every request. */
function totalChanges(app: FastifyInstance): number {
  return (app.services.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
}

/** A checksum of every stored row (the journal lives in memory and is not part of it). */
function dbChecksum(app: FastifyInstance): string {
  const db = app.services.db
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
  const hash = createHash('sha256')
  for (const { name } of tables) {
    const rows = db.prepare(`SELECT * FROM "${name}"`).raw().all()
    hash.update(`${name}:${rows.length}:`)
    hash.update(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v)))
  }
  return hash.digest('hex')
}

// ------------------------------------------------------------------ arbitraries

const NASTY = [
  "' OR 1=1 --",
  '"; DROP TABLE accounts; --',
  "'; DELETE FROM customers; --",
  '1; SELECT * FROM clients',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u0000',
  'a\u0000b',
  '\u202e\u200b\ufeff',
  '😀👍🏽',
  '\ud800',
  'ñandú',
  '../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '',
  ' ',
  'null',
  'undefined',
  'true',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '-0',
  '9'.repeat(400),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
  '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e',
  '00000000-0000-4000-8000-000000000403',
  'x'.repeat(5000),
]
const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
)
const nastyNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 63, 0.1, 1e-300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** A JSON value as text, so `__proto__` keys and numbers beyond doubles survive into the wire. */
type Json = string
const jsonScalar: fc.Arbitrary<Json> = fc.oneof(
  nastyString.map((s) => JSON.stringify(s)),
  nastyNumber.map((n) => JSON.stringify(n)),
  fc.constantFrom('true', 'false', 'null', '1e999', '-1e999', '123456789012345678901234567890', '0.1e-400'),
)
function jsonValue(keys: string[]): fc.Arbitrary<Json> {
  const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', ...keys), nastyString)
  const { value } = fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      jsonScalar,
      fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
      fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  }))
  return value
}
/** An object whose keys are mostly the route's own fields, with hostile values. */
function jsonObject(keys: string[]): fc.Arbitrary<Json> {
  const key = fc.oneof({ weight: 4, arbitrary: keys.length ? fc.constantFrom(...keys) : nastyString }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor') }, { weight: 1, arbitrary: nastyString })
  return fc.array(fc.tuple(key, jsonValue(keys)), { maxLength: 8 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`)
}
/** Over the 1 MiB `/v1` body limit (CONTRACT §1). */
const HUGE_BODY = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 16) })
const BAD_JSON = ['{"broken":', '{', '[', '}', '{"a":1,}', "{'a':1}", 'undefined', 'NaN', '\u0000', '{"a":"\u0000"}', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', ' ', '']

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
  'application/json, text/plain',
  '*/*',
]

interface Input {
  pathValues: string[]
  rawPath: boolean
  query: [string, string][]
  contentType: string | undefined
  body: string | undefined
  auth: string | undefined
}

function inputFor(path: string, op: Operation, admin: string): fc.Arbitrary<Input> {
  const pathParams = (path.match(/\{[^}]+\}/g) ?? []).length
  const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)
  const bodyKeys = Object.keys(op.requestBody?.content['application/json']?.schema?.properties ?? {})
  const queryKey = fc.oneof({ weight: 4, arbitrary: queryNames.length ? fc.constantFrom(...queryNames) : nastyString }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[b]', '__proto__[x]') }, { weight: 1, arbitrary: nastyString })
  const body = fc.oneof(
    { weight: 4, arbitrary: jsonObject(bodyKeys) },
    { weight: 2, arbitrary: jsonValue(bodyKeys) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_JSON) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(queryKey, nastyString), { maxLength: 5 }).map((e) => e.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(HUGE_BODY) },
  )
  return fc.record({
    pathValues: fc.array(nastyString, { minLength: pathParams, maxLength: pathParams }),
    rawPath: fc.boolean(),
    query: fc.array(fc.tuple(queryKey, fc.oneof(nastyString, nastyNumber.map(String))), { maxLength: 6 }),
    contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
    body,
    auth: fc.oneof(
      { weight: 6, arbitrary: fc.constant(`Bearer ${admin}`) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer ', `Bearer ${admin}x`, 'Basic Zm9vOmJhcg==', `bearer ${admin}`, "Bearer ' OR 1=1 --") },
      { weight: 1, arbitrary: nastyString.map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`) },
    ),
  })
}

/** Percent-encoding that also sends lone surrogates, as the invalid UTF-8 bytes a careless client would. */
function enc(value: string): string {
  return Array.from(value, (c) => {
    try {
      return encodeURIComponent(c)
    } catch {
      return '%ED%A0%80'
    }
  }).join('')
}

/** A path value as it goes on the wire: encoded, or (sometimes) only stripped of what would change the route. */
function pathSegment(value: string, raw: boolean): string {
  if (!raw) return enc(value)
  // Raw bytes, except those that would leave the segment or the URL: `%` sequences stay as they are.
  return value.replace(/[/?#\s]/g, '').replace(/[^\x21-\x7e]/g, (c) => enc(c)) || 'x'
}

function requestOf(method: string, path: string, input: Input) {
  let i = 0
  const url = path.replace(/\{[^}]+\}/g, () => pathSegment(input.pathValues[i++] ?? '', input.rawPath))
  const qs = input.query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
  const headers: Record<string, string> = {}
  if (input.auth !== undefined) headers.authorization = input.auth
  if (input.contentType !== undefined && input.contentType !== '') headers['content-type'] = input.contentType
  const withBody = method !== 'GET' && input.body !== undefined
  return { method: method as 'GET', url: qs ? `${url}?${qs}` : url, headers, ...(withBody && { payload: input.body }) }
}

const STACK = /\bat [^\s]+ \(|node_modules|\/src\/|\.ts:\d+|SqliteError|TypeError|ReferenceError/

/** Throws (with the request and answer) unless the response is a documented success or a contract error. */
async function check(app: FastifyInstance, request: ReturnType<typeof requestOf>, res: LightMyRequestResponse): Promise<void> {
  const where = `${request.method} ${request.url.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`
  if (res.statusCode >= 500) throw new Error(`5xx: ${where}`)
  if (STACK.test(res.body)) throw new Error(`stack trace text: ${where}`)
  const failures: string[] = []
  await expectMatchesSpec({ ok: (v, m) => v || failures.push(m), fail: (m) => failures.push(m) }, app, res)
  if (failures.length) throw new Error(`${failures.join('; ')}: ${where}`)
  if (res.statusCode >= 400) {
    const body = res.json() as Record<string, unknown>
    if (JSON.stringify(Object.keys(body).sort()) !== JSON.stringify(ERROR_FIELDS)) throw new Error(`not the seven error fields: ${where}`)
    if (body.http_code !== res.statusCode) throw new Error(`http_code differs from the status: ${where}`)
    if (body.trace_id !== res.headers['x-trace-id']) throw new Error(`trace_id differs from x-trace-id: ${where}`)
  }
}

// ------------------------------------------------------------------ the properties

const ROUTES = await routes()
// Routes where a valid input legitimately changes state: still never 5xx, and still nothing changes when they reject.
const STATEFUL_WHEN_VALID = new Set(['POST /_mock/reset', 'PUT /_mock/state', 'POST /_mock/seed', 'DELETE /_mock/faults', 'DELETE /_mock/requests'])

t.test('the OpenAPI document lists every route group under test', async (t) => {
  t.ok(ROUTES.length >= 50, `${ROUTES.length} routes`)
  t.ok(ROUTES.some((r) => r.path.startsWith('/v1/')) && ROUTES.some((r) => r.path.startsWith('/_mock/')), '/v1 and /_mock routes')
})

for (const { method, path, op } of ROUTES) {
  t.test(`${method} ${path} answers hostile input with a 4xx in the contract's shape (or a documented success) and stores nothing when it rejects`, async (t) => {
    const { app } = await buildTestApp(t)
    const admin = await accessToken(app, 'admin')
    const checksumBefore = dbChecksum(app)
    let rejected = 0
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(inputFor(path, op, admin), async (input) => {
        const request = requestOf(method, path, input)
        const before = totalChanges(app)
        const res = await app.inject(request)
        await check(app, request, res)
        if (res.statusCode >= 400) {
          rejected++
          if (totalChanges(app) !== before) throw new Error(`a rejected request wrote to the store: ${request.method} ${request.url} → ${res.statusCode} ${res.body}`)
        } else accepted++
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    )
    // Every request was checked for writes; when all were rejected, the rows are also the same, byte for byte.
    if (accepted === 0) t.equal(dbChecksum(app), checksumBefore, 'every row is as before the batch')
    t.pass(`${RUNS} runs (seed ${SEED}): ${rejected} rejected, ${accepted} accepted${STATEFUL_WHEN_VALID.has(`${method} ${path}`) ? ' (state may change when accepted)' : ''}`)

    // The server keeps answering after the batch.
    await app.inject({ method: 'DELETE', url: '/_mock/faults' })
    const health = await app.inject({ url: '/_mock/health' })
    t.equal(health.statusCode, 200, 'health still answers')
    await expectMatchesSpec(t, app, health)
    const token = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...CLIENTS.admin, grant_type: 'client_credentials' } })
    t.equal(token.statusCode, 200, 'a token is still issued')
    await expectMatchesSpec(t, app, token)
  })
}
