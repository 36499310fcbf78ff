import t from 'tap'
import type { Static } from 'typebox'
import type { ClockSchema } from '../../src/control/clock/clock.schemas.js'
import type { FaultRuleBodySchema, FaultRuleSchema } from '../../src/control/faults/faults.schemas.js'
import type { JournalEntrySchema, JournalQuerySchema } from '../../src/control/journal/journal.schemas.js'
import type { InboundPaymentBodySchema } from '../../src/control/simulations/simulations.schemas.js'
import type { SeedDocumentSchema, SeedResultSchema, StateDocumentSchema } from '../../src/control/state/state.schemas.js'
import type { AddWebhookBodySchema, DeliveryListQuerySchema, DeliverySchema, WebhookEndpointSchema } from '../../src/control/webhooks/webhooks.schemas.js'
import type { AccountSchema } from '../../src/resources/accounts/accounts.schemas.js'
import type { CustomerSchema } from '../../src/resources/customers/customers.schemas.js'
import type { KeySchema } from '../../src/resources/keys/keys.schemas.js'
import type { PaymentSchema } from '../../src/resources/payments/payments.schemas.js'
import type { AttemptListQuerySchema, AuthorizationAttemptSchema, PaymentAuthorizationSchema, PutPaymentAuthorizationBodySchema } from '../../src/control/payment-authorization/payment-authorization.schemas.js'
import type * as Public from '../../src/testing-types.js'

// Issue 13 §2: the published types are written out (so a consumer's type-check stays fast with
// skipLibCheck off) and must say what the schemas say. `npm run typecheck` fails on any drift:
// every line below is a compile-time check, the runtime assertion only records that it ran.

/** A and B describe the same values: each is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
/** What the server answers fits the public type. */
type Fits<Server, Published> = [Server] extends [Published] ? true : false

const checks: true[] = [
  true satisfies Same<Public.FaultRuleInput, Static<typeof FaultRuleBodySchema>>,
  true satisfies Same<Public.FaultRule, Static<typeof FaultRuleSchema>>,
  true satisfies Same<Public.ClockState, Static<typeof ClockSchema>>,
  true satisfies Same<Public.JournalEntry, Static<typeof JournalEntrySchema>>,
  true satisfies Same<Public.JournalFilter, Static<typeof JournalQuerySchema>>,
  true satisfies Same<Public.Payment, Static<typeof PaymentSchema>>,
  true satisfies Same<Public.InboundPaymentInput, Static<typeof InboundPaymentBodySchema>>,
  true satisfies Same<Public.WebhookInput, Static<typeof AddWebhookBodySchema>>,
  true satisfies Same<Public.WebhookEndpoint, Static<typeof WebhookEndpointSchema>>,
  true satisfies Same<Public.WebhookDelivery, Static<typeof DeliverySchema>>,
  true satisfies Same<Public.DeliveryFilter, Static<typeof DeliveryListQuerySchema>>,
  true satisfies Same<Public.Customer, Static<typeof CustomerSchema>>,
  true satisfies Same<Public.Account, Static<typeof AccountSchema>>,
  true satisfies Same<Public.Key, Static<typeof KeySchema>>,
  true satisfies Same<Public.SeedDocument, Static<typeof SeedDocumentSchema>>,
  true satisfies Same<Public.SeedResult, Static<typeof SeedResultSchema>>,
  true satisfies Same<Public.PaymentAuthorizationInput, Static<typeof PutPaymentAuthorizationBodySchema>>,
  true satisfies Same<Public.PaymentAuthorization, Static<typeof PaymentAuthorizationSchema>>,
  true satisfies Same<Public.AuthorizationAttempt, Static<typeof AuthorizationAttemptSchema>>,
  true satisfies Same<Public.AuthorizationAttemptFilter, Static<typeof AttemptListQuerySchema>>,
  // The state document is opaque on purpose (save and restore): the server's fits it.
  true satisfies Fits<Static<typeof StateDocumentSchema>, Public.StateDocument>,
]

t.test('the published control-plane types match the server’s schemas (checked by the type-checker)', async (t) => {
  t.equal(checks.length, 21)
})
