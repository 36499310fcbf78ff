import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { canonicalKeyType, canonicalKeyValue } from '../../core/key-formats.js'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { CreateKeyBodySchema, KeyIdParamsSchema, KeyListQuerySchema, KeyListSchema, KeySchema } from './keys.schemas.js'
import { serializeKey } from './keys.serializer.js'

const tags = ['Bre-B keys']
const security = [{ bearerAuth: [] }]

/** `/v1/keys` (CONTRACT §4 "Bre-B keys"; reference B §3). */
export async function keysRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { keys, clock } = services

  app.post(
    '/v1/keys',
    {
      config: { scope: 'paas.core.account_keys.post' },
      schema: {
        tags,
        security,
        summary: 'Register a Bre-B key on an account',
        description: 'The account must be ACTIVE; a value is unique among live keys of every entity (one national directory).',
        body: CreateKeyBodySchema,
        response: { 200: KeySchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializeKey(keys.create(principalOf(request), request.body)),
  )

  app.get(
    '/v1/keys',
    {
      config: { scope: 'paas.core.account_keys.list.get' },
      schema: { tags, security, summary: 'List keys', querystring: KeyListQuerySchema, response: { 200: KeyListSchema, ...errorResponses(400, 401, 403, 500) } },
    },
    async (request) => {
      const { customer_id, account_id, key_type, key_id, status, key_value } = request.query
      const keyType = key_type === undefined ? undefined : canonicalKeyType(key_type)
      const page = readPageRequest(request.query)
      const { rows, total } = keys.list(
        principalOf(request),
        { customer_id, account_id, key_type: keyType, id: key_id, status, key_value: key_value === undefined || keyType === undefined ? key_value : canonicalKeyValue(keyType, key_value) },
        page,
      )
      return { keys: rows.map(serializeKey), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/keys/:key_id',
    {
      config: { scope: 'paas.core.account_keys.get' },
      schema: { tags, security, summary: 'Retrieve a key', params: KeyIdParamsSchema, response: { 200: KeySchema, ...errorResponses(400, 401, 403, 404, 500) } },
    },
    async (request) => serializeKey(keys.require(principalOf(request), request.params.key_id)),
  )

  for (const [action, status] of [
    ['suspend', 'SUSPENDED'],
    ['activate', 'ACTIVE'],
  ] as const) {
    app.patch(
      `/v1/keys/:key_id/${action}`,
      {
        config: { scope: 'paas.core.account_keys.patch' },
        schema: {
          tags,
          security,
          summary: action === 'suspend' ? 'Suspend a key (ACTIVE → SUSPENDED)' : 'Activate a suspended key (SUSPENDED → ACTIVE)',
          description: 'No body (an empty JSON body is accepted). A repeat is 409 invalid_state.',
          params: KeyIdParamsSchema,
          response: { 200: KeySchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
        },
      },
      async (request) => serializeKey(keys.setStatus(principalOf(request), request.params.key_id, status)),
    )
  }

  app.delete(
    '/v1/keys/:key_id',
    {
      config: { scope: 'paas.core.account_keys.delete' },
      schema: {
        tags,
        security,
        summary: 'Delete a key',
        description: 'From either status; afterwards 404, and the value can be registered again.',
        params: KeyIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      keys.delete(principalOf(request), request.params.key_id)
      return reply.code(204).send(null)
    },
  )
}
