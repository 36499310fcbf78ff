import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import FindMyWay from 'find-my-way'
import { PassportError } from '../core/errors.js'
import { pickLanguage } from '../core/language.js'
import { withStorageFull } from './common-schemas.js'
import { translateValidationError } from './validation.js'

/** The path without its query string: the error body's `url` (CONTRACT §2). */
export function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

/**
 * The path as the router matched it (issue 11 item 13): percent-encoding decoded as `decodeURI`
 * does (`/v1/%61ccounts` → `/v1/accounts`, `/%761` → `/v1`), reserved characters such as `%2F`
 * left encoded, as find-my-way leaves them. Fault rules and the journal look at this path, so an
 * encoded request cannot slip past a rule that its decoded form matches. Malformed: as sent.
 */
export function decodedPath(url: string): string {
  const path = pathOf(url)
  if (!path.includes('%')) return path
  try {
    return decodeURI(path)
  } catch {
    return path
  }
}

/** The first path segment after `/v1` (`accounts`, `iam`…), `_mock` for the control plane, else "". */
export function resourceOf(path: string): string {
  const segments = path.split('/')
  if (segments[1] === 'v1') return segments[2] ?? ''
  if (segments[1] === '_mock') return '_mock'
  return ''
}

/** The contract's error body (CONTRACT §2), in the request's language. */
export function errorBody(request: FastifyRequest, error: PassportError) {
  const url = pathOf(request.url)
  return {
    code: error.code,
    message: error.messageIn(pickLanguage(request.headers['accept-language'])),
    http_code: error.status,
    type: error.type,
    resource: resourceOf(url),
    url,
    trace_id: request.id,
  }
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: PassportError): FastifyReply {
  reply.code(error.status).headers(error.headers).type('application/json; charset=utf-8')
  return reply.send(errorBody(request, error))
}

/** Where unexpected errors are logged: by cause, at most one line a second each (src/core/rate-limited-log.ts). */
export type ErrorReport = (cause: string, error: unknown, request: FastifyRequest) => void

const logEach: ErrorReport = (_cause, error, request) => request.log.error({ err: error }, 'unhandled error')

/** Maps anything thrown on the way to a PassportError; unknown errors become 500 and are logged. */
export function toPassportError(error: unknown, request: FastifyRequest, report: ErrorReport = logEach): PassportError {
  if (error instanceof PassportError) return error
  const e = error as FastifyError & { validationContext?: string }
  if (e.validation && e.validation.length > 0) return translateValidationError(e.validation[0] as never, e.validationContext ?? 'body')
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new PassportError('unsupported_media_type')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PassportError('payload_too_large')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new PassportError('invalid_json')
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new PassportError('request_timeout')
    case 'FST_ERR_BAD_URL':
      return new PassportError('invalid_parameter_value', { en: 'The request path is not a valid URL', es: 'La ruta de la solicitud no es una URL válida' })
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new PassportError('invalid_parameter_value', { en: 'A path parameter is too long', es: 'Un parámetro de la ruta es demasiado largo' })
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new PassportError('invalid_parameter_value', {
        en: 'The request body does not match its Content-Length',
        es: 'El cuerpo de la solicitud no coincide con su Content-Length',
      })
    case 'SQLITE_FULL':
      // The transaction rolled back: nothing was stored, and the client may retry (issue 11 item 9).
      report('storage_full', error, request)
      return new PassportError('storage_full')
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      // The services check uniqueness first; this is the backstop for a race between two requests.
      return new PassportError('already_exists')
  }
  if (error instanceof SyntaxError && e.statusCode === 400) return new PassportError('invalid_json')
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new PassportError('invalid_parameter_value', { en: 'The request is malformed', es: 'La solicitud está mal formada' })
  }
  report(typeof e.code === 'string' ? e.code : e.name, error, request)
  return new PassportError('internal_error')
}

/**
 * One place answers every failure with the contract's body (STYLE rule 9): thrown errors,
 * Fastify's own (validation, JSON, media type, size), unknown paths (404) and known paths
 * called with another method (405, with `Allow`). Never a stack trace.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance, { report }: { report: ErrorReport }) => {
    // Known path patterns and their methods, for telling 405 from 404.
    const methodsByPattern = new Map<string, Set<string>>()
    let router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | undefined
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      // A write may meet a full disk: 503 storage_full is declared on every route that writes.
      const response = route.schema?.response as Record<string, unknown> | undefined
      if (response && methods.some((m) => m !== 'GET' && m !== 'HEAD')) route.schema = { ...route.schema, response: withStorageFull(response) }
      const set = methodsByPattern.get(route.url) ?? new Set<string>()
      for (const m of methods) set.add(m)
      methodsByPattern.set(route.url, set)
      router = undefined
    })
    function allowedMethods(path: string): string[] {
      if (!router) {
        router = FindMyWay({ maxParamLength: 1000 })
        for (const [pattern, methods] of methodsByPattern) router.on('GET', pattern, () => undefined, { methods })
      }
      const found = router.find('GET', path) as { store?: { methods: Set<string> } } | null
      return found?.store ? [...found.store.methods].sort() : []
    }

    app.setErrorHandler((error, request, reply) => sendError(request, reply, toPassportError(error, request, report)))

    app.setNotFoundHandler((request, reply) => {
      const allow = allowedMethods(pathOf(request.url))
      if (allow.length > 0) return sendError(request, reply, new PassportError('method_not_allowed', undefined, { allow: allow.join(', ') }))
      return sendError(request, reply, new PassportError('route_not_found'))
    })
  },
  { name: 'error-handler' },
)
