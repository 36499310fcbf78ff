import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Every response carries `x-trace-id`, the request's UUID; error bodies repeat it (CONTRACT §1). */
export const traceIdPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-trace-id', request.id)
    })
  },
  { name: 'trace-id' },
)
