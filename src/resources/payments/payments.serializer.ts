import { toMoney } from '../../core/money.js'
import type { Payment } from './payments.store.js'

/**
 * Payment → wire body (CONTRACT §4 "Payments"; reference B §6.3); `error` only when REJECTED;
 * `recipient_id` and `description` only on ACH payments (reference B §6.7).
 */
export function serializePayment(p: Payment) {
  return {
    id: p.id,
    status: p.status,
    direction: p.direction,
    type: p.type,
    account_id: p.accountId,
    resolution_id: p.resolutionId ?? '',
    ...(p.type === 'ACH' && { recipient_id: p.recipientId ?? '' }),
    amount: toMoney(p.amountMinor),
    ...(p.type === 'ACH' && { description: p.description ?? '' }),
    qr_code_reference: p.qrCodeReference,
    end_to_end_identification: p.endToEndIdentification,
    receiver: p.receiver,
    sender: p.sender,
    ...(p.status === 'REJECTED' && p.errorCode !== null && { error: { error_code: p.errorCode, error_description: p.errorDescription ?? p.errorCode } }),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  }
}

export type PaymentBody = ReturnType<typeof serializePayment>
