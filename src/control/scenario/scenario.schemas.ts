import Type, { type Static } from 'typebox'
import { ClockSchema } from '../clock/clock.schemas.js'
import { FaultRuleBodySchema, FaultRuleSchema } from '../faults/faults.schemas.js'
import { PaymentAuthorizationSchema, PutPaymentAuthorizationBodySchema } from '../payment-authorization/payment-authorization.schemas.js'
import { SeedDocumentSchema, SeedResultSchema, StateDocumentSchema } from '../state/state.schemas.js'
import { AddWebhookBodySchema, WebhookEndpointSchema } from '../webhooks/webhooks.schemas.js'

/**
 * A scenario (issue 13 §6): a whole situation in one document, JSON or YAML, applied in this
 * order: `state` (or, without it, a reset to the fixtures unless `reset` is false), `seed`,
 * `faults`, `webhooks`, `payment_authorizations`, `clock`. Each part is the body of the control
 * route it stands for.
 */
export const ScenarioSchema = Type.Object(
  {
    reset: Type.Optional(Type.Boolean({ default: true, description: 'Without `state`: first go back to the fixtures (as POST /_mock/reset; tokens kept). false: apply on top of what is there' })),
    /** A whole state (GET /_mock/state) that replaces everything, as PUT /_mock/state. */
    state: Type.Optional(StateDocumentSchema),
    /** A seed document (POST /_mock/seed): partial objects completed by faker. */
    seed: Type.Optional(SeedDocumentSchema),
    faults: Type.Optional(Type.Array(FaultRuleBodySchema, { description: 'Fault rules (each the body of POST /_mock/faults), added in order' })),
    webhooks: Type.Optional(Type.Array(AddWebhookBodySchema, { description: 'Webhook endpoints (each the body of POST /_mock/webhooks), added in order' })),
    payment_authorizations: Type.Optional(
      Type.Array(
        Type.Object(
          {
            entity_id: Type.String({ format: 'uuid', description: 'The entity whose inbound payments the callback decides' }),
            ...PutPaymentAuthorizationBodySchema.properties,
          },
          { additionalProperties: false },
        ),
        { description: 'Payment-authorization callbacks (PUT /_mock/entities/{entity_id}/payment-authorization)' },
      ),
    ),
    clock: Type.Optional(
      Type.Object(
        {
          set: Type.Optional(Type.String({ format: 'date-time', description: 'Move the clock to this time (POST /_mock/clock `set`)', examples: ['2026-01-15T12:00:00.000Z'] })),
          frozen: Type.Optional(Type.Boolean({ description: 'true: stop it there; false: let it run' })),
        },
        { additionalProperties: false, description: 'Last: the clock, once everything else is in place' },
      ),
    ),
  },
  { additionalProperties: false, description: 'Every part optional; applied in the order listed; a 400 names the field and changes nothing' },
)

export type Scenario = Static<typeof ScenarioSchema>

export const ScenarioResultSchema = Type.Object(
  {
    state: Type.Boolean({ description: 'true: the state was replaced' }),
    reset: Type.Boolean({ description: 'true: the fixtures came back first' }),
    seed: Type.Union([SeedResultSchema, Type.Null()], { description: 'What the seed created (null: no seed)' }),
    faults: Type.Array(FaultRuleSchema),
    webhooks: Type.Array(WebhookEndpointSchema),
    payment_authorizations: Type.Array(PaymentAuthorizationSchema),
    clock: ClockSchema,
  },
  { additionalProperties: false },
)

/** The situation as a scenario: the whole state (faults, webhooks and callbacks are in it) and the clock. */
export const ScenarioExportSchema = Type.Object(
  {
    state: StateDocumentSchema,
    clock: Type.Object({ set: Type.String({ format: 'date-time' }), frozen: Type.Boolean() }, { additionalProperties: false }),
  },
  { additionalProperties: false, description: 'PUT /_mock/scenario (or `passport-mock serve --scenario`) takes it back' },
)
