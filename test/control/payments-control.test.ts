import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const OTHER_ACCOUNT = '00000000-0000-4000-8000-000000000403'
const HELD = { key_type: 'PHONE', key_value: '3000000009' }

/** A payment of `value` from the other entity's account to the held magic key: it stays PROCESSING. */
async function heldPayment(app: FastifyInstance, value = '100.50') {
  const headers = await bearer(app, 'other')
  const resolution = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: OTHER_CUSTOMER, key: HELD } })
  const payment = await app.inject({
    method: 'POST',
    url: '/v1/payments/breb',
    headers,
    payload: { account_id: OTHER_ACCOUNT, resolution_id: resolution.json().id, amount: { value, currency: 'COP' } },
  })
  return { headers, payment: payment.json() as { id: string; status: string } }
}

async function balances(app: FastifyInstance, headers: Record<string, string>) {
  const account = (await app.inject({ url: `/v1/accounts/${OTHER_ACCOUNT}`, headers })).json()
  return [account.available_balance.value, account.pending_balance.value]
}

t.test('settles a held payment now: the hold leaves for the outside bank', async (t) => {
  const { app, time } = await buildTestApp(t)
  const { headers, payment } = await heldPayment(app)
  time.advance(3600 * 1000)
  await app.services.sweeper.runDue()
  t.equal((await app.inject({ url: `/v1/payments/${payment.id}`, headers })).json().status, 'PROCESSING', 'held an hour later')
  t.same(await balances(app, headers), ['899.50', '100.50'])

  const res = await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/settle` })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: payment.id, status: 'SETTLED', amount: { value: '100.50' } })
  t.notOk(res.json().error)
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, headers), ['899.50', '0'])
  t.same((await app.inject({ url: `/v1/payments/${payment.id}`, headers })).json(), res.json(), 'the API answers the same payment')
})

t.test('rejects a held payment with the given code, B002 by default, and returns the hold', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [body, code] of [
    [undefined, 'B002'],
    [{ error_code: 'AC06' }, 'AC06'],
  ] as const) {
    const { headers, payment } = await heldPayment(app, '10')
    t.same(await balances(app, headers), ['990', '10'], 'held')
    const res = await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/reject`, ...(body && { payload: body }) })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { status: 'REJECTED', error: { error_code: code } })
    await expectMatchesSpec(t, app, res)
    t.same(await balances(app, headers), ['1000', '0'], 'the hold is available again')
  }
})

t.test('answers 409 invalid_state once a payment is no longer PROCESSING, and changes nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const { headers, payment } = await heldPayment(app)
  await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/settle` })
  const settled = await balances(app, headers)
  for (const action of ['settle', 'reject']) {
    const res = await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/${action}` })
    expectError(t, res, 409, 'invalid_state', 'FAILED_PRECONDITION', 'The payment is SETTLED: only PROCESSING (Bre-B) and PENDING (ACH) payments move', '_mock')
    await expectMatchesSpec(t, app, res)
  }
  t.same(await balances(app, headers), settled)
})

t.test('answers 404 for an unknown payment and 400 for a bad id or code', async (t) => {
  const { app } = await buildTestApp(t)
  const unknown = await app.inject({ method: 'POST', url: `/_mock/payments/${randomUUID()}/settle` })
  expectError(t, unknown, 404, 'payment_not_found', 'NOT_FOUND', 'Payment not found', '_mock')
  await expectMatchesSpec(t, app, unknown)
  const badId = await app.inject({ method: 'POST', url: '/_mock/payments/nope/reject' })
  expectError(t, badId, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'payment_id' must be a UUID", '_mock')
  await expectMatchesSpec(t, app, badId)
  const { payment } = await heldPayment(app)
  const badCode = await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/reject`, payload: { error_code: 'no' } })
  expectError(t, badCode, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'error_code' must match ^[A-Z0-9]{2,8}$", '_mock')
  await expectMatchesSpec(t, app, badCode)
})

t.test('needs the admin token when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'qa-secret' })
  const { payment } = await heldPayment(app)
  const missing = await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/settle` })
  expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
  await expectMatchesSpec(t, app, missing, { allowDefault: true })
  const wrong = await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/settle`, headers: { 'x-mock-admin-token': 'nope' } })
  expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
  const right = await app.inject({ method: 'POST', url: `/_mock/payments/${payment.id}/settle`, headers: { 'x-mock-admin-token': 'qa-secret' } })
  t.equal(right.statusCode, 200)
  t.equal(right.json().status, 'SETTLED')
})
