import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import { useDocumentBodyParser } from '../../plugins/document-body.js'
import type { Services } from '../../services.js'
import { ResetBodySchema, SeedDocumentSchema, SeedResultSchema, StateDocumentSchema } from './state.schemas.js'
import { serializeSeedResult } from './state.serializer.js'

const tags = ['mock-control']

/**
 * Seed and import bodies are validated by their services, which name a field the way a person
 * writes it (`accounts[0].available_balance`) and also serve the CLI; the route schema still
 * documents the body. Validating a 64 MiB document twice would also cost seconds.
 */
const validatedByService = () => () => true

/** `/_mock/reset`, `/_mock/state` and `/_mock/seed` (CONTRACT §5). */
export async function stateRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { state, seeds } = services
  // CONTRACT §1: seed and import take large documents; the rest of /_mock keeps the 1 MiB default.
  const bodyLimit = services.config.mockBodyLimit
  // Bodies scanned for depth and size as they arrive (issue 11 item 1), in this context only.
  useDocumentBodyParser(fastify)

  app.post(
    '/_mock/reset',
    {
      schema: {
        tags,
        summary: 'Back to the fixtures (from SEED), in one transaction',
        description:
          'Seeded and created objects are dropped; fault rules other than the built-in ones, the journal, webhook deliveries and the clock offset are cleared; built-in rules removed since come back. Webhook endpoints stay, and so do the tokens of the fixtures’ clients unless the body is `{"tokens": true}`.',
        body: ResetBodySchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      await state.reset(request.body.tokens === true)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/_mock/state',
    {
      schema: {
        tags,
        summary: 'Export the whole state',
        description: 'Every table as rows, secrets and token hashes included; `PUT /_mock/state` takes it back.',
        response: { 200: StateDocumentSchema, ...errorResponses(401, 500) },
      },
    },
    async () => state.export(),
  )

  app.put(
    '/_mock/state',
    {
      bodyLimit,
      validatorCompiler: validatedByService,
      schema: {
        tags,
        summary: 'Replace the whole state (import)',
        description:
          'Validates all of the document first (schema, unique values, references between rows), then replaces everything in one transaction: 204, or 400 naming the field, with nothing changed. Webhook deliveries are cleared. Body limit: MOCK_BODY_LIMIT.',
        body: StateDocumentSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      state.import(request.body)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/_mock/seed',
    {
      bodyLimit,
      validatorCompiler: validatedByService,
      schema: {
        tags,
        summary: 'Seed: create partial objects, completed by faker',
        description:
          'Every part optional, every object partial: status ACTIVE, zero balances and COP unless given; money as `"500.25"` or `{"value": "500.25", "currency": "COP"}`. Generated values come from one faker stream per server (deterministic for SEED and the order of calls, restarted by a reset). With `entity`, a new entity with one all-scope client owns the document’s objects (its credentials come back); otherwise the default entity does. One transaction: a 400 (naming the field) or a 409 (a taken id, number or key value) stores nothing. Body limit: MOCK_BODY_LIMIT.',
        body: SeedDocumentSchema,
        response: { 200: SeedResultSchema, ...errorResponses(400, 401, 409, 413, 415, 500) },
      },
    },
    async (request) => serializeSeedResult(await seeds.apply(request.body)),
  )
}
