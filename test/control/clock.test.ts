import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const SMALL_ACCOUNT = '00000000-0000-4000-8000-000000000003'
const DAY_S = 86400
const RESOLUTION_TTL_S = 30 * 60

type Headers = Record<string, string>

function moveClock(app: FastifyInstance, payload: object) {
  return app.inject({ method: 'POST', url: '/_mock/clock', payload })
}

async function readClock(app: FastifyInstance): Promise<{ now: string; frozen: boolean }> {
  return (await app.inject({ url: '/_mock/clock' })).json()
}

async function resolve(app: FastifyInstance, headers: Headers, keyValue = '3001234567'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (res.statusCode !== 200) throw new Error(`resolve-key answered ${res.statusCode}: ${res.body}`)
  return res.json().resolution_id
}

function pay(app: FastifyInstance, headers: Headers, resolutionId: string) {
  return app.inject({ method: 'POST', url: '/v1/payments/breb', headers, payload: { account_id: SMALL_ACCOUNT, resolution_id: resolutionId, amount: { value: '100', currency: 'COP' } } })
}

async function paymentStatus(app: FastifyInstance, headers: Headers, id: string): Promise<string> {
  return (await app.inject({ url: `/v1/payments/${id}`, headers })).json().status
}

// GET /_mock/clock

t.test('reads the clock: wall time, running', async (t) => {
  const { app, time } = await buildTestApp(t)
  const res = await app.inject({ url: '/_mock/clock' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { now: NOW, frozen: false })
  await expectMatchesSpec(t, app, res)
  time.advance(2500)
  t.same(await readClock(app), { now: '2026-01-15T12:00:02.500Z', frozen: false }, 'it follows wall time')
})

// POST /_mock/clock

t.test('sets the clock to a time, and it runs on from there', async (t) => {
  const { app, time } = await buildTestApp(t)
  const res = await moveClock(app, { set: '2027-03-01T08:30:00.000Z' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { now: '2027-03-01T08:30:00.000Z', frozen: false })
  await expectMatchesSpec(t, app, res)
  time.advance(1000)
  t.same(await readClock(app), { now: '2027-03-01T08:30:01.000Z', frozen: false })

  const back = await moveClock(app, { set: '2020-01-01T00:00:00-05:00' })
  t.equal(back.statusCode, 200)
  t.same(back.json(), { now: '2020-01-01T05:00:00.000Z', frozen: false }, 'back in time, any zone, answered in UTC')
})

t.test('advances the clock by seconds: fractions to the millisecond, negative moves back', async (t) => {
  const { app } = await buildTestApp(t)
  const steps: [number, string][] = [
    [DAY_S, '2026-01-16T12:00:00.000Z'],
    [1.5, '2026-01-16T12:00:01.500Z'],
    [0.0004, '2026-01-16T12:00:01.500Z'],
    [0.0006, '2026-01-16T12:00:01.501Z'],
    [-61.501, '2026-01-16T11:59:00.000Z'],
    [0, '2026-01-16T11:59:00.000Z'],
  ]
  for (const [seconds, now] of steps) {
    const res = await moveClock(app, { advance_seconds: seconds })
    t.equal(res.statusCode, 200)
    t.same(res.json(), { now, frozen: false }, `advance_seconds ${seconds}`)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('freezes the clock, moves it while frozen, and lets it run on from there', async (t) => {
  const { app, time } = await buildTestApp(t)
  const frozen = await moveClock(app, { freeze: true })
  t.equal(frozen.statusCode, 200)
  t.same(frozen.json(), { now: NOW, frozen: true })
  await expectMatchesSpec(t, app, frozen)
  time.advance(3600 * 1000)
  t.same(await readClock(app), { now: NOW, frozen: true }, 'wall time passes, the clock does not')

  t.same((await moveClock(app, { advance_seconds: 60 })).json(), { now: '2026-01-15T12:01:00.000Z', frozen: true }, 'advanced, still frozen')
  t.same((await moveClock(app, { set: '2026-02-01T00:00:00.000Z' })).json(), { now: '2026-02-01T00:00:00.000Z', frozen: true }, 'set, still frozen')
  t.same((await moveClock(app, { freeze: true })).json(), { now: '2026-02-01T00:00:00.000Z', frozen: true }, 'freezing twice changes nothing')

  const running = await moveClock(app, { freeze: false })
  t.equal(running.statusCode, 200)
  t.same(running.json(), { now: '2026-02-01T00:00:00.000Z', frozen: false })
  await expectMatchesSpec(t, app, running)
  time.advance(5000)
  t.same(await readClock(app), { now: '2026-02-01T00:00:05.000Z', frozen: false }, 'it runs on from the frozen time')
})

t.test('answers 400 for a body that is not exactly one valid move, and leaves the clock alone', async (t) => {
  const { app } = await buildTestApp(t)
  const oneOf = "Give exactly one of the fields 'set', 'advance_seconds' or 'freeze'"
  const cases: [object, string][] = [
    [{}, oneOf],
    [{ set: NOW, freeze: true }, oneOf],
    [{ advance_seconds: 1, freeze: false }, oneOf],
    [{ set: '2026-01-15' }, "Field 'set' must be an ISO 8601 timestamp"],
    [{ set: '2026-01-15T12:00:00' }, "Field 'set' must be an ISO 8601 timestamp"],
    [{ set: 'tomorrow' }, "Field 'set' must be an ISO 8601 timestamp"],
    [{ set: 1768478400000 }, "Field 'set' must be a string"],
    [{ advance_seconds: '60' }, "Field 'advance_seconds' must be a number"],
    [{ advance_seconds: 4e9 }, "Field 'advance_seconds' must be at most 3162240000"],
    [{ advance_seconds: -4e9 }, "Field 'advance_seconds' must be at least -3162240000"],
    [{ freeze: 'yes' }, "Field 'freeze' must be a boolean"],
    [{ advance: 60 }, "Field 'advance' is not allowed"],
  ]
  for (const [body, message] of cases) {
    const res = await moveClock(app, body)
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
  t.same(await readClock(app), { now: NOW, frozen: false }, 'the clock did not move')
})

t.test('refuses a move past the year 9999 or before the year 0000', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await moveClock(app, { set: '9999-12-31T23:59:59.000Z' })).statusCode, 200, 'the last second is fine')
  const past = await moveClock(app, { advance_seconds: 1 })
  expectError(t, past, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'advance_seconds' would move the clock outside the years 0000–9999", '_mock')
  await expectMatchesSpec(t, app, past)
  t.same(await readClock(app), { now: '9999-12-31T23:59:59.000Z', frozen: false })
  t.equal((await moveClock(app, { set: '0000-01-01T00:00:00.000Z' })).statusCode, 200)
  const before = await moveClock(app, { advance_seconds: -0.001 })
  expectError(t, before, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'advance_seconds' would move the clock outside the years 0000–9999", '_mock')
})

t.test('answers 400 invalid_json, 415 and 413 for bodies it cannot read', async (t) => {
  const { app } = await buildTestApp(t)
  const broken = await app.inject({ method: 'POST', url: '/_mock/clock', headers: { 'content-type': 'application/json' }, payload: '{"advance_seconds":' })
  expectError(t, broken, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON', '_mock')
  await expectMatchesSpec(t, app, broken)
  const text = await app.inject({ method: 'POST', url: '/_mock/clock', headers: { 'content-type': 'text/plain' }, payload: '60' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type', '_mock')
  await expectMatchesSpec(t, app, text)
  const big = await app.inject({ method: 'POST', url: '/_mock/clock', payload: { advance_seconds: 1, padding: 'x'.repeat(1024 * 1024) } })
  expectError(t, big, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large', '_mock')
  await expectMatchesSpec(t, app, big)
})

// What follows the clock (CONTRACT §5 "Clock")

t.test('expires every token when the clock passes TOKEN_TTL_SECONDS', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const other = await bearer(app, 'other')
  t.equal((await moveClock(app, { advance_seconds: DAY_S - 1 })).statusCode, 200)
  t.equal((await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })).statusCode, 200, 'a second before expiry')

  t.equal((await moveClock(app, { advance_seconds: 1 })).statusCode, 200)
  for (const h of [headers, other]) {
    const res = await app.inject({ url: '/v1/accounts', headers: h })
    expectError(t, res, 401, 'token_expired', 'UNAUTHENTICATED', 'The access token has expired')
    await expectMatchesSpec(t, app, res)
  }
  const fresh = await bearer(app)
  const tokens = await app.inject({ url: '/v1/iam/oauth/tokens', headers: fresh })
  t.equal(tokens.statusCode, 200)
  const statuses = (tokens.json().tokens as { status: string; created_at: string; expires_at: string }[]).map((token) => [token.status, token.created_at, token.expires_at])
  t.same(
    statuses.sort(),
    [
      ['ACTIVE', '2026-01-16T12:00:00.000Z', '2026-01-17T12:00:00.000Z'],
      ['EXPIRED', NOW, '2026-01-16T12:00:00.000Z'],
    ],
    'the old token is EXPIRED; the new one was issued at the moved time',
  )
})

t.test('expires tokens after a shorter TOKEN_TTL_SECONDS, and a jump back makes them valid again', async (t) => {
  const { app } = await buildTestApp(t, { tokenTtlSeconds: 60 })
  const headers = await bearer(app)
  await moveClock(app, { advance_seconds: 60.001 })
  const expired = await app.inject({ url: '/v1/accounts', headers })
  expectError(t, expired, 401, 'token_expired', 'UNAUTHENTICATED', 'The access token has expired')
  await moveClock(app, { set: NOW })
  t.equal((await app.inject({ url: '/v1/accounts', headers })).statusCode, 200, 'expiry is read against the clock, not stored')
})

t.test('expires a resolution 30 minutes after it was made, on the mock’s clock', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const early = await resolve(app, headers, '3001234567')
  const late = await resolve(app, headers, '3007654321')
  await moveClock(app, { advance_seconds: RESOLUTION_TTL_S - 1 })
  const inTime = await pay(app, headers, early)
  t.equal(inTime.statusCode, 200, 'paid a second before expiry')

  await moveClock(app, { advance_seconds: 1 })
  const res = await pay(app, headers, late)
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'resolution_id' names an expired resolution: resolve the key again")
  await expectMatchesSpec(t, app, res)
})

t.test('settles nothing while frozen, and settles what fell due once the clock moves', async (t) => {
  const { app, time } = await buildTestApp(t)
  const headers = await bearer(app)
  await moveClock(app, { freeze: true })
  const created = await pay(app, headers, await resolve(app, headers))
  t.equal(created.statusCode, 200)
  t.equal(created.json().status, 'PROCESSING')

  time.advance(3600 * 1000)
  await app.services.sweeper.runDue()
  t.equal(await paymentStatus(app, headers, created.json().id), 'PROCESSING', 'an hour of wall time later, still PROCESSING')

  const moved = await moveClock(app, { advance_seconds: 0.5 })
  t.same(moved.json(), { now: '2026-01-15T12:00:00.500Z', frozen: true })
  t.equal(await paymentStatus(app, headers, created.json().id), 'PROCESSING', 'not yet due (SETTLEMENT_DELAY_MS is 1000)')

  const due = await moveClock(app, { advance_seconds: 0.5 })
  t.equal(due.statusCode, 200)
  const settled = (await app.inject({ url: `/v1/payments/${created.json().id}`, headers })).json()
  t.match(settled, { status: 'SETTLED', updated_at: '2026-01-15T12:00:01.000Z' }, 'settled by the time POST /_mock/clock answered, at the mock’s time')
})

t.test('settles what fell due when the clock is set forward', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const created = await pay(app, headers, await resolve(app, headers))
  t.equal(created.json().status, 'PROCESSING')
  const res = await moveClock(app, { set: '2026-01-15T13:00:00.000Z' })
  t.equal(res.statusCode, 200)
  t.equal(await paymentStatus(app, headers, created.json().id), 'SETTLED')
})

t.test('stamps new objects with the mock’s time', async (t) => {
  const { app } = await buildTestApp(t)
  await moveClock(app, { set: '2030-06-01T09:00:00.000Z' })
  await moveClock(app, { freeze: true })
  const headers = await bearer(app)
  const customer = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers,
    payload: {
      business_name: 'Reloj QA',
      email: 'reloj@example.com',
      mobile_phone_number: '+573001234567',
      identification_type: 'NIT',
      identification_number: '900123456',
      merchant_category_code: '5411',
      address: { line_1: 'Calle 1', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
    },
  })
  t.equal(customer.statusCode, 200)
  t.match(customer.json(), { created_at: '2030-06-01T09:00:00.000Z', updated_at: '2030-06-01T09:00:00.000Z' })
  const rule = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { path: '/v1/nowhere', status: 500 } })
  t.equal(rule.json().created_at, '2030-06-01T09:00:00.000Z')
})

t.test('goes back to wall time, running, on POST /_mock/reset', async (t) => {
  const { app, time } = await buildTestApp(t)
  await moveClock(app, { advance_seconds: 7 * DAY_S })
  await moveClock(app, { freeze: true })
  time.advance(1000)
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.same(await readClock(app), { now: '2026-01-15T12:00:01.000Z', frozen: false })
})

t.test('needs the admin token on both clock routes when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'qa-admin' })
  const calls = [
    { method: 'GET' as const, url: '/_mock/clock' },
    { method: 'POST' as const, url: '/_mock/clock', payload: { advance_seconds: 60 } },
  ]
  for (const call of calls) {
    const missing = await app.inject(call)
    expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, missing)
    const wrong = await app.inject({ ...call, headers: { 'x-mock-admin-token': 'wrong' } })
    expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
    await expectMatchesSpec(t, app, wrong)
  }
  t.equal(app.services.clock.now().toISOString(), NOW, 'the clock did not move')
  const ok = await app.inject({ ...calls[1], headers: { 'x-mock-admin-token': 'qa-admin' } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { now: '2026-01-15T12:01:00.000Z', frozen: false })
  const read = await app.inject({ url: '/_mock/clock', headers: { 'x-mock-admin-token': 'qa-admin' } })
  t.same(read.json(), { now: '2026-01-15T12:01:00.000Z', frozen: false })
})
