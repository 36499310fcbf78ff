import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import {
  AccountViewListQuerySchema,
  AccountViewListSchema,
  CustomerViewListQuerySchema,
  CustomerViewListSchema,
  EntityViewListQuerySchema,
  EntityViewListSchema,
  KeyIdParamsSchema,
  KeyViewListQuerySchema,
  KeyViewListSchema,
  KeyViewSchema,
  PaymentViewListQuerySchema,
  PaymentViewListSchema,
  QrCodeViewListQuerySchema,
  QrCodeViewListSchema,
  RecipientViewListQuerySchema,
  RecipientViewListSchema,
  TokenIdParamsSchema,
  TokenViewListQuerySchema,
  TokenViewListSchema,
  TokenViewSchema,
} from './views.schemas.js'
import {
  serializeAccountView,
  serializeCustomerView,
  serializeEntitySummary,
  serializeKeyView,
  serializePaymentView,
  serializeQrCodeView,
  serializeRecipientView,
  serializeTokenView,
} from './views.serializer.js'

const tags = ['mock-control']
const paging = 'Paged and ordered like the /v1 lists (page_params.*, order_params.*, or the flat legacy names); an empty result is 200 with [].'

/**
 * `GET /_mock/entities`, `/_mock/accounts`, `/_mock/customers`, `/_mock/payments`, `/_mock/keys`,
 * `/_mock/tokens`, `/_mock/recipients`, `/_mock/qrcodes` (CONTRACT §5; issue 14): every entity's
 * rows, for the console and QA; and the console's key and token actions, run as the owning entity.
 */
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
        summary: 'Every entity’s payments, OUTBOUND and INBOUND: the /v1 payment object plus entity_id, the account’s number and its customer’s name',
        description: paging,
        querystring: PaymentViewListQuerySchema,
        response: { 200: PaymentViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, account_id, customer_id, status, direction, type, end_to_end_identification, key_value, q } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = views.paymentsOfEveryEntity({ entity_id, account_id, customer_id, status, direction, type, end_to_end_identification, key_value, q }, page)
      return { payments: rows.map(serializePaymentView), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/_mock/keys',
    {
      schema: {
        tags,
        summary: 'Every entity’s Bre-B keys: the /v1 key object plus entity_id, customer_id, the account’s number and the customer’s name',
        description: paging,
        querystring: KeyViewListQuerySchema,
        response: { 200: KeyViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, status, q } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = views.keysOfEveryEntity({ entity_id, status, q }, page)
      return { keys: rows.map(serializeKeyView), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  for (const [action, status] of [
    ['suspend', 'SUSPENDED'],
    ['activate', 'ACTIVE'],
  ] as const) {
    app.patch(
      `/_mock/keys/:key_id/${action}`,
      {
        schema: {
          tags,
          summary: action === 'suspend' ? 'Suspend any entity’s key, as PATCH /v1/keys/{key_id}/suspend does' : 'Activate any entity’s suspended key, as PATCH /v1/keys/{key_id}/activate does',
          description: 'The API’s own rules, run as the key’s entity: a repeat is 409 invalid_state; an unknown key 404 key_not_found. No body.',
          params: KeyIdParamsSchema,
          response: { 200: KeyViewSchema, ...errorResponses(400, 401, 404, 409, 413, 415, 500) },
        },
      },
      async (request) => serializeKeyView(views.setKeyStatus(request.params.key_id, status)),
    )
  }

  app.delete(
    '/_mock/keys/:key_id',
    {
      schema: {
        tags,
        summary: 'Delete any entity’s key, as DELETE /v1/keys/{key_id} does',
        description: 'From either status; afterwards the value can be registered again. Unknown: 404 key_not_found.',
        params: KeyIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 404, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      views.deleteKey(request.params.key_id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/_mock/tokens',
    {
      schema: {
        tags,
        summary: 'Every entity’s access tokens: state on the mock’s clock, client, a hash prefix; never the token',
        description: `${paging} status is ACTIVE, EXPIRED (expires_at reached on the mock’s clock) or REVOKED. The access token is never stored, so never shown: token_hash_prefix tells tokens apart.`,
        querystring: TokenViewListQuerySchema,
        response: { 200: TokenViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, client_id } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = views.tokensOfEveryEntity({ entity_id, client_id }, page)
      return { tokens: rows.map((r) => serializeTokenView(r.token, r.status, r.expiresIn)), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.delete(
    '/_mock/tokens/:token_id',
    {
      schema: {
        tags,
        summary: 'Revoke any entity’s token, as DELETE /v1/iam/oauth/tokens/{token_id} does',
        description: 'Answers the token, now REVOKED. Unknown or already revoked: 404 token_not_found, as the revoke page words it (Contract 2).',
        params: TokenIdParamsSchema,
        response: { 200: TokenViewSchema, ...errorResponses(400, 401, 404, 413, 415, 500) },
      },
    },
    async (request) => {
      const r = views.revokeToken(request.params.token_id)
      return serializeTokenView(r.token, r.status, r.expiresIn)
    },
  )

  app.get(
    '/_mock/recipients',
    {
      schema: {
        tags,
        summary: 'Every entity’s recipients (Bre-B and ACH): the /v1 recipient object plus entity_id and the customer’s name',
        description: paging,
        querystring: RecipientViewListQuerySchema,
        response: { 200: RecipientViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, customer_id, type } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = views.recipientsOfEveryEntity({ entity_id, customer_id, type }, page)
      return { recipients: rows.map(serializeRecipientView), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/_mock/qrcodes',
    {
      schema: {
        tags,
        summary: 'Every entity’s QR codes: the /v1 object (its PNG included) plus entity_id, the customer’s name and the payload decoded',
        description: `${paging} decoded is what POST /v1/qrcodes/decode answers for qr_code_data; data_objects are its top-level EMVCo data objects.`,
        querystring: QrCodeViewListQuerySchema,
        response: { 200: QrCodeViewListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      const { entity_id, customer_id, type } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = await views.qrCodesOfEveryEntity({ entity_id, customer_id, type }, page)
      return { qr_codes: rows.map(serializeQrCodeView), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )
}
