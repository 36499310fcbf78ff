import type { FastifyInstance } from 'fastify'
import { serializePayment } from '../../src/resources/payments/payments.serializer.js'
import { bearer } from './auth.js'
import { DEFAULT_ENTITY, OTHER_ACCOUNT, OTHER_CUSTOMER } from './webhooks.js'

/** The default entity's account with nothing in it (fixtures: ACTIVE, 0 and 0). */
export const ZERO_ACCOUNT = '00000000-0000-4000-8000-000000000000'
/** The default entity's account with available 1000 and pending 250.50. */
export const SMALL_ACCOUNT = '00000000-0000-4000-8000-000000000003'

export interface PaymentBody {
  id: string
  status: string
  direction: string
  account_id: string
  amount: { value: string }
  end_to_end_identification: string
  error?: { error_code: string; error_description: string }
}

/** Sets an entity's payment-authorization callback through the control plane; throws unless 200. */
export async function putAuthorization(app: FastifyInstance, url: string, options: { secret?: string; autoApproveError?: boolean; entityId?: string } = {}) {
  const res = await app.inject({
    method: 'PUT',
    url: `/_mock/entities/${options.entityId ?? DEFAULT_ENTITY}/payment-authorization`,
    payload: { url, secret: options.secret ?? 'authz-secret', auto_approve_error: options.autoApproveError ?? false },
  })
  if (res.statusCode !== 200) throw new Error(`PUT payment-authorization failed: ${res.statusCode} ${res.body}`)
  return res
}

/** An inbound payment from an outside bank (`POST /_mock/simulations/inbound-payment`); throws unless 200. */
export async function simulateInbound(app: FastifyInstance, accountId: string, value: string): Promise<PaymentBody> {
  const res = await app.inject({ method: 'POST', url: '/_mock/simulations/inbound-payment', payload: { account_id: accountId, amount: { value, currency: 'COP' } } })
  if (res.statusCode !== 200) throw new Error(`inbound simulation failed: ${res.statusCode} ${res.body}`)
  return res.json<PaymentBody>()
}

/**
 * A payment between two entities of the mock: the other entity's account `…0403` (available
 * 1000) pays `value` to a PHONE key registered on the default entity's ZERO_ACCOUNT. Answers the
 * OUTBOUND payment as created (PROCESSING).
 */
export async function payDefaultEntity(app: FastifyInstance, value: string, keyValue = '3005550001'): Promise<PaymentBody> {
  const admin = await bearer(app)
  const other = await bearer(app, 'other')
  const key = await app.inject({ method: 'POST', url: '/v1/keys', headers: admin, payload: { account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (key.statusCode !== 200) throw new Error(`key registration failed: ${key.statusCode} ${key.body}`)
  const resolved = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers: other, payload: { customer_id: OTHER_CUSTOMER, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (resolved.statusCode !== 200) throw new Error(`resolve-key failed: ${resolved.statusCode} ${resolved.body}`)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/payments/breb',
    headers: other,
    payload: { account_id: OTHER_ACCOUNT, resolution_id: resolved.json<{ id: string }>().id, amount: { value, currency: 'COP' } },
  })
  if (res.statusCode !== 200) throw new Error(`payment failed: ${res.statusCode} ${res.body}`)
  return res.json<PaymentBody>()
}

/** `[available, pending]` of any entity's account in minor units (cents), exact, from its store. */
export function balancesOf(app: FastifyInstance, accountId: string): [bigint, bigint] {
  app.services.stores.accounts.invalidate()
  const account = app.services.stores.accounts.findById(accountId)
  if (!account) throw new Error(`no account ${accountId}`)
  return [account.availableMinor, account.pendingMinor]
}

/** Any entity's payment as the API answers it. */
export function paymentOf(app: FastifyInstance, paymentId: string): PaymentBody {
  const payment = app.services.stores.payments.findById(paymentId)
  if (!payment) throw new Error(`no payment ${paymentId}`)
  return serializePayment(payment) as PaymentBody
}

/** The INBOUND record of an internal payment, by its end-to-end id. */
export async function inboundOf(app: FastifyInstance, outbound: PaymentBody): Promise<PaymentBody> {
  const res = await app.inject({ url: `/_mock/payments?end_to_end_identification=${outbound.end_to_end_identification}&direction=INBOUND` })
  const payment = res.json<{ payments: PaymentBody[] }>().payments[0]
  if (!payment) throw new Error(`no INBOUND record for ${outbound.id}: ${res.body}`)
  return payment
}

/** Webhook event types raised so far for one payment id, oldest first. */
export function eventTypesOf(app: FastifyInstance, paymentId: string): string[] {
  const rows = app.services.db.prepare('SELECT type, body FROM webhook_events ORDER BY seq').all() as { type: string; body: string }[]
  return rows.filter((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id === paymentId).map((r) => r.type)
}

/** An attempt as GET /_mock/webhooks/authorizations lists it: the typed client's own type. */
export type { AuthorizationAttempt as AttemptBody } from '../../src/testing-types.js'

/** Runs a sweeper pass and waits for the callbacks it asked, then for the webhook sends. */
export async function sweepAuthorizations(app: FastifyInstance): Promise<void> {
  await app.services.sweeper.runDue()
  await app.services.authorizationDelivery.idle()
  await app.services.webhookDelivery.idle()
}
