import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { failNthEvent } from '../helpers/webhooks.js'

/*
 * Payments made together (issue 5): the payments whose requests arrive in one turn of the event
 * loop share one transaction, each in a savepoint, and settlement moves a due batch in one
 * transaction. Whatever is batched, every request is answered as if it had been alone, a step
 * that fails leaves no trace of its payment, and the others are stored.
 */

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SMALL_ACCOUNT = '00000000-0000-4000-8000-000000000003' // ACTIVE, available 1000, pending 250.50
const OUTSIDE_PHONE = '3157770001' // resolves to an outside bank (no internal receiver)
const SETTLEMENT_DELAY_MS = 1000

type Headers = { authorization: string }

async function resolution(app: FastifyInstance, headers: Headers): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: OUTSIDE_PHONE } } })
  if (res.statusCode !== 200) throw new Error(`resolve-key failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

function pay(app: FastifyInstance, headers: Headers, resolutionId: string, value: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/v1/payments/breb', headers, payload: { account_id: SMALL_ACCOUNT, resolution_id: resolutionId, amount: { value, currency: 'COP' } } })
}

async function balances(app: FastifyInstance, headers: Headers): Promise<[string, string]> {
  const a = (await app.inject({ url: `/v1/accounts/${SMALL_ACCOUNT}`, headers })).json() as { available_balance: { value: string }; pending_balance: { value: string } }
  return [a.available_balance.value, a.pending_balance.value]
}

function stored(app: FastifyInstance): Array<{ id: string; status: string; amount_minor: string }> {
  return app.services.db.prepare("SELECT id, status, amount_minor FROM payments WHERE direction = 'OUTBOUND' ORDER BY amount_minor").all() as Array<{
    id: string
    status: string
    amount_minor: string
  }>
}

function eventTypes(app: FastifyInstance): string[] {
  return (app.services.db.prepare('SELECT type, body FROM webhook_events ORDER BY seq').all() as Array<{ type: string; body: string }>).map(
    (r) => `${r.type}:${(JSON.parse(r.body) as { data: { amount: { value: string } } }).data.amount.value}`,
  )
}

t.test('answers payments sent together each as if it had been alone', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await bearer(app)
  const [r1, r2, r3] = [await resolution(app, admin), await resolution(app, admin), await resolution(app, admin)]
  const [first, second, replay, unknown, tooMuch] = await Promise.all([
    pay(app, admin, r1, '100'),
    pay(app, admin, r2, '200'),
    pay(app, admin, r1, '100'),
    pay(app, admin, '5d1b7d0a-1f7e-4c2b-9d3e-000000000000', '1'),
    pay(app, admin, r3, '5000'),
  ])
  t.equal(first.statusCode, 200)
  t.match(first.json(), { status: 'PROCESSING', amount: { value: '100' }, resolution_id: r1 })
  await expectMatchesSpec(t, app, first)
  t.equal(second.statusCode, 200)
  t.match(second.json(), { status: 'PROCESSING', amount: { value: '200' }, resolution_id: r2 })
  await expectMatchesSpec(t, app, second)
  t.equal(replay.statusCode, 200)
  t.same(replay.json(), first.json(), 'the second payment of one resolution is answered with the first')
  await expectMatchesSpec(t, app, replay)
  expectError(t, unknown, 404, 'resolution_not_found', 'NOT_FOUND', /./, 'payments')
  await expectMatchesSpec(t, app, unknown)
  t.equal(tooMuch.statusCode, 200)
  t.match(tooMuch.json(), { status: 'REJECTED', amount: { value: '5000' }, error: { error_code: 'AM04' } })
  await expectMatchesSpec(t, app, tooMuch)
  t.same(await balances(app, admin), ['700', '550.50'], '300 held, nothing for the rejected one')
  t.same(
    stored(app).map((p) => `${p.status}:${p.amount_minor}`),
    ['PROCESSING:10000', 'PROCESSING:20000', 'REJECTED:500000'],
  )
})

t.test('a payment that fails midway leaves no trace, and the ones sent with it are stored', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await bearer(app)
  const ids = [await resolution(app, admin), await resolution(app, admin), await resolution(app, admin)]
  // The second payment's event fails, after its hold and its row were written.
  const outboxFault = failNthEvent(t, app, 2)
  const [a, b, c] = await Promise.all([pay(app, admin, ids[0] as string, '10'), pay(app, admin, ids[1] as string, '20'), pay(app, admin, ids[2] as string, '30')])
  outboxFault.restore()
  t.equal(outboxFault.calls(), 3)
  t.equal(a.statusCode, 200)
  t.match(a.json(), { status: 'PROCESSING', amount: { value: '10' } })
  await expectMatchesSpec(t, app, a)
  expectError(t, b, 500, 'internal_error', 'INTERNAL', /./, 'payments')
  await expectMatchesSpec(t, app, b, { allowDefault: true })
  t.equal(c.statusCode, 200)
  t.match(c.json(), { status: 'PROCESSING', amount: { value: '30' } })
  await expectMatchesSpec(t, app, c)
  t.same(await balances(app, admin), ['960', '290.50'], 'only the two stored payments hold money')
  t.same(
    stored(app).map((p) => `${p.status}:${p.amount_minor}`),
    ['PROCESSING:1000', 'PROCESSING:3000'],
  )
  t.same(eventTypes(app), ['payment.outbound.confirmed:10', 'payment.outbound.confirmed:30'])
  // The failed one's resolution is still free: paying it again works.
  const again = await pay(app, admin, ids[1] as string, '20')
  t.equal(again.statusCode, 200)
  t.match(again.json(), { status: 'PROCESSING', amount: { value: '20' } })
  await expectMatchesSpec(t, app, again)
})

t.test('a payment whose settlement fails midway is rolled back alone: the others settle, and the next pass settles it (issue 11 item 2)', async (t) => {
  const { app, time } = await buildTestApp(t)
  const admin = await bearer(app)
  for (const value of ['10', '20', '30']) {
    const res = await pay(app, admin, await resolution(app, admin), value)
    t.equal(res.statusCode, 200)
    time.advance(1) // settled in this order: oldest due first
  }
  const outboxFault = failNthEvent(t, app, 2)
  time.advance(SETTLEMENT_DELAY_MS)
  t.equal(app.services.settlement.runDue(), 2, 'the failure is not thrown into the sweeper')
  outboxFault.restore()
  t.same(
    stored(app).map((p) => `${p.status}:${p.amount_minor}`),
    ['SETTLED:1000', 'PROCESSING:2000', 'SETTLED:3000'],
    'the failed one rolled back, the one after it not held back',
  )
  t.same(await balances(app, admin), ['940', '270.50'], 'only the failed one’s hold left')
  t.equal(app.services.settlement.runDue(), 1, 'tried again on the next pass')
  t.same(
    stored(app).map((p) => `${p.status}:${p.amount_minor}`),
    ['SETTLED:1000', 'SETTLED:2000', 'SETTLED:3000'],
  )
  t.same(await balances(app, admin), ['940', '250.50'])
  t.same(eventTypes(app), [
    'payment.outbound.confirmed:10',
    'payment.outbound.confirmed:20',
    'payment.outbound.confirmed:30',
    'payment.outbound.settled:10',
    'payment.outbound.settled:30',
    'payment.outbound.settled:20',
  ])
})
