import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses } from '../../plugins/common-schemas.js'
import { PaymentSchema } from '../../resources/payments/payments.schemas.js'
import { serializePayment } from '../../resources/payments/payments.serializer.js'
import type { Services } from '../../services.js'
import { InboundPaymentBodySchema } from './simulations.schemas.js'

const tags = ['mock-control']

/** `POST /_mock/simulations/*` (CONTRACT §5): what the outside world does to the mock's accounts. */
export async function simulationsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { inbound } = services

  app.post(
    '/_mock/simulations/inbound-payment',
    {
      schema: {
        tags,
        summary: 'Receive a Bre-B payment from an outside bank into an account',
        description:
          'Creates the account’s INBOUND payment, already SETTLED (resolution_id ""), credits its available balance with the exact amount, and raises `payment.inbound.received` then `payment.inbound.confirmed` to the account’s entity, all in one transaction. When the account’s entity has a payment-authorization callback (PUT /_mock/entities/{entity_id}/payment-authorization), the payment is answered PROCESSING instead, nothing is credited and only `payment.inbound.received` is raised: the callback’s answer, asked after this request, settles or rejects it. The receiver block names the account’s oldest ACTIVE key (else its owner’s NIT as an ID key). 404 account_not_found; 409 invalid_state when the account is not ACTIVE.',
        body: InboundPaymentBodySchema,
        response: { 200: PaymentSchema, ...errorResponses(400, 401, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializePayment(inbound.receive(request.body)),
  )
}
