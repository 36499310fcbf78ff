import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'

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
