import { serializeAccount } from '../../resources/accounts/accounts.serializer.js'
import type { Account } from '../../resources/accounts/accounts.store.js'
import { serializeCustomer } from '../../resources/customers/customers.serializer.js'
import type { Customer } from '../../resources/customers/customers.store.js'
import { serializePayment } from '../../resources/payments/payments.serializer.js'
import type { Payment } from '../../resources/payments/payments.store.js'
import type { EntitySummary } from './views.store.js'

/** An entity on the wire: clients by id and scopes as granted, never a secret (CONTRACT §5). */
export function serializeEntitySummary(e: EntitySummary) {
  return {
    id: e.id,
    name: e.name,
    created_at: e.createdAt,
    clients: e.clients.map((c) => ({ client_id: c.clientId, scopes: c.scopes })),
    counts: e.counts,
  }
}

/** The `/v1` account object plus the entity that owns it and its customer's name. */
export function serializeAccountView(a: Account & { customerName: string | null }) {
  return { ...serializeAccount(a), entity_id: a.entityId, customer_name: a.customerName }
}

/** The `/v1` payment object plus the entity that owns it. */
export function serializePaymentView(p: Payment) {
  return { ...serializePayment(p), entity_id: p.entityId }
}

/** The `/v1` customer object plus the entity that owns it. */
export function serializeCustomerView(c: Customer) {
  return { ...serializeCustomer(c), entity_id: c.entityId }
}
