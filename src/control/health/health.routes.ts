import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { errorResponses, StringEnum } from '../../plugins/common-schemas.js'

export const HealthSchema = Type.Object({ status: StringEnum(['ok'] as const) }, { additionalProperties: false })

/** `GET /_mock/health` (CONTRACT §5): the app only listens once the database is open and migrated. */
export async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/_mock/health',
    {
      config: { adminExempt: true },
      schema: { tags: ['mock-control'], summary: 'Health: 200 once the database is open and migrated', response: { 200: HealthSchema, ...errorResponses(500) } },
    },
    async () => ({ status: 'ok' as const }),
  )
}
