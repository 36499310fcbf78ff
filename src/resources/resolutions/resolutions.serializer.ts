import type { Resolution } from './resolutions.store.js'

/**
 * Resolution → wire body (reference B §4.1): `id` and `resolution_id` carry the same value;
 * `type: "BREB"` as https://docs.passportfintech.com/ES/resolver-destinatario shows (Contract 2).
 */
export function serializeResolution(r: Resolution) {
  return {
    id: r.id,
    resolution_id: r.id,
    type: 'BREB' as const,
    customer_id: r.customerId,
    key: r.key,
    owner: r.owner,
    participant: r.participant,
    account: r.account,
    receptor_node: r.receptorNode,
    resolved_at: r.resolvedAt,
    expires_at: r.expiresAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  }
}
