import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { AddWebhookBodySchema, DeliveryListQuerySchema, DeliveryListSchema, WebhookEndpointListSchema, WebhookEndpointSchema, WebhookIdParamsSchema } from './webhooks.schemas.js'
import { serializeDelivery, serializeWebhookEndpoint } from './webhooks.serializer.js'

const tags = ['mock-control']

/** `/_mock/webhooks` (CONTRACT §5): endpoints that receive events, and every delivery attempt. */
export async function webhooksRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { webhooks } = services

  app.get(
    '/_mock/webhooks',
    {
      schema: {
        tags,
        summary: 'List webhook endpoints (the environment’s first; secrets never shown)',
        response: { 200: WebhookEndpointListSchema, ...errorResponses(401, 500) },
      },
    },
    async () => ({ webhooks: webhooks.list().map(serializeWebhookEndpoint) }),
  )

  app.post(
    '/_mock/webhooks',
    {
      schema: {
        tags,
        summary: 'Add a webhook endpoint',
        description:
          'Receives the events raised after it is added: every entity’s, or only `entity_id`’s; every type, or only `events`. Each POST carries `X-Passport-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` under `secret`.',
        body: AddWebhookBodySchema,
        response: { 201: WebhookEndpointSchema, ...errorResponses(400, 401, 413, 415, 500) },
      },
    },
    async (request, reply) => reply.code(201).send(serializeWebhookEndpoint(webhooks.add(request.body))),
  )

  app.delete(
    '/_mock/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Remove a webhook endpoint (its pending sends are dropped)',
        description: 'The environment’s endpoint (`env`, from WEBHOOK_URL) cannot be removed here: 409 invalid_state.',
        params: WebhookIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 404, 409, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      webhooks.remove(request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/_mock/webhooks/deliveries',
    {
      schema: {
        tags,
        summary: 'Every delivery attempt, newest first',
        querystring: DeliveryListQuerySchema,
        response: { 200: DeliveryListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => ({
      deliveries: webhooks.deliveries({ eventId: request.query.event_id, type: request.query.type, limit: request.query.limit ?? 100 }).map(serializeDelivery),
    }),
  )
}
