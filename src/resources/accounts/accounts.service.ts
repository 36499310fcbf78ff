import { randomUUID } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import { alreadyExists } from '../../core/errors.js'
import type { PageRequest } from '../../core/pagination.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { CustomersService } from '../customers/customers.service.js'
import type { Account, AccountFilters, AccountsStore, AccountType } from './accounts.store.js'

export interface LinkAccountInput {
  customer_id: string
  account_type: AccountType
  account_number: string
}

/** Account management (CONTRACT §4; reference A §4). */
export class AccountsService {
  constructor(
    private readonly accounts: AccountsStore,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
  ) {}

  /** A single lookup: 404 when absent, 403 when it is another entity's (CONTRACT §3). */
  require(principal: Principal, accountId: string): Account {
    return requireOwned(principal, 'account', this.accounts.findById(accountId))
  }

  /** New accounts are ACTIVE with zero balances; the number is unique within the entity. */
  link(principal: Principal, input: LinkAccountInput): Account {
    const customer = this.customers.require(principal, input.customer_id)
    if (this.accounts.findByNumber(principal.entityId, input.account_number)) {
      throw alreadyExists({ en: 'An account with this account_number already exists', es: 'Ya existe una cuenta con este account_number' })
    }
    const now = this.clock.now().toISOString()
    const account: Account = {
      id: randomUUID(),
      entityId: principal.entityId,
      customerId: customer.id,
      accountNumber: input.account_number,
      accountType: input.account_type,
      status: 'ACTIVE',
      availableMinor: 0n,
      pendingMinor: 0n,
      createdAt: now,
      updatedAt: now,
    }
    this.accounts.insert(account)
    return account
  }

  list(principal: Principal, filters: AccountFilters, page: PageRequest): { rows: Account[]; total: number } {
    return this.accounts.list(principal.entityId, filters, page)
  }
}
