import { randomUUID } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import { fieldRequired, invalidField } from '../../core/errors.js'
import { type KeyBody, readBodyKey } from '../../core/key-input.js'
import type { PageRequest } from '../../core/pagination.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { CustomersService } from '../customers/customers.service.js'
import type { ResolutionsService } from '../resolutions/resolutions.service.js'
import type { Resolution } from '../resolutions/resolutions.store.js'
import type { AchAccount, AchOwner, AchRecipient, BrebRecipient, Recipient, RecipientFilters, RecipientsStore, RecipientType } from './recipients.store.js'

export interface CreateBrebRecipientInput extends KeyBody {
  customer_id: string
  alias?: string
}

export interface CreateAchRecipientInput {
  customer_id: string
  alias?: string
  owner: AchOwner
  account: AchAccount
}

/** The name parts an owner type needs (reference B §5.2); an empty string counts as absent. */
const REQUIRED_NAME_PARTS: Record<AchOwner['type'], (keyof AchOwner)[]> = {
  INDIVIDUAL: ['first_name', 'first_last_name'],
  BUSINESS: ['business_name'],
}

const OWNER_FIELDS = ['type', 'first_name', 'second_name', 'first_last_name', 'second_last_name', 'business_name', 'identification_type', 'identification_number'] as const

/** Recipients (CONTRACT §4 "Recipients"; reference B §5): saved payees, resolved on demand. */
export class RecipientsService {
  constructor(
    private readonly recipients: RecipientsStore,
    private readonly customers: CustomersService,
    private readonly resolutions: ResolutionsService,
    private readonly clock: Clock,
  ) {}

  /** A single lookup: 404 when absent, 403 when it is another entity's (CONTRACT §3). */
  require(principal: Principal, recipientId: string): Recipient {
    return requireOwned(principal, 'recipient', this.recipients.findById(recipientId))
  }

  /** `/v1/recipients/breb/:id` and `/ach/:id`: a recipient of the other type is not found there. */
  requireOfType<T extends RecipientType>(principal: Principal, recipientId: string, type: T): Extract<Recipient, { type: T }> {
    const row = this.recipients.findById(recipientId)
    return requireOwned(principal, 'recipient', row?.type === type ? (row as Extract<Recipient, { type: T }>) : undefined)
  }

  /** Validation (the key's format) → customer 404/403. The key is not resolved (reference B §5.1). */
  createBreb(principal: Principal, input: CreateBrebRecipientInput): BrebRecipient {
    const key = readBodyKey(input)
    const customer = this.customers.require(principal, input.customer_id)
    const now = this.clock.now().toISOString()
    const recipient: BrebRecipient = {
      id: randomUUID(),
      entityId: principal.entityId,
      customerId: customer.id,
      type: 'BREB',
      key,
      alias: input.alias ?? null,
      createdAt: now,
      updatedAt: now,
    }
    this.recipients.insert(recipient)
    return recipient
  }

  /** Validation (name parts the owner type needs) → customer 404/403. */
  createAch(principal: Principal, input: CreateAchRecipientInput): AchRecipient {
    for (const part of REQUIRED_NAME_PARTS[input.owner.type]) {
      if (!input.owner[part]) throw fieldRequired(`owner.${part}`)
    }
    const customer = this.customers.require(principal, input.customer_id)
    const owner = Object.fromEntries(OWNER_FIELDS.filter((f) => input.owner[f] !== undefined).map((f) => [f, input.owner[f]])) as unknown as AchOwner
    const now = this.clock.now().toISOString()
    const recipient: AchRecipient = {
      id: randomUUID(),
      entityId: principal.entityId,
      customerId: customer.id,
      type: 'ACH',
      alias: input.alias ?? null,
      owner,
      account: { account_type: input.account.account_type, account_number: input.account.account_number, bank_name: input.account.bank_name },
      createdAt: now,
      updatedAt: now,
    }
    this.recipients.insert(recipient)
    return recipient
  }

  list(principal: Principal, filters: RecipientFilters, page: PageRequest): { rows: Recipient[]; total: number } {
    return this.recipients.list(principal.entityId, filters, page)
  }

  delete(principal: Principal, recipientId: string): void {
    this.recipients.delete(this.require(principal, recipientId).id)
  }

  /**
   * A resolution of the recipient's key for its customer, as `POST /v1/resolve-key` would give
   * (reference B §5.4). Existence → ownership → type: an ACH recipient has no key (400).
   */
  resolve(principal: Principal, recipientId: string): Resolution {
    const recipient = this.require(principal, recipientId)
    if (recipient.type !== 'BREB') {
      throw invalidField({
        en: 'Only BREB recipients can be resolved: an ACH recipient is a bank account, not a Bre-B key',
        es: 'Solo se pueden resolver destinatarios BREB: un destinatario ACH es una cuenta bancaria, no una llave Bre-B',
      })
    }
    return this.resolutions.resolve(principal, recipient.customerId, recipient.key, recipient.id)
  }
}
