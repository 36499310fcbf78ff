import type { PageRequest } from '../../core/pagination.js'
import { notFound } from '../../core/errors.js'
import type { Principal } from '../../core/principal.js'
import type { Account, AccountFilters, AccountsStore } from '../../resources/accounts/accounts.store.js'
import type { Customer, CustomerFilters, CustomersStore } from '../../resources/customers/customers.store.js'
import type { KeysService } from '../../resources/keys/keys.service.js'
import type { Key, KeyFilters, KeysStore, KeyStatus } from '../../resources/keys/keys.store.js'
import type { Payment, PaymentFilters, PaymentsStore } from '../../resources/payments/payments.store.js'
import type { DrawnQrCode, QrCodesService } from '../../resources/qrcodes/qrcodes.service.js'
import type { QrCodeFilters, QrCodesStore } from '../../resources/qrcodes/qrcodes.store.js'
import type { Recipient, RecipientFilters, RecipientsStore } from '../../resources/recipients/recipients.store.js'
import type { TokensService, TokenStatus } from '../../resources/tokens/tokens.service.js'
import type { Token, TokensStore } from '../../resources/tokens/tokens.store.js'
import type { EntityFilters, EntitySummary, ViewsStore } from './views.store.js'

type Page<T> = { rows: T[]; total: number }

/** The stores and `/v1` services behind the console's other tabs (issue 14). */
export interface MoreViews {
  keys: KeysStore
  tokens: TokensStore
  recipients: RecipientsStore
  qrCodes: QrCodesStore
  keysService: KeysService
  tokensService: TokensService
  qrCodesService: QrCodesService
}

type Named = { customerName: string | null }

/**
 * The entity that owns a row, as the `/v1` services take a caller: the control plane acts for
 * that entity, so an action from the console follows the API's own rules (its 409s, its 404s)
 * and never crosses entities. No token stands behind it; none is needed past authentication.
 */
function actingFor(entityId: string): Principal {
  return { entityId, clientId: 'mock-control', tokenId: 'mock-control', scopes: [] }
}

/**
 * The cross-entity views of the control plane (CONTRACT §5): every entity's rows, paged and
 * ordered as the `/v1` lists are, for the QA console and for QA engineers. No ownership check,
 * since `/_mock` speaks for every entity; the few actions (keys, tokens) go through the `/v1`
 * services as the owning entity.
 */
export class ViewsService {
  constructor(
    private readonly views: ViewsStore,
    private readonly accounts: AccountsStore,
    private readonly payments: PaymentsStore,
    private readonly customers: CustomersStore,
    private readonly more: MoreViews,
  ) {}

  entities(filters: EntityFilters, page: PageRequest): Page<EntitySummary> {
    return this.views.listEntities(filters, page)
  }

  /** A customer's name by id: one primary-key read per row of a page (issue 14: names beside ids). */
  #customerName(customerId: string): string | null {
    return this.customers.findById(customerId)?.businessName ?? null
  }

  /** Each account with its customer's name (issue 14: the console shows names beside ids); one primary-key read per row of the page. */
  accountsOfEveryEntity(filters: AccountFilters & { entity_id?: string }, page: PageRequest): Page<Account & Named> {
    const { rows, total } = this.accounts.listAll(filters, page)
    return { rows: rows.map((a) => ({ ...a, customerName: this.#customerName(a.customerId) })), total }
  }

  customersOfEveryEntity(filters: CustomerFilters & { entity_id?: string }, page: PageRequest): Page<Customer> {
    return this.customers.listAll(filters, page)
  }

  /** Each payment with the number of its mock account and that account's customer's name. */
  paymentsOfEveryEntity(filters: PaymentFilters & { entity_id?: string; q?: string }, page: PageRequest): Page<Payment & Named & { accountNumber: string | null }> {
    const { rows, total } = this.payments.listAll(filters, page)
    return { rows: rows.map((p) => ({ ...p, accountNumber: this.accounts.findById(p.accountId)?.accountNumber ?? null, customerName: this.#customerName(p.customerId) })), total }
  }

  /** Each key with its account's number and its customer's name. */
  keysOfEveryEntity(filters: KeyFilters & { entity_id?: string; q?: string }, page: PageRequest): Page<Key & Named & { accountNumber: string | null }> {
    const { rows, total } = this.more.keys.listAll(filters, page)
    return { rows: rows.map((k) => ({ ...k, accountNumber: this.accounts.findById(k.accountId)?.accountNumber ?? null, customerName: this.#customerName(k.customerId) })), total }
  }

  /** Suspends or activates a key as its entity would through `PATCH /v1/keys/{id}/suspend|activate` (a repeat is 409). */
  setKeyStatus(keyId: string, status: KeyStatus): Key & Named & { accountNumber: string | null } {
    const key = this.more.keysService.setStatus(actingFor(this.#keyOwner(keyId)), keyId, status)
    return { ...key, accountNumber: this.accounts.findById(key.accountId)?.accountNumber ?? null, customerName: this.#customerName(key.customerId) }
  }

  /** Deletes a key as its entity would through `DELETE /v1/keys/{id}`: the value is free again. */
  deleteKey(keyId: string): void {
    this.more.keysService.delete(actingFor(this.#keyOwner(keyId)), keyId)
  }

  #keyOwner(keyId: string): string {
    const key = this.more.keys.findById(keyId)
    if (!key) throw notFound('key')
    return key.entityId
  }

  /** Each token with its state on the mock's clock (ACTIVE, EXPIRED, REVOKED) and the seconds it has left. */
  tokensOfEveryEntity(filters: { entity_id?: string; client_id?: string }, page: PageRequest): Page<{ token: Token; status: TokenStatus; expiresIn: number }> {
    const { rows, total } = this.more.tokens.listAll(filters, page)
    return { rows: rows.map((token) => this.#tokenState(token)), total }
  }

  /** Revokes a token as its entity would through `DELETE /v1/iam/oauth/tokens/{id}`: already revoked is 404 (Contract 2). */
  revokeToken(tokenId: string): { token: Token; status: TokenStatus; expiresIn: number } {
    const token = this.more.tokens.findById(tokenId)
    if (!token) throw notFound('token')
    this.more.tokensService.revoke(actingFor(token.entityId), tokenId, undefined)
    return this.#tokenState(this.more.tokens.findById(tokenId) ?? token)
  }

  #tokenState(token: Token): { token: Token; status: TokenStatus; expiresIn: number } {
    return { token, status: this.more.tokensService.status(token), expiresIn: this.more.tokensService.expiresIn(token) }
  }

  recipientsOfEveryEntity(filters: RecipientFilters & { entity_id?: string }, page: PageRequest): Page<Recipient & Named> {
    const { rows, total } = this.more.recipients.listAll(filters, page)
    return { rows: rows.map((r) => ({ ...r, customerName: this.#customerName(r.customerId) })), total }
  }

  /** Each QR code with its PNG (drawn now if an import left it out, as `GET /v1/qrcodes` does) and its customer's name. */
  async qrCodesOfEveryEntity(filters: QrCodeFilters & { entity_id?: string }, page: PageRequest): Promise<Page<DrawnQrCode & Named>> {
    const { rows, total } = this.more.qrCodes.listAll(filters, page)
    const drawn = await Promise.all(rows.map((q) => this.more.qrCodesService.get(actingFor(q.entityId), q.id)))
    return { rows: drawn.map((q) => ({ ...q, customerName: this.#customerName(q.customerId) })), total }
  }
}
