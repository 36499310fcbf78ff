import { EndpointLanes, type LaneLimits } from './endpoint-lanes.js'

/** How a send ended, for its receiver's circuit: `skipped` and `aborted` say nothing about the receiver. */
export type SendResult = 'succeeded' | 'failed' | 'skipped' | 'aborted'

export interface LaneQueueHooks<Item extends { id: string }> {
  /** The receiver (circuit and limits) that a group's items go to; a group is a URL or an entity. */
  receiverOf(group: string): string
  /** Up to `count` items of the group due at `nowMs`, in the order to send them. */
  due(group: string, nowMs: number, count: number): Item[]
  send(item: Item): Promise<SendResult>
}

/**
 * The queueing both outgoing senders share (webhooks, payment-authorization callbacks; issue 11
 * item 4): a group's due items start as far as its receiver's lanes allow, never twice at once,
 * and a send that ends starts the next of its group at once, without waiting for the sweeper. A
 * send's error is reported, never thrown into the sweeper.
 */
export class LaneQueue<Item extends { id: string }> {
  readonly #inFlight = new Map<string, Promise<void>>()
  readonly lanes: EndpointLanes
  /** The HTTP requests in flight (signedPost adds and removes them), aborted by shutdown(). */
  readonly requests = new Set<AbortController>()
  #closed = false

  constructor(
    private readonly limits: LaneLimits,
    private readonly realNowMs: () => number,
    private readonly hooks: LaneQueueHooks<Item>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.lanes = new EndpointLanes(limits, realNowMs)
  }

  /** Sends in flight right now. */
  get inFlight(): number {
    return this.#inFlight.size
  }

  /** Starts what every group with due items may take now; answers how many. */
  fillAll(groups: () => Iterable<string>): number {
    // Closed: not even the groups are read (the database may be closing too).
    if (this.#closed) return 0
    let started = 0
    for (const group of groups()) started += this.fill(group)
    return started
  }

  /** Starts what one group's receiver may take now; answers how many. */
  fill(group: string): number {
    if (this.#closed) return 0
    const receiver = this.hooks.receiverOf(group)
    const free = this.lanes.free(receiver)
    if (free <= 0) return 0
    let started = 0
    // Items in flight are still pending in their table: ask for enough rows to step over them.
    // This group's are among its receiver's in flight, so that many more rows are enough (one
    // send ending used to read 9 rows to start 1; issue 15).
    for (const item of this.hooks.due(group, this.realNowMs(), free + this.lanes.inFlightOf(receiver))) {
      if (started >= free) break
      if (this.#inFlight.has(item.id)) continue
      this.lanes.start(receiver)
      let result: SendResult = 'aborted'
      const send = this.hooks
        .send(item)
        .then((r) => {
          result = r
        })
        .catch((error: unknown) => this.onError(error))
        .finally(() => {
          this.#inFlight.delete(item.id)
          this.lanes.end(receiver, result === 'succeeded', result === 'succeeded' || result === 'failed')
          // The next of this group goes now, not at the next sweeper pass: a healthy receiver drains at its own pace.
          if (result !== 'aborted') this.fill(group)
        })
      this.#inFlight.set(item.id, send)
      started++
    }
    return started
  }

  /** Resolves once no send is in flight (tests; closing). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()])
  }

  /** On app close: starts nothing more, aborts the requests in flight (their items stay pending), waits for them. */
  async shutdown(): Promise<void> {
    this.#closed = true
    for (const controller of this.requests) controller.abort()
    await this.idle()
  }
}
