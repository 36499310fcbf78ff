import { randomUUID } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import { TargetPolicy } from '../core/target-policy.js'
import { DEFAULT_LANE_LIMITS, type EndpointLanes, type LaneLimits } from './endpoint-lanes.js'
import { LaneQueue, type SendResult } from './lane-queue.js'
import type { EventsService } from './events.service.js'
import { keepAliveAgents, type SendAgents, signedPost } from './signed-post.js'
import { signatureHeader } from './webhook-signature.js'
import type { JobUpdate, WebhookDeliveryRecord, WebhookJob, WebhooksStore } from './webhooks.store.js'

/** CONTRACT §4: a delivery fails when the receiver gives no answer in 5 s. */
export const WEBHOOK_TIMEOUT_MS = 5000
/** Reference B §8: retry mode redelivers up to 12 times (waits base×2^n, n = 0…11). */
export const MAX_RETRIES = 12
export interface DeliveryOptions {
  /** First retry wait, real ms (`WEBHOOK_RETRY_BASE_MS`); doubles on every retry. */
  retryBaseMs: number
  timeoutMs?: number
  /** Sends at once per receiver and in all, and the circuit breaker (default DEFAULT_LANE_LIMITS). */
  limits?: Partial<LaneLimits>
  /** Where a send that could not be recorded is reported (never thrown into the sweeper). */
  onError?: (error: unknown) => void
  /** Which addresses may be sent to (issue 11 item 5); default: any. */
  policy?: TargetPolicy
}

/** A policy that refuses nothing and resolves as the system does (a server on loopback only). */
export const OPEN_POLICY = new TargetPolicy({ exposed: false, allowPrivate: true })

/**
 * The receiver a URL names: its origin (scheme, host, port). Paths of one server share its
 * limits and its circuit, since they share its sockets and its health.
 */
export function receiverOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/**
 * Sends the outbox (CONTRACT §4 "Webhooks"): each pending job whose next attempt is due on real
 * time is POSTed, signed, with the event's exact stored body. A sweeper pass only starts sends
 * and never waits on a receiver, so a slow endpoint delays neither settlements nor requests.
 * Each receiver (a URL's origin) has its own queue, its own few sends at once and a circuit
 * breaker (src/webhooks/endpoint-lanes.ts, issue 11 item 4): one that hangs or fails holds only
 * its own slots, and a send that ends starts the next of its receiver at once, without waiting
 * for the sweeper. Every finished attempt is a row in the log; the job then ends (`delivered`,
 * `failed`) or waits base×2^n before the next try. Jobs are rows, so they survive a restart; a
 * send cut off by closing the app leaves its job pending, unrecorded, for the next start.
 */
export class WebhookDelivery {
  readonly #timeoutMs: number
  readonly #queue: LaneQueue<WebhookJob>
  readonly #policy: TargetPolicy
  readonly #agents: SendAgents
  #toRecord: { delivery: WebhookDeliveryRecord; update: JobUpdate; resolve: () => void; reject: (error: unknown) => void }[] = []

  constructor(
    private readonly store: WebhooksStore,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly realNowMs: () => number,
    private readonly options: DeliveryOptions,
  ) {
    this.#timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS
    this.#policy = options.policy ?? OPEN_POLICY
    const limits = { ...DEFAULT_LANE_LIMITS, ...options.limits }
    // Sends to one receiver reuse its sockets (issue 15; README "Webhooks"): with a connection per
    // send a drain ran at 560–920 events/s, 690–720 µs of CPU each. The lanes bound the sockets per receiver.
    this.#agents = keepAliveAgents(limits.perEndpoint, limits.total)
    // A group is a URL; its receiver, the URL's origin.
    this.#queue = new LaneQueue<WebhookJob>(
      limits,
      realNowMs,
      { receiverOf, due: (url, nowMs, count) => this.store.dueJobsFor(url, nowMs, count), send: (job) => this.#send(job) },
      options.onError ?? (() => undefined),
    )
  }

  /** Sends in flight right now. */
  get inFlight(): number {
    return this.#queue.inFlight
  }

  /** Each receiver's sends in flight and circuit. */
  get lanes(): EndpointLanes {
    return this.#queue.lanes
  }

  /**
   * Starts the sends that are due, for every URL with pending jobs, each as far as its
   * receiver's limits allow, and returns how many it started, without waiting for any of them.
   * A job already in flight is not started twice.
   */
  deliverDue(): number {
    return this.#queue.fillAll(() => this.store.pendingUrls())
  }

  /** Resolves once no send is in flight (tests; closing). */
  idle(): Promise<void> {
    return this.#queue.idle()
  }

  /** On app close: starts nothing more, aborts what is in flight (those jobs stay pending), waits for it. */
  async close(): Promise<void> {
    await this.#queue.shutdown()
    // The idle sockets too: none outlives the app.
    this.#agents.http.destroy()
    this.#agents.https.destroy()
  }

  async #send(job: WebhookJob): Promise<SendResult> {
    const endpoint = this.events.endpoint(job.endpointId)
    if (!endpoint) {
      // Its endpoint is gone (WEBHOOK_URL unset since the event): nothing to sign with or send to.
      this.store.closeJob(job.id, 'failed', job.attempts, this.realNowMs())
      return 'skipped'
    }
    // Read in the same turn as the job: its event goes only with it (ON DELETE CASCADE), so it is there.
    const event = this.store.eventOf(job.eventId)
    if (!event) return 'skipped'
    const attempt = job.attempts + 1
    const at = this.clock.now().toISOString()
    const outcome = await signedPost({
      url: job.url,
      body: event.body,
      signature: signatureHeader(endpoint.secret, event.body, this.realNowMs()),
      userAgent: 'passport-mock-webhooks',
      timeoutMs: this.#timeoutMs,
      policy: this.#policy,
      inFlight: this.#queue.requests,
      agents: this.#agents,
    })
    if ('aborted' in outcome) return 'aborted'
    const delivered = 'status' in outcome && outcome.status >= 200 && outcome.status < 300
    await this.#record(
      {
        id: randomUUID(),
        jobId: job.id,
        eventId: job.eventId,
        type: event.type,
        url: job.url,
        attempt,
        status: 'status' in outcome ? outcome.status : null,
        error: 'error' in outcome ? outcome.error : null,
        at,
      },
      this.#next(delivered, endpoint.mode, attempt),
    )
    return delivered ? 'succeeded' : 'failed'
  }

  /**
   * Records an attempt; resolves once it is committed. The attempts that end in one turn of the
   * event loop are committed together (issue 15: a commit per attempt was the largest database
   * cost of a send), each in a savepoint of its own, as payments are. The send, and so its job's
   * place in flight, lasts until then: the job is never picked again while its record waits. If
   * the record fails, the send reports the error and its job stays pending, sent again later, as
   * when the record was written at once.
   */
  #record(delivery: WebhookDeliveryRecord, update: JobUpdate): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#toRecord.length === 0) setImmediate(this.#flushRecords)
      this.#toRecord.push({ delivery, update, resolve, reject })
    })
  }

  readonly #flushRecords = (): void => {
    const batch = this.#toRecord
    this.#toRecord = []
    let outcomes: (true | unknown)[]
    try {
      outcomes = this.store.recordAttempts(batch)
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    batch.forEach((item, i) => (outcomes[i] === true ? item.resolve() : item.reject(outcomes[i])))
  }

  /** After attempt number `attempt` (1 is the first send): done, failed, or wait base×2^(attempt−1). */
  #next(delivered: boolean, mode: 'once' | 'retry', attempt: number): JobUpdate {
    const now = this.realNowMs()
    if (delivered) return { attempts: attempt, state: 'delivered', nextAttemptMs: now }
    if (mode === 'once' || attempt > MAX_RETRIES) return { attempts: attempt, state: 'failed', nextAttemptMs: now }
    return { attempts: attempt, state: 'pending', nextAttemptMs: now + this.options.retryBaseMs * 2 ** (attempt - 1) }
  }
}
