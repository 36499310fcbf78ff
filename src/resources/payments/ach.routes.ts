import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { CreateAchPaymentBodySchema } from './ach.schemas.js'
import { PaymentSchema } from './payments.schemas.js'
import { serializePayment } from './payments.serializer.js'

/**
 * `POST /v1/payments/ach` (https://docs.passportfintech.com/EN/initiate-ach-payment). A static
 * path, so find-my-way matches it before `/v1/payments/:payment_id`, whose GET keeps answering
 * `GET /v1/payments/ach` with 400 (the id is not a UUID).
 */
export async function achPaymentsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { achPayments } = services

  app.post(
    '/v1/payments/ach',
    {
      // The page names no scope: the Bre-B payment scope, as for every payment route (README Decisions).
      config: { scope: 'paas.core.breb_payments.post' },
      schema: {
        tags: ['Payments'],
        security: [{ bearerAuth: [] }],
        summary: 'Pay an ACH recipient from an account',
        description:
          'Checks, in order: recipient (404/403; a BREB recipient is 400) → account (404/403/409 unless ACTIVE) → funds (REJECTED AM04, nothing moves). Otherwise the amount is held (available → pending) and the payment is PENDING until it settles, ACH_SETTLEMENT_DELAY_MS later on the mock clock (the hold then leaves pending), or is REJECTED (the hold goes back to available).',
        body: CreateAchPaymentBodySchema,
        response: { 200: PaymentSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializePayment(achPayments.create(principalOf(request), request.body)),
  )
}
