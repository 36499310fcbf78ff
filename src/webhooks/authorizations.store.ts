import type { Database, Statement } from 'better-sqlite3'

/** An entity's payment-authorization setting: the docs' Callback URL, Secret Token and Auto Approve Error. */
export interface AuthorizationConfig {
  entityId: string
  url: string
  secret: string
  autoApproveError: boolean
  createdAt: string
  updatedAt: string
}

export type AuthorizationState = 'pending' | 'approved' | 'rejected'
/** Who decided: the callback's answer, its failure (with or without Auto Approve Error), /_mock, or a configuration removed meanwhile. */
export type DecidedBy = 'callback' | 'auto_approve_error' | 'error' | 'control' | 'no_configuration'

/** One INBOUND payment waiting for (or decided by) its entity's callback. */
export interface AuthorizationRequest {
  id: string
  entityId: string
  /** The INBOUND record the callback is asked about. */
  paymentId: string
  /** The payer's OUTBOUND record when the payer is an account of the mock. */
  outboundPaymentId: string | null
  attempts: number
  /** Real time (ms) of the next send. */
  nextAttemptMs: number
  state: AuthorizationState
  decidedBy: DecidedBy | null
  createdAt: string
  updatedAt: string
}

/** One callback attempt, as `GET /_mock/webhooks/authorizations` lists it. */
export interface AuthorizationAttempt {
  id: string
  requestId: string
  paymentId: string
  entityId: string
  url: string
  attempt: number
  status: number | null
  /** The start of the body the callback answered. */
  response: string | null
  accept: boolean | null
  error: string | null
  durationMs: number
  /** What the attempt decided; null when the payment had been decided meanwhile (by /_mock). */
  decision: 'approved' | 'rejected' | null
  at: string
}

export interface AttemptFilter {
  paymentId?: string
  entityId?: string
  limit: number
}

interface ConfigRow {
  entity_id: string
  url: string
  secret: string
  auto_approve_error: number
  created_at: string
  updated_at: string
}

interface RequestRow {
  id: string
  entity_id: string
  payment_id: string
  outbound_payment_id: string | null
  attempts: number
  next_attempt_ms: number
  state: AuthorizationState
  decided_by: DecidedBy | null
  created_at: string
  updated_at: string
}

interface AttemptRow {
  id: string
  request_id: string
  payment_id: string
  entity_id: string
  url: string
  attempt: number
  status: number | null
  response: string | null
  accept: number | null
  error: string | null
  duration_ms: number
  decision: 'approved' | 'rejected' | null
  at: string
}

function configFromRow(r: ConfigRow): AuthorizationConfig {
  return { entityId: r.entity_id, url: r.url, secret: r.secret, autoApproveError: r.auto_approve_error === 1, createdAt: r.created_at, updatedAt: r.updated_at }
}

function requestFromRow(r: RequestRow): AuthorizationRequest {
  return {
    id: r.id,
    entityId: r.entity_id,
    paymentId: r.payment_id,
    outboundPaymentId: r.outbound_payment_id,
    attempts: r.attempts,
    nextAttemptMs: r.next_attempt_ms,
    state: r.state,
    decidedBy: r.decided_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

function attemptFromRow(r: AttemptRow): AuthorizationAttempt {
  return {
    id: r.id,
    requestId: r.request_id,
    paymentId: r.payment_id,
    entityId: r.entity_id,
    url: r.url,
    attempt: r.attempt,
    status: r.status,
    response: r.response,
    accept: r.accept === null ? null : r.accept === 1,
    error: r.error,
    durationMs: r.duration_ms,
    decision: r.decision,
    at: r.at,
  }
}

/** Payment authorization (issue 10 §2): per-entity settings, the pending questions and the attempt log. */
export class AuthorizationsStore {
  readonly #config: Statement
  readonly #configs: Statement
  readonly #upsertConfig: Statement
  readonly #deleteConfig: Statement
  readonly #insertRequest: Statement
  readonly #requestById: Statement
  readonly #pendingFor: Statement
  readonly #due: Statement
  readonly #pendingEntities: Statement
  readonly #dueFor: Statement
  readonly #close: Statement
  readonly #insertAttempt: Statement
  readonly #attempts: Statement

  constructor(db: Database) {
    this.#config = db.prepare('SELECT * FROM payment_authorization_configs WHERE entity_id = ?')
    this.#configs = db.prepare('SELECT * FROM payment_authorization_configs ORDER BY created_at, rowid')
    this.#upsertConfig = db.prepare(
      `INSERT INTO payment_authorization_configs (entity_id, url, secret, auto_approve_error, created_at, updated_at)
       VALUES (@entity_id, @url, @secret, @auto_approve_error, @at, @at)
       ON CONFLICT (entity_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, auto_approve_error = excluded.auto_approve_error, updated_at = excluded.updated_at`,
    )
    this.#deleteConfig = db.prepare('DELETE FROM payment_authorization_configs WHERE entity_id = ?')
    this.#insertRequest = db.prepare(
      `INSERT INTO payment_authorization_requests (id, entity_id, payment_id, outbound_payment_id, attempts, next_attempt_ms, state, decided_by, created_at, updated_at)
       VALUES (@id, @entityId, @paymentId, @outboundPaymentId, @attempts, @nextAttemptMs, @state, @decidedBy, @createdAt, @updatedAt)`,
    )
    this.#requestById = db.prepare('SELECT * FROM payment_authorization_requests WHERE id = ?')
    this.#pendingFor = db.prepare("SELECT * FROM payment_authorization_requests WHERE (payment_id = @id OR outbound_payment_id = @id) AND state = 'pending'")
    this.#due = db.prepare("SELECT * FROM payment_authorization_requests WHERE state = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, created_at, id LIMIT ?")
    // Every entity with a pending question, one index seek each (0009): each entity's callback has its own queue.
    this.#pendingEntities = db.prepare(
      `WITH RECURSIVE e(entity_id) AS (
         SELECT MIN(entity_id) FROM payment_authorization_requests WHERE state = 'pending'
         UNION ALL
         SELECT (SELECT MIN(entity_id) FROM payment_authorization_requests WHERE state = 'pending' AND entity_id > e.entity_id) FROM e WHERE e.entity_id IS NOT NULL
       ) SELECT entity_id FROM e WHERE entity_id IS NOT NULL`,
    )
    this.#dueFor = db.prepare(
      `SELECT * FROM payment_authorization_requests INDEXED BY payment_authorization_requests_entity_due
       WHERE state = 'pending' AND entity_id = @entityId AND next_attempt_ms <= @nowMs ORDER BY next_attempt_ms, rowid LIMIT @limit`,
    )
    // Only a pending question is decided, and once.
    this.#close = db.prepare(
      `UPDATE payment_authorization_requests SET state = @state, decided_by = @decidedBy, attempts = @attempts, updated_at = @at
       WHERE id = @id AND state = 'pending'`,
    )
    this.#insertAttempt = db.prepare(
      `INSERT INTO payment_authorization_attempts (id, request_id, payment_id, entity_id, url, attempt, status, response, accept, error, duration_ms, decision, at, seq)
       VALUES (@id, @requestId, @paymentId, @entityId, @url, @attempt, @status, @response, @accept, @error, @durationMs, @decision, @at,
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM payment_authorization_attempts))`,
    )
    this.#attempts = db.prepare(
      `SELECT * FROM payment_authorization_attempts WHERE (@paymentId IS NULL OR payment_id = @paymentId) AND (@entityId IS NULL OR entity_id = @entityId)
       ORDER BY seq DESC LIMIT @limit`,
    )
  }

  findConfig(entityId: string): AuthorizationConfig | undefined {
    const row = this.#config.get(entityId) as ConfigRow | undefined
    return row && configFromRow(row)
  }

  configs(): AuthorizationConfig[] {
    return (this.#configs.all() as ConfigRow[]).map(configFromRow)
  }

  /** Creates or replaces an entity's setting; `created_at` stays from the first time. */
  putConfig(entityId: string, input: { url: string; secret: string; autoApproveError: boolean }, at: string): void {
    this.#upsertConfig.run({ entity_id: entityId, url: input.url, secret: input.secret, auto_approve_error: input.autoApproveError ? 1 : 0, at })
  }

  /** False when the entity had none. */
  deleteConfig(entityId: string): boolean {
    return this.#deleteConfig.run(entityId).changes > 0
  }

  insertRequest(request: AuthorizationRequest): void {
    this.#insertRequest.run(request)
  }

  findRequest(id: string): AuthorizationRequest | undefined {
    const row = this.#requestById.get(id) as RequestRow | undefined
    return row && requestFromRow(row)
  }

  /** The pending question about a payment, by its INBOUND or its OUTBOUND id. */
  pendingFor(paymentId: string): AuthorizationRequest | undefined {
    const row = this.#pendingFor.get({ id: paymentId }) as RequestRow | undefined
    return row && requestFromRow(row)
  }

  /** Every entity that has a pending question (due or not). */
  pendingEntities(): string[] {
    return (this.#pendingEntities.all() as { entity_id: string }[]).map((r) => r.entity_id)
  }

  /** One entity's pending questions due by `nowMs` (real time), oldest first. */
  dueFor(entityId: string, nowMs: number, limit: number): AuthorizationRequest[] {
    return (this.#dueFor.all({ entityId, nowMs, limit }) as RequestRow[]).map(requestFromRow)
  }

  /** Pending questions whose send is due by `nowMs` (real time), oldest first. */
  due(nowMs: number, limit: number): AuthorizationRequest[] {
    return (this.#due.all(nowMs, limit) as RequestRow[]).map(requestFromRow)
  }

  /** Decides a pending question; false when it was no longer pending. */
  close(id: string, state: 'approved' | 'rejected', decidedBy: DecidedBy, attempts: number, at: string): boolean {
    return this.#close.run({ id, state, decidedBy, attempts, at }).changes === 1
  }

  insertAttempt(attempt: AuthorizationAttempt): void {
    this.#insertAttempt.run({ ...attempt, accept: attempt.accept === null ? null : attempt.accept ? 1 : 0 })
  }

  /** The attempt log, newest first. */
  attempts(filter: AttemptFilter): AuthorizationAttempt[] {
    return (this.#attempts.all({ paymentId: filter.paymentId ?? null, entityId: filter.entityId ?? null, limit: filter.limit }) as AttemptRow[]).map(attemptFromRow)
  }
}
