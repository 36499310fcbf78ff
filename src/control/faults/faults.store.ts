import type { Database, Statement } from 'better-sqlite3'

export interface FaultRule {
  id: string
  builtin: boolean
  method: string | null
  /** A route pattern when it has a `:` segment, else a prefix on segment boundaries. */
  path: string | null
  accountId: string | null
  keyValue: string | null
  status: number | null
  code: string | null
  message: string | null
  delayMs: number | null
  /** How many more requests it answers; null: always. */
  timesLeft: number | null
  createdAt: string
}

interface FaultRow {
  id: string
  builtin: 0 | 1
  method: string | null
  path: string | null
  account_id: string | null
  key_value: string | null
  status: number | null
  code: string | null
  message: string | null
  delay_ms: number | null
  times_left: number | null
  created_at: string
  seq: number
}

function fromRow(r: FaultRow): FaultRule {
  return {
    id: r.id,
    builtin: r.builtin === 1,
    method: r.method,
    path: r.path,
    accountId: r.account_id,
    keyValue: r.key_value,
    status: r.status,
    code: r.code,
    message: r.message,
    delayMs: r.delay_ms,
    timesLeft: r.times_left,
    createdAt: r.created_at,
  }
}

/** Fault rules (CONTRACT §5), oldest first. */
export class FaultsStore {
  readonly #insert: Statement
  readonly #all: Statement
  readonly #consume: Statement
  readonly #deleteExhausted: Statement
  readonly #delete: Statement
  readonly #deleteAdded: Statement

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO fault_rules (id, builtin, method, path, account_id, key_value, status, code, message, delay_ms, times_left, created_at, seq)
       VALUES (@id, @builtin, @method, @path, @accountId, @keyValue, @status, @code, @message, @delayMs, @timesLeft, @createdAt,
               (SELECT COALESCE(MAX(seq), 0) + 1 FROM fault_rules))`,
    )
    this.#all = db.prepare('SELECT * FROM fault_rules ORDER BY seq')
    this.#consume = db.prepare('UPDATE fault_rules SET times_left = times_left - 1 WHERE id = ? AND times_left IS NOT NULL')
    this.#deleteExhausted = db.prepare('DELETE FROM fault_rules WHERE times_left IS NOT NULL AND times_left <= 0')
    this.#delete = db.prepare('DELETE FROM fault_rules WHERE id = ?')
    this.#deleteAdded = db.prepare('DELETE FROM fault_rules WHERE builtin = 0')
  }

  insert(rule: FaultRule): void {
    this.#insert.run({ ...rule, builtin: rule.builtin ? 1 : 0 })
  }

  all(): FaultRule[] {
    return (this.#all.all() as FaultRow[]).map(fromRow)
  }

  /** Uses one of each rule's remaining times; rules with none left are gone. */
  consume(ids: string[]): void {
    for (const id of ids) this.#consume.run(id)
    this.#deleteExhausted.run()
  }

  delete(id: string): boolean {
    return this.#delete.run(id).changes === 1
  }

  /** Removes every rule but the built-in ones. */
  deleteAdded(): void {
    this.#deleteAdded.run()
  }
}
