import formbody from '@fastify/formbody'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'

/** 200 with no body (the revoke page: "no devuelve cuerpo"). */
const RevokedSchema = { ...NoContentSchema, description: 'Revoked; no body' }
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
        response: { 200: IssuedTokenSchema, ...errorResponses(400, 401, 413, 415, 500) },
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
      schema: { tags, security, summary: 'List tokens', querystring: TokenListQuerySchema, response: { 200: TokenListSchema, ...errorResponses(400, 401, 403, 500) } },
    },
    async (request) => {
      const { grant_flow, role, account_id, user_id } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = tokens.list(principalOf(request), { grant_flow, role, account_id, user_id }, page)
      return { tokens: rows.map((t) => serializeTokenInfo(t, tokens.status(t), tokens.expiresIn(t))), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/iam/oauth/tokens/:token_id',
    {
      config: { scope: 'iam.oauth.tokens.get' },
      schema: { tags, security, summary: 'Retrieve a token', params: TokenIdParamsSchema, response: { 200: TokenInfoSchema, ...errorResponses(400, 401, 403, 404, 500) } },
    },
    async (request) => {
      const token = tokens.get(principalOf(request), request.params.token_id)
      return serializeTokenInfo(token, tokens.status(token), tokens.expiresIn(token))
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
        description:
          '200 with no body, as the revoke page says (EN and ES; Contract 2). Unknown or already revoked: 404 token_not_found. The page also lists 409; the mock answers 404 for a token already revoked, as the same page words it.',
        params: TokenIdParamsSchema,
        body: RevokeTokenBodySchema,
        response: { 200: RevokedSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      tokens.revoke(principalOf(request), request.params.token_id, request.body.token_id)
      // https://docs.passportfintech.com/EN/revoke-access-token: "A successful revocation will show a status code of 200"; no body.
      // undefined sends no body and no Content-Type; null would be serialized as the text "null".
      return reply.code(200).send(undefined as never)
    },
  )
}
