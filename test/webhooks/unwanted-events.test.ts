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

// Issue 15: the endpoints are kept in memory between events (each event read the table). Every
// way the table changes must reach the next event: an endpoint added or removed, a state import
// (landed or refused) and a reset.
t.test('the next event goes to the endpoints as they are now, whatever changed them', async (t) => {
  const { app } = await buildTestApp(t, {}, undefined, { recordEveryEvent: false })
  const entity = (rows(app, 'SELECT id FROM entities ORDER BY rowid LIMIT 1')[0] as { id: string }).id
  const jobsOfNextEvent = () => {
    const eventId = app.services.db.transaction(() => app.services.events.emit(entity, 'payment.outbound.confirmed', { n: 1 }))()
    return (rows(app, `SELECT url FROM webhook_jobs WHERE event_id = '${eventId}' ORDER BY url`) as { url: string }[]).map((j) => j.url)
  }
  t.same(jobsOfNextEvent(), [], 'none yet')
  const add = async (url: string) => {
    const res = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url, secret: 's', mode: 'once' } })
    t.equal(res.statusCode, 201, res.body)
    return (res.json() as { id: string }).id
  }
  const first = await add('http://127.0.0.1:9/first')
  t.same(jobsOfNextEvent(), ['http://127.0.0.1:9/first'], 'added')
  await add('http://127.0.0.1:9/second')
  t.same(jobsOfNextEvent(), ['http://127.0.0.1:9/first', 'http://127.0.0.1:9/second'], 'added another')
  t.equal((await app.inject({ method: 'DELETE', url: `/_mock/webhooks/${first}` })).statusCode, 204)
  t.same(jobsOfNextEvent(), ['http://127.0.0.1:9/second'], 'removed')

  const exported = (await app.inject({ url: '/_mock/state' })).json() as { webhooks: { url: string }[] }
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: { ...exported, webhooks: [] } })).statusCode, 204)
  t.same(jobsOfNextEvent(), [], 'an import without endpoints')
  const refused = await app.inject({ method: 'PUT', url: '/_mock/state', payload: { ...exported, customers: 'not a list' } })
  t.equal(refused.statusCode, 400, 'a refused import changes nothing')
  t.same(jobsOfNextEvent(), [], 'still none')
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: exported })).statusCode, 204)
  t.same(jobsOfNextEvent(), ['http://127.0.0.1:9/second'], 'an import with one')
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.same(jobsOfNextEvent(), ['http://127.0.0.1:9/second'], 'a reset keeps the endpoints (CONTRACT §5)')
  // A write underneath the store (as an import makes), then a reset: the reset forgets what was kept.
  app.services.db.prepare('DELETE FROM webhook_endpoints').run()
  await app.services.state.reset(false)
  t.same(jobsOfNextEvent(), [], 'what a reset finds in the table is what the next event uses')
})
