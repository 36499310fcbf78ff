import type { Database, Statement } from 'better-sqlite3'
import { type BuiltFixtures, type FixtureStores, insertFixtures } from '../fixtures/load-fixtures.js'

/**
 * The whole state as rows (CONTRACT §5 `GET /_mock/state`): one array per table, each row with
 * the table's own column names. Money stays TEXT minor units (`available_minor: "9000"`), JSON
 * columns are JSON values, `builtin` is a boolean; nothing passes through a JavaScript number
 * that was not one already.
 */
export type StateRow = Record<string, unknown>

export interface StateDocument {
  format_version: typeof STATE_FORMAT_VERSION
  entities: StateRow[]
  clients: StateRow[]
  tokens: StateRow[]
  customers: StateRow[]
  accounts: StateRow[]
  keys: StateRow[]
  magic_keys: StateRow[]
  magic_ach_accounts: StateRow[]
  resolutions: StateRow[]
  recipients: StateRow[]
  payments: StateRow[]
  qr_codes: StateRow[]
  webhooks: StateRow[]
  faults: StateRow[]
  /** Absent in a document written before payment authorization existed: none. */
  payment_authorizations?: StateRow[]
  payment_authorization_requests?: StateRow[]
}

export const STATE_FORMAT_VERSION = 1

export type StateCollection = Exclude<keyof StateDocument, 'format_version'>

/** The tables a seed writes rows of with ids it must not take twice (`exists`). */
export type SeededTable = 'entities' | 'customers' | 'accounts' | 'keys' | 'fault_rules'

interface TableSpec {
  collection: StateCollection
  table: string
  /** Columns holding JSON text: parsed on export, written back as compact JSON on import. */
  json?: string[]
  /** 0/1 columns shown as booleans. */
  booleans?: string[]
  /** Columns the export leaves out and an import derives (fault_rules.seq: the array's order). */
  derived?: Record<string, (index: number) => unknown>
}

/**
 * Every table that makes up the state, parents before children: the order of an import's
 * inserts and, reversed, of its deletes. Webhook events, jobs and the attempt log are delivery
 * history, like the journal: neither exported nor kept across an import or a reset.
 */
export const STATE_TABLES: readonly TableSpec[] = [
  { collection: 'entities', table: 'entities' },
  { collection: 'clients', table: 'clients', json: ['scopes'] },
  { collection: 'tokens', table: 'tokens', json: ['scopes', 'roles'] },
  { collection: 'customers', table: 'customers' },
  { collection: 'accounts', table: 'accounts' },
  { collection: 'keys', table: 'keys' },
  { collection: 'magic_keys', table: 'magic_keys' },
  { collection: 'magic_ach_accounts', table: 'magic_ach_accounts' },
  // `paid` is the database's own mark (0013), set by a trigger when a payment naming the
  // resolution is inserted: not state, so an import's payments set it again.
  { collection: 'resolutions', table: 'resolutions', json: ['owner', 'participant', 'account'], derived: { paid: () => 0 } },
  { collection: 'recipients', table: 'recipients', json: ['owner'] },
  { collection: 'payments', table: 'payments', json: ['receiver', 'sender'] },
  // A question still pending is state like a payment's due time: an import asks it again.
  { collection: 'payment_authorization_requests', table: 'payment_authorization_requests' },
  { collection: 'qr_codes', table: 'qr_codes', json: ['body'] },
  { collection: 'webhooks', table: 'webhook_endpoints', json: ['events'] },
  { collection: 'payment_authorizations', table: 'payment_authorization_configs', booleans: ['auto_approve_error'] },
  { collection: 'faults', table: 'fault_rules', booleans: ['builtin'], derived: { seq: (index) => index + 1 } },
]

/** Delivery history: cleared by a reset and an import, never exported. */
const HISTORY_TABLES = ['webhook_deliveries', 'webhook_jobs', 'webhook_events', 'payment_authorization_attempts'] as const

/** Data that a reset replaces with the fixtures' (children first). Entities, clients and tokens are handled apart. */
const RESET_TABLES = ['qr_codes', 'payment_authorization_requests', 'payments', 'recipients', 'resolutions', 'keys', 'magic_keys', 'magic_ach_accounts', 'accounts', 'customers', 'fault_rules'] as const

interface PreparedTable {
  spec: TableSpec
  /** Stored columns, in the table's order. */
  columns: string[]
  /** Columns of an exported row: the stored ones but the derived. */
  exported: string[]
  select: Statement
  insert: Statement
  clear: Statement
}

/**
 * Reset, export and import (CONTRACT §5): the one file that knows every table. Each operation
 * is one synchronous transaction, so a failure leaves the database as it was.
 */
export class DatabaseState {
  readonly #tables: PreparedTable[]
  readonly #clearHistory: Statement[]
  readonly #clearForReset: Statement[]
  readonly #clearTokens: Statement
  readonly #entityIds: Statement
  readonly #clients: Statement
  readonly #deleteEntity: Statement
  readonly #deleteClient: Statement
  readonly #upsertEntity: Statement
  readonly #upsertClient: Statement
  readonly #exists = new Map<string, Statement>()
  readonly #firstEntity: Statement

  constructor(
    private readonly db: Database,
    private readonly stores: FixtureStores,
  ) {
    this.#tables = STATE_TABLES.map((spec) => {
      const columns = (db.prepare(`PRAGMA table_info(${spec.table})`).all() as { name: string }[]).map((c) => c.name)
      if (columns.length === 0) throw new Error(`state: table ${spec.table} does not exist`)
      const order = spec.derived && 'seq' in spec.derived ? ' ORDER BY seq' : ' ORDER BY rowid'
      return {
        spec,
        columns,
        exported: columns.filter((c) => !spec.derived?.[c]),
        select: db.prepare(`SELECT * FROM ${spec.table}${order}`),
        insert: db.prepare(`INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`),
        clear: db.prepare(`DELETE FROM ${spec.table}`),
      }
    })
    this.#clearHistory = HISTORY_TABLES.map((table) => db.prepare(`DELETE FROM ${table}`))
    this.#clearForReset = RESET_TABLES.map((table) => db.prepare(`DELETE FROM ${table}`))
    this.#clearTokens = db.prepare('DELETE FROM tokens')
    this.#entityIds = db.prepare('SELECT id FROM entities')
    this.#firstEntity = db.prepare('SELECT id FROM entities ORDER BY rowid LIMIT 1').pluck()
    this.#clients = db.prepare('SELECT client_id AS clientId, entity_id AS entityId FROM clients')
    // ON DELETE CASCADE takes the entity's clients, tokens and anything left under it.
    this.#deleteEntity = db.prepare('DELETE FROM entities WHERE id = ?')
    this.#deleteClient = db.prepare('DELETE FROM clients WHERE client_id = ?')
    this.#upsertEntity = db.prepare('INSERT INTO entities (id, name, created_at) VALUES (@id, @name, @createdAt) ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at')
    this.#upsertClient = db.prepare(
      `INSERT INTO clients (client_id, entity_id, client_secret, scopes, created_at) VALUES (@clientId, @entityId, @clientSecret, @scopes, @createdAt)
       ON CONFLICT (client_id) DO UPDATE SET client_secret = excluded.client_secret, scopes = excluded.scopes, created_at = excluded.created_at`,
    )
  }

  /** The stored columns of a collection's table (a test checks them against the import schema). */
  columnsOf(collection: StateCollection): string[] {
    return this.#tables.find((t) => t.spec.collection === collection)?.exported ?? []
  }

  /**
   * Back to the fixtures (CONTRACT §5 `POST /_mock/reset`), in one transaction: every row of
   * the fixtures' tables replaced by `built`, entities and clients the fixtures do not name
   * removed (with their tokens), delivery history cleared. Webhook endpoints and payment-
   * authorization settings stay (those of removed entities go with them); so do the tokens of
   * clients that survive (same id, same entity), unless `clearTokens`. Pending authorization
   * questions go with the payments they are about.
   */
  reset(built: BuiltFixtures, clearTokens: boolean): void {
    this.db.transaction(() => {
      if (clearTokens) this.#clearTokens.run()
      for (const statement of this.#clearHistory) statement.run()
      for (const statement of this.#clearForReset) statement.run()
      const keepEntities = new Set(built.entities.map((e) => e.id))
      const keepClients = new Map(built.clients.map((c) => [c.clientId, c.entityId]))
      for (const client of this.#clients.all() as { clientId: string; entityId: string }[]) {
        if (keepClients.get(client.clientId) !== client.entityId) this.#deleteClient.run(client.clientId)
      }
      for (const { id } of this.#entityIds.all() as { id: string }[]) {
        if (!keepEntities.has(id)) this.#deleteEntity.run(id)
      }
      for (const entity of built.entities) this.#upsertEntity.run(entity)
      for (const client of built.clients) this.#upsertClient.run({ ...client, scopes: JSON.stringify(client.scopes) })
      insertFixtures(this.stores, built, { entitiesAndClients: true })
    })()
  }

  /** Every table as rows, in insertion order (fault rules in the order they are tried). */
  export(): StateDocument {
    const document: Record<string, unknown> = { format_version: STATE_FORMAT_VERSION }
    for (const table of this.#tables) {
      document[table.spec.collection] = (table.select.all() as StateRow[]).map((row) => exportRow(table, row))
    }
    return document as unknown as StateDocument
  }

  /**
   * Replaces everything with a checked document, in one transaction (CONTRACT §5 `PUT
   * /_mock/state`): the caller has validated it, and a row the database still refuses rolls
   * the whole import back. Delivery history is cleared, as on a reset.
   */
  replace(document: StateDocument): void {
    this.db.transaction(() => {
      for (const statement of this.#clearHistory) statement.run()
      for (const table of [...this.#tables].reverse()) table.clear.run()
      for (const table of this.#tables) {
        ;(document[table.spec.collection] ?? []).forEach((row, index) => table.insert.run(importRow(table, row, index)))
      }
    })()
  }

  /**
   * The default entity (CONTRACT §6): the fixtures' first, which is the first entity stored (a
   * reset updates fixture entities in place, keeping their order; an import keeps its order).
   */
  defaultEntityId(): string {
    const id = this.#firstEntity.get() as string | undefined
    if (id === undefined) throw new Error('state: the database has no entity')
    return id
  }

  /** Whether a row with this id exists (a seed's "taken id" check). */
  exists(table: SeededTable, id: string): boolean {
    let statement = this.#exists.get(table)
    if (!statement) {
      statement = this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).pluck()
      this.#exists.set(table, statement)
    }
    return statement.get(id) !== undefined
  }
}

function exportRow(table: PreparedTable, row: StateRow): StateRow {
  const out: StateRow = {}
  for (const column of table.exported) {
    const value = row[column]
    if (table.spec.json?.includes(column)) out[column] = value === null ? null : JSON.parse(value as string)
    else if (table.spec.booleans?.includes(column)) out[column] = value === 1
    else out[column] = value
  }
  return out
}

function importRow(table: PreparedTable, row: StateRow, index: number): StateRow {
  const out: StateRow = {}
  for (const column of table.columns) {
    const derive = table.spec.derived?.[column]
    const value = derive ? derive(index) : row[column]
    if (table.spec.json?.includes(column)) out[column] = value === null || value === undefined ? null : JSON.stringify(value)
    else if (table.spec.booleans?.includes(column)) out[column] = value === true ? 1 : 0
    else out[column] = value === undefined ? null : value
  }
  return out
}
