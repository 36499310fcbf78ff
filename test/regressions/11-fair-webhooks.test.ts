import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { EndpointLanes } from '../../src/webhooks/endpoint-lanes.js'
import { WebhookDelivery } from '../../src/webhooks/delivery.js'
import { putAuthorization, simulateInbound, ZERO_ACCOUNT } from '../helpers/authorization.js'
import { buildWebhookApp, DEFAULT_ENTITY, ManualRealTime, OTHER_ENTITY, startReceiver } from '../helpers/webhooks.js'

// Issue 11 item 4: every endpoint shared 16 sends at once, oldest first, 5 s each; with one
// hanging endpoint the healthy WEBHOOK_URL got 192 of 1,198 events and the backlog drained at
// 3.2 a second. Each receiver now has its own few sends at once and a circuit breaker.

const SECRET = 'whsec_fair'
const OTHER_ACCOUNT = '00000000-0000-4000-8000-000000000403'

/** `n` events at once for the default entity, as a burst of payments would leave them. */
function emitEvents(app: FastifyInstance, n: number, entityId = DEFAULT_ENTITY): void {
  app.services.db.transaction(() => {
    for (let i = 0; i < n; i++) app.services.events.emit(entityId, 'payment.outbound.confirmed', { n: i })
  })()
}

async function waitFor(done: () => boolean, limitMs: number): Promise<number> {
  const start = performance.now()
  while (!done()) {
    if (performance.now() - start > limitMs) break
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return performance.now() - start
}

t.test('a healthy endpoint beside one that never answers receives every event within seconds', async (t) => {
  const hanging = await startReceiver(t, () => ({ status: 200, until: new Promise(() => undefined) }))
  const healthy = await startReceiver(t)
  // The sweeper's own timer, as in a running server.
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: healthy.url, webhookSecret: SECRET }, sweepIntervalMs: 20 })
  const added = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: hanging.url, secret: SECRET, mode: 'retry' } })
  t.equal(added.statusCode, 201)
  // The hanging endpoint's jobs come first in every due-time order.
  emitEvents(app, 400)
  await app.services.sweeper.runDue()
  const ms = await waitFor(() => healthy.received.length >= 400, 10_000)
  t.equal(healthy.received.length, 400, `the healthy endpoint got all 400 events in ${ms.toFixed(0)} ms`)
  t.ok(ms < 10_000, 'within seconds')
  t.equal(hanging.received.length, 8, 'the hanging one holds only its own 8 sends')
  t.equal(hanging.answered(), 0)
})

t.test('a receiver that fails opens its circuit after 5 failures in a row: nothing goes to it for a while, the others go on', async (t) => {
  const failing = await startReceiver(t, () => ({ status: 500 }))
  const healthy = await startReceiver(t)
  const real = new ManualRealTime()
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: healthy.url, webhookSecret: SECRET }, realNowMs: real.now })
  t.equal((await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: failing.url, secret: SECRET, mode: 'once' } })).statusCode, 201)
  const { stores, events, clock } = app.services
  // A sender of its own, one send at a time per receiver, so the count of failures is exact.
  const delivery = new WebhookDelivery(stores.webhooks, events, clock, real.now, { retryBaseMs: 20, limits: { perEndpoint: 1, failureThreshold: 5, openMs: 1000, maxOpenMs: 4000 } })
  t.teardown(() => delivery.close())
  emitEvents(app, 20)
  delivery.deliverDue()
  await delivery.idle()
  t.equal(failing.received.length, 5, 'five failures, then the circuit opened')
  t.equal(healthy.received.length, 20, 'the healthy receiver got everything meanwhile')
  t.match(delivery.lanes.view().find((l) => l.url === new URL(failing.url).origin), { state: 'open', consecutiveFailures: 5 })
  delivery.deliverDue()
  await delivery.idle()
  t.equal(failing.received.length, 5, 'nothing while open')
  real.advance(1000)
  delivery.deliverDue()
  await delivery.idle()
  t.equal(failing.received.length, 6, 'half-open: one trial send, which failed')
  t.match(delivery.lanes.view().find((l) => l.url === new URL(failing.url).origin), { state: 'open', openUntilMs: real.ms + 2000 }, 'open again, twice as long')
  real.advance(1999)
  delivery.deliverDue()
  await delivery.idle()
  t.equal(failing.received.length, 6)
  real.advance(1)
  delivery.deliverDue()
  await delivery.idle()
  t.equal(failing.received.length, 7)
})

t.test('a circuit closes again after a successful trial; a send cut off by closing counts for nothing', async (t) => {
  const real = new ManualRealTime()
  const lanes = new EndpointLanes({ perEndpoint: 2, total: 10, failureThreshold: 2, openMs: 100, maxOpenMs: 1000 }, real.now)
  const url = 'http://receiver.test'
  t.equal(lanes.free(url), 2)
  for (let i = 0; i < 2; i++) lanes.start(url)
  t.equal(lanes.free(url), 0, 'both slots taken')
  lanes.end(url, false)
  lanes.end(url, false)
  t.equal(lanes.free(url), 0, 'open')
  real.advance(100)
  t.equal(lanes.free(url), 1, 'half-open: one trial')
  lanes.start(url)
  t.equal(lanes.free(url), 0, 'nothing beside the trial')
  lanes.end(url, true)
  t.equal(lanes.free(url), 2, 'closed again')
  t.equal(lanes.free('http://other.test'), 2, 'another receiver was never limited')
  lanes.start(url)
  lanes.end(url, false, false)
  t.equal(lanes.free(url), 2, 'a send cut off by closing the app does not count')
})

t.test('drains a healthy receiver at hundreds of events a second', async (t) => {
  const healthy = await startReceiver(t)
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: healthy.url, webhookSecret: SECRET } })
  const n = 2000
  emitEvents(app, n)
  const start = performance.now()
  app.services.webhookDelivery.deliverDue()
  await app.services.webhookDelivery.idle()
  const seconds = (performance.now() - start) / 1000
  const rate = n / seconds
  t.equal(healthy.received.length, n, 'one pass drains it all: each send that ends starts the next')
  t.comment(`drained ${n} events in ${seconds.toFixed(2)} s: ${rate.toFixed(0)} a second`)
  // Over a thousand a second with a receiver in another process (README); the bound leaves room for a loaded CI
  // machine running three test files at once, and still fails the 3 a second of the shared pool.
  t.ok(rate >= 100, `${rate.toFixed(0)} events a second`)
})

t.test('a payment-authorization callback that never answers holds back no other entity’s callback', async (t) => {
  const hanging = await startReceiver(t, () => ({ status: 200, until: new Promise(() => undefined) }))
  const healthy = await startReceiver(t, () => ({ status: 200, body: '{"accept": true}' }))
  const { app } = await buildWebhookApp(t, { sweepIntervalMs: 20 })
  // The other entity's callback hangs; the default entity's answers.
  await putAuthorization(app, hanging.url, { entityId: OTHER_ENTITY })
  await putAuthorization(app, healthy.url)
  for (let i = 0; i < 30; i++) await simulateInbound(app, OTHER_ACCOUNT, '1.00')
  const ours: string[] = []
  for (let i = 0; i < 30; i++) ours.push((await simulateInbound(app, ZERO_ACCOUNT, '1.00')).id)
  const ms = await waitFor(() => ours.every((id) => app.services.stores.payments.findById(id)?.status === 'SETTLED'), 5000)
  t.ok(ours.every((id) => app.services.stores.payments.findById(id)?.status === 'SETTLED'), `all 30 of the healthy entity's payments were approved and settled in ${ms.toFixed(0)} ms`)
  t.equal(healthy.received.length, 30)
  t.equal(hanging.received.length, 8, 'the hanging callback holds only its own 8 questions')
})
