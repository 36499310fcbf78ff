import { randomUUID } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import type { WebhookEndpoint, WebhooksStore } from './webhooks.store.js'

/** The endpoint from the environment (`WEBHOOK_URL`): every entity's events (CONTRACT §4). */
export const ENV_ENDPOINT_ID = 'env'

/** Every event the mock emits (CONTRACT §4 "Payments" lifecycle table; reference B §8). */
export const EVENT_TYPES = [
  'payment.outbound.confirmed',
  'payment.outbound.settled',
  'payment.outbound.rejected',
  'payment.inbound.received',
  'payment.inbound.confirmed',
  // The documented "Rejected" family for the receiver (docs-audit gap 9): its payment-authorization callback refused it.
  'payment.inbound.rejected',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

export interface EnvEndpointConfig {
  url: string | undefined
  secret: string | undefined
  mode: 'once' | 'retry'
}

/**
 * Writes events into the outbox inside the caller's transaction: the event (its exact body)
 * and one delivery job per endpoint that wants it. Nothing is sent here; the sweeper sends
 * after commit, so delivery never delays the request that caused the event (STYLE rule 3).
 *
 * An event no endpoint wants is not written (issue 15): nothing would ever send or read it (no
 * route lists events, an export leaves them out, retention deletes them), and its row, its body
 * made and its four b-tree writes were ~22% of a payment's CPU, two events a payment. Endpoints
 * added later get the events emitted after them, as before. `recordEveryEvent` writes them all
 * (tests read what was emitted from the outbox).
 */
export class EventsService {
  #env: WebhookEndpoint | undefined

  constructor(
    private readonly store: WebhooksStore,
    private readonly clock: Clock,
    private readonly realNowMs: () => number,
    private readonly env: EnvEndpointConfig,
    private readonly recordEveryEvent = false,
  ) {}

  /** Every endpoint: the environment's (when WEBHOOK_URL is set) first, then the added ones. */
  endpoints(): WebhookEndpoint[] {
    const env = this.#envEndpoint()
    const added = this.store.endpoints()
    return env ? [env, ...added] : added
  }

  /** One endpoint by id (`env` for WEBHOOK_URL), as a send needs it: with its secret. */
  endpoint(id: string): WebhookEndpoint | undefined {
    return id === ENV_ENDPOINT_ID ? this.#envEndpoint() : this.store.findEndpoint(id)
  }

  /** WEBHOOK_URL's endpoint, made once: the environment does not change while the server runs. */
  #envEndpoint(): WebhookEndpoint | undefined {
    if (!this.env.url) return undefined
    this.#env ??= Object.freeze({ id: ENV_ENDPOINT_ID, url: this.env.url, secret: this.env.secret ?? '', mode: this.env.mode, events: null, entityId: null, createdAt: '' })
    return this.#env
  }

  emit(entityId: string, type: EventType, data: unknown): string {
    const id = randomUUID()
    const wanting = this.endpoints().filter(
      (endpoint) => (endpoint.entityId === null || endpoint.entityId === entityId) && (endpoint.events === null || endpoint.events.includes(type)),
    )
    if (wanting.length === 0 && !this.recordEveryEvent) return id
    const createdAt = this.clock.now().toISOString()
    const body = JSON.stringify({ id, type, created_at: createdAt, data })
    this.store.insertEvent({ id, entityId, type, body, createdAt })
    const now = this.realNowMs()
    for (const endpoint of wanting) {
      this.store.insertJob({ id: randomUUID(), eventId: id, endpointId: endpoint.id, url: endpoint.url, attempts: 0, nextAttemptMs: now, state: 'pending' })
    }
    return id
  }
}
