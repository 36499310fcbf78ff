import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { ConfirmPaymentBodySchema, CreatePaymentBodySchema, PaymentIdParamsSchema, PaymentListQuerySchema, PaymentListSchema, PaymentSchema } from './payments.schemas.js'
import { serializePayment } from './payments.serializer.js'

const tags = ['Payments']
const security = [{ bearerAuth: [] }]

/** `/v1/payments` (CONTRACT §4 "Payments"; reference B §6). */
export async function paymentsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { payments, clock } = services

  app.post(
    '/v1/payments/breb',
    {
      config: { scope: 'paas.core.breb_payments.post' },
      schema: {
        tags,
        security,
        summary: 'Pay a resolution from an account',
        description:
          'Checks, in order: resolution (404/403) → a payment already made with it is answered as it is → expired resolution (400) → account (404/403/409 unless ACTIVE) → funds (REJECTED AM04, nothing moves). Otherwise the amount is held and the payment is PROCESSING until it settles, SETTLEMENT_DELAY_MS later on the mock clock.',
        body: CreatePaymentBodySchema,
        response: { 200: PaymentSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      // Answered with the others of its commit, together already (src/plugins/answer-batching.ts).
      reply.writeAtOnce = true
      return serializePayment(await payments.create(principalOf(request), request.body))
    },
  )

  app.post(
    '/v1/payments/breb/confirm',
    {
      config: { scope: 'paas.core.breb_payments.post' },
      schema: {
        tags,
        security,
        summary: 'Confirm a payment (kept for the older two-step flow: answers it unchanged)',
        body: ConfirmPaymentBodySchema,
        response: { 200: PaymentSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => serializePayment(payments.require(principalOf(request), request.body.id)),
  )

  app.get(
    '/v1/payments',
    {
      config: { scope: 'paas.core.breb_payments.list.get' },
      schema: {
        tags,
        security,
        summary: 'List payments',
        description: 'Answers 404 payment_not_found when the entity has no payments at all, as the docs say.',
        querystring: PaymentListQuerySchema,
        response: { 200: PaymentListSchema, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const { payment_id, ...filters } = request.query
      const page = readPageRequest(request.query)
      const { rows, total } = payments.list(
        principalOf(request),
        {
          id: payment_id,
          customer_id: filters.customer_id,
          account_id: filters.account_id,
          direction: filters.direction,
          key_value: filters.key_value,
          status: filters.status,
          qr_code_reference: filters.qr_code_reference,
          type: filters.type,
          end_to_end_identification: filters.end_to_end_identification,
          sender_type: filters.sender_type,
          sender_name: filters.sender_name,
          sender_identification_type: filters.sender_identification_type,
          sender_identification_number: filters.sender_identification_number,
          sender_account_type: filters.sender_account_type,
          sender_account_number: filters.sender_account_number,
          sender_participant_name: filters.sender_participant_name,
          sender_participant_identification_number: filters.sender_participant_identification_number,
        },
        page,
      )
      return { payments: rows.map(serializePayment), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/payments/:payment_id',
    {
      config: { scope: 'paas.core.breb_payments.get' },
      schema: { tags, security, summary: 'Retrieve a payment', params: PaymentIdParamsSchema, response: { 200: PaymentSchema, ...errorResponses(400, 401, 403, 404, 500) } },
    },
    async (request) => serializePayment(payments.require(principalOf(request), request.params.payment_id)),
  )
}
