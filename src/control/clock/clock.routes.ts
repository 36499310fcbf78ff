import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { ClockSchema, MoveClockBodySchema } from './clock.schemas.js'
import { serializeClock } from './clock.serializer.js'

const tags = ['mock-control']

/** `/_mock/clock` (CONTRACT §5 "Clock"): the time that drives expiry, settlement and every `*_at`. */
export async function clockRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { clockControl } = services

  app.get(
    '/_mock/clock',
    {
      schema: { tags, summary: 'Read the mock’s clock', response: { 200: ClockSchema, ...errorResponses(401, 500) } },
    },
    async () => serializeClock(clockControl.read()),
  )

  app.post(
    '/_mock/clock',
    {
      schema: {
        tags,
        summary: 'Set, advance or freeze the mock’s clock',
        description:
          'Exactly one of `set`, `advance_seconds`, `freeze`. The answer comes after whatever fell due has run: settlements (a frozen clock settles nothing until moved), webhook sends. Token and resolution expiry follow at once. Reset, or a restart, goes back to wall time.',
        body: MoveClockBodySchema,
        response: { 200: ClockSchema, ...errorResponses(400, 401, 413, 415, 500) },
      },
    },
    async (request) => serializeClock(await clockControl.move(request.body)),
  )
}
