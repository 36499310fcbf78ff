import type { Database, Statement } from 'better-sqlite3'
import type { PageRequest } from '../core/pagination.js'

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

/**
 * One page of an entity's rows, with the total, for the list endpoints (CONTRACT §4 "Lists").
 * Table and column names come from the calling store's code, never from a request; values are
 * bound. Statements are prepared once per shape of query and reused.
 */
export class PagedLister {
  readonly #statements = new Map<string, Statement>()
  /**
   * Totals already counted, valid while nothing was written: COUNT(*) walks every matching row
   * (about 0.4 ms over 10,000 accounts of one customer, more than the rest of the request), and
   * a client paging through a list asks the same count once per page.
   */
  readonly #counts = new Map<string, number>()
  #countsStamp = ''
  readonly #stamp: Statement
  /**
   * @param conditions filters that are not a plain `column = value`: filter name → an SQL condition
   *   with `@value` where the value goes (e.g. `email = @value COLLATE NOCASE`), from store code only.
   */
  constructor(
    private readonly db: Database,
    private readonly table: string,
    private readonly conditions: Record<string, string> = {},
  ) {
    if (!IDENTIFIER.test(table)) throw new Error(`bad table name ${table}`)
    // Changes by this connection (rows inserted, updated or deleted, rolled back or not) and
    // commits by any other connection to the file (the CLI, another process).
    this.#stamp = db.prepare('SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v')
  }

  list<Row>(entityId: string | undefined, filters: Record<string, string | undefined>, page: PageRequest): { rows: Row[]; total: number } {
    const where: string[] = []
    const params: Record<string, string | number> = {}
    if (entityId !== undefined) {
      where.push('entity_id = @entity_id')
      params.entity_id = entityId
    }
    for (const [column, value] of Object.entries(filters)) {
      if (value === undefined) continue
      if (!IDENTIFIER.test(column)) throw new Error(`bad column name ${column}`)
      const condition = this.conditions[column]
      where.push(condition === undefined ? `${column} = @f_${column}` : condition.replaceAll('@value', `@f_${column}`))
      params[`f_${column}`] = value
    }
    // The documented date filters: inclusive ranges on created_at / updated_at (core/pagination.ts).
    for (const [column, range] of Object.entries(page.timeFilters ?? {})) {
      if (!IDENTIFIER.test(column)) throw new Error(`bad column name ${column}`)
      if (range.from !== undefined) {
        where.push(`${column} >= @${column}_from`)
        params[`${column}_from`] = range.from
      }
      if (range.to !== undefined) {
        where.push(`${column} <= @${column}_to`)
        params[`${column}_to`] = range.to
      }
    }
    if (page.snapshotAt !== undefined) {
      where.push('created_at <= @snapshot_at')
      params.snapshot_at = page.snapshotAt
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    const order = `${page.orderKey === 'updated_at' ? 'updated_at' : 'created_at'} ${page.direction}, id ${page.direction}`
    const total = this.#count(`SELECT COUNT(*) AS n FROM ${this.table} ${whereSql}`, params)
    const rows = this.#prepare(`SELECT * FROM ${this.table} ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`).all({
      ...params,
      limit: page.pageSize,
      offset: page.offset,
    }) as Row[]
    return { rows, total }
  }

  /** True when the entity has at least one row (for the lists that answer 404 when empty). */
  hasAny(entityId: string): boolean {
    return this.#prepare(`SELECT 1 FROM ${this.table} WHERE entity_id = @entity_id LIMIT 1`).get({ entity_id: entityId }) !== undefined
  }

  #count(sql: string, params: Record<string, string | number>): number {
    const count = () => (this.#prepare(sql).get(params) as { n: number }).n
    // Inside a transaction the count could include writes that are then rolled back: no cache.
    if (this.db.inTransaction) return count()
    const { c, v } = this.#stamp.get() as { c: number; v: number }
    const stamp = `${c}:${v}`
    if (stamp !== this.#countsStamp || this.#counts.size >= 1000) {
      this.#counts.clear()
      this.#countsStamp = stamp
    }
    const key = `${sql}\n${JSON.stringify(params)}`
    let total = this.#counts.get(key)
    if (total === undefined) {
      total = count()
      this.#counts.set(key, total)
    }
    return total
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }
}
