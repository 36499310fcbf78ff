/**
 * Limits of outgoing HTTP per endpoint (issue 11 item 4): each URL has its own small number of
 * sends at once, and a circuit breaker, so one receiver that hangs or fails costs only its own
 * slots and never slows the others. Both the webhook sender and the payment-authorization sender
 * use one (STYLE Part 3: "the same per-endpoint limits").
 */
export interface LaneLimits {
  /** Sends at once to one URL. */
  perEndpoint: number
  /** Sends at once over every URL: a bound on sockets, far above one endpoint's share. */
  total: number
  /** Consecutive failed sends (no 2xx, a network error, no answer in time) that open the circuit. */
  failureThreshold: number
  /** How long an open circuit sends nothing, real ms; doubles on every failed trial, up to `maxOpenMs`. */
  openMs: number
  maxOpenMs: number
}

/**
 * Our choice (the docs say nothing of the sender's limits): 8 at once per receiver drains a
 * healthy local receiver at well over a thousand sends a second (README "Webhooks"), while a
 * hanging one holds at most 8 sockets. 5 failures in a row open the circuit for 5 s, then one
 * trial send (half-open) decides: success closes it, failure opens it for twice as long, up to 60 s.
 */
export const DEFAULT_LANE_LIMITS: LaneLimits = { perEndpoint: 8, total: 256, failureThreshold: 5, openMs: 5000, maxOpenMs: 60000 }

/** `closed`: sending; `open`: resting until `openUntilMs`; `half-open`: one trial send decides. */
export type CircuitState = 'closed' | 'open' | 'half-open'

interface Lane {
  inFlight: number
  failures: number
  openUntilMs: number
  openMs: number
  /** A half-open trial is in flight: nothing else goes until it ends. */
  trial: boolean
}

export interface LaneView {
  url: string
  state: CircuitState
  inFlight: number
  consecutiveFailures: number
  openUntilMs: number | null
}

export class EndpointLanes {
  readonly #lanes = new Map<string, Lane>()
  #inFlight = 0

  constructor(
    private readonly limits: LaneLimits,
    private readonly realNowMs: () => number,
  ) {}

  /** Sends in flight over every URL. */
  get inFlight(): number {
    return this.#inFlight
  }

  #lane(url: string): Lane {
    let lane = this.#lanes.get(url)
    if (!lane) {
      lane = { inFlight: 0, failures: 0, openUntilMs: 0, openMs: this.limits.openMs, trial: false }
      this.#lanes.set(url, lane)
    }
    return lane
  }

  #state(lane: Lane): CircuitState {
    if (lane.failures < this.limits.failureThreshold) return 'closed'
    return this.realNowMs() < lane.openUntilMs ? 'open' : 'half-open'
  }

  /** Sends to `url` in flight. */
  inFlightOf(url: string): number {
    return this.#lanes.get(url)?.inFlight ?? 0
  }

  /** How many sends to `url` may start now: 0 while its circuit is open, 1 for a half-open trial. */
  free(url: string): number {
    const totalFree = this.limits.total - this.#inFlight
    if (totalFree <= 0) return 0
    const lane = this.#lanes.get(url)
    if (!lane) return Math.min(this.limits.perEndpoint, totalFree)
    const state = this.#state(lane)
    if (state === 'open') return 0
    if (state === 'half-open') return lane.trial || lane.inFlight > 0 ? 0 : 1
    return Math.max(0, Math.min(this.limits.perEndpoint - lane.inFlight, totalFree))
  }

  /** A send to `url` starts (after `free` said it may). */
  start(url: string): void {
    const lane = this.#lane(url)
    if (this.#state(lane) === 'half-open') lane.trial = true
    lane.inFlight++
    this.#inFlight++
  }

  /**
   * A send to `url` ended: `ok` a 2xx (or the callback's answer), else a failure. `counted`
   * false for a send cut off by closing the app, which says nothing about the receiver.
   */
  end(url: string, ok: boolean, counted = true): void {
    const lane = this.#lane(url)
    lane.inFlight--
    this.#inFlight--
    const trial = lane.trial
    lane.trial = false
    if (!counted) return
    if (ok) {
      lane.failures = 0
      lane.openMs = this.limits.openMs
      return
    }
    lane.failures++
    if (trial) {
      // The trial failed: rest again, twice as long.
      lane.openMs = Math.min(lane.openMs * 2, this.limits.maxOpenMs)
      lane.openUntilMs = this.realNowMs() + lane.openMs
    } else if (lane.failures === this.limits.failureThreshold) {
      lane.openUntilMs = this.realNowMs() + lane.openMs
    }
  }

  /** Every URL sent to since start, with its circuit: what `/_mock/webhooks` could show. */
  view(): LaneView[] {
    return [...this.#lanes].map(([url, lane]) => {
      const state = this.#state(lane)
      return { url, state, inFlight: lane.inFlight, consecutiveFailures: lane.failures, openUntilMs: state === 'closed' ? null : lane.openUntilMs }
    })
  }
}
