import formbody from '@fastify/formbody'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { basicCredentials } from './tokens.service.js'
import {
  IssuedTokenSchema,
  RevokeTokenBodySchema,
  TokenIdParamsSchema,
  TokenInfoSchema,
  TokenListQuerySchema,
  TokenListSchema,
  TokenRequestSchema,
} from './tokens.schemas.js'
import { serializeIssuedToken, serializeTokenInfo } from './tokens.serializer.js'

const tags = ['Tokens']
const security = [{ bearerAuth: [] }]

/** `/v1/iam/oauth/tokens` (CONTRACT §3; reference A §2). */
export async function tokensRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { tokens, clock } = services
  // Form bodies are taken here only: generic OAuth2 libraries send them (CONTRACT §1).
  await app.register(formbody)

  app.post(
    '/v1/iam/oauth/tokens',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Create an access token (client credentials)',
        description: 'JSON or form body; the client may also come in `Authorization: Basic`.',
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        body: TokenRequestSchema,
        response: { 200: IssuedTokenSchema, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request) => {
      const basic = basicCredentials(request.headers.authorization)
      const body = request.body
      const issued = tokens.issue({
        client_id: body.client_id ?? basic.client_id,
        client_secret: body.client_secret ?? basic.client_secret,
        grant_type: body.grant_type,
      })
      return serializeIssuedToken(issued, tokens.ttl)
    },
  )

  app.get(
    '/v1/iam/oauth/tokens',
    {
      config: { scope: 'iam.oauth.tokens.list.get' },
      schema: { tags, security, summary: 'List tokens', querystring: TokenListQuerySchema, response: { 200: TokenListSchema, ...errorResponses(400, 401) } },
    },
    async (request) => {
      const { grant_flow, role, account_id, user_id } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = tokens.list(principalOf(request), { grant_flow, role, account_id, user_id }, page)
      return { tokens: rows.map((t) => serializeTokenInfo(t, tokens.status(t))), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/iam/oauth/tokens/:token_id',
    {
      config: { scope: 'iam.oauth.tokens.get' },
      schema: { tags, security, summary: 'Retrieve a token', params: TokenIdParamsSchema, response: { 200: TokenInfoSchema, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const token = tokens.get(principalOf(request), request.params.token_id)
      return serializeTokenInfo(token, tokens.status(token))
    },
  )

  app.delete(
    '/v1/iam/oauth/tokens/:token_id',
    {
      config: { scope: 'iam.oauth.tokens.delete' },
      schema: {
        tags,
        security,
        summary: 'Revoke a token',
        params: TokenIdParamsSchema,
        body: RevokeTokenBodySchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      tokens.revoke(principalOf(request), request.params.token_id, request.body.token_id)
      return reply.code(204).send(null)
    },
  )
}
