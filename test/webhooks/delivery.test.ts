import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { WEBHOOK_TIMEOUT_MS, WebhookDelivery } from '../../src/webhooks/delivery.js'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import {
  at,
  buildWebhookApp,
  closedPortUrl,
  DOCS_ACCOUNT,
  makePayment,
  ManualRealTime,
  type Received,
  startReceiver,
  sweepAndSettle,
  sweepUntil,
} from '../helpers/webhooks.js'

const SECRET = 'whsec_delivery_test'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

interface EventBody {
  id: string
  type: string
  created_at: string
  data: Record<string, unknown> & { id: string; status: string }
}

const parse = (r: Received) => JSON.parse(r.body) as EventBody

/** CONTRACT §4, computed here with node:crypto: `t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
function checkSignature(t: Test, received: Received, secret: string) {
  const header = received.headers['x-passport-signature']
  t.type(header, 'string', 'carries X-Passport-Signature')
  const match = /^t=([0-9]+),v1=([0-9a-f]{64})$/.exec(String(header))
  if (!match) return t.fail(`malformed signature header ${String(header)}`)
  const [, ts, v1] = match
  t.equal(v1, createHmac('sha256', secret).update(`${ts}.${received.body}`).digest('hex'), 'v1 is the HMAC-SHA256 of "<t>.<raw body>"')
  // CONTRACT §5: t is real time, not the mock's clock (which the tests leave at 2026-01-15).
  t.ok(Math.abs(Number(ts) - Date.now() / 1000) < 60, 't is the real time in unix seconds')
}

async function deliveries(app: Awaited<ReturnType<typeof buildTestApp>>['app'], query = '') {
  const res = await app.inject({ url: `/_mock/webhooks/deliveries${query}` })
  return res
}

t.test('sends a payment’s documented events to WEBHOOK_URL, signed, with the payment as data', async (t) => {
  const receiver = await startReceiver(t)
  const { app, time } = await buildTestApp(t, { webhookUrl: receiver.url, webhookSecret: SECRET, webhookRetryBaseMs: 20 })

  const created = await makePayment(app)
  t.equal(created.statusCode, 200)
  t.match(created.json(), { status: 'PROCESSING', direction: 'OUTBOUND' })
  await expectMatchesSpec(t, app, created)
  t.equal(receiver.received.length, 0, 'nothing is sent inside the request: the sweeper sends')

  await sweepAndSettle(app)
  t.equal(receiver.received.length, 1)
  const first = at(receiver.received, 0)
  t.equal(first.method, 'POST')
  t.equal(first.headers['content-type'], 'application/json')
  const confirmed = parse(first)
  t.same(Object.keys(confirmed).sort(), ['created_at', 'data', 'id', 'type'], 'body is {id, type, created_at, data}')
  t.match(confirmed.id, UUID)
  t.equal(confirmed.type, 'payment.outbound.confirmed')
  t.equal(confirmed.created_at, '2026-01-15T12:00:00.000Z', 'created_at is on the mock clock')
  t.same(confirmed.data, created.json(), 'data is the payment as the API answered it')
  checkSignature(t, first, SECRET)

  time.advance(1000)
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 2)
  const settled = parse(at(receiver.received, 1))
  t.equal(settled.type, 'payment.outbound.settled')
  t.equal(settled.created_at, '2026-01-15T12:00:01.000Z')
  t.not(settled.id, confirmed.id, 'each event has its own id')
  const fetched = await app.inject({ url: `/v1/payments/${confirmed.data.id}`, headers: await bearer(app, 'other') })
  t.equal(fetched.statusCode, 200)
  t.match(fetched.json(), { status: 'SETTLED' })
  t.same(settled.data, fetched.json(), 'data is the settled payment')
  checkSignature(t, at(receiver.received, 1), SECRET)

  const log = await deliveries(app)
  t.equal(log.statusCode, 200)
  t.same(log.json(), {
    deliveries: [
      { event_id: settled.id, type: 'payment.outbound.settled', url: receiver.url, attempt: 1, status: 200, at: '2026-01-15T12:00:01.000Z' },
      { event_id: confirmed.id, type: 'payment.outbound.confirmed', url: receiver.url, attempt: 1, status: 200, at: '2026-01-15T12:00:00.000Z' },
    ],
  })
  await expectMatchesSpec(t, app, log)

  time.advance(60_000)
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 2, 'a delivered event is not sent again')
})

t.test('sends payment.outbound.rejected for a payment without funds', async (t) => {
  const receiver = await startReceiver(t)
  const { app } = await buildTestApp(t, { webhookUrl: receiver.url, webhookSecret: SECRET })
  const created = await makePayment(app, '3001112222', '5000')
  t.equal(created.statusCode, 200)
  t.match(created.json(), { status: 'REJECTED', error: { error_code: 'AM04' } })
  await sweepAndSettle(app)
  t.same(
    receiver.received.map((r) => parse(r).type),
    ['payment.outbound.rejected'],
  )
  t.same(parse(at(receiver.received, 0)).data, created.json())
  checkSignature(t, at(receiver.received, 0), SECRET)
})

t.test('a payment to a key of another entity also sends the receiver’s inbound events, in order', async (t) => {
  const receiver = await startReceiver(t)
  const { app, time } = await buildTestApp(t, { webhookUrl: receiver.url, webhookSecret: SECRET })
  const key = await app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: await bearer(app),
    payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3009998877' } },
  })
  t.equal(key.statusCode, 200)
  const created = await makePayment(app, '3009998877')
  t.equal(created.statusCode, 200)
  await sweepAndSettle(app)
  time.advance(1000)
  await sweepAndSettle(app)
  const bodies = receiver.received.map(parse)
  t.same(
    bodies.map((b) => b.type),
    ['payment.outbound.confirmed', 'payment.outbound.settled', 'payment.inbound.received', 'payment.inbound.confirmed'],
  )
  t.match(at(bodies, 2).data, { direction: 'INBOUND', status: 'SETTLED', account_id: DOCS_ACCOUNT, amount: { value: '10', currency: 'COP' } })
  t.equal(at(bodies, 2).data.id, at(bodies, 3).data.id, 'both inbound events carry the INBOUND record')
  for (const received of receiver.received) checkSignature(t, received, SECRET)
})

t.test('retries a failing receiver after base×2^n with the same event id and body', async (t) => {
  const base = 20
  // 500 four times, then 200: attempts 1–5, waits of 20, 40, 80, 160 ms in between.
  const receiver = await startReceiver(t, (i) => ({ status: i < 4 ? 500 : 200 }))
  const { app } = await buildTestApp(t, { webhookUrl: receiver.url, webhookSecret: SECRET, webhookRetryBaseMs: base })
  const created = await makePayment(app)
  t.equal(created.statusCode, 200)

  const started = performance.now()
  await sweepUntil(app, () => receiver.received.length >= 5, 5000)
  t.ok(performance.now() - started < 3000, 'the retries finish in bounded time')
  t.equal(receiver.received.length, 5)
  const gaps = receiver.received.slice(1).map((r, i) => r.atMs - at(receiver.received, i).atMs)
  gaps.forEach((gap, n) => {
    const wait = base * 2 ** n
    // The wait is counted from the failed answer, so a gap is never shorter (1 ms of timer slack),
    // and with a sweep every few ms it is not much longer either (generous: loaded CI machines).
    t.ok(gap >= wait - 1, `gap ${n + 1} (${gap.toFixed(1)} ms) is at least ${wait} ms`)
    t.ok(gap < wait + 200, `gap ${n + 1} (${gap.toFixed(1)} ms) is not far over ${wait} ms`)
  })
  // 20 + 40 + 80 + 160 ms; a schedule one doubling off (40 + … + 320) would be 600.
  const total = gaps.reduce((sum, gap) => sum + gap, 0)
  t.ok(total >= 299 && total < 500, `the four waits took ${total.toFixed(0)} ms in all (300 scheduled)`)
  const bodies = new Set(receiver.received.map((r) => r.body))
  t.equal(bodies.size, 1, 'every attempt sends the same body, byte for byte')
  t.equal(parse(at(receiver.received, 0)).type, 'payment.outbound.confirmed')
  for (const received of receiver.received) checkSignature(t, received, SECRET)

  const eventId = parse(at(receiver.received, 0)).id
  const log = await deliveries(app, `?event_id=${eventId}`)
  t.equal(log.statusCode, 200)
  t.same(
    (log.json() as { deliveries: { attempt: number; status: number }[] }).deliveries.map((d) => [d.attempt, d.status]),
    [[5, 200], [4, 500], [3, 500], [2, 500], [1, 500]],
    'every attempt is logged, newest first',
  )
  await expectMatchesSpec(t, app, log)
  t.match(app.services.stores.webhooks.jobsOfEvent(eventId), [{ state: 'delivered', attempts: 5 }])

  await new Promise((resolve) => setTimeout(resolve, 3 * base))
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 5, 'nothing more after a 2xx')
})

t.test('once mode makes exactly one attempt', async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 500 }))
  const { app } = await buildTestApp(t, { webhookUrl: receiver.url, webhookSecret: SECRET, webhookMode: 'once', webhookRetryBaseMs: 5 })
  t.equal((await makePayment(app)).statusCode, 200)
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 1)
  const eventId = parse(at(receiver.received, 0)).id
  t.match(app.services.stores.webhooks.jobsOfEvent(eventId), [{ state: 'failed', attempts: 1 }])
  // Well past the first and second retry waits of retry mode (5 and 10 ms).
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    await sweepAndSettle(app)
  }
  t.equal(receiver.received.length, 1, 'no retry')
  const log = await deliveries(app)
  t.same(log.json(), { deliveries: [{ event_id: eventId, type: 'payment.outbound.confirmed', url: receiver.url, attempt: 1, status: 500, at: '2026-01-15T12:00:00.000Z' }] })
  await expectMatchesSpec(t, app, log)
})

t.test('a receiver that is down: every attempt is logged with an error, and the job fails after 12 retries', async (t) => {
  const url = await closedPortUrl()
  const real = new ManualRealTime()
  // The default base (1000 ms) on a real-time source the test moves: the whole schedule, exactly.
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: url, webhookSecret: SECRET }, realNowMs: real.now })
  t.equal(app.services.config.webhookRetryBaseMs, 1000)
  t.equal((await makePayment(app)).statusCode, 200)
  const store = app.services.stores.webhooks
  const job = at(store.dueJobs(real.ms, 10), 0)

  for (let attempt = 1; attempt <= 13; attempt++) {
    await sweepAndSettle(app)
    const log = (await deliveries(app)).json() as { deliveries: { attempt: number; status: number | null; error?: string; event_id: string; url: string }[] }
    t.equal(log.deliveries.length, attempt, `attempt ${attempt} is logged`)
    t.match(at(log.deliveries, 0), { event_id: job.eventId, url, attempt, status: null, error: /ECONNREFUSED/ })
    const [state] = store.jobsOfEvent(job.eventId)
    if (attempt === 13) {
      t.match(state, { state: 'failed', attempts: 13 }, 'failed after the 12th retry')
      break
    }
    const wait = 1000 * 2 ** (attempt - 1)
    t.match(state, { state: 'pending', attempts: attempt, nextAttemptMs: real.ms + wait }, `retry ${attempt} waits ${wait} ms`)
    real.advance(wait - 1)
    t.equal(app.services.webhookDelivery.deliverDue(), 0, 'not sent a millisecond early')
    real.advance(1)
  }
  real.advance(10 * 3600_000)
  await sweepAndSettle(app)
  const log = await deliveries(app)
  t.equal((log.json() as { deliveries: unknown[] }).deliveries.length, 13, 'nothing after failing')
  await expectMatchesSpec(t, app, log)
})

t.test('a receiver that gives no answer within the timeout fails the attempt', async (t) => {
  t.equal(WEBHOOK_TIMEOUT_MS, 5000, 'CONTRACT §4: 5 s')
  const receiver = await startReceiver(t, () => ({ status: 200, holdMs: 3000 }))
  const { app } = await buildTestApp(t, { webhookUrl: receiver.url, webhookSecret: SECRET, webhookMode: 'once' })
  t.equal((await makePayment(app)).statusCode, 200)
  // A second sender on the same outbox with a short timeout, so the test need not wait 5 s.
  const { stores, events, clock } = app.services
  const delivery = new WebhookDelivery(stores.webhooks, events, clock, Date.now, { retryBaseMs: 20, timeoutMs: 100 })
  t.teardown(() => delivery.close())
  const started = performance.now()
  t.equal(delivery.deliverDue(), 1)
  await delivery.idle()
  const elapsed = performance.now() - started
  t.ok(elapsed >= 95 && elapsed < 2000, `gave up after the timeout (${elapsed.toFixed(0)} ms)`)
  t.equal(receiver.received.length, 1)
  t.equal(receiver.answered(), 0, 'the receiver had not answered')
  const log = await deliveries(app)
  t.match(log.json(), { deliveries: [{ attempt: 1, status: null, error: 'No answer in 100 ms' }] })
  await expectMatchesSpec(t, app, log)
})

t.test('sending never delays the request that caused the event, nor a sweeper pass', async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 200, holdMs: 3000 }))
  // The sweeper's own timer runs here, so sends start while requests are being answered.
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: receiver.url, webhookSecret: SECRET }, sweepIntervalMs: 5 })
  t.equal((await makePayment(app, '3001112222')).statusCode, 200)
  const waitStart = performance.now()
  while (receiver.received.length < 1 && performance.now() - waitStart < 2000) await new Promise((resolve) => setTimeout(resolve, 2))
  t.equal(receiver.received.length, 1, 'the first event is being sent and held by the receiver')

  const headers = await bearer(app, 'other')
  const resolved = await app.inject({
    method: 'POST',
    url: '/v1/resolve-key',
    headers,
    payload: { customer_id: '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e', key: { key_type: 'PHONE', key_value: '3001113333' } },
  })
  const started = performance.now()
  const paid = await app.inject({
    method: 'POST',
    url: '/v1/payments/breb',
    headers,
    payload: { account_id: '00000000-0000-4000-8000-000000000403', resolution_id: (resolved.json() as { resolution_id: string }).resolution_id, amount: { value: '10', currency: 'COP' } },
  })
  const requestMs = performance.now() - started
  t.equal(paid.statusCode, 200)
  t.match(paid.json(), { status: 'PROCESSING' })
  await expectMatchesSpec(t, app, paid)
  t.ok(requestMs < 1000, `POST /v1/payments/breb answered in ${requestMs.toFixed(0)} ms, with a send held for 3 s`)

  const passStart = performance.now()
  await app.services.sweeper.runDue()
  const passMs = performance.now() - passStart
  t.ok(passMs < 500, `a sweeper pass returned in ${passMs.toFixed(0)} ms`)
  const secondWait = performance.now()
  while (receiver.received.length < 2 && performance.now() - secondWait < 2000) await new Promise((resolve) => setTimeout(resolve, 2))
  t.equal(receiver.received.length, 2, 'the second event went out while the first was still held')
  t.equal(receiver.answered(), 0, 'all of it happened before the receiver answered anything')
  t.equal(app.services.webhookDelivery.inFlight, 2)
  const log = await deliveries(app)
  t.same(log.json(), { deliveries: [] }, 'nothing is logged before an attempt ends')
})

t.test('closing the app cuts off sends in flight; their jobs stay pending and go out at the next start', async (t) => {
  const databasePath = join(t.testdir(), 'webhooks.sqlite')
  // The first request is held (and cut off by the close); later ones are answered at once.
  const receiver = await startReceiver(t, (i) => (i === 0 ? { status: 200, holdMs: 3000 } : { status: 200 }))
  const config = { databasePath, webhookUrl: receiver.url, webhookSecret: SECRET }
  const first = await buildWebhookApp(t, { config, autoClose: false })
  t.equal((await makePayment(first.app)).statusCode, 200)
  await first.app.services.sweeper.runDue()
  const waitStart = performance.now()
  while (receiver.received.length < 1 && performance.now() - waitStart < 2000) await new Promise((resolve) => setTimeout(resolve, 2))
  t.equal(receiver.received.length, 1)
  const closeStart = performance.now()
  await first.app.close()
  t.ok(performance.now() - closeStart < 1000, 'close does not wait for the receiver')
  t.equal(receiver.answered(), 0)

  const second = await buildWebhookApp(t, { config })
  const before = await deliveries(second.app)
  t.same(before.json(), { deliveries: [] }, 'nothing was recorded for the cut-off attempt')
  const eventId = parse(at(receiver.received, 0)).id
  t.match(second.app.services.stores.webhooks.jobsOfEvent(eventId), [{ state: 'pending', attempts: 0 }], 'the job survived the restart, pending')
  await sweepAndSettle(second.app)
  t.equal(receiver.received.length, 2)
  t.equal(at(receiver.received, 1).body, at(receiver.received, 0).body, 'the same event and body')
  const after = await deliveries(second.app)
  t.match(after.json(), { deliveries: [{ event_id: eventId, attempt: 1, status: 200 }] })
  t.equal((after.json() as { deliveries: unknown[] }).deliveries.length, 1)
  await expectMatchesSpec(t, second.app, after)
})

t.test('starts at most 8 sends at once per receiver (its paths share them) and never the same job twice', async (t) => {
  const receiver = await startReceiver(t, (i) => (i < 8 ? { status: 200, holdMs: 300 } : { status: 200 }))
  const { app } = await buildTestApp(t)
  for (let i = 0; i < 20; i++) {
    const added = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: `${receiver.url}/${i}`, secret: SECRET, mode: 'once' } })
    t.equal(added.statusCode, 201)
  }
  t.equal((await makePayment(app)).statusCode, 200)
  const delivery = app.services.webhookDelivery
  t.equal(delivery.deliverDue(), 8, 'eight sends start: one receiver, whatever the path')
  t.equal(delivery.deliverDue(), 0, 'none while all eight are in flight')
  t.equal(delivery.inFlight, 8)
  await delivery.idle()
  // A send that ends starts the next of its own URL at once; each path had one job, so the other paths wait for a pass.
  t.equal(receiver.received.length, 8)
  while (delivery.deliverDue() > 0) await delivery.idle()
  t.equal(receiver.received.length, 20)
  t.same(new Set(receiver.received.map((r) => r.body)).size, 1, 'one event, one body')
  const log = await deliveries(app, '?limit=1000')
  t.equal((log.json() as { deliveries: unknown[] }).deliveries.length, 20)
  t.equal(delivery.deliverDue(), 0, 'nothing left')
})
