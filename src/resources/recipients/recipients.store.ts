import type { Database, Statement } from 'better-sqlite3'
import type { BrebKey, KeyType } from '../../core/key-formats.js'
import type { PageRequest } from '../../core/pagination.js'
import { PagedLister } from '../../database/list-query.js'

export const RECIPIENT_TYPES = ['BREB', 'ACH'] as const
export type RecipientType = (typeof RECIPIENT_TYPES)[number]

/** Reference B §5.2 / §5.3. */
export const OWNER_TYPES = ['INDIVIDUAL', 'BUSINESS'] as const
export const IDENTIFICATION_TYPES = ['CC', 'CE', 'NUIP', 'PPT', 'PEP', 'NIT', 'PAS', 'TDI'] as const
export const ACH_ACCOUNT_TYPES = ['LOW_VALUE', 'ORDINARY', 'CHECKING', 'SAVINGS', 'INCLUSIVE_LOW_VALUE'] as const

/** The owner of an ACH recipient's account, as the caller sent it (name parts only when given). */
export interface AchOwner {
  type: (typeof OWNER_TYPES)[number]
  first_name?: string
  second_name?: string
  first_last_name?: string
  second_last_name?: string
  business_name?: string
  identification_type: (typeof IDENTIFICATION_TYPES)[number]
  identification_number: string
}

export interface AchAccount {
  account_type: (typeof ACH_ACCOUNT_TYPES)[number]
  account_number: string
  bank_name: string
}

interface RecipientBase {
  id: string
  entityId: string
  customerId: string
  alias: string | null
  createdAt: string
  updatedAt: string
}

export interface BrebRecipient extends RecipientBase {
  type: 'BREB'
  key: BrebKey
}

export interface AchRecipient extends RecipientBase {
  type: 'ACH'
  owner: AchOwner
  account: AchAccount
}

export type Recipient = BrebRecipient | AchRecipient

interface RecipientRow {
  id: string
  entity_id: string
  customer_id: string
  type: RecipientType
  alias: string | null
  key_type: KeyType | null
  key_value: string | null
  owner: string | null
  identification_number: string | null
  account_type: AchAccount['account_type'] | null
  account_number: string | null
  bank_name: string | null
  created_at: string
  updated_at: string
}

function fromRow(r: RecipientRow): Recipient {
  const base = { id: r.id, entityId: r.entity_id, customerId: r.customer_id, alias: r.alias, createdAt: r.created_at, updatedAt: r.updated_at }
  if (r.type === 'BREB') return { ...base, type: 'BREB', key: { key_type: r.key_type as KeyType, key_value: r.key_value as string } }
  return {
    ...base,
    type: 'ACH',
    owner: JSON.parse(r.owner as string) as AchOwner,
    account: { account_type: r.account_type as AchAccount['account_type'], account_number: r.account_number as string, bank_name: r.bank_name as string },
  }
}

function toRow(r: Recipient): RecipientRow {
  const breb = r.type === 'BREB' ? r : undefined
  const ach = r.type === 'ACH' ? r : undefined
  return {
    id: r.id,
    entity_id: r.entityId,
    customer_id: r.customerId,
    type: r.type,
    alias: r.alias,
    key_type: breb?.key.key_type ?? null,
    key_value: breb?.key.key_value ?? null,
    owner: ach ? JSON.stringify(ach.owner) : null,
    identification_number: ach?.owner.identification_number ?? null,
    account_type: ach?.account.account_type ?? null,
    account_number: ach?.account.account_number ?? null,
    bank_name: ach?.account.bank_name ?? null,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  }
}

/** Column filters of `GET /v1/recipients` (reference B §5.4); ACH-only columns are NULL on BREB rows. */
export interface RecipientFilters {
  customer_id?: string
  type?: string
  id?: string
  identification_number?: string
  account_number?: string
  account_type?: string
  /** The owner's type (INDIVIDUAL, BUSINESS): only ACH recipients store an owner. */
  owner_type?: string
}

/** Saved payees of an entity's customers: Bre-B keys (not resolved) and ACH bank accounts. */
export class RecipientsStore {
  readonly #insert: Statement
  readonly #byId: Statement
  readonly #delete: Statement
  readonly #lister: PagedLister

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO recipients (id, entity_id, customer_id, type, alias, key_type, key_value, owner, identification_number, account_type, account_number, bank_name, created_at, updated_at)
       VALUES (@id, @entity_id, @customer_id, @type, @alias, @key_type, @key_value, @owner, @identification_number, @account_type, @account_number, @bank_name, @created_at, @updated_at)`,
    )
    this.#byId = db.prepare('SELECT * FROM recipients WHERE id = ?')
    this.#delete = db.prepare('DELETE FROM recipients WHERE id = ?')
    // Docs #30 lists `type` "for example, INDIVIDUAL or BUSINESS": the owner's type, which only
    // an ACH recipient stores (a Bre-B recipient's owner is known once resolved).
    this.#lister = new PagedLister(db, 'recipients', { owner_type: "json_extract(owner, '$.type') = @value" })
  }

  insert(recipient: Recipient): void {
    this.#insert.run(toRow(recipient))
  }

  findById(id: string): Recipient | undefined {
    const row = this.#byId.get(id) as RecipientRow | undefined
    return row && fromRow(row)
  }

  delete(id: string): void {
    this.#delete.run(id)
  }

  /** Every entity's recipients, for the control plane's cross-entity view (issue 14); `entity_id` narrows it to one. */
  listAll(filters: RecipientFilters & { entity_id?: string }, page: PageRequest): { rows: Recipient[]; total: number } {
    const { rows, total } = this.#lister.list<RecipientRow>(undefined, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  list(entityId: string, filters: RecipientFilters, page: PageRequest): { rows: Recipient[]; total: number } {
    const { rows, total } = this.#lister.list<RecipientRow>(entityId, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }
}
