import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectBodyParsingErrors, expectError, expectInvalid } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// POST /v1/payments/ach (tracker issue 10 §1; https://docs.passportfintech.com/EN/initiate-ach-payment).
// Fixtures of CONTRACT §6.
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc' // 90000000000000000 available
const acct = (suffix: string) => `00000000-0000-4000-8000-000000000${suffix}`
const SMALL_ACCOUNT = acct('003') // ACTIVE, available 1000, pending 250.50
const INACTIVE_ACCOUNT = acct('001')
const FOREIGN_ACCOUNT = acct('403') // the other entity's, available 1000
const ACH_DELAY_MS = 30000 // ACH_SETTLEMENT_DELAY_MS default

type Headers = { authorization: string }

interface AchPaymentBody {
  id: string
  status: string
  direction: string
  type: string
  account_id: string
  resolution_id: string
  recipient_id: string
  description: string
  amount: { value: string; currency: string }
  receiver: { account: { account_number: string; account_type: string; bank_name: string }; owner: Record<string, string> }
  error?: { error_code: string; error_description: string }
}

async function setup(t: Test) {
  const built = await buildTestApp(t)
  return { ...built, admin: await bearer(built.app), other: await bearer(built.app, 'other'), readonly: await bearer(built.app, 'readonly') }
}

/** An ACH recipient (POST /v1/recipients/ach) of a customer, paid to `accountNumber`. */
async function achRecipient(app: FastifyInstance, headers: Headers, accountNumber = '1234567890', customerId = DOCS_CUSTOMER): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/recipients/ach',
    headers,
    payload: {
      customer_id: customerId,
      owner: { type: 'INDIVIDUAL', first_name: 'Ana', first_last_name: 'Gómez', identification_type: 'CC', identification_number: '1020304050' },
      account: { account_type: 'SAVINGS', account_number: accountNumber, bank_name: 'BANCO DE BOGOTA' },
    },
  })
  if (res.statusCode !== 200) throw new Error(`recipient: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

function payAch(app: FastifyInstance, headers: Headers, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/payments/ach', headers, payload })
}

const cop = (value: string) => ({ value, currency: 'COP' })

async function balances(app: FastifyInstance, headers: Headers, accountId: string): Promise<[string, string]> {
  const body = (await app.inject({ url: `/v1/accounts/${accountId}`, headers })).json() as { available_balance: { value: string }; pending_balance: { value: string } }
  return [body.available_balance.value, body.pending_balance.value]
}

function eventTypes(app: FastifyInstance): string[] {
  return (app.services.db.prepare('SELECT type, body FROM webhook_events ORDER BY seq').all() as Array<{ type: string; body: string }>).map((e) => {
    const data = (JSON.parse(e.body) as { data: { type: string; status: string } }).data
    return `${e.type}:${data.type}:${data.status}`
  })
}

t.test('creates a PENDING ACH payment to the recipient, holding the amount', async (t) => {
  const { app, admin } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  const res = await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('100.25'), description: 'Invoice 118', type: 1 })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    status: 'PENDING',
    direction: 'OUTBOUND',
    type: 'ACH',
    account_id: SMALL_ACCOUNT,
    resolution_id: '',
    recipient_id: recipientId,
    amount: { value: '100.25', currency: 'COP' },
    description: 'Invoice 118',
    qr_code_reference: '',
    end_to_end_identification: /^[A-Z0-9]{32}$/,
    receiver: {
      account: { account_number: '1234567890', account_type: 'SAVINGS', bank_name: 'BANCO DE BOGOTA' },
      owner: { type: 'INDIVIDUAL', name: 'Ana Gómez', identification_type: 'CC', identification_number: '1020304050' },
    },
    sender: { account: { account_number: String, account_type: String }, owner: { type: 'BUSINESS' } },
  })
  t.notOk('key' in (res.json() as AchPaymentBody).receiver, 'an ACH receiver has no Bre-B key')
  t.notOk('error' in (res.json() as AchPaymentBody), 'no error while PENDING')
  await expectMatchesSpec(t, app, res)
  // The docs: "The pending balance will be updated": 1000 → 899.75 available, 250.50 → 350.75 pending.
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['899.75', '350.75'])
  const journal = await app.inject({ url: '/_mock/requests?path=/v1/payments/ach' })
  t.match((journal.json() as { requests: unknown[] }).requests, [{ method: 'POST', url: '/v1/payments/ach', status: 200, request_body: { recipient_id: recipientId } }], 'the journal has it')
})

t.test('answers "" as description when none is sent, and the same payment on GET and in the lists', async (t) => {
  const { app, admin, readonly } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  const created = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('5') })).json() as AchPaymentBody
  t.equal(created.description, '')
  const got = await app.inject({ url: `/v1/payments/${created.id}`, headers: readonly })
  t.equal(got.statusCode, 200)
  t.same(got.json(), created)
  await expectMatchesSpec(t, app, got)
  const ach = await app.inject({ url: '/v1/payments?type=ACH', headers: admin })
  t.equal(ach.statusCode, 200)
  t.same((ach.json() as { payments: AchPaymentBody[] }).payments, [created])
  await expectMatchesSpec(t, app, ach)
  const lower = await app.inject({ url: '/v1/payments?type=ach&status=pending', headers: admin })
  t.same((lower.json() as { payments: AchPaymentBody[] }).payments.map((p) => p.id), [created.id], 'enum filters in any case')
  const breb = await app.inject({ url: '/v1/payments?type=BREB', headers: admin })
  t.same((breb.json() as { payments: unknown[] }).payments, [], 'not a Bre-B payment')
  const view = await app.inject({ url: `/_mock/payments?status=PENDING&type=ACH` })
  t.match((view.json() as { payments: unknown[] }).payments, [{ id: created.id, type: 'ACH', entity_id: '9f1c2b7e-4d3a-4e8b-a5c6-7d8e9f0a1b2c' }])
  await expectMatchesSpec(t, app, view)
})

t.test('settles ACH_SETTLEMENT_DELAY_MS later on the mock clock: the hold leaves pending, exactly', async (t) => {
  const { app, admin, time } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  // Huge and exact: 90000000000000000 available; a value past 2^53 with cents.
  const amount = '89999999999999999.99'
  const created = (await payAch(app, admin, { account_id: DOCS_ACCOUNT, recipient_id: recipientId, amount: cop(amount) })).json() as AchPaymentBody
  t.same(await balances(app, admin, DOCS_ACCOUNT), ['0.01', amount])
  time.advance(ACH_DELAY_MS - 1)
  await app.services.sweeper.runDue()
  t.equal((await app.inject({ url: `/v1/payments/${created.id}`, headers: admin })).json().status, 'PENDING', 'still PENDING 1 ms before')
  // Longer than Bre-B's SETTLEMENT_DELAY_MS: a Bre-B payment would have settled by now.
  t.ok(ACH_DELAY_MS > app.services.config.settlementDelayMs)
  time.advance(1)
  await app.services.sweeper.runDue()
  const settled = await app.inject({ url: `/v1/payments/${created.id}`, headers: admin })
  t.match(settled.json(), { status: 'SETTLED', type: 'ACH', amount: { value: amount } })
  t.notOk('error' in settled.json())
  await expectMatchesSpec(t, app, settled)
  t.same(await balances(app, admin, DOCS_ACCOUNT), ['0.01', '0'], 'the money left the mock; nothing goes negative')
  t.same(eventTypes(app), ['payment.outbound.confirmed:ACH:PENDING', 'payment.outbound.settled:ACH:SETTLED'])
})

t.test('rejects with AM04 and moves nothing when funds are short, as Bre-B does', async (t) => {
  const { app, admin } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  const res = await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('1000.01') })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'REJECTED', type: 'ACH', error: { error_code: 'AM04', error_description: 'Insufficient funds' } })
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
  t.same(eventTypes(app), ['payment.outbound.rejected:ACH:REJECTED'])
})

t.test('never spends the same money twice across Bre-B and ACH', async (t) => {
  const { app, admin } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  const first = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('700') })).json() as AchPaymentBody
  t.equal(first.status, 'PENDING')
  const resolution = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers: admin, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3101234567' } } })
  const breb = await app.inject({
    method: 'POST',
    url: '/v1/payments/breb',
    headers: admin,
    payload: { account_id: SMALL_ACCOUNT, resolution_id: (resolution.json() as { id: string }).id, amount: cop('300.01') },
  })
  t.match(breb.json(), { status: 'REJECTED', error: { error_code: 'AM04' } }, 'the ACH hold is not available to Bre-B')
  const second = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('300') })).json() as AchPaymentBody
  t.equal(second.status, 'PENDING', 'what is left can still be paid')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['0', '1250.50'])
})

t.test('rejects at settlement with the R-code of a reserved account number, the hold returned', async (t) => {
  const { app, admin, time } = await setup(t)
  for (const [accountNumber, code, description] of [
    ['9000000002', 'R02', 'Account closed'],
    ['9000000003', 'R03', 'No account / unable to locate account'],
    ['9000000004', 'R04', 'Invalid account number'],
  ] as const) {
    const recipientId = await achRecipient(app, admin, accountNumber)
    const created = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('10') })).json() as AchPaymentBody
    t.equal(created.status, 'PENDING', 'PENDING until settlement')
    t.same(await balances(app, admin, SMALL_ACCOUNT), ['990', '260.50'])
    time.advance(ACH_DELAY_MS)
    await app.services.sweeper.runDue()
    const after = await app.inject({ url: `/v1/payments/${created.id}`, headers: admin })
    t.match(after.json(), { status: 'REJECTED', error: { error_code: code, error_description: description } }, `${accountNumber} → ${code}`)
    await expectMatchesSpec(t, app, after)
    t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'], 'the hold went back to available')
  }
})

t.test('holds a payment to 9000000009 PENDING until /_mock settles or rejects it', async (t) => {
  const { app, admin, time } = await setup(t)
  const recipientId = await achRecipient(app, admin, '9000000009')
  const held = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('1') })).json() as AchPaymentBody
  const rejected = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('2') })).json() as AchPaymentBody
  time.advance(12 * 60 * 60 * 1000)
  await app.services.sweeper.runDue()
  t.equal((await app.inject({ url: `/v1/payments/${held.id}`, headers: admin })).json().status, 'PENDING', 'still PENDING 12 hours later')

  const settle = await app.inject({ method: 'POST', url: `/_mock/payments/${held.id}/settle` })
  t.equal(settle.statusCode, 200)
  t.match(settle.json(), { id: held.id, status: 'SETTLED', type: 'ACH' })
  await expectMatchesSpec(t, app, settle)

  const reject = await app.inject({ method: 'POST', url: `/_mock/payments/${rejected.id}/reject`, payload: {} })
  t.equal(reject.statusCode, 200)
  t.match(reject.json(), { status: 'REJECTED', error: { error_code: 'R03' } }, 'R03 by default for ACH')
  await expectMatchesSpec(t, app, reject)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['999', '250.50'], '1 left, 2 came back')

  const again = await app.inject({ method: 'POST', url: `/_mock/payments/${held.id}/reject`, payload: { error_code: 'R01' } })
  expectError(t, again, 409, 'invalid_state', 'FAILED_PRECONDITION', 'The payment is SETTLED: only PROCESSING (Bre-B) and PENDING (ACH) payments move', '_mock')
})

t.test('rejects a PENDING payment through /_mock with the code given', async (t) => {
  const { app, admin } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  const created = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('50') })).json() as AchPaymentBody
  const res = await app.inject({ method: 'POST', url: `/_mock/payments/${created.id}/reject`, payload: { error_code: 'R01' } })
  t.match(res.json(), { status: 'REJECTED', error: { error_code: 'R01', error_description: 'Insufficient funds' } })
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
  t.same(eventTypes(app), ['payment.outbound.confirmed:ACH:PENDING', 'payment.outbound.rejected:ACH:REJECTED'])
})

t.test('answers 400 for a Bre-B recipient, and for bad fields', async (t) => {
  const { app, admin } = await setup(t)
  const breb = await app.inject({ method: 'POST', url: '/v1/recipients/breb', headers: admin, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3101234567' } } })
  const res = await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: (breb.json() as { id: string }).id, amount: cop('1') })
  expectInvalid(t, res, "Field 'recipient_id' names a BREB recipient: ACH payments go to ACH recipients (POST /v1/recipients/ach)")
  await expectMatchesSpec(t, app, res)
  const recipientId = await achRecipient(app, admin)
  for (const [payload, message] of [
    [{ recipient_id: recipientId, amount: cop('1') }, "Field 'account_id' is required"],
    [{ account_id: SMALL_ACCOUNT, amount: cop('1') }, "Field 'recipient_id' is required"],
    [{ account_id: SMALL_ACCOUNT, recipient_id: recipientId }, "Field 'amount' is required"],
    [{ account_id: 'nope', recipient_id: recipientId, amount: cop('1') }, "Field 'account_id' must be a UUID"],
    [{ account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: { value: 1, currency: 'COP' } }, "Field 'amount.value' must be a string"],
    [{ account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('1'), type: 'ACH' }, "Field 'type' must be an integer"],
    [{ account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('1'), description: 'x'.repeat(141) }, "Field 'description' must be at most 140 characters"],
  ] as const) {
    const bad = await payAch(app, admin, payload)
    t.equal(bad.statusCode, 400, message)
    t.match(bad.json(), { code: 'invalid_parameter_value' })
    await expectMatchesSpec(t, app, bad)
  }
  const zero = await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('0') })
  t.equal(zero.statusCode, 400, 'an amount of zero')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'], 'nothing moved')
  t.equal((app.services.db.prepare("SELECT COUNT(*) AS n FROM payments WHERE type = 'ACH'").get() as { n: number }).n, 0, 'nothing stored')
})

t.test('answers 401 without a token or without the payment scope', async (t) => {
  const { app, readonly } = await setup(t)
  const none = await payAch(app, {} as Headers, { account_id: SMALL_ACCOUNT, recipient_id: randomUUID(), amount: cop('1') })
  expectError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', /./)
  await expectMatchesSpec(t, app, none)
  const scope = await payAch(app, readonly, { account_id: SMALL_ACCOUNT, recipient_id: randomUUID(), amount: cop('1') })
  expectError(t, scope, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
  await expectMatchesSpec(t, app, scope)
})

t.test('answers 404 for an unknown recipient or account and 403 for another entity’s', async (t) => {
  const { app, admin, other } = await setup(t)
  const mine = await achRecipient(app, admin)
  const theirs = await achRecipient(app, other, '555', OTHER_CUSTOMER)
  const cases = [
    [{ account_id: SMALL_ACCOUNT, recipient_id: randomUUID() }, 404, 'recipient_not_found'],
    [{ account_id: randomUUID(), recipient_id: mine }, 404, 'account_not_found'],
    [{ account_id: SMALL_ACCOUNT, recipient_id: theirs }, 403, 'forbidden'],
    [{ account_id: FOREIGN_ACCOUNT, recipient_id: mine }, 403, 'forbidden'],
  ] as const
  for (const [ids, status, code] of cases) {
    const res = await payAch(app, admin, { ...ids, amount: cop('1') })
    t.equal(res.statusCode, status, code)
    t.match(res.json(), { code, http_code: status })
    await expectMatchesSpec(t, app, res)
  }
  t.same(await balances(app, other, FOREIGN_ACCOUNT), ['1000', '0'], 'the other entity’s account is untouched')
})

t.test('answers 409 for an account that is not ACTIVE', async (t) => {
  const { app, admin } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  const res = await payAch(app, admin, { account_id: INACTIVE_ACCOUNT, recipient_id: recipientId, amount: cop('1') })
  expectError(t, res, 409, 'invalid_state', 'FAILED_PRECONDITION', 'The account is INACTIVE: only ACTIVE accounts can pay')
  await expectMatchesSpec(t, app, res)
})

t.test('answers the body-parsing errors of every JSON route', async (t) => {
  const { app, admin } = await setup(t)
  await expectBodyParsingErrors(t, app, '/v1/payments/ach', admin)
})

t.test('keeps GET /v1/payments/ach a 400 of the payment route, not a new route', async (t) => {
  const { app, admin } = await setup(t)
  const res = await app.inject({ url: '/v1/payments/ach', headers: admin })
  expectInvalid(t, res, "Field 'payment_id' must be a UUID")
  await expectMatchesSpec(t, app, res)
  const put = await app.inject({ method: 'PUT', url: '/v1/payments/ach', headers: admin, payload: {} })
  t.equal(put.statusCode, 405)
  t.match(put.headers.allow, /POST/)
})

t.test('lets a fault rule on the paying account answer first, as on every route', async (t) => {
  const { app, admin } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  await app.inject({ method: 'POST', url: '/_mock/faults', payload: { path: '/v1/payments/ach', account_id: SMALL_ACCOUNT, status: 500, code: 'internal_error', times: 1 } })
  const res = await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('1') })
  t.equal(res.statusCode, 500)
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
})

t.test('round-trips PENDING and settled ACH payments through state export and import', async (t) => {
  const { app, admin, time } = await setup(t)
  const recipientId = await achRecipient(app, admin)
  const settled = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('1'), description: 'a' })).json() as AchPaymentBody
  time.advance(ACH_DELAY_MS)
  await app.services.sweeper.runDue()
  const pending = (await payAch(app, admin, { account_id: SMALL_ACCOUNT, recipient_id: recipientId, amount: cop('2') })).json() as AchPaymentBody
  const exported = await app.inject({ url: '/_mock/state' })
  const doc = exported.json() as { magic_ach_accounts: unknown[]; payments: Array<Record<string, unknown>> }
  t.equal(doc.magic_ach_accounts.length, 4, 'the reserved account numbers are state')
  t.match(doc.payments.find((p) => p.id === pending.id), { type: 'ACH', status: 'PENDING', recipient_id: recipientId, description: null })
  await app.inject({ method: 'POST', url: '/_mock/reset' })
  const put = await app.inject({ method: 'PUT', url: '/_mock/state', payload: doc })
  t.equal(put.statusCode, 204)
  t.same((await app.inject({ url: '/_mock/state' })).json(), doc, 'the same document back')
  t.match((await app.inject({ url: `/v1/payments/${settled.id}`, headers: admin })).json(), { status: 'SETTLED', description: 'a' })
  time.advance(ACH_DELAY_MS)
  await app.services.sweeper.runDue()
  t.equal((await app.inject({ url: `/v1/payments/${pending.id}`, headers: admin })).json().status, 'SETTLED', 'the imported PENDING payment settles')

  const withoutRecipient = structuredClone(doc)
  const row = withoutRecipient.payments.find((p) => p.id === pending.id) as Record<string, unknown>
  row.recipient_id = null
  const bad = await app.inject({ method: 'PUT', url: '/_mock/state', payload: withoutRecipient })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { message: /payments\[\d+\]\.recipient_id/ })
  const older = structuredClone(doc) as Record<string, unknown>
  delete older.magic_ach_accounts
  const old = await app.inject({ method: 'PUT', url: '/_mock/state', payload: older })
  t.equal(old.statusCode, 400, 'every collection is required, as every column is')
})
