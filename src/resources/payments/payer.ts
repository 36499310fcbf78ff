import { invalidState, notFound } from '../../core/errors.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { Account, AccountsStore } from '../accounts/accounts.store.js'
import type { Customer, CustomersStore } from '../customers/customers.store.js'

/**
 * The paying account of an outbound payment, Bre-B and ACH alike (CONTRACT §4, step 4): 404 when
 * unknown, 403 when another entity's, 409 unless ACTIVE; with its customer, who is the sender.
 */
export function requirePayer(principal: Principal, stores: { accounts: AccountsStore; customers: CustomersStore }, accountId: string): { account: Account; customer: Customer } {
  const account = requireOwned(principal, 'account', stores.accounts.findById(accountId))
  if (account.status !== 'ACTIVE') {
    throw invalidState({ en: `The account is ${account.status}: only ACTIVE accounts can pay`, es: `La cuenta está ${account.status}: solo pagan las cuentas ACTIVE` })
  }
  const customer = stores.customers.findById(account.customerId)
  if (!customer) throw notFound('customer')
  return { account, customer }
}
