import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { FaultIdParamsSchema, FaultRuleBodySchema, FaultRuleListSchema, FaultRuleSchema } from './faults.schemas.js'
import { serializeFaultRule } from './faults.serializer.js'

const tags = ['mock-control']

/** `/_mock/faults` (CONTRACT §5 "Fault rules"): errors and latency injected into `/v1`. */
export async function faultsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { faults } = services

  app.post(
    '/_mock/faults',
    {
      schema: {
        tags,
        summary: 'Add a fault rule',
        description:
          'Matching `/v1` requests (after authentication, scope and body parsing, before validation) wait `delay_ms` and/or answer `status`. Every matcher given must hold: `method`, `path` (route pattern or prefix), `account_id` and `key_value` (named in the path, query or JSON body; a payment names the key of its resolution). The oldest matching rule with a status answers; the delays of every matching rule add up. Rules never apply to `/_mock`.',
        body: FaultRuleBodySchema,
        response: { 201: FaultRuleSchema, ...errorResponses(400, 401, 409, 413, 415, 500) },
      },
    },
    async (request, reply) => reply.code(201).send(serializeFaultRule(faults.create(request.body))),
  )

  app.get(
    '/_mock/faults',
    {
      schema: {
        tags,
        summary: 'List the fault rules, oldest first (built-in ones included)',
        response: { 200: FaultRuleListSchema, ...errorResponses(401, 500) },
      },
    },
    async () => ({ faults: faults.list().map(serializeFaultRule) }),
  )

  app.delete(
    '/_mock/faults/:id',
    {
      schema: {
        tags,
        summary: 'Remove a fault rule (a built-in one too, until the next reset)',
        params: FaultIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 404, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      faults.remove(request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/_mock/faults',
    {
      schema: {
        tags,
        summary: 'Remove every fault rule but the built-in ones',
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 413, 415, 500) },
      },
    },
    async (_request, reply) => {
      faults.clear()
      return reply.code(204).send(null)
    },
  )
}
