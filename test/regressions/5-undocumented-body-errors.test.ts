import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Issue 5, found by test/robustness/hostile-input.test.ts: routes that read a body answered
// 400 invalid_json and 413 payload_too_large (as CONTRACT §2 says they should) but their
// OpenAPI entries did not list those statuses.

const NO_SUCH = '11111111-2222-4333-8444-555555555555'

t.test('the control plane DELETE routes document the 400 they answer to broken JSON', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/_mock/faults', '/_mock/requests', `/_mock/webhooks/${NO_SUCH}`]) {
    const res = await app.inject({ method: 'DELETE', url, headers: { 'content-type': 'application/json' }, payload: '{"broken":' })
    expectError(t, res, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON', '_mock')
    await expectMatchesSpec(t, app, res)
  }
  // A JSON `__proto__` key is refused the same way, and changes nothing.
  const proto = await app.inject({ method: 'DELETE', url: '/_mock/faults', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"polluted":true}}' })
  expectError(t, proto, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON', '_mock')
  await expectMatchesSpec(t, app, proto)
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted')
})

t.test('the /v1 DELETE and key PATCH routes document the 413 they answer to a body over 1 MiB', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  const big = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 16) })
  const routes: ['DELETE' | 'PATCH', string][] = [
    ['DELETE', `/v1/keys/${NO_SUCH}`],
    ['PATCH', `/v1/keys/${NO_SUCH}/suspend`],
    ['PATCH', `/v1/keys/${NO_SUCH}/activate`],
    ['DELETE', `/v1/recipients/${NO_SUCH}`],
    ['DELETE', `/v1/qrcodes/${NO_SUCH}`],
  ]
  for (const [method, url] of routes) {
    const res = await app.inject({ method, url, headers, payload: big })
    expectError(t, res, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large')
    await expectMatchesSpec(t, app, res)
  }
})
