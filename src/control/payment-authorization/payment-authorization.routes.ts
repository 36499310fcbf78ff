import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import {
  AttemptListQuerySchema,
  AuthorizationAttemptListSchema,
  EntityIdParamsSchema,
  PaymentAuthorizationListSchema,
  PaymentAuthorizationSchema,
  PutPaymentAuthorizationBodySchema,
} from './payment-authorization.schemas.js'
import { serializeAuthorizationAttempt, serializePaymentAuthorization } from './payment-authorization.serializer.js'

const tags = ['mock-control']
const PATH = '/_mock/entities/:entity_id/payment-authorization'

/**
 * Payment authorization (issue 10 §2; https://docs.passportfintech.com/EN/payment-authorization-feature):
 * an entity's callback, asked about every inbound payment before it settles, and every attempt.
 */
export async function paymentAuthorizationRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { authorizations } = services

  app.put(
    PATH,
    {
      schema: {
        tags,
        summary: 'Set an entity’s payment-authorization callback (the docs’ Callback URL, Secret Token, Auto Approve Error)',
        description:
          'From now on every INBOUND payment to the entity (from another entity of the mock at settlement, or POST /_mock/simulations/inbound-payment) is created PROCESSING and POSTed to `url`, signed like webhooks (`X-Passport-Signature` under `secret`). HTTP 200 `{"accept": true}` within 3 s settles it; `{"accept": false}` rejects it (MS02); anything else approves it with `auto_approve_error`, else rejects it (AB05 for no answer in 3 s, MS03 otherwise). Replaces an earlier setting.',
        params: EntityIdParamsSchema,
        body: PutPaymentAuthorizationBodySchema,
        response: { 200: PaymentAuthorizationSchema, ...errorResponses(400, 401, 404, 413, 415, 500) },
      },
    },
    async (request) => serializePaymentAuthorization(authorizations.put(request.params.entity_id, request.body)),
  )

  app.get(
    PATH,
    {
      schema: {
        tags,
        summary: 'An entity’s payment-authorization callback (never its secret)',
        description: '404 entity_not_found for an unknown entity; 404 payment_authorization_not_found when the entity has none (the feature is off).',
        params: EntityIdParamsSchema,
        response: { 200: PaymentAuthorizationSchema, ...errorResponses(400, 401, 404, 500) },
      },
    },
    async (request) => serializePaymentAuthorization(authorizations.get(request.params.entity_id)),
  )

  app.delete(
    PATH,
    {
      schema: {
        tags,
        summary: 'Turn payment authorization off for an entity',
        description: 'A payment still waiting for the callback then settles as without the feature. 404 when the entity has none.',
        params: EntityIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 404, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      authorizations.remove(request.params.entity_id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/_mock/payment-authorizations',
    {
      schema: {
        tags,
        summary: 'Every entity’s payment-authorization callback (secrets never shown)',
        response: { 200: PaymentAuthorizationListSchema, ...errorResponses(401, 500) },
      },
    },
    async () => ({ payment_authorizations: authorizations.list().map(serializePaymentAuthorization) }),
  )

  app.get(
    '/_mock/webhooks/authorizations',
    {
      schema: {
        tags,
        summary: 'Every payment-authorization callback attempt, newest first',
        description: 'The sibling of /_mock/webhooks/deliveries for the callbacks: status, body and `accept` of each answer, or its error, how long it took and what it decided.',
        querystring: AttemptListQuerySchema,
        response: { 200: AuthorizationAttemptListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => ({
      attempts: authorizations
        .attempts({ paymentId: request.query.payment_id, entityId: request.query.entity_id, limit: request.query.limit ?? 100 })
        .map(serializeAuthorizationAttempt),
    }),
  )
}
