import { serializeClock } from '../clock/clock.serializer.js'
import { serializeFaultRule } from '../faults/faults.serializer.js'
import { serializePaymentAuthorization } from '../payment-authorization/payment-authorization.serializer.js'
import { serializeSeedResult } from '../state/state.serializer.js'
import { serializeWebhookEndpoint } from '../webhooks/webhooks.serializer.js'
import type { ScenarioOutcome } from './scenario.service.js'

/** What a scenario did, each part as its own route answers it. */
export function serializeScenarioOutcome(outcome: ScenarioOutcome) {
  return {
    state: outcome.state,
    reset: outcome.reset,
    seed: outcome.seed === null ? null : serializeSeedResult(outcome.seed),
    faults: outcome.faults.map(serializeFaultRule),
    webhooks: outcome.webhooks.map(serializeWebhookEndpoint),
    payment_authorizations: outcome.paymentAuthorizations.map(serializePaymentAuthorization),
    clock: serializeClock(outcome.clock),
  }
}
