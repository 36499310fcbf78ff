import type { AuthorizationAttempt, AuthorizationConfig } from '../../webhooks/authorizations.store.js'

/** A setting on the wire: never its secret. */
export function serializePaymentAuthorization(config: AuthorizationConfig) {
  return {
    entity_id: config.entityId,
    url: config.url,
    secret_set: true as const,
    auto_approve_error: config.autoApproveError,
    created_at: config.createdAt,
    updated_at: config.updatedAt,
  }
}

/** One callback attempt: `error` only when the answer did not count. */
export function serializeAuthorizationAttempt(attempt: AuthorizationAttempt) {
  return {
    payment_id: attempt.paymentId,
    entity_id: attempt.entityId,
    request_id: attempt.requestId,
    url: attempt.url,
    attempt: attempt.attempt,
    status: attempt.status,
    response: attempt.response,
    accept: attempt.accept,
    ...(attempt.error !== null && { error: attempt.error }),
    duration_ms: attempt.durationMs,
    decision: attempt.decision,
    at: attempt.at,
  }
}
