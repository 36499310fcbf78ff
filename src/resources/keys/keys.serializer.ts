import type { Key } from './keys.store.js'

/** Key → wire body (reference B §3.1). */
export function serializeKey(k: Key) {
  return {
    id: k.id,
    status: k.status,
    key: { key_type: k.keyType, key_value: k.keyValue },
    account_id: k.accountId,
    ...(k.displayName !== null && { display_name: k.displayName }),
    created_at: k.createdAt,
    updated_at: k.updatedAt,
  }
}
