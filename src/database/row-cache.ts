import type { Database } from 'better-sqlite3'

/**
 * Rows a store has read, by key, for the reads every request makes (issue 5: a token by hash, an
 * account by id). It only ever holds committed rows: nothing read inside a transaction is kept
 * (it may roll back); the store forgets a row before it writes it, and clears everything after
 * changes made underneath it (reset, state import). Past `limit` rows it keeps what it has. One
 * process per database file, as everywhere else. Callers get a copy, never the row kept.
 */
export class RowCache<T extends object> {
  // Not frozen: no caller ever holds a kept row (each gets a copy), and copying a frozen object
  // takes V8's slow path, a quarter more per request (issue 15).
  readonly #rows = new Map<string, T>()

  constructor(
    private readonly db: Database,
    private readonly limit: number,
  ) {}

  get(key: string): T | undefined {
    const row = this.#rows.get(key)
    return row && { ...row }
  }

  remember(key: string, row: T): void {
    if (this.db.inTransaction) return
    // Full: keep what is kept and remember no more (issue 15). Starting over instead made a
    // working set larger than the cache (random reads over 1,000,000 accounts) churn it for a
    // 2% hit rate: GET by id at 1M accounts went 16.5k -> 20.0k req/s (wrk, 3 runs, quiet).
    // Writes forget their rows, which makes room again.
    if (this.#rows.size >= this.limit) return
    this.#rows.set(key, { ...row })
  }

  forget(key: string): void {
    this.#rows.delete(key)
  }

  clear(): void {
    this.#rows.clear()
  }
}
