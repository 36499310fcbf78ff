import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import {
  CustomerIdParamsSchema,
  CustomerListQuerySchema,
  CustomerListSchema,
  CustomerSchema,
  LinkBusinessBodySchema,
  UpdateCustomerBodySchema,
} from './customers.schemas.js'
import { serializeCustomer } from './customers.serializer.js'

const tags = ['Customers']
const security = [{ bearerAuth: [] }]

/** `/v1/customers` (CONTRACT §4; reference A §3). */
export async function customersRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { customers, clock } = services

  app.post(
    '/v1/customers/business/link',
    {
      config: { scope: 'paas.core.entity_customers.post' },
      schema: {
        tags,
        security,
        summary: 'Link a merchant (BUSINESS customer)',
        body: LinkBusinessBodySchema,
        response: { 200: CustomerSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 500) },
      },
    },
    async (request) => serializeCustomer(customers.linkBusiness(principalOf(request), request.body)),
  )

  app.get(
    '/v1/customers',
    {
      config: { scope: 'paas.core.entity_customers.list.get' },
      schema: {
        tags,
        security,
        summary: 'List customers',
        description: 'Answers 404 customer_not_found when the entity has no customers at all, as the docs say.',
        querystring: CustomerListQuerySchema,
        response: { 200: CustomerListSchema, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const { identification_number, customer_id, identification_type, customer_status, email, mobile } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = customers.list(
        principalOf(request),
        { identification_number, id: customer_id, identification_type, status: customer_status, email, mobile_phone_number: mobile },
        page,
      )
      return { customers: rows.map(serializeCustomer), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/customers/:customer_id',
    {
      config: { scope: 'paas.core.entity_customers.get' },
      schema: { tags, security, summary: 'Retrieve a customer', params: CustomerIdParamsSchema, response: { 200: CustomerSchema, ...errorResponses(400, 401, 403, 404, 500) } },
    },
    async (request) => serializeCustomer(customers.require(principalOf(request), request.params.customer_id)),
  )

  app.patch(
    '/v1/customers/:customer_id',
    {
      config: { scope: 'paas.core.entity_customers.patch' },
      schema: {
        tags,
        security,
        summary: 'Update a customer',
        params: CustomerIdParamsSchema,
        body: UpdateCustomerBodySchema,
        response: { 200: CustomerSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializeCustomer(customers.update(principalOf(request), request.params.customer_id, request.body)),
  )
}
