import { serializeAccount } from '../../resources/accounts/accounts.serializer.js'
import type { Account } from '../../resources/accounts/accounts.store.js'
import { serializeCustomer } from '../../resources/customers/customers.serializer.js'
import type { Customer } from '../../resources/customers/customers.store.js'
import { serializePayment } from '../../resources/payments/payments.serializer.js'
import type { Payment } from '../../resources/payments/payments.store.js'
import type { EntitySummary } from './views.store.js'
import { type DataObject, decodeBrebQr, parseDataObjects } from '../../core/emvco.js'
import { serializeKey } from '../../resources/keys/keys.serializer.js'
import type { Key } from '../../resources/keys/keys.store.js'
import { serializeDecodedQrCode, serializeQrCode } from '../../resources/qrcodes/qrcodes.serializer.js'
import type { DrawnQrCode } from '../../resources/qrcodes/qrcodes.service.js'
import { serializeRecipient } from '../../resources/recipients/recipients.serializer.js'
import type { Recipient } from '../../resources/recipients/recipients.store.js'
import { serializeTokenInfo } from '../../resources/tokens/tokens.serializer.js'
import type { TokenStatus } from '../../resources/tokens/tokens.service.js'
import type { Token } from '../../resources/tokens/tokens.store.js'

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

/** The `/v1` payment object plus the entity that owns it, the mock account's number and its customer's name. */
export function serializePaymentView(p: Payment & { accountNumber: string | null; customerName: string | null }) {
  return { ...serializePayment(p), entity_id: p.entityId, account_number: p.accountNumber, customer_name: p.customerName }
}

/** The `/v1` customer object plus the entity that owns it. */
export function serializeCustomerView(c: Customer) {
  return { ...serializeCustomer(c), entity_id: c.entityId }
}

/** The `/v1` key object plus its owners: the entity, the customer (and name) and the account's number. */
export function serializeKeyView(k: Key & { accountNumber: string | null; customerName: string | null }) {
  return { ...serializeKey(k), entity_id: k.entityId, customer_id: k.customerId, account_number: k.accountNumber, customer_name: k.customerName }
}

/**
 * The `/v1` token metadata plus its entity and client, its revocation time, and a prefix of the
 * stored SHA-256: the access token itself is never stored, so never shown (CONTRACT §3).
 */
export function serializeTokenView(t: Token, status: TokenStatus, expiresIn: number) {
  return { ...serializeTokenInfo(t, status, expiresIn), entity_id: t.entityId, client_id: t.clientId, token_hash_prefix: t.tokenHash.slice(0, 12), revoked_at: t.revokedAt }
}

/** The `/v1` recipient object plus its entity and its customer's name. */
export function serializeRecipientView(r: Recipient & { customerName: string | null }) {
  return { ...serializeRecipient(r), entity_id: r.entityId, customer_name: r.customerName }
}

/**
 * The `/v1` QR code object (its PNG included) plus its entity, its customer's name and its payload
 * decoded twice: into the decode answer's fields, and into its top-level EMVCo data objects.
 * Both come from core/emvco.ts, the decoder `POST /v1/qrcodes/decode` uses.
 */
export function serializeQrCodeView(q: DrawnQrCode & { customerName: string | null }) {
  let decoded: ReturnType<typeof serializeDecodedQrCode> | null = null
  let dataObjects: DataObject[] = []
  try {
    decoded = serializeDecodedQrCode(decodeBrebQr(q.qrCodeData), q.qrCodeData)
    dataObjects = parseDataObjects(q.qrCodeData)
  } catch {
    // An imported row with a payload that does not decode: shown as it is, without fields.
  }
  return { ...serializeQrCode(q), entity_id: q.entityId, customer_name: q.customerName, decoded, data_objects: dataObjects }
}
