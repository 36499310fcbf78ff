import { createHmac, randomUUID } from 'node:crypto'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import type { WebhookDelivery } from '../../src/testing-types.js'
import { at, DEFAULT_ENTITY, DOCS_ACCOUNT, makePayment, OTHER_ENTITY, type Received, startReceiver, sweepAndSettle } from '../helpers/webhooks.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const NOW = '2026-01-15T12:00:00.000Z'
const ENV_URL = 'http://127.0.0.1:9/env-hooks'

interface Endpoint {
  id: string
  url: string
  mode: string
  events: string[] | null
  entity_id: string | null
  source: string
  created_at: string | null
}

type Delivery = WebhookDelivery

const typeOf = (r: Received) => (JSON.parse(r.body) as { type: string }).type

function signedWith(r: Received, secret: string): boolean {
  const match = /^t=([0-9]+),v1=([0-9a-f]{64})$/.exec(String(r.headers['x-passport-signature']))
  return match !== null && match[2] === createHmac('sha256', secret).update(`${match[1]}.${r.body}`).digest('hex')
}

t.test('lists the environment’s endpoint, marked, without its secret', async (t) => {
  const { app } = await buildTestApp(t, { webhookUrl: ENV_URL, webhookSecret: 'env-secret-value', webhookMode: 'once' })
  const res = await app.inject({ url: '/_mock/webhooks' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { webhooks: [{ id: 'env', url: ENV_URL, mode: 'once', events: null, entity_id: null, source: 'environment', created_at: null }] })
  t.notMatch(res.body, 'env-secret-value', 'the secret is never shown')
  await expectMatchesSpec(t, app, res)
})

t.test('lists no endpoint when WEBHOOK_URL is unset', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/_mock/webhooks' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { webhooks: [] })
  await expectMatchesSpec(t, app, res)
})

t.test('adds an endpoint: 201 without its secret, listed after the environment’s', async (t) => {
  const { app } = await buildTestApp(t, { webhookUrl: ENV_URL, webhookSecret: 'env-secret-value' })
  const payload = { url: 'https://hooks.example.com/passport', secret: 'added-secret-value', mode: 'retry', events: ['payment.outbound.settled'], entity_id: OTHER_ENTITY }
  const res = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload })
  t.equal(res.statusCode, 201)
  const added = res.json() as Endpoint
  t.match(added.id, UUID)
  t.same(added, { id: added.id, url: payload.url, mode: 'retry', events: ['payment.outbound.settled'], entity_id: OTHER_ENTITY, source: 'control', created_at: NOW })
  t.notMatch(res.body, 'added-secret-value')
  await expectMatchesSpec(t, app, res)

  const minimal = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: 'http://localhost:3000/h', secret: 's', mode: 'once' } })
  t.equal(minimal.statusCode, 201)
  t.match(minimal.json(), { url: 'http://localhost:3000/h', mode: 'once', events: null, entity_id: null, source: 'control' })
  await expectMatchesSpec(t, app, minimal)

  const list = await app.inject({ url: '/_mock/webhooks' })
  t.equal(list.statusCode, 200)
  t.same(
    (list.json() as { webhooks: Endpoint[] }).webhooks.map((w) => [w.id, w.source]),
    [
      ['env', 'environment'],
      [added.id, 'control'],
      [(minimal.json() as Endpoint).id, 'control'],
    ],
  )
  t.notMatch(list.body, /secret-value/)
  await expectMatchesSpec(t, app, list)
})

t.test('answers 400 invalid_parameter_value for a body that is not a valid endpoint', async (t) => {
  const { app } = await buildTestApp(t)
  const good = { url: 'http://127.0.0.1:3000/hooks', secret: 's', mode: 'retry' }
  const cases: [unknown, string][] = [
    [{ secret: 's', mode: 'retry' }, "Field 'url' is required"],
    [{ url: good.url, mode: 'retry' }, "Field 'secret' is required"],
    [{ url: good.url, secret: 's' }, "Field 'mode' is required"],
    [{ ...good, mode: 'sometimes' }, "Field 'mode' must be one of: once, retry"],
    [{ ...good, secret: '' }, "Field 'secret' must not be empty"],
    [{ ...good, url: 42 }, "Field 'url' must be a string"],
    [{ ...good, url: 'ftp://example.com/hooks' }, "Field 'url' must be an absolute http or https URL"],
    [{ ...good, url: 'not a url' }, "Field 'url' must be an absolute http or https URL"],
    [{ ...good, events: ['payment.unknown'] }, "Field 'events.0' must be one of: payment.outbound.confirmed, payment.outbound.settled, payment.outbound.rejected, payment.inbound.received, payment.inbound.confirmed, payment.inbound.rejected"],
    [{ ...good, events: 'payment.outbound.settled' }, "Field 'events' must be an array"],
    [{ ...good, entity_id: 'nope' }, "Field 'entity_id' must be a UUID"],
    [{ ...good, entity_id: randomUUID() }, "Field 'entity_id' must name an existing entity"],
  ]
  for (const [payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: payload as object })
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
  const empty = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { ...good, events: [] } })
  expectError(t, empty, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /'events'/, '_mock')
  await expectMatchesSpec(t, app, empty)

  const list = await app.inject({ url: '/_mock/webhooks' })
  t.same(list.json(), { webhooks: [] }, 'nothing was added')
})

t.test('answers 400 invalid_json, 415 and 413 for bodies it cannot read', async (t) => {
  const { app } = await buildTestApp(t)
  const broken = await app.inject({ method: 'POST', url: '/_mock/webhooks', headers: { 'content-type': 'application/json' }, payload: '{"url":' })
  expectError(t, broken, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON', '_mock')
  await expectMatchesSpec(t, app, broken)

  const text = await app.inject({ method: 'POST', url: '/_mock/webhooks', headers: { 'content-type': 'text/plain' }, payload: 'url=http://x' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type', '_mock')
  await expectMatchesSpec(t, app, text)

  const huge = await app.inject({
    method: 'POST',
    url: '/_mock/webhooks',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ url: 'http://x/h', secret: 'x'.repeat(2 * 1024 * 1024), mode: 'once' }),
  })
  expectError(t, huge, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large', '_mock')
  await expectMatchesSpec(t, app, huge)
})

t.test('removes an added endpoint: 204, then 404 webhook_not_found', async (t) => {
  const { app } = await buildTestApp(t)
  const added = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: 'http://127.0.0.1:3000/h', secret: 's', mode: 'once' } })
  const { id } = added.json() as Endpoint
  const res = await app.inject({ method: 'DELETE', url: `/_mock/webhooks/${id}` })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)
  t.same((await app.inject({ url: '/_mock/webhooks' })).json(), { webhooks: [] })

  const again = await app.inject({ method: 'DELETE', url: `/_mock/webhooks/${id}` })
  expectError(t, again, 404, 'webhook_not_found', 'NOT_FOUND', 'Webhook endpoint not found', '_mock')
  await expectMatchesSpec(t, app, again)

  const unknown = await app.inject({ method: 'DELETE', url: '/_mock/webhooks/no-such-endpoint' })
  expectError(t, unknown, 404, 'webhook_not_found', 'NOT_FOUND', 'Webhook endpoint not found', '_mock')
  await expectMatchesSpec(t, app, unknown)
})

t.test('refuses to remove the environment’s endpoint: 409 invalid_state (404 when WEBHOOK_URL is unset)', async (t) => {
  const { app } = await buildTestApp(t, { webhookUrl: ENV_URL, webhookSecret: 's' })
  const res = await app.inject({ method: 'DELETE', url: '/_mock/webhooks/env' })
  expectError(t, res, 409, 'invalid_state', 'FAILED_PRECONDITION', /WEBHOOK_URL/, '_mock')
  await expectMatchesSpec(t, app, res)
  t.match((await app.inject({ url: '/_mock/webhooks' })).json(), { webhooks: [{ id: 'env' }] }, 'it is still there')

  const { app: bare } = await buildTestApp(t)
  const missing = await bare.inject({ method: 'DELETE', url: '/_mock/webhooks/env' })
  expectError(t, missing, 404, 'webhook_not_found', 'NOT_FOUND', 'Webhook endpoint not found', '_mock')
  await expectMatchesSpec(t, bare, missing)
})

t.test('needs X-Mock-Admin-Token on every webhook route when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'admin-token' })
  const requests = [
    { method: 'GET' as const, url: '/_mock/webhooks' },
    { method: 'POST' as const, url: '/_mock/webhooks', payload: { url: 'http://127.0.0.1:3000/h', secret: 's', mode: 'once' } },
    { method: 'DELETE' as const, url: `/_mock/webhooks/${randomUUID()}` },
    { method: 'GET' as const, url: '/_mock/webhooks/deliveries' },
  ]
  for (const request of requests) {
    const none = await app.inject(request)
    expectError(t, none, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, none)
    const wrong = await app.inject({ ...request, headers: { 'x-mock-admin-token': 'wrong' } })
    expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
    await expectMatchesSpec(t, app, wrong)
  }
  const list = await app.inject({ url: '/_mock/webhooks', headers: { 'x-mock-admin-token': 'admin-token' } })
  t.equal(list.statusCode, 200)
  await expectMatchesSpec(t, app, list)
  const added = await app.inject({ ...requests[1], headers: { 'x-mock-admin-token': 'admin-token' } })
  t.equal(added.statusCode, 201)
  await expectMatchesSpec(t, app, added)
})

t.test('filters added endpoints by entity and by event type, each signed with its own secret', async (t) => {
  const receiver = await startReceiver(t)
  const { app, time } = await buildTestApp(t)
  const add = async (path: string, body: object) => {
    const res = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: `${receiver.url}/${path}`, mode: 'retry', ...body } })
    t.equal(res.statusCode, 201)
    return res.json() as Endpoint
  }
  await add('default-entity', { secret: 'secret-default', entity_id: DEFAULT_ENTITY })
  await add('other-entity', { secret: 'secret-other', entity_id: OTHER_ENTITY })
  await add('settled-and-inbound-confirmed', { secret: 'secret-types', events: ['payment.outbound.settled', 'payment.inbound.confirmed'] })
  await add('default-entity-received', { secret: 'secret-both', entity_id: DEFAULT_ENTITY, events: ['payment.inbound.received'] })

  // The other entity pays a key of the default entity: outbound events to the payer's entity,
  // inbound ones to the receiver's (CONTRACT §4 lifecycle table).
  const key = await app.inject({ method: 'POST', url: '/v1/keys', headers: await bearer(app), payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3005554433' } } })
  t.equal(key.statusCode, 200)
  t.equal((await makePayment(app, '3005554433')).statusCode, 200)
  await sweepAndSettle(app)
  time.advance(1000)
  await sweepAndSettle(app)

  const deliveriesRes = await app.inject({ url: '/_mock/webhooks/deliveries?limit=1000' })
  t.equal(deliveriesRes.statusCode, 200)
  await expectMatchesSpec(t, app, deliveriesRes)
  const log = (deliveriesRes.json() as { deliveries: Delivery[] }).deliveries
  t.ok(log.every((d) => d.status === 200 && d.attempt === 1), 'every send was answered 200 at the first attempt')
  const typesFor = (path: string) =>
    log
      .filter((d) => d.url === `${receiver.url}/${path}`)
      .map((d) => d.type)
      .reverse()
  t.same(typesFor('default-entity'), ['payment.inbound.received', 'payment.inbound.confirmed'])
  t.same(typesFor('other-entity'), ['payment.outbound.confirmed', 'payment.outbound.settled'])
  t.same(typesFor('settled-and-inbound-confirmed'), ['payment.outbound.settled', 'payment.inbound.confirmed'])
  t.same(typesFor('default-entity-received'), ['payment.inbound.received'])
  t.equal(receiver.received.length, 7, 'seven sends in all, each to an endpoint that wanted it')

  // Each endpoint signs with its own secret: every body verifies under exactly one of them.
  const secrets = ['secret-default', 'secret-other', 'secret-types', 'secret-both']
  for (const received of receiver.received) {
    t.equal(secrets.filter((s) => signedWith(received, s)).length, 1, `${typeOf(received)} is signed with one endpoint's secret`)
  }

  const settledOnly = await app.inject({ url: '/_mock/webhooks/deliveries?type=payment.outbound.settled' })
  t.equal(settledOnly.statusCode, 200)
  const settledLog = (settledOnly.json() as { deliveries: Delivery[] }).deliveries
  t.equal(settledLog.length, 2)
  t.ok(settledLog.every((d) => d.type === 'payment.outbound.settled'))
  await expectMatchesSpec(t, app, settledOnly)

  const eventId = at(settledLog, 0).event_id
  const oneEvent = await app.inject({ url: `/_mock/webhooks/deliveries?event_id=${eventId}` })
  t.same(
    (oneEvent.json() as { deliveries: Delivery[] }).deliveries.map((d) => d.event_id),
    [eventId, eventId],
    'one event, sent to two endpoints',
  )
  await expectMatchesSpec(t, app, oneEvent)

  const newest = await app.inject({ url: '/_mock/webhooks/deliveries?limit=1' })
  t.same((newest.json() as { deliveries: Delivery[] }).deliveries, [at(log, 0)], 'limit keeps the newest')
  await expectMatchesSpec(t, app, newest)

  const none = await app.inject({ url: `/_mock/webhooks/deliveries?event_id=${randomUUID()}` })
  t.same(none.json(), { deliveries: [] })
  await expectMatchesSpec(t, app, none)
})

t.test('an endpoint receives only events raised after it was added, and nothing once removed', async (t) => {
  const receiver = await startReceiver(t)
  const { app, time } = await buildTestApp(t)
  t.equal((await makePayment(app, '3001112222')).statusCode, 200)
  const added = await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: receiver.url, secret: 's', mode: 'retry' } })
  t.equal(added.statusCode, 201)
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 0, 'the confirmed event came before the endpoint')

  time.advance(1000)
  await app.services.settlement.runDue()
  // The settled event is queued for it, but the endpoint goes before the sweeper sends it.
  const removed = await app.inject({ method: 'DELETE', url: `/_mock/webhooks/${(added.json() as Endpoint).id}` })
  t.equal(removed.statusCode, 204)
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 0, 'its pending send was dropped with it')
  const log = await app.inject({ url: '/_mock/webhooks/deliveries' })
  t.same(log.json(), { deliveries: [] })
  await expectMatchesSpec(t, app, log)
})

t.test('answers 400 for bad delivery filters', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: [string, string][] = [
    ['?event_id=nope', "Field 'event_id' must be a UUID"],
    ['?limit=0', "Field 'limit' must be at least 1"],
    ['?limit=1001', "Field 'limit' must be at most 1000"],
    ['?limit=ten', "Field 'limit' must be an integer"],
    ['?type=payment.unknown', "Field 'type' must be one of: payment.outbound.confirmed, payment.outbound.settled, payment.outbound.rejected, payment.inbound.received, payment.inbound.confirmed, payment.inbound.rejected"],
  ]
  for (const [query, message] of cases) {
    const res = await app.inject({ url: `/_mock/webhooks/deliveries${query}` })
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
})
