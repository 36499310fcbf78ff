import type { EventsService } from '../../webhooks/events.service.js'
import type { Account, AccountsStore } from '../accounts/accounts.store.js'
import { rejection } from './payment-errors.js'
import { serializePayment } from './payments.serializer.js'
import type { Payment, PaymentsStore } from './payments.store.js'

/**
 * The last step of every outbound payment, Bre-B and ACH alike (CONTRACT §4; the ACH page's
 * "pending balance will be updated"): without the funds the payment is stored REJECTED with AM04
 * and nothing moves; otherwise the amount is held (available → pending) and the payment waits for
 * settlement. Runs inside the caller's transaction; `account` is as read in it.
 */
export function holdOrRejectForFunds(
  stores: { accounts: AccountsStore; payments: PaymentsStore; events: EventsService },
  account: Account,
  payment: Payment,
): Payment {
  if (account.availableMinor < payment.amountMinor) {
    const funds = rejection('AM04')
    const rejected: Payment = { ...payment, status: 'REJECTED', settleAt: null, errorCode: funds.code, errorDescription: funds.description }
    stores.payments.insert(rejected)
    stores.events.emit(payment.entityId, 'payment.outbound.rejected', serializePayment(rejected))
    return rejected
  }
  stores.accounts.setBalances(account.id, account.availableMinor - payment.amountMinor, account.pendingMinor + payment.amountMinor, payment.createdAt)
  stores.payments.insert(payment)
  stores.events.emit(payment.entityId, 'payment.outbound.confirmed', serializePayment(payment))
  return payment
}
