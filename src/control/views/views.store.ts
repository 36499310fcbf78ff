import type { Database, Statement } from 'better-sqlite3'
import type { PageRequest } from '../../core/pagination.js'
import { PagedLister } from '../../database/list-query.js'

/** An entity as the cross-entity view shows it: its clients' ids and scopes (never secrets) and row counts. */
export interface EntitySummary {
  id: string
  name: string
  createdAt: string
  clients: { clientId: string; scopes: string[] }[]
  counts: { customers: number; accounts: number; keys: number; payments: number }
}

interface EntityRow {
  id: string
  name: string
  created_at: string
}

export interface EntityFilters {
  id?: string
  name?: string
}

/**
 * The entities table for `GET /_mock/entities` (CONTRACT §5). Accounts and payments across
 * entities come from their own stores (`listAll`); this store adds what only the control plane
 * asks: every entity, with its clients and how many rows it owns.
 */
export class ViewsStore {
  readonly #entities: PagedLister
  readonly #clients: Statement
  readonly #counts: Statement

  constructor(db: Database) {
    this.#entities = new PagedLister(db, 'entities')
    this.#clients = db.prepare('SELECT client_id, scopes FROM clients WHERE entity_id = ? ORDER BY created_at, client_id')
    // Each count walks the table's (entity_id, created_at, id) index: cheap for a page of entities.
    this.#counts = db.prepare(
      `SELECT (SELECT COUNT(*) FROM customers WHERE entity_id = @id) AS customers,
              (SELECT COUNT(*) FROM accounts WHERE entity_id = @id) AS accounts,
              (SELECT COUNT(*) FROM keys WHERE entity_id = @id) AS keys,
              (SELECT COUNT(*) FROM payments WHERE entity_id = @id) AS payments`,
    )
  }

  listEntities(filters: EntityFilters, page: PageRequest): { rows: EntitySummary[]; total: number } {
    // Entities never change after creation and have no updated_at: both order keys sort by
    // created_at, and the updated_* date filters bound created_at too.
    const { created_at: created, updated_at: updated } = page.timeFilters ?? {}
    const bounds = [created, updated].filter((r) => r !== undefined)
    const from = bounds.map((r) => r.from).filter((v) => v !== undefined).sort().at(-1)
    const to = bounds.map((r) => r.to).filter((v) => v !== undefined).sort()[0]
    const timeFilters = bounds.length === 0 ? {} : { created_at: { ...(from !== undefined && { from }), ...(to !== undefined && { to }) } }
    const { rows, total } = this.#entities.list<EntityRow>(undefined, { ...filters }, { ...page, orderKey: 'created_at', timeFilters })
    return { rows: rows.map((row) => this.#summary(row)), total }
  }

  #summary(row: EntityRow): EntitySummary {
    const clients = (this.#clients.all(row.id) as { client_id: string; scopes: string }[]).map((c) => ({ clientId: c.client_id, scopes: JSON.parse(c.scopes) as string[] }))
    const counts = this.#counts.get({ id: row.id }) as EntitySummary['counts']
    return { id: row.id, name: row.name, createdAt: row.created_at, clients, counts }
  }
}
