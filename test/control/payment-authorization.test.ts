import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { ManualTime } from '../../src/core/clock.js'
import { type AttemptBody, paymentOf, putAuthorization, SMALL_ACCOUNT, simulateInbound, sweepAuthorizations } from '../helpers/authorization.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { at, DEFAULT_ENTITY, OTHER_ENTITY, startReceiver } from '../helpers/webhooks.js'

const PATH = `/_mock/entities/${DEFAULT_ENTITY}/payment-authorization`
const NOW = '2026-01-15T12:00:00.000Z'

function expectInvalidMock(t: Test, res: LightMyRequestResponse, message: string) {
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
}

t.test('PUT sets the callback and answers it without the secret; GET answers the same; PUT again replaces it', async (t) => {
  const { app, time } = await buildTestApp(t)
  const put = await app.inject({ method: 'PUT', url: PATH, payload: { url: 'http://127.0.0.1:3000/authorize', secret: 'top-secret', auto_approve_error: true } })
  t.equal(put.statusCode, 200)
  await expectMatchesSpec(t, app, put)
  t.same(put.json(), { entity_id: DEFAULT_ENTITY, url: 'http://127.0.0.1:3000/authorize', secret_set: true, auto_approve_error: true, created_at: NOW, updated_at: NOW })
  t.notMatch(put.body, 'top-secret', 'the secret is never echoed')

  const get = await app.inject({ url: PATH })
  t.equal(get.statusCode, 200)
  await expectMatchesSpec(t, app, get)
  t.same(get.json(), put.json())

  time.advance(60_000)
  const replaced = await app.inject({ method: 'PUT', url: PATH, payload: { url: 'https://example.test/authorize', secret: 'other' } })
  t.same(replaced.json(), { entity_id: DEFAULT_ENTITY, url: 'https://example.test/authorize', secret_set: true, auto_approve_error: false, created_at: NOW, updated_at: '2026-01-15T12:01:00.000Z' }, 'auto_approve_error defaults to false')

  const list = await app.inject({ url: '/_mock/payment-authorizations' })
  t.equal(list.statusCode, 200)
  await expectMatchesSpec(t, app, list)
  t.same(list.json(), { payment_authorizations: [replaced.json()] })
})

t.test('GET answers 404 payment_authorization_not_found when the entity has none, 404 entity_not_found for an unknown entity', async (t) => {
  const { app } = await buildTestApp(t)
  const none = await app.inject({ url: PATH })
  expectError(t, none, 404, 'payment_authorization_not_found', 'NOT_FOUND', 'The entity has no payment authorization configured', '_mock')
  await expectMatchesSpec(t, app, none)
  const unknown = `/_mock/entities/${randomUUID()}/payment-authorization`
  for (const method of ['GET', 'PUT', 'DELETE'] as const) {
    const res = await app.inject({ method, url: unknown, ...(method === 'PUT' && { payload: { url: 'http://127.0.0.1:1/a', secret: 's' } }) })
    expectError(t, res, 404, 'entity_not_found', 'NOT_FOUND', 'Entity not found', '_mock')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('DELETE turns it off: 204, then GET and DELETE answer 404', async (t) => {
  const { app } = await buildTestApp(t)
  await putAuthorization(app, 'http://127.0.0.1:3000/authorize')
  const del = await app.inject({ method: 'DELETE', url: PATH })
  t.equal(del.statusCode, 204)
  t.equal(del.body, '')
  await expectMatchesSpec(t, app, del)
  t.equal((await app.inject({ url: PATH })).statusCode, 404)
  const again = await app.inject({ method: 'DELETE', url: PATH })
  expectError(t, again, 404, 'payment_authorization_not_found', 'NOT_FOUND', 'The entity has no payment authorization configured', '_mock')
  await expectMatchesSpec(t, app, again)
})

t.test('PUT answers 400 with the contract body for a bad body, and stores nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const good = { url: 'http://127.0.0.1:3000/authorize', secret: 's', auto_approve_error: false }
  const cases: [Record<string, unknown>, string][] = [
    [{ secret: 's' }, "Field 'url' is required"],
    [{ url: good.url }, "Field 'secret' is required"],
    [{ ...good, url: 'ftp://127.0.0.1/authorize' }, "Field 'url' must be an absolute http or https URL"],
    [{ ...good, url: 'not a url' }, "Field 'url' must be an absolute http or https URL"],
    [{ ...good, secret: '' }, "Field 'secret' must not be empty"],
    [{ ...good, auto_approve_error: 'yes' }, "Field 'auto_approve_error' must be a boolean"],
  ]
  for (const [payload, message] of cases) {
    const res = await app.inject({ method: 'PUT', url: PATH, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().message, message)
    await expectMatchesSpec(t, app, res)
  }
  const extra = await app.inject({ method: 'PUT', url: PATH, payload: { ...good, mode: 'retry' } })
  t.equal(extra.statusCode, 400, 'an unknown field is refused, so a typo is never silently ignored')
  const badId = await app.inject({ method: 'PUT', url: '/_mock/entities/not-a-uuid/payment-authorization', payload: good })
  expectInvalidMock(t, badId, "Field 'entity_id' must be a UUID")
  await expectMatchesSpec(t, app, badId)
  t.equal((await app.inject({ url: PATH })).statusCode, 404, 'nothing was stored')
})

t.test('the routes need the admin token when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'let-me-in' })
  for (const [method, url] of [['PUT', PATH], ['GET', PATH], ['DELETE', PATH], ['GET', '/_mock/payment-authorizations'], ['GET', '/_mock/webhooks/authorizations']] as const) {
    const res = await app.inject({ method, url, ...(method === 'PUT' && { payload: { url: 'http://127.0.0.1:1/a', secret: 's' } }) })
    expectError(t, res, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, res)
  }
  const ok = await app.inject({ method: 'PUT', url: PATH, headers: { 'x-mock-admin-token': 'let-me-in' }, payload: { url: 'http://127.0.0.1:1/a', secret: 's' } })
  t.equal(ok.statusCode, 200)
})

t.test('the attempt log answers 400 to a bad filter and narrows by payment and entity', async (t) => {
  const { app } = await buildTestApp(t)
  const bad = await app.inject({ url: '/_mock/webhooks/authorizations?payment_id=nope' })
  expectInvalidMock(t, bad, "Field 'payment_id' must be a UUID")
  await expectMatchesSpec(t, app, bad)
  const receiver = await startReceiver(t, () => ({ status: 200, body: '{"accept": true}' }))
  await putAuthorization(app, receiver.url)
  const first = await simulateInbound(app, SMALL_ACCOUNT, '1')
  const second = await simulateInbound(app, SMALL_ACCOUNT, '2')
  await sweepAuthorizations(app)
  const all = (await app.inject({ url: '/_mock/webhooks/authorizations' })).json<{ attempts: AttemptBody[] }>().attempts
  t.equal(all.length, 2)
  const one = (await app.inject({ url: `/_mock/webhooks/authorizations?payment_id=${first.id}` })).json<{ attempts: AttemptBody[] }>().attempts
  t.same(one.map((a) => a.payment_id), [first.id])
  t.same((await app.inject({ url: `/_mock/webhooks/authorizations?entity_id=${OTHER_ENTITY}` })).json(), { attempts: [] })
  t.same((await app.inject({ url: '/_mock/webhooks/authorizations?limit=1' })).json<{ attempts: AttemptBody[] }>().attempts.map((a) => a.payment_id), [second.id], 'newest first')
})

t.test('PAYMENT_AUTHORIZATION_* configure the default entity at start, and again after a reset', async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 200, body: '{"accept": false}' }))
  const { app } = await buildTestApp(t, { paymentAuthorizationUrl: receiver.url, paymentAuthorizationSecret: 'env-secret', paymentAuthorizationAutoApproveError: true })
  const get = await app.inject({ url: PATH })
  t.equal(get.statusCode, 200)
  t.match(get.json(), { entity_id: DEFAULT_ENTITY, url: receiver.url, secret_set: true, auto_approve_error: true })
  t.equal((await app.inject({ url: `/_mock/entities/${OTHER_ENTITY}/payment-authorization` })).statusCode, 404, 'only the default entity')

  const inbound = await simulateInbound(app, SMALL_ACCOUNT, '1')
  await sweepAuthorizations(app)
  t.match(paymentOf(app, inbound.id), { status: 'REJECTED' }, 'the environment’s callback decided')
  t.match(at(receiver.received, 0).headers['x-passport-signature'], /^t=[0-9]+,v1=[0-9a-f]{64}$/)

  t.equal((await app.inject({ method: 'DELETE', url: PATH })).statusCode, 204)
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.equal((await app.inject({ url: PATH })).statusCode, 200, 'a reset brings the environment’s setting back')
})

t.test('a reset keeps settings set through the control plane, and drops pending questions and the attempt log', async (t) => {
  const { app } = await buildTestApp(t)
  const receiver = await startReceiver(t, () => ({ status: 200, body: '{"accept": true}' }))
  await putAuthorization(app, receiver.url, { entityId: OTHER_ENTITY })
  await putAuthorization(app, receiver.url)
  await simulateInbound(app, SMALL_ACCOUNT, '1')
  await sweepAuthorizations(app)
  await simulateInbound(app, SMALL_ACCOUNT, '1')
  t.equal(app.services.db.prepare("SELECT COUNT(*) AS n FROM payment_authorization_requests WHERE state = 'pending'").pluck().get(), 1)

  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.equal((await app.inject({ url: '/_mock/payment-authorizations' })).json().payment_authorizations.length, 2, 'settings stay, like webhook endpoints')
  t.equal(app.services.db.prepare('SELECT COUNT(*) AS n FROM payment_authorization_requests').pluck().get(), 0, 'questions went with their payments')
  t.same((await app.inject({ url: '/_mock/webhooks/authorizations' })).json(), { attempts: [] })
  await sweepAuthorizations(app)
  t.equal(receiver.received.length, 1, 'nothing left to ask')
})

t.test('the state export carries settings and pending questions; an import asks them again', async (t) => {
  const { app } = await buildTestApp(t)
  const receiver = await startReceiver(t, () => ({ status: 200, body: '{"accept": true}' }))
  await putAuthorization(app, receiver.url, { secret: 'exported-secret' })
  const inbound = await simulateInbound(app, SMALL_ACCOUNT, '4.50')
  const exported = await app.inject({ url: '/_mock/state' })
  await expectMatchesSpec(t, app, exported)
  const doc = exported.json()
  t.match(doc.payment_authorizations, [{ entity_id: DEFAULT_ENTITY, url: receiver.url, secret: 'exported-secret', auto_approve_error: false }])
  t.match(doc.payment_authorization_requests, [{ payment_id: inbound.id, outbound_payment_id: null, state: 'pending', attempts: 0 }])

  const { app: copy } = await buildTestApp(t)
  const put = await copy.inject({ method: 'PUT', url: '/_mock/state', payload: doc })
  t.equal(put.statusCode, 204)
  t.same((await copy.inject({ url: '/_mock/state' })).json(), doc, 'a round trip loses nothing')
  await sweepAuthorizations(copy)
  t.equal(paymentOf(copy, inbound.id).status, 'SETTLED', 'the imported question was asked')

  const older = { ...doc }
  delete older.payment_authorizations
  delete older.payment_authorization_requests
  const { app: third } = await buildTestApp(t)
  t.equal((await third.inject({ method: 'PUT', url: '/_mock/state', payload: { ...older, payments: [] } })).statusCode, 204, 'a document from before the feature still imports')

  const dangling = { ...doc, payment_authorization_requests: [{ ...doc.payment_authorization_requests[0], payment_id: randomUUID() }] }
  const refused = await copy.inject({ method: 'PUT', url: '/_mock/state', payload: dangling })
  expectInvalidMock(t, refused, "Field 'payment_authorization_requests[0].payment_id' names no payment of the document")
})

t.test('a question pending when the server stops is asked again at the next start, and decided once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-authz-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const config = { ...loadConfig({}), databasePath: join(dir, 'mock.sqlite'), logLevel: 'silent' as const }
  const open = async (): Promise<FastifyInstance> => buildApp(config, { timeSource: new ManualTime(NOW), sweepIntervalMs: 0, sleep: async () => undefined })

  // The first callback never answers before the server stops.
  const hanging = await startReceiver(t, () => ({ status: 200, holdMs: 60_000, body: '{"accept": true}' }))
  const first = await open()
  await putAuthorization(first, hanging.url)
  const inbound = await simulateInbound(first, SMALL_ACCOUNT, '8')
  await first.services.sweeper.runDue()
  const deadline = performance.now() + 3000
  while (hanging.received.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(hanging.received.length, 1, 'asked once')
  await first.close()

  const second = await open()
  t.teardown(() => second.close())
  t.equal(paymentOf(second, inbound.id).status, 'PROCESSING', 'still waiting after the restart')
  const answering = await startReceiver(t, () => ({ status: 200, body: '{"accept": true}' }))
  await putAuthorization(second, answering.url)
  await sweepAuthorizations(second)
  t.equal(answering.received.length, 1, 'asked again')
  t.equal(JSON.parse(at(answering.received, 0).body).id, JSON.parse(at(hanging.received, 0).body).id, 'the same question id, so a callback can tell a repeat')
  t.equal(paymentOf(second, inbound.id).status, 'SETTLED')
  t.match((await second.inject({ url: '/_mock/webhooks/authorizations' })).json(), { attempts: [{ attempt: 1, decision: 'approved' }] }, 'the cut-off attempt was not recorded')
  await sweepAuthorizations(second)
  t.equal(answering.received.length, 1, 'decided once, never asked again')
})
