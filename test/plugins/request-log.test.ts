import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { fastLineWriter } from '../../src/plugins/request-log.js'
import { ManualTime } from '../../src/core/clock.js'
import { SERVER_JS, spawnServer } from '../helpers/spawn-server.js'

/** An app on :memory: whose log lines are collected as parsed JSON objects. */
async function appWithLog(t: { teardown(fn: () => unknown): void }, logLevel: Config['logLevel']) {
  const lines: Array<Record<string, unknown>> = []
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const config = { ...loadConfig({}), databasePath: ':memory:', logLevel }
  const app = await buildApp(config, { timeSource: new ManualTime('2026-01-15T12:00:00.000Z'), sweepIntervalMs: 0, sleep: async () => {}, logStream })
  t.teardown(() => app.close())
  const requestLines = () => lines.filter((l) => l.msg === 'request').map((l) => `${String(l.method)} ${String(l.url)} ${String(l.status)}`)
  return { app, requestLines }
}

t.test('at info, a request to /v1 and a change to the control plane log one line each; control-plane reads do not', async (t) => {
  const { app, requestLines } = await appWithLog(t, 'info')
  await app.inject({ url: '/v1/accounts' })
  await app.inject({ url: '/_mock/accounts' })
  await app.inject({ url: '/_mock/requests?limit=5' })
  await app.inject({ method: 'POST', url: '/_mock/clock', payload: { freeze: true } })
  t.same(requestLines(), ['GET /v1/accounts 401', 'POST /_mock/clock 200'])
})

t.test('at debug, control-plane reads are logged too', async (t) => {
  const { app, requestLines } = await appWithLog(t, 'debug')
  await app.inject({ url: '/_mock/accounts?page_params.page_size=1' })
  t.same(requestLines(), ['GET /_mock/accounts 200'])
})

t.test('request.log is made only when a request logs, and its lines carry the request id as before (issue 15)', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const config = { ...loadConfig({}), databasePath: ':memory:', logLevel: 'warn' as const }
  const app = await buildApp(config, { timeSource: new ManualTime('2026-01-15T12:00:00.000Z'), sweepIntervalMs: 0, sleep: async () => {}, logStream })
  t.teardown(() => app.close())
  let made = 0
  app.get('/probe', async (request) => {
    const parent = app.log as unknown as { child: (...a: unknown[]) => unknown }
    const child = parent.child
    parent.child = (...a: unknown[]) => {
      made++
      return child.apply(parent, a)
    }
    try {
      request.log.info('not at warn')
      request.log.debug('nor this')
      const quiet = made
      request.log.warn({ n: 1 }, 'at warn')
      request.log.error('and error')
      return { quiet, made }
    } finally {
      parent.child = child
    }
  })
  const res = await app.inject({ url: '/probe' })
  t.same(res.json(), { quiet: 0, made: 1 }, 'no child for lines below the level; one, once, for the first line written')
  const written = lines.filter((l) => l.msg === 'at warn' || l.msg === 'and error')
  t.equal(written.length, 2)
  for (const line of written) t.equal(line.reqId, res.headers['x-trace-id'], `"${String(line.msg)}" names the request`)
  t.equal(written[0]?.n, 1, 'the line keeps its own fields')
  t.notOk(lines.some((l) => l.msg === 'not at warn' || l.msg === 'nor this'))
})

t.test('the server writes each request line to stdout as pino lays it out, and the last lines before it exits', async (t) => {
  const server = await spawnServer(t, SERVER_JS, [], { DATABASE_PATH: ':memory:', LOG_LEVEL: 'info' })
  const base = server.banner.base_url
  const answers = await Promise.all([1, 2, 3].map(() => fetch(`${base}/v1/accounts`)))
  const traceIds = answers.map((a) => a.headers.get('x-trace-id'))
  const requestLines = () => server.lines.filter((l): l is Record<string, unknown> => (l as { msg?: unknown }).msg === 'request')
  for (let i = 0; i < 200 && requestLines().length < 3; i++) await new Promise((r) => setTimeout(r, 10))
  const lines = requestLines()
  t.equal(lines.length, 3, 'one line per request')
  t.same(
    lines.map((l) => l.reqId).sort(),
    [...traceIds].sort(),
    'each names its request (reqId, as Fastify binds it)',
  )
  for (const line of lines) {
    t.same(Object.keys(line), ['level', 'time', 'pid', 'hostname', 'reqId', 'method', 'url', 'status', 'duration_ms', 'trace_id', 'msg'], 'the fields in pino’s order')
    t.equal(line.trace_id, line.reqId)
    t.match(line, { level: 30, method: 'GET', url: '/v1/accounts', status: 401 })
  }
  t.equal((await server.stop()).code, 0)
  t.ok(
    server.lines.some((l) => (l as { msg?: unknown; signal?: unknown }).msg === 'shutting down' && (l as { signal?: unknown }).signal === 'SIGTERM'),
    'the line logged on SIGTERM reached stdout before the process ended',
  )
})

/** A pino logger writing into an array, with a time of our choosing. */
function capturedPino(options: Record<string, unknown> = {}) {
  const lines: string[] = []
  const log = pino({ level: 'info', timestamp: () => ',"time":1767000000123', ...options }, { write: (line: string) => lines.push(line) })
  return { log, lines }
}

t.test('the request line written directly is byte for byte the line pino writes for the same fields (issue 15)', async (t) => {
  const cases = [
    ['info', '2b1f4c0e-5f7a-4c55-9a8e-0d4b6f1e2a3c', 'GET', '/v1/accounts/6c23f053-0e1a-46b4-b902-97ba47e351bc', 200, 1.23],
    ['debug', 'x"y\\z', 'POST', '/v1/a"b\\c/\u00e9\u0001\u2028', 404, 0],
    ['info', 'id', 'DELETE', '/', 503, 1234.5],
  ] as const
  for (const [level, id, method, url, status, durationMs] of cases) {
    const direct = capturedPino({ level: 'debug' })
    const viaPino = capturedPino({ level: 'debug' })
    const write = fastLineWriter(direct.log as never)
    t.ok(write, 'a plain pino logger is written to directly')
    write?.(level, id, method, url, status, durationMs)
    viaPino.log[level]({ reqId: id, method, url, status, duration_ms: durationMs, trace_id: id }, 'request')
    // The case's index names it: a URL with a line separator would break TAP's own output.
    t.equal(direct.lines[0], viaPino.lines[0], `case ${cases.findIndex((c) => c[3] === url)}: ${method}`)
    t.same(Object.keys(JSON.parse(direct.lines[0] as string)), ['level', 'time', 'pid', 'hostname', 'reqId', 'method', 'url', 'status', 'duration_ms', 'trace_id', 'msg'])
  }
})

t.test('a logger configured in a way that could change the line is left to pino', async (t) => {
  const unusual: Array<[string, Record<string, unknown>]> = [
    ['a mixin', { mixin: () => ({ extra: 1 }) }],
    ['redaction', { redact: ['url'] }],
    ['a serializer for a field of the line', { serializers: { url: () => 'x' } }],
    ['a log formatter', { formatters: { log: (o: Record<string, unknown>) => ({ ...o, added: true }) } }],
    ['another message key', { messageKey: 'message' }],
    ['a nested key', { nestedKey: 'payload' }],
    ['CRLF line ends', { crlf: true }],
    ['a stream hook', { hooks: { streamWrite: (s: string) => s } }],
  ]
  for (const [what, options] of unusual) t.equal(fastLineWriter(capturedPino(options).log as never), undefined, what)
  const lines: string[] = []
  const metadataStream = { write: (line: string) => lines.push(line), [Symbol.for('pino.metadata')]: true }
  t.equal(fastLineWriter(pino({ level: 'info' }, metadataStream) as never), undefined, 'a stream that reads pino’s metadata (multistream)')
})

t.test('the app writes its request lines directly, not through pino’s log method', async (t) => {
  const { app, requestLines } = await appWithLog(t, 'info')
  let throughPino = 0
  const info = app.log.info.bind(app.log)
  app.log.info = ((...args: Parameters<typeof info>) => {
    throughPino++
    return info(...args)
  }) as typeof app.log.info
  await app.inject({ url: '/v1/accounts' })
  t.same(requestLines(), ['GET /v1/accounts 401'])
  t.equal(throughPino, 0)
})
