import type { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { DEFAULT_MOCK_BODY_LIMIT, loadConfig } from '../../src/config.js'
import { JsonShapeScanner } from '../../src/core/json-shape.js'
import { DOCUMENT_MAX_DEPTH, documentLimits } from '../../src/plugins/document-body.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { pollLatency, rawRequest } from '../helpers/raw-http.js'

// Issue 11 item 1: PUT /_mock/state and POST /_mock/seed took 256 MiB, and one body of nested
// arrays ran the process out of heap while every other client waited.

const MiB = 1024 * 1024

/** Writes `total` bytes of `fill` in 64 KiB chunks, waiting for the socket to drain, until it closes. */
function streamBody(socket: Socket, head: string, fill: string, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, fill)
  let sent = 0
  socket.write(head)
  const pump = () => {
    while (sent < total && !socket.destroyed && socket.writable) {
      sent += chunk.length
      if (!socket.write(chunk)) return socket.once('drain', pump)
    }
  }
  socket.on('error', () => {})
  pump()
}

t.test('the default MOCK_BODY_LIMIT is 64 MiB: a Content-Length over it is 413 before the body is read', async (t) => {
  t.equal(loadConfig({}).mockBodyLimit, 64 * MiB)
  t.equal(DEFAULT_MOCK_BODY_LIMIT, 64 * MiB)
  const { app } = await buildTestApp(t, { mockBodyLimit: DEFAULT_MOCK_BODY_LIMIT })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  for (const [method, path] of [['PUT', '/_mock/state'], ['POST', '/_mock/seed']] as const) {
    // Only the head is sent: the answer must come without the 64 MiB that would follow.
    const res = await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${64 * MiB + 1}\r\n\r\n{`, 3000)
    t.equal(res.status, 413, `${method} ${path}: 413`)
    t.match(JSON.parse(res.body), { code: 'payload_too_large', http_code: 413, resource: '_mock', url: path })
    t.equal(JSON.parse(res.body).trace_id, res.headers['x-trace-id'])
  }
})

t.test('a deeply nested body is refused at its first chunk with 400, while another client keeps being answered', async (t) => {
  const { app } = await buildTestApp(t, { mockBodyLimit: DEFAULT_MOCK_BODY_LIMIT })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const heapBefore = process.memoryUsage().heapUsed
  const poll = pollLatency(`http://127.0.0.1:${port}/_mock/health`, 10)
  await new Promise((r) => setTimeout(r, 50))
  const total = 40 * MiB
  const results = await Promise.all(
    [['PUT', '/_mock/state', '['], ['POST', '/_mock/seed', '{"a":['], ['PUT', '/_mock/state', '{"a":{']].map(([method, path, start]) =>
      rawRequest(port, (socket) => streamBody(socket, `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n${start}`, '[', total), 5000),
    ),
  )
  await new Promise((r) => setTimeout(r, 50))
  const polled = await poll.stop()
  for (const res of results) {
    t.equal(res.status, 400)
    const body = JSON.parse(res.body) as Record<string, unknown>
    t.match(body, { code: 'invalid_parameter_value', type: 'INVALID_ARGUMENT', message: `The document nests arrays and objects more than ${DOCUMENT_MAX_DEPTH} deep`, resource: '_mock' })
    t.equal(res.headers.connection, 'close', 'the connection is closed: the rest of the body is never read')
    t.ok(res.ms < 2000, `answered in ${Math.round(res.ms)} ms`)
  }
  t.ok(polled.count >= 3, `${polled.count} health reads during the attack`)
  t.equal(polled.failures, 0, 'every health read answered 200')
  t.ok(polled.maxMs < 500, `slowest health read ${Math.round(polled.maxMs)} ms`)
  t.ok(process.memoryUsage().heapUsed - heapBefore < 32 * MiB, 'the heap did not take the body in')
  // Same answer through inject, checked against the OpenAPI document.
  const res = await app.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json' }, payload: '['.repeat(DOCUMENT_MAX_DEPTH + 1) })
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', `The document nests arrays and objects more than ${DOCUMENT_MAX_DEPTH} deep`, '_mock')
  await expectMatchesSpec(t, app, res)
  // Nesting within the limit is parsed and judged by the document's validation as before.
  const shallow = await app.inject({ method: 'POST', url: '/_mock/seed', payload: { accounts: [{ id: [[[[['x']]]]] }] } })
  t.equal(shallow.statusCode, 400)
  t.match(shallow.json(), { message: /accounts\[0\]\.id/ })
})

t.test('a body of millions of tiny values within the byte limit is refused by its count, not built', async (t) => {
  const limit = 1 * MiB
  const { app } = await buildTestApp(t, { mockBodyLimit: limit })
  const max = documentLimits(limit).maxValues
  t.equal(max, limit / 8)
  // 140,000 empty accounts: a valid seed document of 420 KB that would make 140,000 objects.
  const payload = `{"accounts":[${Array.from({ length: 140_000 }, () => '{}').join(',')}]}`
  t.ok(payload.length < limit)
  const accountsBefore = (app.services.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n
  const res = await app.inject({ method: 'POST', url: '/_mock/seed', headers: { 'content-type': 'application/json' }, payload })
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', `The document has more than ${max} values (one per 8 bytes of MOCK_BODY_LIMIT)`, '_mock')
  await expectMatchesSpec(t, app, res)
  t.equal((app.services.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n, accountsBefore, 'nothing stored')
  // Reset keeps its 1 MiB default and is scanned the same way.
  const reset = await app.inject({ method: 'POST', url: '/_mock/reset', headers: { 'content-type': 'application/json' }, payload: '['.repeat(100) })
  t.equal(reset.statusCode, 400)
})

t.test('the default limit fits a 100,000-account document: a 5,000-account state export, scaled, leaves room', async (t) => {
  const { app } = await buildTestApp(t)
  const customer = '0c0ffee0-0000-4000-8000-000000000001'
  const accounts = Array.from({ length: 5000 }, (_, i) => ({
    customer_id: customer,
    account_number: String(7_000_000_000 + i),
    account_type: 'ORDINARY',
    status: 'ACTIVE',
    available_balance: { value: '123456789.12', currency: 'COP' },
    pending_balance: { value: '0', currency: 'COP' },
  }))
  const seed = { customers: [{ id: customer, business_name: 'Comercializadora Andina de Pagos S.A.S.' }], accounts }
  const accountsBefore = (app.services.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n
  const seeded = await app.inject({ method: 'POST', url: '/_mock/seed', payload: seed })
  t.equal(seeded.statusCode, 200)
  const exported = await app.inject({ url: '/_mock/state' })
  const limits = documentLimits(DEFAULT_MOCK_BODY_LIMIT)
  for (const [what, body] of [['seed document', JSON.stringify(seed)], ['state export', exported.body]] as const) {
    const scanner = new JsonShapeScanner({ maxDepth: 1000, maxValues: Number.MAX_SAFE_INTEGER })
    scanner.feed(Buffer.from(body))
    const scale = 100_000 / 5000
    t.ok(Buffer.byteLength(body) * scale * 1.5 < DEFAULT_MOCK_BODY_LIMIT, `${what}: ${((Buffer.byteLength(body) * scale) / MiB).toFixed(1)} MiB at 100,000 accounts, with half again to spare`)
    t.ok(scanner.values * scale * 2 < limits.maxValues, `${what}: ${scanner.values * scale} values at 100,000 accounts, under half of ${limits.maxValues}`)
    t.ok(scanner.maxDepthSeen * 2 <= DOCUMENT_MAX_DEPTH, `${what}: ${scanner.maxDepthSeen} deep`)
  }
  // The export goes back in through the scanning parser.
  const imported = await app.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json' }, payload: exported.body })
  t.equal(imported.statusCode, 204)
  t.equal((app.services.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n, accountsBefore + 5000)
})

t.test('the scanner reads strings, escapes and chunk boundaries right', async (t) => {
  const scan = (...parts: string[]) => {
    const s = new JsonShapeScanner({ maxDepth: 3, maxValues: 100 })
    let problem
    for (const p of parts) problem ??= s.feed(Buffer.from(p))
    return { problem, depth: s.maxDepthSeen, values: s.values }
  }
  t.same(scan('{"a":"[[[[[[","b":[1,true,null]}'), { problem: undefined, depth: 2, values: 8 })
  t.same(scan('{"a":"\\"[[[[[["}'), { problem: undefined, depth: 1, values: 3 }, 'an escaped quote does not end the string')
  t.same(scan('{"a":"\\', '"[[[[", "b": 12', '345}'), { problem: undefined, depth: 1, values: 5 }, 'state carries over chunk boundaries')
  t.same(scan('[[[[').problem, { kind: 'depth', limit: 3 })
  t.same(scan(`[${'1,'.repeat(100)}1]`).problem, { kind: 'values', limit: 100 })
})
