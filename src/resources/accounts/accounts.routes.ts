import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { AccountIdParamsSchema, AccountListQuerySchema, AccountListSchema, AccountSchema, LinkAccountBodySchema } from './accounts.schemas.js'
import { serializeAccount } from './accounts.serializer.js'

const tags = ['Accounts']
const security = [{ bearerAuth: [] }]

/** `/v1/accounts` (CONTRACT §4; reference A §4). */
export async function accountsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { accounts, clock } = services

  app.post(
    '/v1/accounts/link',
    {
      config: { scope: 'paas.core.accounts.post' },
      schema: {
        tags,
        security,
        summary: 'Link an account to a customer',
        body: LinkAccountBodySchema,
        response: { 200: AccountSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializeAccount(accounts.link(principalOf(request), request.body)),
  )

  app.get(
    '/v1/accounts',
    {
      config: { scope: 'paas.core.accounts.list.get' },
      schema: { tags, security, summary: 'List accounts', querystring: AccountListQuerySchema, response: { 200: AccountListSchema, ...errorResponses(400, 401, 403, 500) } },
    },
    async (request) => {
      const { customer_id, account_id, status, account_type, account_number } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = accounts.list(principalOf(request), { customer_id, id: account_id, status, account_type, account_number }, page)
      return { accounts: rows.map(serializeAccount), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/accounts/:account_id',
    {
      config: { scope: 'paas.core.accounts.get' },
      schema: {
        tags,
        security,
        summary: 'Retrieve an account, with its balances',
        params: AccountIdParamsSchema,
        response: { 200: AccountSchema, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => serializeAccount(accounts.require(principalOf(request), request.params.account_id)),
  )
}
