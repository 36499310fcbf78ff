import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import {
  AccountViewListQuerySchema,
  AccountViewListSchema,
  CustomerViewListQuerySchema,
  CustomerViewListSchema,
  EntityViewListQuerySchema,
  EntityViewListSchema,
  PaymentViewListQuerySchema,
  PaymentViewListSchema,
} from './views.schemas.js'
import { serializeAccountView, serializeCustomerView, serializeEntitySummary, serializePaymentView } from './views.serializer.js'

const tags = ['mock-control']
const paging = 'Paged and ordered like the /v1 lists (page_params.*, order_params.*, or the flat legacy names); an empty result is 200 with [].'

/** `GET /_mock/entities`, `/_mock/accounts`, `/_mock/payments` (CONTRACT §5): every entity's rows, for the console and QA. */
export async function viewsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { views, clock } = services

  app.get(
    '/_mock/entities',
    {
      schema: {
        tags,
        summary: 'Every entity, with its clients (no secrets) and row counts',
        description: `${paging} Entities never change, so order_key=updated_at sorts by created_at.`,
        querystring: EntityViewListQuerySchema,
        response: { 200: EntityViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const page = readPageRequest(request.query)
      const { rows, total } = views.entities({ id: request.query.entity_id, name: request.query.name }, page)
      return { entities: rows.map(serializeEntitySummary), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/_mock/accounts',
    {
      schema: {
        tags,
        summary: 'Every entity’s accounts: the /v1 account object plus entity_id',
        description: paging,
        querystring: AccountViewListQuerySchema,
        response: { 200: AccountViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, customer_id, status, account_type, account_number, q } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = views.accountsOfEveryEntity({ entity_id, customer_id, status, account_type, account_number, q }, page)
      return { accounts: rows.map(serializeAccountView), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/_mock/customers',
    {
      schema: {
        tags,
        summary: 'Every entity’s customers: the /v1 customer object plus entity_id',
        description: paging,
        querystring: CustomerViewListQuerySchema,
        response: { 200: CustomerViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, status, q } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = views.customersOfEveryEntity({ entity_id, status, q }, page)
      return { customers: rows.map(serializeCustomerView), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/_mock/payments',
    {
      schema: {
        tags,
        summary: 'Every entity’s payments, OUTBOUND and INBOUND: the /v1 payment object plus entity_id',
        description: paging,
        querystring: PaymentViewListQuerySchema,
        response: { 200: PaymentViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, account_id, customer_id, status, direction, type, end_to_end_identification, key_value } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = views.paymentsOfEveryEntity({ entity_id, account_id, customer_id, status, direction, type, end_to_end_identification, key_value }, page)
      return { payments: rows.map(serializePaymentView), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )
}
