import type { PageRequest } from '../../core/pagination.js'
import type { Account, AccountFilters, AccountsStore } from '../../resources/accounts/accounts.store.js'
import type { Customer, CustomerFilters, CustomersStore } from '../../resources/customers/customers.store.js'
import type { Payment, PaymentFilters, PaymentsStore } from '../../resources/payments/payments.store.js'
import type { EntityFilters, EntitySummary, ViewsStore } from './views.store.js'

type Page<T> = { rows: T[]; total: number }

/**
 * The cross-entity views of the control plane (CONTRACT §5): every entity's rows, paged and
 * ordered as the `/v1` lists are, for the QA console and for QA engineers. Read-only; no
 * ownership check, since `/_mock` speaks for every entity.
 */
export class ViewsService {
  constructor(
    private readonly views: ViewsStore,
    private readonly accounts: AccountsStore,
    private readonly payments: PaymentsStore,
    private readonly customers: CustomersStore,
  ) {}

  entities(filters: EntityFilters, page: PageRequest): Page<EntitySummary> {
    return this.views.listEntities(filters, page)
  }

  /** Each account with its customer's name (issue 14: the console shows names beside ids); one primary-key read per row of the page. */
  accountsOfEveryEntity(filters: AccountFilters & { entity_id?: string }, page: PageRequest): Page<Account & { customerName: string | null }> {
    const { rows, total } = this.accounts.listAll(filters, page)
    return { rows: rows.map((a) => ({ ...a, customerName: this.customers.findById(a.customerId)?.businessName ?? null })), total }
  }

  customersOfEveryEntity(filters: CustomerFilters & { entity_id?: string }, page: PageRequest): Page<Customer> {
    return this.customers.listAll(filters, page)
  }

  paymentsOfEveryEntity(filters: PaymentFilters & { entity_id?: string }, page: PageRequest): Page<Payment> {
    return this.payments.listAll(filters, page)
  }
}
