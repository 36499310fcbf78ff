import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { type PassportMock, PassportMockError, connectPassportMock, startPassportMock } from '../../src/testing.js'

// Issue 13 §2: the whole control plane, typed, from startPassportMock and connectPassportMock alike.
// Each method is checked by its effect on the Passport surface, not only by its answer.

const ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

async function get(mock: PassportMock, path: string, token: string) {
  const res = await fetch(`${mock.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

/** The error a call rejected with (a test fails on a call that did not reject). */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  )
}

async function started(t: { teardown(fn: () => unknown): void }, options = {}) {
  const mock = await startPassportMock(options)
  t.teardown(() => mock.close())
  return mock
}

t.test('token() answers a bearer token for the default client, another by id, and refuses an unknown one', async (t) => {
  const mock = await started(t)
  const token = await mock.token()
  t.match(token, /^[0-9a-f]{64}$/)
  t.equal((await get(mock, `/v1/accounts/${ACCOUNT}`, token)).status, 200)
  const other = await mock.token('passport-mock-other')
  t.equal((await get(mock, `/v1/accounts/${ACCOUNT}`, other)).status, 403, 'the other entity’s token, its secret looked up')
  const seeded = await mock.seed({ entity: { name: 'ci-job' } })
  const seededToken = await mock.token(seeded.client?.client_id)
  t.equal((await get(mock, '/v1/accounts', seededToken)).status, 200)
  await t.rejects(mock.token('nobody'), PassportMockError)
})

t.test('faults add, list, remove and clear change what /v1 answers', async (t) => {
  const mock = await started(t)
  const token = await mock.token()
  const rule = await mock.faults.add({ method: 'GET', path: '/v1/accounts/:account_id', status: 503, times: 1 })
  t.equal(rule.status, 503)
  t.equal((await get(mock, `/v1/accounts/${ACCOUNT}`, token)).body.code, 'service_unavailable')
  t.equal((await get(mock, `/v1/accounts/${ACCOUNT}`, token)).status, 200, 'used up by times: 1')
  const kept = await mock.faults.add({ account_id: ACCOUNT, status: 500 })
  t.ok((await mock.faults.list()).some((f) => f.id === kept.id))
  t.equal((await get(mock, `/v1/accounts/${ACCOUNT}`, token)).status, 500)
  await mock.faults.remove(kept.id)
  t.equal((await get(mock, `/v1/accounts/${ACCOUNT}`, token)).status, 200)
  await mock.faults.add({ account_id: ACCOUNT, status: 429 })
  await mock.faults.clear()
  t.same(
    (await mock.faults.list()).map((f) => f.builtin),
    [true, true],
    'only the built-in rules stay',
  )
  const missing = await mock.faults.remove('7d3e5b1f-0a2c-4e6d-8f9a-00000000dead').catch((e: unknown) => e)
  t.type(missing, PassportMockError)
  t.equal((missing as PassportMockError).status, 404)
  t.match((missing as PassportMockError).body, { code: 'fault_not_found' })
})

t.test('the clock moves token expiry: advance, set, freeze and unfreeze', async (t) => {
  const mock = await started(t, { tokenTtlSeconds: 60 })
  const token = await mock.token()
  const frozen = await mock.clock.freeze()
  t.equal(frozen.frozen, true)
  t.equal((await mock.clock.get()).now, frozen.now, 'a frozen clock stands still')
  const later = await mock.clock.advance(61)
  t.equal(Date.parse(later.now) - Date.parse(frozen.now), 61_000)
  t.equal((await get(mock, '/v1/accounts', token)).body.code, 'token_expired')
  await mock.clock.set(new Date(Date.parse(frozen.now)))
  t.equal((await get(mock, '/v1/accounts', token)).status, 200, 'back in time, the token is valid again')
  t.equal((await mock.clock.unfreeze()).frozen, false)
})

t.test('requests() reads the journal with filters, and clearRequests() empties it', async (t) => {
  const mock = await started(t)
  const token = await mock.token()
  await get(mock, '/v1/accounts/not-a-uuid', token)
  await get(mock, `/v1/accounts/${ACCOUNT}`, token)
  const bad = await mock.requests({ status: '4xx' })
  t.same(
    bad.map((r) => [r.method, r.url, r.status]),
    [['GET', '/v1/accounts/not-a-uuid', 400]],
  )
  t.equal((await mock.requests({ limit: 2 })).length, 2)
  await mock.clearRequests()
  t.same(await mock.requests(), [])
})

t.test('payments.settle and reject move held payments; simulateInboundPayment credits an account', async (t) => {
  const mock = await started(t)
  const token = await mock.token()
  const pay = async () => {
    const post = (path: string, body: object) =>
      fetch(`${mock.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Record<string, any>>,
      )
    const resolution = await post('/v1/resolve-key', { customer_id: 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e', key: { key_type: 'PHONE', key_value: '3000000009' } })
    return post('/v1/payments/breb', { account_id: ACCOUNT, resolution_id: resolution.id, amount: { value: '10', currency: 'COP' } })
  }
  const first = await pay()
  t.equal(first.status, 'PROCESSING')
  t.equal((await mock.payments.settle(first.id)).status, 'SETTLED')
  const second = await pay()
  const rejected = await mock.payments.reject(second.id, 'AM04')
  t.match(rejected, { status: 'REJECTED', error: { error_code: 'AM04' } })
  t.match(await failure(mock.payments.settle(second.id)), { status: 409, body: { code: 'invalid_state' } })

  const inbound = await mock.simulateInboundPayment({ account_id: '00000000-0000-4000-8000-000000000000', amount: { value: '1500.50', currency: 'COP' } })
  t.equal(inbound.direction, 'INBOUND')
  t.equal((await get(mock, '/v1/accounts/00000000-0000-4000-8000-000000000000', token)).body.available_balance.value, '1500.50')
})

t.test('webhooks add, list, deliveries and remove, against a real receiver', async (t) => {
  const received: string[] = []
  const receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      received.push(body)
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => receiver.close(resolve)))
  const mock = await started(t)
  const endpoint = await mock.webhooks.add({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, secret: 'whsec_test', mode: 'once' })
  t.ok((await mock.webhooks.list()).some((w) => w.id === endpoint.id))
  await mock.simulateInboundPayment({ account_id: ACCOUNT, amount: { value: '1', currency: 'COP' } })
  let deliveries = await mock.webhooks.deliveries()
  for (let i = 0; i < 100 && deliveries.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    deliveries = await mock.webhooks.deliveries()
  }
  t.same(deliveries.map((d) => d.status).sort(), [204, 204])
  t.equal(received.length, 2)
  t.equal((await mock.webhooks.deliveries({ type: 'payment.inbound.received' })).length, 1)
  await mock.webhooks.remove(endpoint.id)
  t.notOk((await mock.webhooks.list()).some((w) => w.id === endpoint.id))
})

t.test('state export and import round-trip; reset brings the fixtures back', async (t) => {
  const mock = await started(t)
  const seeded = await mock.seed({ accounts: [{ status: 'BLOCKED', available_balance: '500.25' }] })
  const id = seeded.accounts[0]?.id as string
  const state = await mock.state.export()
  t.ok(state.accounts.some((a) => (a as { id: string }).id === id))
  await mock.reset()
  const token = await mock.token()
  t.equal((await get(mock, `/v1/accounts/${id}`, token)).status, 404, 'reset drops seeded objects')
  await mock.state.import(state)
  t.match((await get(mock, `/v1/accounts/${id}`, await mock.token())).body, { status: 'BLOCKED', available_balance: { value: '500.25' } })
  t.match(await failure(mock.state.import({ ...state, format_version: 2 as 1 })), { status: 400, body: { code: 'invalid_parameter_value' } })
})

t.test('connectPassportMock drives a running mock with its admin token, and close() leaves it running', async (t) => {
  const server = await started(t, { mockAdminToken: 'admin-secret' })
  const remote = await connectPassportMock(`${server.url}/`, { adminToken: 'admin-secret' })
  t.equal(remote.url, server.url)
  await remote.faults.add({ path: '/v1/accounts', status: 503, times: 1 })
  t.equal((await get(remote, '/v1/accounts', await remote.token())).status, 503)
  await remote.close()
  t.equal((await remote.clock.get()).frozen, false, 'still answering after close()')
  const wrong = await connectPassportMock(server.url, { adminToken: 'nope' })
  t.match(await failure(wrong.faults.list()), { status: 401, body: { code: 'invalid_admin_token' } })
  await t.rejects(connectPassportMock('http://127.0.0.1:1'), /cannot reach http:\/\/127\.0\.0\.1:1/)
})

t.test('paymentAuthorization set, get, attempts and remove, against a real callback that accepts', async (t) => {
  const asked: string[] = []
  const callback = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      asked.push(body)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accept": true}')
    })
  })
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => callback.close(resolve)))
  const mock = await started(t)
  const entity = '9f1c2b7e-4d3a-4e8b-a5c6-7d8e9f0a1b2c'
  const setting = await mock.paymentAuthorization.set(entity, { url: `http://127.0.0.1:${(callback.address() as AddressInfo).port}/authorize`, secret: 'authsec' })
  t.match(setting, { entity_id: entity, secret_set: true, auto_approve_error: false })
  t.same(await mock.paymentAuthorization.get(entity), setting)
  const inbound = await mock.simulateInboundPayment({ account_id: ACCOUNT, amount: { value: '10', currency: 'COP' } })
  t.equal(inbound.status, 'PROCESSING', 'waits for the callback')
  let attempts = await mock.paymentAuthorization.attempts({ payment_id: inbound.id })
  for (let i = 0; i < 100 && attempts.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    attempts = await mock.paymentAuthorization.attempts({ payment_id: inbound.id })
  }
  t.match(attempts, [{ payment_id: inbound.id, status: 200, accept: true, decision: 'approved' }])
  t.equal(asked.length, 1)
  await mock.paymentAuthorization.remove(entity)
  t.match(await failure(mock.paymentAuthorization.get(entity)), { status: 404 })
})
