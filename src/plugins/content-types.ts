import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Bodies are JSON only (CONTRACT §1): any other media type is 415 (the token route adds form
 * bodies in its own context). `Content-Type: application/json` with an empty body is read as no
 * body, because real clients send it on suspend, activate and delete (reference/clients.md §4).
 */
export const contentTypesPlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error')
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined)
      parseJson(request, body as string, done)
    })
    // A route with a body schema validates `{}` when no body came, so a missing field is named.
    app.addHook('preValidation', (request, _reply, done) => {
      if (request.body === undefined && request.routeOptions.schema?.body) request.body = {}
      done()
    })
  },
  { name: 'content-types' },
)
