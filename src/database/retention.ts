import type { Database, Statement } from 'better-sqlite3'
import type { Clock } from '../core/clock.js'

/**
 * Pruned storage (issue 11 item 7): rows that only record what happened (delivery attempts,
 * callback attempts, webhook events whose every job has ended, expired tokens and resolutions)
 * are deleted once older than `RETENTION_HOURS` on the mock's clock, and beyond the newest
 * `RETENTION_ROWS` of each table. Never an entity's customers, accounts, keys, recipients, QR
 * codes or payments; never a token that is still valid, a resolution that has not expired or
 * that a payment names, an event with a job still pending, nor anything exported as state but
 * these. Each batch is its own short transaction (at most BATCH rows), so no write waits long.
 */
export interface RetentionOptions {
  /** RETENTION_HOURS: age on the mock's clock past which a row goes. */
  hours: number
  /** RETENTION_ROWS: the newest rows kept per table, whatever their age. */
  rows: number
}

/** Rows deleted per statement: a few milliseconds of write lock at most. */
export const BATCH = 500
/** How often the sweeper prunes, real ms, and how many batches per table and rule then: up to 1,000 rows a second each. */
export const PRUNE_INTERVAL_MS = 1000
export const PRUNE_BATCHES = 2

/** What one pass deleted, per table. */
export type PruneCounts = Record<PrunedTable, number>

export type PrunedTable = 'webhook_deliveries' | 'payment_authorization_attempts' | 'webhook_events' | 'tokens' | 'resolutions'

/** A table's two deletes: past the age, and beyond the cap. */
interface Rules {
  age: Statement
  cap: Statement
  /** The highest sequence number (or rowid) written: the cap counts back from it. */
  max: Statement
}

export class Retention {
  readonly #rules: Record<PrunedTable, Rules>
  #lastPassMs = Number.NEGATIVE_INFINITY

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: RetentionOptions,
  ) {
    // Every delete walks an index from its oldest end and stops after @batch rows (0010).
    const log = (table: 'webhook_deliveries' | 'payment_authorization_attempts'): Rules => ({
      age: db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE at < @cutoff ORDER BY at LIMIT @batch)`),
      cap: db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE seq <= @below ORDER BY seq LIMIT @batch)`),
      max: db.prepare(`SELECT MAX(seq) AS n FROM ${table}`),
    })
    // An event goes with its jobs (ON DELETE CASCADE), and only when none of them is pending.
    const ended = "NOT EXISTS (SELECT 1 FROM webhook_jobs j WHERE j.event_id = e.id AND j.state = 'pending')"
    // A payment keeps its resolution (CONTRACT §4).
    const unpaid = "NOT EXISTS (SELECT 1 FROM payments p WHERE p.resolution_id = r.id AND p.direction = 'OUTBOUND')"
    this.#rules = {
      webhook_deliveries: log('webhook_deliveries'),
      payment_authorization_attempts: log('payment_authorization_attempts'),
      // Both read along indexes of events with no pending job (0014, `pending_jobs = 0`): along
      // every event, each one whose jobs were still pending (an endpoint failing in retry mode)
      // was read again on every pass (issue 15: 115–167 ms a pass with 100,000 of them). The pending
      // job is still looked for before a delete.
      webhook_events: {
        age: db.prepare(
          `DELETE FROM webhook_events WHERE rowid IN (SELECT e.rowid FROM webhook_events e INDEXED BY webhook_events_ended_created
             WHERE e.pending_jobs = 0 AND e.created_at < @cutoff AND ${ended} ORDER BY e.created_at LIMIT @batch)`,
        ),
        cap: db.prepare(
          `DELETE FROM webhook_events WHERE rowid IN (SELECT e.rowid FROM webhook_events e INDEXED BY webhook_events_ended_seq
             WHERE e.pending_jobs = 0 AND e.seq <= @below AND ${ended} ORDER BY e.seq LIMIT @batch)`,
        ),
        max: db.prepare('SELECT MAX(seq) AS n FROM webhook_events'),
      },
      // Expired RETENTION_HOURS ago, or expired and beyond the cap. A revoked token stays until
      // it expires: until then it answers token_revoked, as it should.
      tokens: {
        age: db.prepare('DELETE FROM tokens WHERE rowid IN (SELECT rowid FROM tokens WHERE expires_at < @cutoff ORDER BY expires_at LIMIT @batch)'),
        // Along tokens_expires, as the resolutions' cap below: in rowid order a pass read every
        // valid token below the cap (issue 15: 6 ms a second with 120,000 valid tokens, a stall
        // in every request's path; CI jobs that each take a token make that many).
        cap: db.prepare(
          'DELETE FROM tokens WHERE rowid IN (SELECT rowid FROM tokens INDEXED BY tokens_expires WHERE expires_at <= @now AND rowid <= @below ORDER BY expires_at, rowid LIMIT @batch)',
        ),
        max: db.prepare('SELECT MAX(rowid) AS n FROM tokens'),
      },
      resolutions: {
        // Both read along resolutions_unpaid_expires (0013), which holds only resolutions no
        // payment names (`paid = 0`), so a pass reads neither unexpired nor paid ones: in rowid
        // order it read every unexpired resolution below the cap (~3% of a payment run's CPU),
        // and along every expiry every paid one that had expired (issue 15: ~0.35 s a pass
        // with 200,000 of them). The payment is still looked for before a delete.
        age: db.prepare(
          `DELETE FROM resolutions WHERE rowid IN (SELECT r.rowid FROM resolutions r INDEXED BY resolutions_unpaid_expires
             WHERE r.paid = 0 AND r.expires_at < @cutoff AND ${unpaid} ORDER BY r.expires_at LIMIT @batch)`,
        ),
        cap: db.prepare(
          `DELETE FROM resolutions WHERE rowid IN (SELECT r.rowid FROM resolutions r INDEXED BY resolutions_unpaid_expires
             WHERE r.paid = 0 AND r.expires_at <= @now AND r.rowid <= @below AND ${unpaid} ORDER BY r.expires_at, r.rowid LIMIT @batch)`,
        ),
        max: db.prepare('SELECT MAX(rowid) AS n FROM resolutions'),
      },
    }
  }

  /** The sweeper's task: a pass at most every PRUNE_INTERVAL_MS of real time (a sweep runs every 100 ms). */
  pruneDue(realNowMs: number): PruneCounts | undefined {
    if (realNowMs - this.#lastPassMs < PRUNE_INTERVAL_MS) return undefined
    this.#lastPassMs = realNowMs
    return this.prune(PRUNE_BATCHES)
  }

  /**
   * One pass: up to `batches` batches per table and rule, each its own transaction, a rule
   * stopping as soon as a batch comes back short. Answers what went.
   */
  prune(batches = 1): PruneCounts {
    const now = this.clock.now()
    const cutoff = new Date(now.getTime() - this.options.hours * 3_600_000).toISOString()
    const counts: PruneCounts = { webhook_deliveries: 0, payment_authorization_attempts: 0, webhook_events: 0, tokens: 0, resolutions: 0 }
    for (const table of Object.keys(this.#rules) as PrunedTable[]) {
      const rules = this.#rules[table]
      // Sequence numbers and rowids grow by one per row written, so "beyond the newest N" is
      // "at most max − N": one index seek instead of a count (approximate after a state import).
      const max = (rules.max.get() as { n: number | null }).n ?? 0
      const params = { now: now.toISOString(), cutoff, below: max - this.options.rows, batch: BATCH }
      for (const rule of [rules.age, rules.cap]) {
        for (let i = 0; i < batches; i++) {
          const deleted = this.db.transaction(() => rule.run(params).changes)()
          counts[table] += deleted
          if (deleted < BATCH) break
        }
      }
    }
    return counts
  }
}
