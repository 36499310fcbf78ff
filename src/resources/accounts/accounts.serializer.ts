import { toMoney } from '../../core/money.js'
import type { Account } from './accounts.store.js'

/** Account → wire body (reference A §4.7): balances as exact decimal strings. */
export function serializeAccount(a: Account) {
  return {
    id: a.id,
    customer_id: a.customerId,
    account_number: a.accountNumber,
    account_type: a.accountType,
    status: a.status,
    available_balance: toMoney(a.availableMinor),
    pending_balance: toMoney(a.pendingMinor),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  }
}
