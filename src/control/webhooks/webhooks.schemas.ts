import Type from 'typebox'
import { StringEnum, TimestampSchema, UuidSchema } from '../../plugins/common-schemas.js'
import { EVENT_TYPES } from '../../webhooks/events.service.js'

const ModeSchema = StringEnum(['once', 'retry'] as const, { description: '`once`: one attempt; `retry`: up to 12 more, after base×2^n ms (WEBHOOK_RETRY_BASE_MS)' })
const EventTypeSchema = StringEnum(EVENT_TYPES)

/** An endpoint as answered: never its secret (CONTRACT §5). */
export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String({ description: '`env` for the environment’s endpoint (WEBHOOK_URL), else a UUID', examples: ['env', '3b0f4c1e-8a2d-4f6e-9b7c-1d2e3f4a5b6c'] }),
    url: Type.String({ examples: ['http://127.0.0.1:3000/webhooks/passport'] }),
    mode: ModeSchema,
    events: Type.Union([Type.Array(EventTypeSchema), Type.Null()], { description: 'The event types it receives; null: every type' }),
    entity_id: Type.Union([UuidSchema, Type.Null()], { description: 'The entity whose events it receives; null: every entity' }),
    source: StringEnum(['environment', 'control'] as const, { description: '`environment`: WEBHOOK_URL (cannot be removed here); `control`: added through POST /_mock/webhooks' }),
    created_at: Type.Union([TimestampSchema, Type.Null()], { description: 'null for the environment’s endpoint' }),
  },
  { additionalProperties: false },
)

export const WebhookEndpointListSchema = Type.Object({ webhooks: Type.Array(WebhookEndpointSchema) }, { additionalProperties: false })

export const AddWebhookBodySchema = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'Absolute http or https URL that receives the POSTs', examples: ['http://127.0.0.1:3000/webhooks/passport'] }),
  secret: Type.String({ minLength: 1, maxLength: 1024, description: 'Key of the HMAC-SHA256 in X-Passport-Signature; never shown again' }),
  mode: ModeSchema,
  events: Type.Optional(Type.Array(EventTypeSchema, { minItems: 1, description: 'Only these event types (absent: every type)' })),
  entity_id: Type.Optional(Type.String({ format: 'uuid', description: 'Only this entity’s events (absent: every entity’s)' })),
})

export const WebhookIdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'The endpoint id (`env` cannot be removed: 409)' }) })

export const DeliveryListQuerySchema = Type.Object({
  event_id: Type.Optional(Type.String({ format: 'uuid', description: 'Only this event’s attempts' })),
  type: Type.Optional(EventTypeSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Newest attempts to answer, 1–1000 (default 100)' })),
})

export const DeliverySchema = Type.Object(
  {
    event_id: UuidSchema,
    type: Type.String({ examples: ['payment.outbound.settled'] }),
    url: Type.String(),
    attempt: Type.Integer({ minimum: 1, description: '1 for the first send, 2 for the first retry…' }),
    status: Type.Union([Type.Integer(), Type.Null()], { description: 'The receiver’s HTTP status; null when it gave no answer (see `error`)' }),
    error: Type.Optional(Type.String({ description: 'Why no answer came: a network error or the 5 s timeout' })),
    at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const DeliveryListSchema = Type.Object({ deliveries: Type.Array(DeliverySchema) }, { additionalProperties: false })
