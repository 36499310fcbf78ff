import { ENV_ENDPOINT_ID, type EventType } from '../../webhooks/events.service.js'
import type { WebhookDeliveryRecord, WebhookEndpoint } from '../../webhooks/webhooks.store.js'

/** An endpoint on the wire: never its secret (CONTRACT §5). */
export function serializeWebhookEndpoint(endpoint: WebhookEndpoint) {
  const fromEnvironment = endpoint.id === ENV_ENDPOINT_ID
  return {
    id: endpoint.id,
    url: endpoint.url,
    mode: endpoint.mode,
    // Only known types get in (POST /_mock/webhooks validates them).
    events: endpoint.events as EventType[] | null,
    entity_id: endpoint.entityId,
    source: fromEnvironment ? ('environment' as const) : ('control' as const),
    created_at: fromEnvironment ? null : endpoint.createdAt,
  }
}

/** One attempt: `error` only when the receiver gave no answer. */
export function serializeDelivery(delivery: WebhookDeliveryRecord) {
  return {
    event_id: delivery.eventId,
    type: delivery.type,
    url: delivery.url,
    attempt: delivery.attempt,
    status: delivery.status,
    ...(delivery.error !== null && { error: delivery.error }),
    at: delivery.at,
  }
}
