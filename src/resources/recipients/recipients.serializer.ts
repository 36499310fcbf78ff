import type { AchRecipient, BrebRecipient, Recipient } from './recipients.store.js'

/** Bre-B recipient → wire body (reference B §5.1); `alias` only when one was given. */
export function serializeBrebRecipient(r: BrebRecipient) {
  return {
    id: r.id,
    customer_id: r.customerId,
    type: r.type,
    key: { key_type: r.key.key_type, key_value: r.key.key_value },
    ...(r.alias !== null && { alias: r.alias }),
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  }
}

/** ACH recipient → wire body (reference B §5.2: the request echoed with id, type and times). */
export function serializeAchRecipient(r: AchRecipient) {
  return {
    id: r.id,
    customer_id: r.customerId,
    type: r.type,
    ...(r.alias !== null && { alias: r.alias }),
    owner: r.owner,
    account: r.account,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  }
}

export function serializeRecipient(r: Recipient) {
  return r.type === 'BREB' ? serializeBrebRecipient(r) : serializeAchRecipient(r)
}
