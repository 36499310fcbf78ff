import Type, { type Static, type TSchema } from 'typebox'
import { TimestampSchema, UuidSchema } from '../../plugins/common-schemas.js'

/** CONTRACT §5: a rule waits at most a minute. */
export const MAX_FAULT_DELAY_MS = 60000

/** The methods a rule may name (upper- or lower-case on the way in, upper-case stored). */
export const FAULT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

/**
 * A fault rule as sent to `POST /_mock/faults` (and in a seed document's `faults`). Every field
 * narrows or shapes the rule; unknown fields are refused, since a misspelt matcher
 * (`acount_id`) would otherwise leave a rule that fails every request.
 */
export const FaultRuleBodySchema = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid', description: 'The rule’s id (absent: generated); a taken id is 409 already_exists' })),
    method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$', maxLength: 16, description: `Only this HTTP method: ${FAULT_METHODS.join(', ')} (any case)`, examples: ['GET'] })),
    path: Type.Optional(
      Type.String({
        pattern: '^/',
        maxLength: 2048,
        description:
          'With a `:` segment, a route pattern (`/v1/accounts/:account_id`; parameter names need not match the route’s); otherwise a path prefix on segment boundaries (`/v1/accounts` matches `/v1/accounts/…`, not `/v1/accountsx`). Rules never apply to `/_mock`.',
        examples: ['/v1/accounts/:account_id', '/v1/payments'],
      }),
    ),
    account_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Only requests naming this account id in the path, the query or the JSON body', examples: ['00000000-0000-4000-8000-000000000003'] }),
    ),
    key_value: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 92,
        description: 'Only requests naming this Bre-B key value in the query or the JSON body (`key_value`, `key.key_value`), or paying a resolution of it (POST /v1/payments/breb)',
        examples: ['3001234567'],
      }),
    ),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: 'Answer this status instead of the route’s; its type follows CONTRACT §2', examples: [503] })),
    code: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64, description: 'The error code (absent: the catalogue’s for the status, e.g. 503 service_unavailable)', examples: ['service_unavailable'] }),
    ),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'The error message, in every language (absent: the code’s own message)' })),
    delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS, description: 'Wait this long (real time) first; the delays of every matching rule add up', examples: [2000] })),
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000000000, description: 'Apply to this many matching requests, then disappear (absent: always)', examples: [1] })),
  },
  { additionalProperties: false, description: 'A rule needs `status` or `delay_ms` (or both)' },
)

export type FaultRuleBody = Static<typeof FaultRuleBodySchema>

function Nullable<T extends TSchema>(schema: T, description: string) {
  return Type.Union([schema, Type.Null()], { description })
}

/** A rule as answered: every field present, null when the rule does not set it. */
export const FaultRuleSchema = Type.Object(
  {
    id: UuidSchema,
    builtin: Type.Boolean({ description: 'From the fixtures: survives DELETE /_mock/faults and comes back on reset; removable by id' }),
    method: Nullable(Type.String(), 'Upper-case; null: any method'),
    path: Nullable(Type.String(), 'Route pattern or path prefix; null: any path'),
    account_id: Nullable(Type.String(), 'null: any account'),
    key_value: Nullable(Type.String(), 'null: any key'),
    status: Nullable(Type.Integer({ minimum: 400, maximum: 599 }), 'null: a delay only'),
    code: Nullable(Type.String(), 'The code the answer carries (the catalogue’s for the status when the rule named none); null: a delay only'),
    message: Nullable(Type.String(), 'null: the code’s own message, in the request’s language'),
    delay_ms: Nullable(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS }), 'null: no delay'),
    times_left: Nullable(Type.Integer({ minimum: 1 }), 'Matching requests it still applies to (it disappears after the last); null: always'),
    created_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const FaultRuleListSchema = Type.Object({ faults: Type.Array(FaultRuleSchema, { description: 'Oldest first: the order in which rules are tried' }) }, { additionalProperties: false })

export const FaultIdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid', description: 'The rule’s id' }) })
