import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { verifySignature } from '../../src/webhooks/webhook-signature.js'
import {
  type AttemptBody,
  balancesOf,
  eventTypesOf,
  inboundOf,
  type PaymentBody,
  payDefaultEntity,
  paymentOf,
  putAuthorization,
  SMALL_ACCOUNT,
  simulateInbound,
  sweepAuthorizations,
  ZERO_ACCOUNT,
} from '../helpers/authorization.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { type Answer, at, closedPortUrl, DEFAULT_ENTITY, OTHER_ACCOUNT, OTHER_ENTITY, startReceiver } from '../helpers/webhooks.js'

const SECRET = 'authz-secret'
const ACCEPT: Answer = () => ({ status: 200, body: '{"accept": true}' })
const REFUSE: Answer = () => ({ status: 200, body: '{"accept": false}' })
const SETTLEMENT_DELAY_MS = 1000

async function attempts(app: FastifyInstance, t: Test, query = ''): Promise<AttemptBody[]> {
  const res = await app.inject({ url: `/_mock/webhooks/authorizations${query}` })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  return res.json<{ attempts: AttemptBody[] }>().attempts
}

/** An internal payment of 300.10 from the other entity into ZERO_ACCOUNT, brought to its settlement time. */
async function internalPaymentAtSettlement(app: FastifyInstance, time: { advance(ms: number): void }): Promise<PaymentBody> {
  const outbound = await payDefaultEntity(app, '300.10')
  t.same(balancesOf(app, OTHER_ACCOUNT), [69990n, 30010n], 'payer: the amount is held')
  time.advance(SETTLEMENT_DELAY_MS)
  return outbound
}

t.test('an outside payment to an entity with a callback is PROCESSING, and settles when the callback accepts', async (t) => {
  const { app } = await buildTestApp(t)
  const receiver = await startReceiver(t, ACCEPT)
  await putAuthorization(app, receiver.url)
  const before = balancesOf(app, SMALL_ACCOUNT)

  const inbound = await simulateInbound(app, SMALL_ACCOUNT, '12.34')
  t.equal(inbound.status, 'PROCESSING', 'created PROCESSING (docs: "the payment is created with status PROCESSING")')
  t.same(balancesOf(app, SMALL_ACCOUNT), before, 'nothing credited before the answer')
  t.same(eventTypesOf(app, inbound.id), ['payment.inbound.received'])
  t.equal(receiver.received.length, 0, 'not asked within the request')

  await sweepAuthorizations(app)
  t.equal(receiver.received.length, 1)
  const asked = at(receiver.received, 0)
  t.equal(asked.method, 'POST')
  t.equal(asked.headers['content-type'], 'application/json')
  t.ok(verifySignature(asked.headers['x-passport-signature'], asked.body, SECRET), 'signed like webhooks, with the entity’s secret')
  t.notOk(verifySignature(asked.headers['x-passport-signature'], asked.body, 'another-secret'))
  const body = JSON.parse(asked.body) as { id: string; type: string; created_at: string; data: PaymentBody }
  t.equal(body.type, 'payment.inbound.authorization')
  t.same(body.data, inbound, 'the payment as it stands, PROCESSING')

  const settled = paymentOf(app, inbound.id)
  t.equal(settled.status, 'SETTLED')
  t.same(balancesOf(app, SMALL_ACCOUNT), [before[0] + 1234n, before[1]], 'credited with the exact amount')
  t.same(eventTypesOf(app, inbound.id), ['payment.inbound.received', 'payment.inbound.confirmed'])

  const [attempt] = await attempts(app, t)
  t.match(attempt, { payment_id: inbound.id, entity_id: DEFAULT_ENTITY, request_id: body.id, url: receiver.url, attempt: 1, status: 200, response: '{"accept": true}', accept: true, decision: 'approved' })
  t.notOk(attempt && 'error' in attempt)
  t.ok(typeof attempt?.duration_ms === 'number' && attempt.duration_ms >= 0)
})

t.test('an outside payment is REJECTED (MS02) when the callback answers {"accept": false}; nothing is credited', async (t) => {
  const { app } = await buildTestApp(t)
  const receiver = await startReceiver(t, REFUSE)
  await putAuthorization(app, receiver.url)
  const before = balancesOf(app, SMALL_ACCOUNT)
  const inbound = await simulateInbound(app, SMALL_ACCOUNT, '12.34')
  await sweepAuthorizations(app)
  const rejected = paymentOf(app, inbound.id)
  t.match(rejected, { status: 'REJECTED', error: { error_code: 'MS02', error_description: 'Not specified reason customer generated' } })
  t.same(balancesOf(app, SMALL_ACCOUNT), before)
  t.same(eventTypesOf(app, inbound.id), ['payment.inbound.received', 'payment.inbound.rejected'])
  t.match(await attempts(app, t), [{ accept: false, decision: 'rejected', status: 200 }])
})

t.test('an internal payment: accepted, both records settle; balances of payer and receiver exact', async (t) => {
  const { app, time } = await buildTestApp(t)
  const receiver = await startReceiver(t, ACCEPT)
  await putAuthorization(app, receiver.url)
  const outbound = await internalPaymentAtSettlement(app, time)

  await app.services.sweeper.runDue()
  const waiting = await inboundOf(app, outbound)
  t.equal(waiting.status, 'PROCESSING', 'the receiver’s INBOUND record waits for the callback')
  t.equal(paymentOf(app, outbound.id).status, 'PROCESSING', 'so does the payer’s')
  await app.services.authorizationDelivery.idle()

  t.equal(paymentOf(app, outbound.id).status, 'SETTLED')
  t.equal(paymentOf(app, waiting.id).status, 'SETTLED')
  t.same(balancesOf(app, OTHER_ACCOUNT), [69990n, 0n], 'payer: the hold left pending')
  t.same(balancesOf(app, ZERO_ACCOUNT), [30010n, 0n], 'receiver: credited')
  t.same(eventTypesOf(app, outbound.id), ['payment.outbound.confirmed', 'payment.outbound.settled'])
  t.same(eventTypesOf(app, waiting.id), ['payment.inbound.received', 'payment.inbound.confirmed'])
  t.equal(JSON.parse(at(receiver.received, 0).body).data.id, waiting.id, 'asked about the INBOUND record')
})

t.test('an internal payment: refused, both records REJECTED (MS02) and the payer’s hold returned', async (t) => {
  const { app, time } = await buildTestApp(t)
  const receiver = await startReceiver(t, REFUSE)
  await putAuthorization(app, receiver.url)
  const outbound = await internalPaymentAtSettlement(app, time)
  await sweepAuthorizations(app)

  const inbound = await inboundOf(app, outbound)
  t.match(paymentOf(app, outbound.id), { status: 'REJECTED', error: { error_code: 'MS02' } })
  t.match(inbound, { status: 'REJECTED', error: { error_code: 'MS02' } })
  t.same(balancesOf(app, OTHER_ACCOUNT), [100000n, 0n], 'payer: back to where it was')
  t.same(balancesOf(app, ZERO_ACCOUNT), [0n, 0n], 'receiver: nothing')
  t.same(eventTypesOf(app, outbound.id), ['payment.outbound.confirmed', 'payment.outbound.rejected'])
  t.same(eventTypesOf(app, inbound.id), ['payment.inbound.received', 'payment.inbound.rejected'])
  const rows = app.services.db.prepare('SELECT entity_id, type FROM webhook_events WHERE type LIKE ? ORDER BY seq').all('%rejected') as { entity_id: string; type: string }[]
  t.same(rows, [
    { entity_id: OTHER_ENTITY, type: 'payment.outbound.rejected' },
    { entity_id: DEFAULT_ENTITY, type: 'payment.inbound.rejected' },
  ], 'each entity hears of its own record')
})

t.test('a callback that fails: approved with Auto Approve Error, rejected (MS03) without, for each kind of failure', async (t) => {
  const failures: [string, Answer | 'closed'][] = [
    ['HTTP 500', () => ({ status: 500, body: '{"accept": true}' })],
    ['HTTP 201', () => ({ status: 201, body: '{"accept": true}' })],
    ['malformed JSON', () => ({ status: 200, body: '{"accept": tru' })],
    ['accept not a boolean', () => ({ status: 200, body: '{"accept": "true"}' })],
    ['no accept field', () => ({ status: 200, body: '{"approved": true}' })],
    ['nothing listening', 'closed'],
  ]
  for (const [name, answer] of failures) {
    for (const autoApproveError of [true, false]) {
      const { app } = await buildTestApp(t)
      const url = answer === 'closed' ? await closedPortUrl() : (await startReceiver(t, answer)).url
      await putAuthorization(app, url, { autoApproveError })
      const before = balancesOf(app, SMALL_ACCOUNT)
      const inbound = await simulateInbound(app, SMALL_ACCOUNT, '5')
      await sweepAuthorizations(app)
      const decided = paymentOf(app, inbound.id)
      const label = `${name}, auto_approve_error ${autoApproveError}`
      if (autoApproveError) {
        t.equal(decided.status, 'SETTLED', `${label}: settled`)
        t.same(balancesOf(app, SMALL_ACCOUNT), [before[0] + 500n, before[1]], `${label}: credited`)
      } else {
        t.match(decided, { status: 'REJECTED', error: { error_code: 'MS03' } }, `${label}: rejected`)
        t.same(balancesOf(app, SMALL_ACCOUNT), before, `${label}: not credited`)
      }
      const [attempt] = await attempts(app, t)
      t.match(attempt, { accept: null, decision: autoApproveError ? 'approved' : 'rejected', error: String }, `${label}: the attempt says why`)
      await app.close()
    }
  }
})

t.test('a callback that does not answer in 3 s: approved with Auto Approve Error, rejected (AB05) without', async (t) => {
  const { app } = await buildTestApp(t)
  // Both entities' callbacks hang; one pass asks both at once, so the test waits ~3 s once.
  const hanging = await startReceiver(t, () => ({ status: 200, holdMs: 10_000, body: '{"accept": true}' }))
  await putAuthorization(app, hanging.url, { autoApproveError: true })
  await putAuthorization(app, hanging.url, { autoApproveError: false, entityId: OTHER_ENTITY })
  const approved = await simulateInbound(app, SMALL_ACCOUNT, '7')
  const rejected = await simulateInbound(app, OTHER_ACCOUNT, '7')
  const started = performance.now()
  await sweepAuthorizations(app)
  const waited = performance.now() - started
  t.ok(waited >= 2900 && waited < 6000, `gave up after the docs' 3 s (${Math.round(waited)} ms)`)
  t.equal(paymentOf(app, approved.id).status, 'SETTLED')
  t.match(paymentOf(app, rejected.id), { status: 'REJECTED', error: { error_code: 'AB05', error_description: 'Timeout at creditor agent' } })
  t.same(balancesOf(app, OTHER_ACCOUNT), [100000n, 0n], 'the rejected one credited nothing')
  const log = await attempts(app, t)
  t.equal(log.length, 2)
  for (const attempt of log) {
    t.match(attempt, { status: null, response: null, accept: null, error: 'No answer in 3000 ms' })
    t.ok(attempt.duration_ms >= 2900, 'the duration is the wait')
  }
})

t.test('the request that causes the payment answers before the callback does (a real server, the sweeper on its timer)', async (t) => {
  const { app } = await buildTestApp(t)
  let release: () => void = () => undefined
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const receiver = await startReceiver(t, () => ({ status: 200, until: released, body: '{"accept": true}' }))
  await putAuthorization(app, receiver.url)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const timer = setInterval(() => void app.services.sweeper.runDue(), 5)
  t.teardown(() => clearInterval(timer))
  const { port } = app.server.address() as { port: number }

  const res = await fetch(`http://127.0.0.1:${port}/_mock/simulations/inbound-payment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: SMALL_ACCOUNT, amount: { value: '1', currency: 'COP' } }),
  })
  t.equal(res.status, 200)
  const inbound = (await res.json()) as PaymentBody
  t.equal(inbound.status, 'PROCESSING')
  t.equal(receiver.answered(), 0, 'the client got its answer while the callback had not answered')
  const deadline = performance.now() + 5000
  while (receiver.received.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(receiver.received.length, 1, 'the callback is asked off the request path')
  t.equal(paymentOf(app, inbound.id).status, 'PROCESSING', 'still waiting while the callback holds its answer')
  release()
  while (paymentOf(app, inbound.id).status === 'PROCESSING' && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(paymentOf(app, inbound.id).status, 'SETTLED')
})

t.test('/_mock settle and reject of a payment that awaits its callback decide both records; a late answer decides nothing', async (t) => {
  const { app, time } = await buildTestApp(t)
  let release: () => void = () => undefined
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const receiver = await startReceiver(t, () => ({ status: 200, until: released, body: '{"accept": true}' }))
  await putAuthorization(app, receiver.url)
  const outbound = await internalPaymentAtSettlement(app, time)
  await app.services.sweeper.runDue()
  const inbound = await inboundOf(app, outbound)
  const deadline = performance.now() + 3000
  while (receiver.received.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(receiver.received.length, 1, 'the callback was asked')
  t.equal(receiver.answered(), 0, 'the settlement pass returned without waiting for its answer')
  t.equal(inbound.status, 'PROCESSING')

  const res = await app.inject({ method: 'POST', url: `/_mock/payments/${outbound.id}/reject`, payload: { error_code: 'AC06' } })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  t.match(res.json(), { id: outbound.id, status: 'REJECTED', error: { error_code: 'AC06' } })
  t.match(paymentOf(app, inbound.id), { status: 'REJECTED', error: { error_code: 'AC06' } })
  t.same(balancesOf(app, OTHER_ACCOUNT), [100000n, 0n])
  t.same(balancesOf(app, ZERO_ACCOUNT), [0n, 0n])

  release()
  await app.services.authorizationDelivery.idle()
  t.equal(paymentOf(app, inbound.id).status, 'REJECTED', 'the callback’s late accept changes nothing')
  t.match(await attempts(app, t), [{ accept: true, decision: null }], 'but its attempt is listed')

  const again = await app.inject({ method: 'POST', url: `/_mock/payments/${inbound.id}/settle` })
  t.equal(again.statusCode, 409, 'decided once')

  // And settle, by the INBOUND id this time.
  const second = await simulateInbound(app, SMALL_ACCOUNT, '3')
  const before = balancesOf(app, SMALL_ACCOUNT)
  const settled = await app.inject({ method: 'POST', url: `/_mock/payments/${second.id}/settle` })
  t.match(settled.json(), { id: second.id, status: 'SETTLED' })
  t.same(balancesOf(app, SMALL_ACCOUNT), [before[0] + 300n, before[1]])
})

t.test('deleting the setting while a payment waits lets it settle as without the feature', async (t) => {
  const { app } = await buildTestApp(t)
  const receiver = await startReceiver(t, REFUSE)
  await putAuthorization(app, receiver.url)
  const inbound = await simulateInbound(app, SMALL_ACCOUNT, '1')
  const res = await app.inject({ method: 'DELETE', url: `/_mock/entities/${DEFAULT_ENTITY}/payment-authorization` })
  t.equal(res.statusCode, 204)
  await sweepAuthorizations(app)
  t.equal(receiver.received.length, 0, 'nobody to ask')
  t.equal(paymentOf(app, inbound.id).status, 'SETTLED')
  const next = await simulateInbound(app, SMALL_ACCOUNT, '1')
  t.equal(next.status, 'SETTLED', 'later payments settle at once again')
})

t.test('an entity without a setting is not asked: its inbound payments settle as before', async (t) => {
  const { app, time } = await buildTestApp(t)
  const receiver = await startReceiver(t, REFUSE)
  await putAuthorization(app, receiver.url, { entityId: OTHER_ENTITY })
  const outbound = await payDefaultEntity(app, '1')
  time.advance(SETTLEMENT_DELAY_MS)
  await sweepAuthorizations(app)
  t.equal(paymentOf(app, outbound.id).status, 'SETTLED')
  t.equal(receiver.received.length, 0)
})

t.test('a frozen mock clock does not hold the callback: it is asked on real time, and the decision is stamped with the frozen time', async (t) => {
  const { app, time } = await buildTestApp(t)
  const receiver = await startReceiver(t, ACCEPT)
  await putAuthorization(app, receiver.url)
  const frozen = await app.inject({ method: 'POST', url: '/_mock/clock', payload: { freeze: true } })
  t.equal(frozen.statusCode, 200)
  const frozenAt = frozen.json<{ now: string }>().now
  time.advance(60_000)
  const inbound = await simulateInbound(app, SMALL_ACCOUNT, '2')
  await sweepAuthorizations(app)
  t.equal(receiver.received.length, 1)
  t.match(paymentOf(app, inbound.id), { status: 'SETTLED', created_at: frozenAt, updated_at: frozenAt })
})

t.test('Auto Approve Error changes nothing when the callback answers: {"accept": false} still rejects, {"accept": true} still settles', async (t) => {
  for (const [answer, expected] of [
    [REFUSE, 'REJECTED'],
    [ACCEPT, 'SETTLED'],
  ] as const) {
    for (const autoApproveError of [true, false]) {
      const { app } = await buildTestApp(t)
      const receiver = await startReceiver(t, answer)
      await putAuthorization(app, receiver.url, { autoApproveError })
      const inbound = await simulateInbound(app, SMALL_ACCOUNT, '1')
      await sweepAuthorizations(app)
      t.equal(paymentOf(app, inbound.id).status, expected, `${expected}, auto_approve_error ${autoApproveError}`)
      await app.close()
    }
  }
})
