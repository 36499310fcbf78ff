import type { Database, Statement } from 'better-sqlite3'
import type { KeyType } from '../../core/key-formats.js'
import type { PageRequest } from '../../core/pagination.js'
import { PagedLister } from '../../database/list-query.js'

export type KeyStatus = 'ACTIVE' | 'SUSPENDED'

export interface Key {
  id: string
  entityId: string
  accountId: string
  customerId: string
  keyType: KeyType
  keyValue: string
  displayName: string | null
  status: KeyStatus
  createdAt: string
  updatedAt: string
}

interface KeyRow {
  id: string
  entity_id: string
  account_id: string
  customer_id: string
  key_type: KeyType
  key_value: string
  display_name: string | null
  status: KeyStatus
  created_at: string
  updated_at: string
}

function fromRow(r: KeyRow): Key {
  return {
    id: r.id,
    entityId: r.entity_id,
    accountId: r.account_id,
    customerId: r.customer_id,
    keyType: r.key_type,
    keyValue: r.key_value,
    displayName: r.display_name,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export interface KeyFilters {
  customer_id?: string
  account_id?: string
  key_type?: string
  id?: string
  status?: string
  key_value?: string
}

/**
 * The console's Find box over every entity's keys (issue 14, GET /_mock/keys?q=): a key, account
 * or customer id exactly, or the start of a key value (a range on the UNIQUE keys_value index).
 */
const SEARCH_CONDITION = `(id = @value OR account_id = @value OR customer_id = @value
  OR (key_value >= @value AND key_value < @value || char(1114111)))`

export type MagicBehaviour = 'unresolvable' | 'reject' | 'hold'

export interface MagicKey {
  keyType: KeyType
  keyValue: string
  behaviour: MagicBehaviour
  errorCode: string | null
}

/** Bre-B keys (reference B §3) and the reserved values of CONTRACT §6. */
export class KeysStore {
  readonly #insert: Statement
  readonly #byId: Statement
  readonly #byValue: Statement
  readonly #setStatus: Statement
  readonly #delete: Statement
  readonly #insertMagic: Statement
  readonly #magic: Statement
  readonly #lister: PagedLister

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO keys (id, entity_id, account_id, customer_id, key_type, key_value, display_name, status, created_at, updated_at)
       VALUES (@id, @entityId, @accountId, @customerId, @keyType, @keyValue, @displayName, @status, @createdAt, @updatedAt)`,
    )
    this.#byId = db.prepare('SELECT * FROM keys WHERE id = ?')
    this.#byValue = db.prepare('SELECT * FROM keys WHERE key_value = ?')
    this.#setStatus = db.prepare('UPDATE keys SET status = @status, updated_at = @at WHERE id = @id')
    this.#delete = db.prepare('DELETE FROM keys WHERE id = ?')
    this.#insertMagic = db.prepare('INSERT INTO magic_keys (key_type, key_value, behaviour, error_code) VALUES (@keyType, @keyValue, @behaviour, @errorCode)')
    this.#magic = db.prepare('SELECT key_type AS keyType, key_value AS keyValue, behaviour, error_code AS errorCode FROM magic_keys WHERE key_type = ? AND key_value = ?')
    this.#lister = new PagedLister(db, 'keys', { q: SEARCH_CONDITION })
  }

  insert(key: Key): void {
    this.#insert.run(key)
  }

  findById(id: string): Key | undefined {
    const row = this.#byId.get(id) as KeyRow | undefined
    return row && fromRow(row)
  }

  /** The live key holding a value, in any entity (one national directory). */
  findByValue(value: string): Key | undefined {
    const row = this.#byValue.get(value) as KeyRow | undefined
    return row && fromRow(row)
  }

  setStatus(id: string, status: KeyStatus, at: string): void {
    this.#setStatus.run({ id, status, at })
  }

  delete(id: string): void {
    this.#delete.run(id)
  }

  list(entityId: string, filters: KeyFilters, page: PageRequest): { rows: Key[]; total: number } {
    const { rows, total } = this.#lister.list<KeyRow>(entityId, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  /** Every entity's keys, for the control plane's cross-entity view (issue 14); `entity_id` narrows it to one. */
  listAll(filters: KeyFilters & { entity_id?: string; q?: string }, page: PageRequest): { rows: Key[]; total: number } {
    const { rows, total } = this.#lister.list<KeyRow>(undefined, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  insertMagic(magic: MagicKey): void {
    this.#insertMagic.run(magic)
  }

  findMagic(keyType: KeyType, keyValue: string): MagicKey | undefined {
    return this.#magic.get(keyType, keyValue) as MagicKey | undefined
  }
}
