import type { AddressInfo } from 'node:net'
import t from 'tap'
import { DEFAULT_REQUEST_TIMEOUT_MS, loadConfig } from '../../src/config.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { ERROR_FIELDS } from '../helpers/errors.js'
import { rawRequest } from '../helpers/raw-http.js'

// Issue 11 item 12: a body that trickled in (3 bytes every 5 s) held its connection for ever.
// Scaled down: REQUEST_TIMEOUT_MS 600 and 3 bytes every 100 ms.

t.test('REQUEST_TIMEOUT_MS defaults to 120 s', async (t) => {
  t.equal(DEFAULT_REQUEST_TIMEOUT_MS, 120_000)
  t.equal(loadConfig({}).requestTimeoutMs, 120_000)
  t.equal(loadConfig({ REQUEST_TIMEOUT_MS: '600' }).requestTimeoutMs, 600)
  t.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' }), { message: 'REQUEST_TIMEOUT_MS must be between 100 and 3600000, got 0' })
})

t.test('a body that trickles in is cut after the request timeout with 408 in the contract’s shape; a prompt request is untouched', async (t) => {
  const { app } = await buildTestApp(t, { requestTimeoutMs: 600 })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const timers: NodeJS.Timeout[] = []
  t.teardown(() => timers.forEach(clearInterval))
  const body = JSON.stringify({ client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' })
  const res = await rawRequest(
    port,
    (socket) => {
      socket.on('error', () => {})
      socket.write(`POST /v1/iam/oauth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`)
      let sent = 0
      const timer = setInterval(() => {
        if (socket.destroyed || sent >= body.length) return clearInterval(timer)
        socket.write(body.slice(sent, sent + 3))
        sent += 3
      }, 100)
      timers.push(timer)
    },
    5000,
  )
  t.equal(res.status, 408)
  t.ok(res.ms >= 550 && res.ms < 3000, `cut after ${Math.round(res.ms)} ms`)
  const json = JSON.parse(res.body) as Record<string, unknown>
  t.same(Object.keys(json).sort(), ERROR_FIELDS)
  t.same(json, {
    code: 'request_timeout',
    message: 'The request did not arrive whole within the request timeout',
    http_code: 408,
    type: 'INVALID_ARGUMENT',
    resource: 'iam',
    url: '/v1/iam/oauth/tokens',
    trace_id: res.headers['x-trace-id'],
  })
  t.equal(res.headers.connection, 'close')

  const prompt = await fetch(`http://127.0.0.1:${port}/v1/iam/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  t.equal(prompt.status, 200, 'a request that arrives in time is answered')
})
