import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Every response carries `x-trace-id`, the request's UUID; error bodies repeat it (CONTRACT §1). */
export const traceIdPlugin = fp(
  async (app: FastifyInstance) => {
    // Callback hooks here and in the other per-request plugins: an async hook costs a promise
    // and a microtask on every request (issue 5).
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-trace-id', request.id)
      done()
    })
  },
  { name: 'trace-id' },
)
