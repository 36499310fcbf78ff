import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { errorResponses } from '../../plugins/common-schemas.js'
import { PaymentIdParamsSchema, PaymentSchema } from '../../resources/payments/payments.schemas.js'
import { serializePayment } from '../../resources/payments/payments.serializer.js'
import type { Services } from '../../services.js'

const tags = ['mock-control']

export const RejectPaymentBodySchema = Type.Object({
  error_code: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{2,8}$', description: 'The rejection code (default B002 for Bre-B, R03 for ACH), e.g. AM04, AC06, R02', examples: ['B002'] })),
})

/**
 * `POST /_mock/payments/{payment_id}/settle` and `.../reject` (CONTRACT §5): move a PROCESSING
 * (or, for ACH, PENDING) payment now, whatever its due time — the way out for payments held by
 * PHONE 3000000009 or ACH account number 9000000009.
 * The same settlement code as the sweeper's, so balances, INBOUND records and events follow.
 */
export async function paymentsControlRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { settlement } = services

  app.post(
    '/_mock/payments/:payment_id/settle',
    {
      schema: {
        tags,
        summary: 'Settle a PROCESSING (Bre-B) or PENDING (ACH) payment now',
        description:
          'Any entity’s payment. An internal receiver that is not ACTIVE still rejects it (AC06/AC04), as at a normal settlement. The receiver’s payment-authorization callback is not asked; a payment waiting for it (by its INBOUND or OUTBOUND id) is settled now, both records.',
        params: PaymentIdParamsSchema,
        response: { 200: PaymentSchema, ...errorResponses(400, 401, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializePayment(settlement.settle(request.params.payment_id)),
  )

  app.post(
    '/_mock/payments/:payment_id/reject',
    {
      schema: {
        tags,
        summary: 'Reject a PROCESSING (Bre-B) or PENDING (ACH) payment now (the hold goes back to available)',
        description: 'A payment waiting for its receiver’s payment-authorization callback (by its INBOUND or OUTBOUND id) is rejected now, both records, with the same code.',
        params: PaymentIdParamsSchema,
        body: RejectPaymentBodySchema,
        response: { 200: PaymentSchema, ...errorResponses(400, 401, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializePayment(settlement.reject(request.params.payment_id, request.body.error_code)),
  )
}
