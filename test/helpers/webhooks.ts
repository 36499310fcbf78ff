import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { ManualTime } from '../../src/core/clock.js'
import { bearer } from './auth.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** One POST as the receiver saw it: the raw body, the headers, and when (real ms, monotonic). */
export interface Received {
  body: string
  headers: IncomingHttpHeaders
  method: string
  atMs: number
}

/**
 * How the receiver answers the nth request (0-based): a status, optionally after holding it
 * (`holdMs`, or until the promise `until` settles), with a JSON `body` or else `ok` as text.
 */
export type Answer = (index: number) => { status: number; holdMs?: number; until?: Promise<unknown>; body?: string }

export interface Receiver {
  url: string
  received: Received[]
  /** How many requests it has answered (a held one counts once its answer is written). */
  answered: () => number
  close: () => Promise<void>
}

/** The ith item, or a thrown error naming the index (strict index access without `!`). */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index]
  if (item === undefined) throw new Error(`no item at index ${index} (${items.length} in all)`)
  return item
}

/**
 * A real HTTP receiver on 127.0.0.1, port 0 (never a fixed port), closed when the test ends:
 * it records every request and answers as told. Held answers are cut off on close.
 */
export async function startReceiver(t: Teardown, answer: Answer = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = []
  const timers = new Set<NodeJS.Timeout>()
  let answered = 0
  let closed = false
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const index = received.length
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, method: req.method ?? '', atMs: performance.now() })
      const { status, holdMs, until, body } = answer(index)
      const reply = () => {
        if (closed) return
        answered++
        res.writeHead(status, { 'content-type': body === undefined ? 'text/plain' : 'application/json' }).end(body ?? 'ok')
      }
      if (until) return void until.then(reply, reply)
      if (!holdMs) return reply()
      const timer = setTimeout(() => {
        timers.delete(timer)
        reply()
      }, holdMs)
      timers.add(timer)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = async () => {
    if (closed) return
    closed = true
    for (const timer of timers) clearTimeout(timer)
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  t.teardown(close)
  return { url: `http://127.0.0.1:${port}/hooks`, received, answered: () => answered, close }
}

/** A URL on 127.0.0.1 where nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/hooks`
}

/** Real time a test can move by hand: retry waits then pass at once, and exactly. */
export class ManualRealTime {
  constructor(public ms = 1_760_000_000_000) {}
  readonly now = (): number => this.ms
  advance(ms: number): void {
    this.ms += ms
  }
}

export interface WebhookAppOptions {
  config?: Partial<Config>
  realNowMs?: () => number
  sweepIntervalMs?: number
  /** Closed when the test ends unless false (a test that closes and reopens does it itself). */
  autoClose?: boolean
}

/**
 * Like buildTestApp, plus what webhook tests need: a real-time source to move by hand, and a
 * sweeper timer when a test wants sends to happen by themselves.
 */
export async function buildWebhookApp(t: Teardown, options: WebhookAppOptions = {}): Promise<{ app: FastifyInstance; time: ManualTime }> {
  const time = new ManualTime('2026-01-15T12:00:00.000Z')
  const config = { ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent' as const, ...options.config }
  const app = await buildApp(config, {
    timeSource: time,
    sweepIntervalMs: options.sweepIntervalMs ?? 0,
    realNowMs: options.realNowMs,
    sleep: async () => undefined,
  })
  if (options.autoClose !== false) t.teardown(() => app.close())
  return { app, time }
}

export const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
export const OTHER_ACCOUNT = '00000000-0000-4000-8000-000000000403'
export const DEFAULT_ENTITY = '9f1c2b7e-4d3a-4e8b-a5c6-7d8e9f0a1b2c'
export const OTHER_ENTITY = '2b8e4f1a-6c3d-4a9e-b7f5-1c2d3e4f5a6b'
export const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

/**
 * A payment from the other entity's account `…0403` to a PHONE value (an outside bank unless
 * registered here): resolve, then pay. Answers the POST /v1/payments/breb response.
 */
export async function makePayment(app: FastifyInstance, keyValue = '3001112222', amount = '10') {
  const headers = await bearer(app, 'other')
  const resolved = await app.inject({
    method: 'POST',
    url: '/v1/resolve-key',
    headers,
    payload: { customer_id: OTHER_CUSTOMER, key: { key_type: 'PHONE', key_value: keyValue } },
  })
  if (resolved.statusCode !== 200) throw new Error(`resolve-key failed: ${resolved.statusCode} ${resolved.body}`)
  const { resolution_id } = resolved.json() as { resolution_id: string }
  return app.inject({ method: 'POST', url: '/v1/payments/breb', headers, payload: { account_id: OTHER_ACCOUNT, resolution_id, amount: { value: amount, currency: 'COP' } } })
}

/** Runs a sweeper pass and waits for the sends it started. */
export async function sweepAndSettle(app: FastifyInstance): Promise<void> {
  await app.services.sweeper.runDue()
  await app.services.webhookDelivery.idle()
}

/**
 * Sweeps (real time passing) until `done()` holds; fails after `limitMs` so a broken schedule
 * cannot hang the suite.
 */
export async function sweepUntil(app: FastifyInstance, done: () => boolean, limitMs = 5000, stepMs = 2): Promise<void> {
  const start = performance.now()
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`condition not met within ${limitMs} ms`)
    await sweepAndSettle(app)
    if (!done()) await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
}

/**
 * Makes the webhook outbox throw on its `n`th event from now (1-based), as a failing step in the
 * middle of a transaction. `calls()` counts the events asked for; `restore()` (also run when the
 * test ends) puts the real outbox back.
 */
export function failNthEvent(t: Teardown, app: FastifyInstance, n: number): { calls(): number; restore(): void } {
  const outbox = app.services.events
  const emit = outbox.emit.bind(outbox)
  let calls = 0
  outbox.emit = (...args) => {
    if (++calls === n) throw new Error('outbox unavailable')
    return emit(...args)
  }
  const restore = () => {
    outbox.emit = emit
  }
  t.teardown(restore)
  return { calls: () => calls, restore }
}
