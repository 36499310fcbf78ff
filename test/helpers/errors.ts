import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { expectMatchesSpec } from './openapi.js'

/** The seven fields of CONTRACT §2, sorted. */
export const ERROR_FIELDS = ['code', 'http_code', 'message', 'resource', 'trace_id', 'type', 'url']

/**
 * The exact error body of CONTRACT §2: seven fields, the status and code, the type and message,
 * `resource` (by default the first segment after `/v1`), `url` without the query, and
 * `trace_id` repeating the `x-trace-id` header.
 */
export function expectError(t: Test, res: LightMyRequestResponse, status: number, code: string, type: string, message: string | RegExp, resource?: string) {
  const url = res.raw.req.url?.split('?')[0] ?? ''
  t.equal(res.statusCode, status, `status ${status}`)
  const body = res.json() as Record<string, unknown>
  t.same(Object.keys(body).sort(), ERROR_FIELDS, 'exactly the seven error fields')
  t.match(body, { code, http_code: status, type, message, resource: resource ?? url.split('/')[2] ?? '', url })
  if (typeof message === 'string') t.equal(body.message, message)
  t.equal(body.trace_id, res.headers['x-trace-id'], 'trace_id repeats the x-trace-id header')
}

/** 400 `invalid_parameter_value` with exactly this message. */
export function expectInvalid(t: Test, res: LightMyRequestResponse, message: string) {
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message)
}

/**
 * A route that takes a JSON body answers 400 `invalid_json` to broken JSON, 415 to another
 * media type and 413 to a body over the 1 MiB limit (CONTRACT §1–2), each as documented.
 */
export async function expectBodyParsingErrors(t: Test, app: FastifyInstance, url: string, headers: Record<string, string>, method: 'POST' | 'PATCH' = 'POST') {
  const bad = await app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: '{"broken":' })
  expectError(t, bad, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON')
  await expectMatchesSpec(t, app, bad)
  const text = await app.inject({ method, url, headers: { ...headers, 'content-type': 'text/plain' }, payload: 'hello' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, text)
  const big = await app.inject({ method, url, headers, payload: { padding: 'x'.repeat(1024 * 1024) } })
  expectError(t, big, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large')
  await expectMatchesSpec(t, app, big)
}
