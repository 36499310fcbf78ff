import type { PageRequest } from '../../core/pagination.js'
import type { Account, AccountFilters, AccountsStore } from '../../resources/accounts/accounts.store.js'
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
  ) {}

  entities(filters: EntityFilters, page: PageRequest): Page<EntitySummary> {
    return this.views.listEntities(filters, page)
  }

  accountsOfEveryEntity(filters: AccountFilters & { entity_id?: string }, page: PageRequest): Page<Account> {
    return this.accounts.listAll(filters, page)
  }

  paymentsOfEveryEntity(filters: PaymentFilters & { entity_id?: string }, page: PageRequest): Page<Payment> {
    return this.payments.listAll(filters, page)
  }
}
