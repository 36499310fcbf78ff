import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Clock } from '../core/clock.js'
import type { JournalService } from '../control/journal/journal.service.js'
import { decodedPath, pathOf } from './error-handler.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The mock's clock when a `/v1` request came in (the journal's `at`); null elsewhere. */
    journalAt: Date | null
    /** What onSend handed to the socket, for the journal's response body. */
    journalPayload: unknown
  }
}

/** `/v1` and below; never `/_mock` (CONTRACT §5: the journal records `/v1` requests only). */
function isV1(url: string): boolean {
  const path = decodedPath(url)
  return path === '/v1' || path.startsWith('/v1/')
}

/**
 * The request journal's hooks (CONTRACT §5 "Journal"). Registered at the root and limited to
 * `/v1` paths, not inside the `/v1` context, so a mistyped path (404 route_not_found) or a wrong
 * method (405) is recorded too: Fastify runs only root hooks for requests that match no route.
 * With JOURNAL_SIZE 0 no hook is added: it costs nothing.
 */
export const journalPlugin = fp(
  async (app: FastifyInstance, { journal, clock }: { journal: JournalService; clock: Clock }) => {
    if (!journal.enabled) return
    app.decorateRequest('journalAt', null)
    app.decorateRequest('journalPayload', null)
    app.addHook('onRequest', (request, _reply, done) => {
      if (isV1(request.url)) request.journalAt = clock.now()
      done()
    })
    // The last onSend hook at the root: it sees the serialized payload as it goes out (issue 13 §5).
    app.addHook('onSend', (request, _reply, payload, done) => {
      if (request.journalAt !== null) request.journalPayload = payload
      done(null, payload)
    })
    app.addHook('onResponse', (request, reply, done) => {
      if (request.journalAt === null) return done()
      const length = Number(request.headers['content-length'])
      journal.record({
        traceId: request.id,
        method: request.method,
        // Recorded as the router read it: `/v1/%61ccounts` is journaled as `/v1/accounts`.
        url: decodedPath(request.url) + request.url.slice(pathOf(request.url).length),
        status: reply.statusCode,
        durationMs: reply.elapsedTime,
        at: request.journalAt,
        body: request.body,
        bodyBytes: Number.isFinite(length) && length >= 0 ? length : undefined,
        requestHeaders: request.headers,
        responseHeaders: reply.getHeaders(),
        responsePayload: request.journalPayload,
      })
      done()
    })
  },
  { name: 'journal' },
)
