import type { AddressInfo } from 'node:net'
import t from 'tap'
import { ERROR_CATALOGUE } from '../../src/core/error-catalogue.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { ERROR_FIELDS } from '../helpers/errors.js'
import { rawRequest } from '../helpers/raw-http.js'

// Issue 11 item 8: requests Node's HTTP parser refuses never reach a route; Fastify's default
// answered them {"error","message","statusCode"} with no x-trace-id.

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const CASES: { name: string; request: string; status: number; code: string; message: string; url: string }[] = [
  {
    name: 'a header over 16 KiB',
    request: `GET /v1/accounts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
    status: 431,
    code: 'request_headers_too_large',
    message: 'The request line and headers are larger than 16 KiB',
    url: '/v1/accounts',
  },
  { name: 'a URL over 16 KiB', request: `GET /v1/${'a'.repeat(17 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`, status: 431, code: 'request_headers_too_large', message: 'The request line and headers are larger than 16 KiB', url: '' },
  {
    name: 'bad chunking',
    request: 'POST /v1/iam/oauth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    status: 400,
    code: 'invalid_parameter_value',
    message: 'The chunked body is malformed (a bad chunk size)',
    url: '/v1/iam/oauth/tokens',
  },
  { name: 'a NUL in the path', request: 'GET /v1/acc\u0000ounts HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, code: 'invalid_parameter_value', message: 'The request path is not a valid URL (a control character, a NUL?)', url: '' },
  {
    name: 'conflicting Content-Length headers',
    request: 'POST /v1/iam/oauth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    status: 400,
    code: 'invalid_parameter_value',
    message: 'The request repeats Content-Length with different values',
    url: '/v1/iam/oauth/tokens',
  },
  {
    name: 'Content-Length with Transfer-Encoding',
    request: 'POST /v1/iam/oauth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    status: 400,
    code: 'invalid_parameter_value',
    message: 'The Transfer-Encoding header is invalid, or sent with Content-Length',
    url: '/v1/iam/oauth/tokens',
  },
  { name: 'an unknown method', request: 'FROB /v1/accounts HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, code: 'invalid_parameter_value', message: 'The request method is not an HTTP method', url: '/v1/accounts' },
]

t.test('what the HTTP parser refuses is answered with the contract’s error body and an x-trace-id, then the connection closes', async (t) => {
  const { app } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  for (const c of CASES) {
    const res = await rawRequest(port, c.request, 3000)
    t.equal(res.status, c.status, `${c.name}: ${c.status}`)
    t.match(res.headers['content-type'], /^application\/json/)
    t.match(res.headers['x-trace-id'], UUID_RE, `${c.name}: x-trace-id`)
    t.equal(res.headers.connection, 'close')
    const body = JSON.parse(res.body) as Record<string, unknown>
    t.same(Object.keys(body).sort(), ERROR_FIELDS, `${c.name}: the seven fields`)
    const entry = ERROR_CATALOGUE[c.code as keyof typeof ERROR_CATALOGUE]
    t.same(body, { code: c.code, message: c.message, http_code: c.status, type: entry.type, resource: c.url.split('/')[2] ?? '', url: c.url, trace_id: res.headers['x-trace-id'] }, c.name)
  }
  // The server goes on answering, and nothing a refused request left behind (a body timer)
  // keeps it from closing.
  t.equal((await fetch(`http://127.0.0.1:${port}/_mock/health`)).status, 200)
  const started = performance.now()
  await app.close()
  t.ok(performance.now() - started < 2000, 'closes at once')
})
