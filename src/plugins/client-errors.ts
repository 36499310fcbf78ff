import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { PassportError } from '../core/errors.js'
import { resourceOf } from './error-handler.js'

/** Node's parser errors (llhttp codes), in words a client developer can act on. */
const REASONS: Record<string, { en: string; es: string }> = {
  HPE_INVALID_CHUNK_SIZE: { en: 'The chunked body is malformed (a bad chunk size)', es: 'El cuerpo por fragmentos está mal formado (un tamaño de fragmento inválido)' },
  HPE_INVALID_TRANSFER_ENCODING: { en: 'The Transfer-Encoding header is invalid, or sent with Content-Length', es: 'El encabezado Transfer-Encoding no es válido, o viene con Content-Length' },
  HPE_UNEXPECTED_CONTENT_LENGTH: { en: 'The request repeats Content-Length with different values', es: 'La solicitud repite Content-Length con valores distintos' },
  HPE_INVALID_CONTENT_LENGTH: { en: 'The Content-Length header is invalid or repeated with other values', es: 'El encabezado Content-Length no es válido o se repite con otros valores' },
  HPE_INVALID_METHOD: { en: 'The request method is not an HTTP method', es: 'El método de la solicitud no es un método HTTP' },
  HPE_INVALID_URL: { en: 'The request path is not a valid URL (a control character, a NUL?)', es: 'La ruta de la solicitud no es una URL válida (¿un carácter de control, un NUL?)' },
  HPE_INVALID_HEADER_TOKEN: { en: 'A header name or value holds a character HTTP does not allow', es: 'Un nombre o valor de encabezado tiene un carácter que HTTP no permite' },
  HPE_INVALID_VERSION: { en: 'The HTTP version is invalid', es: 'La versión de HTTP no es válida' },
}

/** The error for a request Node's HTTP parser refused, or that timed out before it was whole. */
export function clientError(code: string | undefined): PassportError {
  if (code === 'HPE_HEADER_OVERFLOW') return new PassportError('request_headers_too_large')
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new PassportError('request_timeout')
  return new PassportError('invalid_parameter_value', REASONS[code ?? ''] ?? { en: 'The request is malformed HTTP', es: 'La solicitud no es HTTP bien formado' })
}

/** The path of the request line, when what came so far has a readable one (for `url` and `resource`). */
function pathIn(rawPacket: unknown): string {
  if (!Buffer.isBuffer(rawPacket)) return ''
  const line = rawPacket.subarray(0, 2048).toString('latin1').split('\r\n')[0] ?? ''
  const match = /^[A-Za-z]+ (\/[\x21-\x7e]{0,1024}) HTTP\/1\.[01]$/.exec(line)
  if (!match) return ''
  const path = match[1] as string
  const q = path.indexOf('?')
  return q === -1 ? path : path.slice(0, q)
}

/**
 * Fastify's `clientErrorHandler` (issue 11 item 8): what Node's HTTP parser refuses never
 * reaches a route, and Fastify's default answered `{"error","message","statusCode"}`. Here it is
 * the contract's body (CONTRACT §2) with an `x-trace-id`, in English (the headers were not
 * read): 431 `request_headers_too_large` over 16 KiB of request line and headers, 408
 * `request_timeout` for a request not whole within REQUEST_TIMEOUT_MS, 400 for the rest.
 * The connection is closed after the answer: the parser cannot go on from a broken request.
 */
export function createClientErrorHandler() {
  return function onClientError(this: FastifyInstance, error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    const passport = clientError(error.code)
    const traceId = randomUUID()
    const url = pathIn(error.rawPacket)
    const body = JSON.stringify({
      code: passport.code,
      message: passport.messageIn('en'),
      http_code: passport.status,
      type: passport.type,
      resource: resourceOf(url),
      url,
      trace_id: traceId,
    })
    this.log.debug({ code: error.code, status: passport.status, trace_id: traceId }, 'client error')
    // A response already under way (a timeout after the handler answered): only close.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (socket.writable && !inFlight?.headersSent) {
      socket.end(
        `HTTP/1.1 ${passport.status} ${STATUS_CODES[passport.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-trace-id: ${traceId}\r\nConnection: close\r\n\r\n${body}`,
      )
      // The other side may never close; do not keep its socket.
      setTimeout(() => socket.destroy(), 1000).unref()
      return
    }
    socket.destroy()
  }
}
