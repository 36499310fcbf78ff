import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'

/*
 * Issue 15: an event no endpoint wants is not written. Nothing would ever send or read it (no
 * route lists events, an export leaves them out, retention deletes them), and writing it was
 * ~22% of a payment's CPU. The events an endpoint wants are written as before, each with its job.
 * These tests run the app as it runs (buildTestApp otherwise writes every event for the others).
 */

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SMALL_ACCOUNT = '00000000-0000-4000-8000-000000000003' // ACTIVE, available 1000, pending 250.50
const OUTSIDE_PHONE = '3157770001' // resolves to an outside bank (no internal receiver)
const SETTLEMENT_DELAY_MS = 1000

async function payAndSettle(app: FastifyInstance, time: { advance(ms: number): void }): Promise<string> {
  const headers = await bearer(app)
  const resolved = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: OUTSIDE_PHONE } } })
  const paid = await app.inject({
    method: 'POST',
    url: '/v1/payments/breb',
    headers,
    payload: { account_id: SMALL_ACCOUNT, resolution_id: (resolved.json() as { id: string }).id, amount: { value: '100', currency: 'COP' } },
  })
  if (paid.statusCode !== 200) throw new Error(`payment failed: ${paid.statusCode} ${paid.body}`)
  time.advance(SETTLEMENT_DELAY_MS)
  app.services.settlement.runDue()
  const account = (await app.inject({ url: `/v1/accounts/${SMALL_ACCOUNT}`, headers })).json() as { available_balance: { value: string }; pending_balance: { value: string } }
  return `${(paid.json() as { status: string }).status}, available ${account.available_balance.value}, pending ${account.pending_balance.value}`
}

const rows = (app: FastifyInstance, sql: string) => app.services.db.prepare(sql).all()

t.test('writes no event when no endpoint wants it, and the payment moves the money as before', async (t) => {
  const { app, time } = await buildTestApp(t, {}, undefined, { recordEveryEvent: false })
  t.equal(await payAndSettle(app, time), 'PROCESSING, available 900, pending 250.50')
  t.same(rows(app, "SELECT status FROM payments WHERE direction = 'OUTBOUND'"), [{ status: 'SETTLED' }])
  t.same(rows(app, 'SELECT type FROM webhook_events'), [], 'no event written')
  t.same(rows(app, 'SELECT id FROM webhook_jobs'), [], 'no job')
})

t.test('writes the events an endpoint wants, each with its job, and only those', async (t) => {
  const { app, time } = await buildTestApp(t, {}, undefined, { recordEveryEvent: false })
  const added = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: 'http://127.0.0.1:9/hook', secret: 's', mode: 'once', events: ['payment.outbound.settled'] } })
  t.equal(added.statusCode, 201, added.body)
  const endpointId = (added.json() as { id: string }).id
  await payAndSettle(app, time)
  const events = rows(app, 'SELECT id, type, body FROM webhook_events') as Array<{ id: string; type: string; body: string }>
  t.same(
    events.map((e) => e.type),
    ['payment.outbound.settled'],
    'the confirmed event, which it does not want, is not written',
  )
  const event = events[0] as { id: string; body: string }
  t.match(JSON.parse(event.body), { id: event.id, type: 'payment.outbound.settled', data: { status: 'SETTLED', amount: { value: '100' } } })
  t.same(rows(app, 'SELECT event_id, endpoint_id FROM webhook_jobs'), [{ event_id: event.id, endpoint_id: endpointId }])
})

t.test('writes every event for WEBHOOK_URL, which wants them all', async (t) => {
  const { app, time } = await buildTestApp(t, { webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 's' }, undefined, { recordEveryEvent: false })
  await payAndSettle(app, time)
  t.same(rows(app, 'SELECT e.type, j.endpoint_id FROM webhook_events e JOIN webhook_jobs j ON j.event_id = e.id ORDER BY e.seq'), [
    { type: 'payment.outbound.confirmed', endpoint_id: 'env' },
    { type: 'payment.outbound.settled', endpoint_id: 'env' },
  ])
})
