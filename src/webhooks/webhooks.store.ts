import type { Database, Statement } from 'better-sqlite3'

export type WebhookMode = 'once' | 'retry'

export interface WebhookEndpoint {
  id: string
  url: string
  secret: string
  mode: WebhookMode
  /** Event types it receives; null: all. */
  events: string[] | null
  /** The entity whose events it receives; null: every entity's. */
  entityId: string | null
  createdAt: string
}

export interface WebhookEvent {
  id: string
  entityId: string
  type: string
  /** The exact JSON that is signed and sent. */
  body: string
  createdAt: string
}

export interface WebhookJob {
  id: string
  eventId: string
  endpointId: string
  url: string
  attempts: number
  nextAttemptMs: number
  state: 'pending' | 'delivered' | 'failed'
}

/** A pending job with what a send needs: the event's type and exact body. */
export interface DueJob extends WebhookJob {
  eventType: string
  body: string
}

/** One attempt to deliver one event to one endpoint (CONTRACT §5 `/_mock/webhooks/deliveries`). */
export interface WebhookDeliveryRecord {
  id: string
  jobId: string
  eventId: string
  type: string
  url: string
  attempt: number
  /** The receiver's HTTP status; null when it did not answer. */
  status: number | null
  error: string | null
  at: string
}

export interface DeliveryFilter {
  eventId?: string
  type?: string
  limit: number
}

/** What an attempt changes on its job: the attempt count, and the next due time or the end. */
export interface JobUpdate {
  attempts: number
  state: WebhookJob['state']
  nextAttemptMs: number
}

interface JobRow {
  id: string
  event_id: string
  endpoint_id: string
  url: string
  attempts: number
  next_attempt_ms: number
  state: WebhookJob['state']
}

function jobFromRow(r: JobRow): WebhookJob {
  return { id: r.id, eventId: r.event_id, endpointId: r.endpoint_id, url: r.url, attempts: r.attempts, nextAttemptMs: r.next_attempt_ms, state: r.state }
}

interface DeliveryRow {
  id: string
  job_id: string
  event_id: string
  type: string
  url: string
  attempt: number
  status: number | null
  error: string | null
  at: string
}

interface EndpointRow {
  id: string
  url: string
  secret: string
  mode: WebhookMode
  events: string | null
  entity_id: string | null
  created_at: string
}

function endpointFromRow(r: EndpointRow): WebhookEndpoint {
  return { id: r.id, url: r.url, secret: r.secret, mode: r.mode, events: r.events === null ? null : (JSON.parse(r.events) as string[]), entityId: r.entity_id, createdAt: r.created_at }
}

/** The webhook outbox (CONTRACT §4 "Webhooks"): endpoints, events, delivery jobs and the attempt log. */
export class WebhooksStore {
  readonly #insertEndpoint: Statement
  readonly #endpoints: Statement
  readonly #insertEvent: Statement
  readonly #insertJob: Statement
  readonly #deleteEndpoint: Statement
  readonly #deletePendingJobsOf: Statement
  readonly #dueJobs: Statement
  readonly #pendingUrls: Statement
  readonly #dueJobsFor: Statement
  readonly #jobsOfEvent: Statement
  readonly #eventOf: Statement
  readonly #updateJob: Statement
  readonly #insertDelivery: Statement
  readonly #deliveries: Statement
  readonly #recordAttempt: (delivery: WebhookDeliveryRecord, update: JobUpdate) => void
  readonly #recordAttempts: (attempts: readonly { delivery: WebhookDeliveryRecord; update: JobUpdate }[]) => (true | unknown)[]
  readonly #removeEndpoint: (id: string) => boolean
  /** What endpoints() read last; undefined once a write may have changed it. */
  #endpointsKept: readonly Readonly<WebhookEndpoint>[] | undefined

  constructor(db: Database) {
    this.#insertEndpoint = db.prepare(
      'INSERT INTO webhook_endpoints (id, url, secret, mode, events, entity_id, created_at) VALUES (@id, @url, @secret, @mode, @events, @entityId, @createdAt)',
    )
    // rowid: in the order they were added, when the mock clock stood still between them.
    this.#endpoints = db.prepare('SELECT * FROM webhook_endpoints ORDER BY created_at, rowid')
    this.#insertEvent = db.prepare(
      `INSERT INTO webhook_events (id, entity_id, type, body, created_at, seq)
       VALUES (@id, @entityId, @type, @body, @createdAt, (SELECT COALESCE(MAX(seq), 0) + 1 FROM webhook_events))`,
    )
    this.#insertJob = db.prepare(
      `INSERT INTO webhook_jobs (id, event_id, endpoint_id, url, attempts, next_attempt_ms, state)
       VALUES (@id, @eventId, @endpointId, @url, @attempts, @nextAttemptMs, @state)`,
    )
    this.#deleteEndpoint = db.prepare('DELETE FROM webhook_endpoints WHERE id = ?')
    this.#deletePendingJobsOf = db.prepare("DELETE FROM webhook_jobs WHERE endpoint_id = ? AND state = 'pending'")
    // Oldest due first; for one due time, events in the order they happened.
    this.#dueJobs = db.prepare(
      `SELECT j.*, e.type AS event_type, e.body AS body FROM webhook_jobs j JOIN webhook_events e ON e.id = j.event_id
       WHERE j.state = 'pending' AND j.next_attempt_ms <= @nowMs ORDER BY j.next_attempt_ms, e.seq, j.id LIMIT @limit`,
    )
    // Every URL with a pending job: one index seek per URL (a skip-scan of webhook_jobs_url_due,
    // 0009), however large one URL's backlog is.
    this.#pendingUrls = db.prepare(
      `WITH RECURSIVE u(url) AS (
         SELECT MIN(url) FROM webhook_jobs WHERE state = 'pending'
         UNION ALL
         SELECT (SELECT MIN(url) FROM webhook_jobs WHERE state = 'pending' AND url > u.url) FROM u WHERE u.url IS NOT NULL
       ) SELECT url FROM u WHERE url IS NOT NULL`,
    )
    // One URL's due jobs, oldest due first, then in the order they were written (rowid), read along
    // webhook_jobs_url_due. Without the event's body: the sender reads past the jobs it has in
    // flight, and reads the body (eventOf) only of those it starts (issue 15).
    this.#dueJobsFor = db.prepare(
      `SELECT id, event_id, endpoint_id, url, attempts, next_attempt_ms, state FROM webhook_jobs INDEXED BY webhook_jobs_url_due
       WHERE state = 'pending' AND url = @url AND next_attempt_ms <= @nowMs ORDER BY next_attempt_ms, rowid LIMIT @limit`,
    )
    this.#eventOf = db.prepare('SELECT type, body FROM webhook_events WHERE id = ?')
    this.#jobsOfEvent = db.prepare('SELECT * FROM webhook_jobs WHERE event_id = ? ORDER BY endpoint_id, id')
    this.#updateJob = db.prepare('UPDATE webhook_jobs SET attempts = @attempts, state = @state, next_attempt_ms = @nextAttemptMs WHERE id = @id')
    this.#insertDelivery = db.prepare(
      `INSERT INTO webhook_deliveries (id, job_id, event_id, type, url, attempt, status, error, at, seq)
       VALUES (@id, @jobId, @eventId, @type, @url, @attempt, @status, @error, @at, (SELECT COALESCE(MAX(seq), 0) + 1 FROM webhook_deliveries))`,
    )
    this.#deliveries = db.prepare(
      `SELECT * FROM webhook_deliveries WHERE (@eventId IS NULL OR event_id = @eventId) AND (@type IS NULL OR type = @type)
       ORDER BY seq DESC LIMIT @limit`,
    )
    this.#recordAttempt = db.transaction((delivery: WebhookDeliveryRecord, update: JobUpdate) => {
      this.#insertDelivery.run(delivery)
      this.#updateJob.run({ id: delivery.jobId, ...update })
    })
    this.#recordAttempts = db.transaction((attempts: readonly { delivery: WebhookDeliveryRecord; update: JobUpdate }[]) =>
      attempts.map(({ delivery, update }): true | unknown => {
        try {
          this.#recordAttempt(delivery, update)
          return true
        } catch (error) {
          return error
        }
      }),
    )
    this.#removeEndpoint = db.transaction((id: string) => {
      // Nothing more goes to a removed endpoint; what it already received stays in the log.
      this.#deletePendingJobsOf.run(id)
      return this.#deleteEndpoint.run(id).changes > 0
    })
  }

  insertEndpoint(endpoint: WebhookEndpoint): void {
    try {
      this.#insertEndpoint.run({ ...endpoint, events: endpoint.events === null ? null : JSON.stringify(endpoint.events) })
    } finally {
      this.invalidate()
    }
  }

  /**
   * Every added endpoint, oldest first. Kept from the last read (issue 15): every event a
   * payment raises asks for them, and reading the table was ~2.8 µs each time, two events a
   * payment, most often to find none. Forgotten on every write through this store, and by
   * invalidate() after a reset or an import, which write the table underneath.
   */
  endpoints(): WebhookEndpoint[] {
    return [...this.#kept()]
  }

  #kept(): readonly Readonly<WebhookEndpoint>[] {
    this.#endpointsKept ??= (this.#endpoints.all() as EndpointRow[]).map((row) => Object.freeze(endpointFromRow(row)))
    return this.#endpointsKept
  }

  /** Forgets the endpoints kept, after the table changed underneath (reset, import). */
  invalidate(): void {
    this.#endpointsKept = undefined
  }

  insertEvent(event: WebhookEvent): void {
    this.#insertEvent.run(event)
  }

  insertJob(job: WebhookJob): void {
    this.#insertJob.run(job)
  }

  /** One added endpoint, from the ones endpoints() keeps (the sender asks once a delivery). */
  findEndpoint(id: string): WebhookEndpoint | undefined {
    return this.#kept().find((endpoint) => endpoint.id === id)
  }

  /** Removes an endpoint and its pending jobs, in one transaction; false when there was none. */
  removeEndpoint(id: string): boolean {
    try {
      return this.#removeEndpoint(id)
    } finally {
      this.invalidate()
    }
  }

  /** Pending jobs whose next attempt is due by `nowMs` (real time), oldest first. */
  dueJobs(nowMs: number, limit: number): DueJob[] {
    return (this.#dueJobs.all({ nowMs, limit }) as (JobRow & { event_type: string; body: string })[]).map((r) => ({ ...jobFromRow(r), eventType: r.event_type, body: r.body }))
  }

  /** Every URL that has a pending job (due or not). */
  pendingUrls(): string[] {
    return (this.#pendingUrls.all() as { url: string }[]).map((r) => r.url)
  }

  /** One URL's pending jobs due by `nowMs` (real time), oldest first, without their events (eventOf). */
  dueJobsFor(url: string, nowMs: number, limit: number): WebhookJob[] {
    return (this.#dueJobsFor.all({ url, nowMs, limit }) as JobRow[]).map(jobFromRow)
  }

  /** An event's type and the exact body that is signed and sent; undefined once it is gone. */
  eventOf(eventId: string): { type: string; body: string } | undefined {
    return this.#eventOf.get(eventId) as { type: string; body: string } | undefined
  }

  jobsOfEvent(eventId: string): WebhookJob[] {
    return (this.#jobsOfEvent.all(eventId) as JobRow[]).map(jobFromRow)
  }

  /** Ends a job without an attempt (its endpoint is gone). */
  closeJob(id: string, state: 'delivered' | 'failed', attempts: number, nowMs: number): void {
    this.#updateJob.run({ id, attempts, state, nextAttemptMs: nowMs })
  }

  /** One attempt: its row in the log and its job's new state, in one transaction. */
  recordAttempt(delivery: WebhookDeliveryRecord, update: JobUpdate): void {
    this.#recordAttempt(delivery, update)
  }

  /**
   * Several attempts in one transaction, each in a savepoint of its own (recordAttempt nested):
   * one that fails leaves no trace and the others are recorded. Answers, per attempt, true or
   * its error; throws (nothing recorded) when the commit itself fails.
   */
  recordAttempts(attempts: readonly { delivery: WebhookDeliveryRecord; update: JobUpdate }[]): (true | unknown)[] {
    return this.#recordAttempts(attempts)
  }

  /** The attempt log, newest first. */
  deliveries(filter: DeliveryFilter): WebhookDeliveryRecord[] {
    const rows = this.#deliveries.all({ eventId: filter.eventId ?? null, type: filter.type ?? null, limit: filter.limit }) as DeliveryRow[]
    return rows.map((r) => ({ id: r.id, jobId: r.job_id, eventId: r.event_id, type: r.type, url: r.url, attempt: r.attempt, status: r.status, error: r.error, at: r.at }))
  }
}
