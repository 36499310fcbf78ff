import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyRequest {
    /** The timer that cuts a body still arriving at REQUEST_TIMEOUT_MS; null when none runs. */
    bodyTimer: NodeJS.Timeout | null
  }
}

/**
 * Whether a body follows the headers: a request with neither Content-Length nor
 * Transfer-Encoding has none (RFC 9112 §6.3), nor has one with `Content-Length: 0`. Most
 * requests are GETs without a body, and Node has not yet marked them complete when this hook
 * runs: they then got a timer and two listeners each, for nothing (issue 15).
 */
function hasBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  if (headers['transfer-encoding'] !== undefined) return true
  const length = headers['content-length']
  return length !== undefined && length !== '0'
}

/**
 * A body must be whole within REQUEST_TIMEOUT_MS of the request's start (issue 11 item 12).
 * Node's own requestTimeout (set too, in src/app.ts) covers a request whose headers are still
 * arriving, answered by the client-error handler; once Node hands a request to Fastify it no
 * longer watches the body, so a body trickling in 3 bytes every 5 s held its connection for ever.
 * Here the body stream gets an error with status 408 at the deadline: the body parser stops, the
 * error handler answers 408 `request_timeout`, and Fastify closes the connection.
 */
export const requestTimeoutPlugin = fp(
  async (app: FastifyInstance, { timeoutMs }: { timeoutMs: number }) => {
    app.decorateRequest('bodyTimer', null)
    app.addHook('preParsing', (request, reply, payload, done) => {
      if (request.raw.complete || !hasBody(request.headers)) return done(null, payload)
      const remaining = Math.max(0, timeoutMs - reply.elapsedTime)
      const timer = setTimeout(() => {
        request.bodyTimer = null
        // Only while a parser listens: with none, an 'error' event would have no handler.
        if (request.raw.complete || payload.listenerCount('error') === 0) return
        payload.emit('error', Object.assign(new Error('The request body did not arrive within REQUEST_TIMEOUT_MS'), { code: 'ERR_HTTP_REQUEST_TIMEOUT', statusCode: 408 }))
      }, remaining)
      // Never what keeps the process alive, and gone with the request: a request the HTTP
      // parser refuses mid-body (bad chunking) ends its socket without an 'end' or a response.
      timer.unref()
      request.bodyTimer = timer
      const clear = () => {
        clearTimeout(timer)
        request.bodyTimer = null
      }
      payload.once('end', clear)
      request.raw.once('close', clear)
      done(null, payload)
    })
    app.addHook('onResponse', (request, _reply, done) => {
      if (request.bodyTimer !== null) clearTimeout(request.bodyTimer)
      done()
    })
  },
  { name: 'request-timeout' },
)
