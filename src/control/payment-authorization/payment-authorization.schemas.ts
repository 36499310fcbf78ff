import Type from 'typebox'
import { StringEnum, TimestampSchema, UuidSchema } from '../../plugins/common-schemas.js'

export const EntityIdParamsSchema = Type.Object({ entity_id: Type.String({ format: 'uuid', description: 'The entity whose inbound payments the callback decides' }) })

/** The docs' three settings (https://docs.passportfintech.com/EN/payment-authorization-feature). */
export const PutPaymentAuthorizationBodySchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'The Callback URL: an absolute http or https URL that receives a POST per inbound payment', examples: ['http://127.0.0.1:3000/passport/authorize'] }),
    secret: Type.String({ minLength: 1, maxLength: 1024, description: 'The Secret Token: key of the HMAC-SHA256 in X-Passport-Signature, as for webhooks; never shown again' }),
    auto_approve_error: Type.Optional(Type.Boolean({ default: false, description: 'Auto Approve Error: a callback that fails (no answer in 3 s, not 200, not `{"accept": true|false}`) approves the payment; otherwise it is rejected' })),
  },
  { additionalProperties: false },
)

/** A setting as answered: never its secret. */
export const PaymentAuthorizationSchema = Type.Object(
  {
    entity_id: UuidSchema,
    url: Type.String({ examples: ['http://127.0.0.1:3000/passport/authorize'] }),
    secret_set: Type.Literal(true, { description: 'A secret is set (it is never shown; GET /_mock/state exports it)' }),
    auto_approve_error: Type.Boolean(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const PaymentAuthorizationListSchema = Type.Object({ payment_authorizations: Type.Array(PaymentAuthorizationSchema) }, { additionalProperties: false })

export const AttemptListQuerySchema = Type.Object({
  payment_id: Type.Optional(Type.String({ format: 'uuid', description: 'Only the attempts about this INBOUND payment' })),
  entity_id: Type.Optional(Type.String({ format: 'uuid', description: 'Only this entity’s callbacks' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Newest attempts to answer, 1–1000 (default 100)' })),
})

export const AuthorizationAttemptSchema = Type.Object(
  {
    payment_id: Type.String({ format: 'uuid', description: 'The INBOUND payment asked about' }),
    entity_id: UuidSchema,
    request_id: Type.String({ format: 'uuid', description: 'The `id` of the body the callback received (the same when asked again after a restart)' }),
    url: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    status: Type.Union([Type.Integer(), Type.Null()], { description: 'The callback’s HTTP status; null when it gave no answer (see `error`)' }),
    response: Type.Union([Type.String(), Type.Null()], { description: 'The body it answered (its first 4 KiB); null without an answer' }),
    accept: Type.Union([Type.Boolean(), Type.Null()], { description: 'Its `accept`; null when the answer was not HTTP 200 `{"accept": true|false}`' }),
    error: Type.Optional(Type.String({ description: 'Why the answer did not count: a network error, the 3 s timeout, another status, a malformed body' })),
    duration_ms: Type.Integer({ minimum: 0, description: 'From the request sent to the answer read (or the failure), real ms' }),
    decision: Type.Union([StringEnum(['approved', 'rejected'] as const), Type.Null()], {
      description: 'What the attempt decided (with Auto Approve Error for a failure); null when the payment had been decided meanwhile (by /_mock)',
    }),
    at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const AuthorizationAttemptListSchema = Type.Object({ attempts: Type.Array(AuthorizationAttemptSchema) }, { additionalProperties: false })
