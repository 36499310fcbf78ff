import type { Account } from '../accounts/accounts.store.js'
import type { Customer } from '../customers/customers.store.js'
import { INTERNAL_PARTICIPANT } from '../resolutions/directory.js'
import type { Party } from './payments.store.js'

/**
 * One of the mock's own accounts as a payment party: its account, the sponsor bank as the
 * participant, and its customer's business as the owner (by `name`, the business name unless
 * a key's display name stands in for it).
 */
export function internalParty(account: Account, customer: Customer, name: string = customer.businessName): Party {
  return {
    account: { account_number: account.accountNumber, account_type: account.accountType },
    participant: INTERNAL_PARTICIPANT,
    owner: { identification_number: customer.identificationNumber, identification_type: customer.identificationType, type: 'BUSINESS', name },
  }
}
