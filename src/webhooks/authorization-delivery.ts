import type { Clock } from '../core/clock.js'
import type { TargetPolicy } from '../core/target-policy.js'
import type { PaymentAuthorization, Verdict } from '../resources/payments/authorization.js'
import { serializePayment } from '../resources/payments/payments.serializer.js'
import type { PaymentsStore } from '../resources/payments/payments.store.js'
import type { AuthorizationRequest, AuthorizationsStore } from './authorizations.store.js'
import { OPEN_POLICY, receiverOf } from './delivery.js'
import { DEFAULT_LANE_LIMITS, type EndpointLanes, type LaneLimits } from './endpoint-lanes.js'
import { LaneQueue, type SendResult } from './lane-queue.js'
import { type PostOutcome, signedPost } from './signed-post.js'
import { signatureHeader } from './webhook-signature.js'

/** https://docs.passportfintech.com/EN/payment-authorization-feature: "return your accept or reject response within 3 seconds". */
export const AUTHORIZATION_TIMEOUT_MS = 3000
/** The most of an answer's body that is read (and kept in the attempt log); a longer answer is malformed. */
export const MAX_ANSWER_BYTES = 4096
/** The `type` of the body the callback receives (our choice: the docs do not show the payload). */
export const AUTHORIZATION_REQUEST_TYPE = 'payment.inbound.authorization'

export interface AuthorizationDeliveryOptions {
  timeoutMs?: number
  /** Questions at once per callback and in all, and the circuit breaker (default DEFAULT_LANE_LIMITS). */
  limits?: Partial<LaneLimits>
  /** Where a send that could not be recorded is reported (never thrown into the sweeper). */
  onError?: (error: unknown) => void
  /** Which addresses may be asked (issue 11 item 5); default: any. */
  policy?: TargetPolicy
}

/**
 * Asks the payment-authorization callbacks (issue 10 §2), beside the webhook sender and like it
 * (src/webhooks/delivery.ts): a sweeper pass starts the sends that are due and never waits for
 * one, so no request of the API is delayed by a callback. Each question is POSTed with the same
 * signature as webhooks (`X-Passport-Signature` under the entity's Secret Token); the answer, or
 * its failure, is recorded and applied in one transaction (PaymentAuthorization.record). A send
 * cut off by closing the app leaves its question pending, unrecorded: it is asked again at the
 * next start. There is no retry: a failed attempt decides (Auto Approve Error, or rejected).
 * Each callback (its URL's origin) has its own queue, few questions at once and a circuit
 * breaker, as webhook receivers do (issue 11 item 4): a hanging callback holds only its own
 * slots; while its circuit is open its questions wait, pending, and the payments stay PROCESSING.
 */
export class AuthorizationDelivery {
  readonly #timeoutMs: number
  readonly #queue: LaneQueue<AuthorizationRequest>
  readonly #policy: TargetPolicy

  constructor(
    private readonly store: AuthorizationsStore,
    private readonly payments: PaymentsStore,
    private readonly authorization: PaymentAuthorization,
    private readonly clock: Clock,
    private readonly realNowMs: () => number,
    options: AuthorizationDeliveryOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? AUTHORIZATION_TIMEOUT_MS
    this.#policy = options.policy ?? OPEN_POLICY
    // A group is an entity; its receiver, its callback URL's origin (no setting any more: a lane of its own, skipped at once by #send).
    this.#queue = new LaneQueue<AuthorizationRequest>(
      { ...DEFAULT_LANE_LIMITS, ...options.limits },
      realNowMs,
      {
        receiverOf: (entityId) => {
          const url = this.store.findConfig(entityId)?.url
          return url === undefined ? `entity:${entityId}` : receiverOf(url)
        },
        due: (entityId, nowMs, count) => this.store.dueFor(entityId, nowMs, count),
        send: (request) => this.#send(request),
      },
      options.onError ?? (() => undefined),
    )
  }

  /** Callbacks being asked right now. */
  get inFlight(): number {
    return this.#queue.inFlight
  }

  /** Each callback's questions in flight and circuit. */
  get lanes(): EndpointLanes {
    return this.#queue.lanes
  }

  /** Starts the sends that are due, each entity's as far as its callback's limits allow, without waiting for them; answers how many. */
  deliverDue(): number {
    return this.#queue.fillAll(() => this.store.pendingEntities())
  }

  /** Resolves once no send is in flight (tests; closing). */
  idle(): Promise<void> {
    return this.#queue.idle()
  }

  /** On app close: starts nothing more, aborts what is in flight (those questions stay pending), waits for it. */
  close(): Promise<void> {
    return this.#queue.shutdown()
  }

  async #send(request: AuthorizationRequest): Promise<SendResult> {
    const config = this.store.findConfig(request.entityId)
    const payment = this.payments.findById(request.paymentId)
    if (!config || payment?.status !== 'PROCESSING') {
      // The setting was deleted meanwhile: the payment goes on as for an entity without the feature.
      this.authorization.skip(request.id)
      return 'skipped'
    }
    const at = this.clock.now().toISOString()
    // The same envelope as a webhook event; `id` is the question's, the same if it is asked again after a restart.
    const body = JSON.stringify({ id: request.id, type: AUTHORIZATION_REQUEST_TYPE, created_at: at, data: serializePayment(payment) })
    // A duration, not a time of day: measured on the monotonic clock, like the request log's.
    const startedMs = performance.now()
    const exchange = await signedPost({
      url: config.url,
      body,
      signature: signatureHeader(config.secret, body, this.realNowMs()),
      userAgent: 'passport-mock-authorization',
      // The docs' 3 seconds, for the headers and the body alike.
      timeoutMs: this.#timeoutMs,
      policy: this.#policy,
      inFlight: this.#queue.requests,
      readBodyBytes: MAX_ANSWER_BYTES,
    })
    if ('aborted' in exchange) return 'aborted'
    const durationMs = Math.round(performance.now() - startedMs)
    const { verdict, error } = judge(exchange)
    this.authorization.record(
      request.id,
      {
        url: config.url,
        status: 'status' in exchange ? exchange.status : null,
        response: 'body' in exchange ? exchange.body : null,
        accept: 'accept' in verdict ? verdict.accept : null,
        error,
        durationMs,
        at,
      },
      verdict,
    )
    return error === null ? 'succeeded' : 'failed'
  }
}

/**
 * The docs' rule: HTTP 200 with `{"accept": true}` or `{"accept": false}`. Anything else is an
 * error (Auto Approve Error then decides). The Content-Type is not checked (our choice: the body
 * says enough).
 */
function judge(exchange: Exclude<PostOutcome, { aborted: true }>): { verdict: Verdict; error: string | null } {
  if ('error' in exchange) return { verdict: { failure: exchange.timeout ? 'timeout' : 'error' }, error: exchange.error }
  if (exchange.status !== 200) return { verdict: { failure: 'error' }, error: `HTTP ${exchange.status}: the callback must answer 200` }
  if (exchange.tooLarge) return { verdict: { failure: 'error' }, error: `Answer over ${MAX_ANSWER_BYTES} bytes` }
  let parsed: unknown
  try {
    parsed = JSON.parse(exchange.body)
  } catch {
    parsed = undefined
  }
  const accept = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { accept?: unknown }).accept : undefined
  if (typeof accept !== 'boolean') return { verdict: { failure: 'error' }, error: 'Malformed answer: expected {"accept": true} or {"accept": false}' }
  return { verdict: { accept }, error: null }
}
