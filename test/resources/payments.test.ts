import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError, expectInvalid } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Fixtures of CONTRACT §6.
const NOW = '2026-01-15T12:00:00.000Z'
const DEFAULT_ENTITY = '9f1c2b7e-4d3a-4e8b-a5c6-7d8e9f0a1b2c'
const OTHER_ENTITY = '2b8e4f1a-6c3d-4a9e-b7f5-1c2d3e4f5a6b'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const acct = (suffix: string) => `00000000-0000-4000-8000-000000000${suffix}`
const ZERO_ACCOUNT = acct('000')
const SMALL_ACCOUNT = acct('003') // ACTIVE, available 1000, pending 250.50
const FOREIGN_ACCOUNT = acct('403') // the other entity's, available 1000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const E2E = /^[A-Z0-9]{32}$/
const SETTLEMENT_DELAY_MS = 1000
const RESOLUTION_TTL_MS = 30 * 60 * 1000
const HOUR_MS = 60 * 60 * 1000

// Magic PHONE values (CONTRACT §6).
const REJECTED_AT_SETTLEMENT = '3000000002'
const HELD = '3000000009'
const NEVER_RESOLVES = '3000000404'

type Headers = { authorization: string }

interface PaymentBody {
  id: string
  status: string
  direction: string
  type: string
  account_id: string
  resolution_id: string
  amount: { value: string; currency: string }
  qr_code_reference: string
  end_to_end_identification: string
  receiver: { account: Record<string, string>; key: { key_type: string; key_value: string }; participant: Record<string, string>; owner: Record<string, string> }
  sender: { account: Record<string, string>; participant: Record<string, string>; owner: Record<string, string> }
  error?: { error_code: string; error_description: string }
  created_at: string
  updated_at: string
}

interface ResolutionBody {
  id: string
  key: { key_type: string; key_value: string }
  owner: Record<string, string>
  participant: Record<string, string>
  account: { account_type: string; account_number: string }
}

interface AccountBody {
  account_number: string
  account_type: string
  status: string
  available_balance: { value: string }
  pending_balance: { value: string }
}

interface PaymentList {
  payments: PaymentBody[]
  pagination_info: { total_elements: number; total_pages: number; current_page: number }
}

/** A built app with a token for each fixture client. */
async function setup(t: Test, overrides: Record<string, unknown> = {}) {
  const built = await buildTestApp(t, overrides)
  const { app } = built
  return { ...built, admin: await bearer(app), other: await bearer(app, 'other'), readonly: await bearer(app, 'readonly') }
}

/** Registers a PHONE key on an (ACTIVE) account so that payments to it land there. */
async function registerKey(app: FastifyInstance, headers: Headers, accountId: string, keyValue: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: accountId, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (res.statusCode !== 200) throw new Error(`key registration failed: ${res.statusCode} ${res.body}`)
}

async function resolveKey(app: FastifyInstance, headers: Headers, customerId: string, keyValue: string) {
  return app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: customerId, key: { key_type: 'PHONE', key_value: keyValue } } })
}

/** A fresh resolution of a PHONE value for one of the caller's customers. */
async function resolution(app: FastifyInstance, headers: Headers, keyValue: string, customerId = DOCS_CUSTOMER): Promise<ResolutionBody> {
  const res = await resolveKey(app, headers, customerId, keyValue)
  if (res.statusCode !== 200) throw new Error(`resolve-key failed: ${res.statusCode} ${res.body}`)
  return res.json() as ResolutionBody
}

async function pay(app: FastifyInstance, headers: Headers, accountId: string, resolutionId: string, value: string) {
  return app.inject({ method: 'POST', url: '/v1/payments/breb', headers, payload: { account_id: accountId, resolution_id: resolutionId, amount: { value, currency: 'COP' } } })
}

/** Resolves a value and pays it; throws unless the answer is 200. */
async function payTo(app: FastifyInstance, headers: Headers, accountId: string, keyValue: string, value: string, customerId = DOCS_CUSTOMER): Promise<PaymentBody> {
  const r = await resolution(app, headers, keyValue, customerId)
  const res = await pay(app, headers, accountId, r.id, value)
  if (res.statusCode !== 200) throw new Error(`payment failed: ${res.statusCode} ${res.body}`)
  return res.json() as PaymentBody
}

async function getPayment(app: FastifyInstance, headers: Headers, id: string) {
  return app.inject({ url: `/v1/payments/${id}`, headers })
}

async function listPayments(app: FastifyInstance, headers: Headers, query = '') {
  return app.inject({ url: `/v1/payments${query}`, headers })
}

async function account(app: FastifyInstance, headers: Headers, id: string): Promise<AccountBody> {
  const res = await app.inject({ url: `/v1/accounts/${id}`, headers })
  if (res.statusCode !== 200) throw new Error(`account read failed: ${res.statusCode} ${res.body}`)
  return res.json() as AccountBody
}

/** `[available, pending]` as the API answers them. */
async function balances(app: FastifyInstance, headers: Headers, id: string): Promise<[string, string]> {
  const a = await account(app, headers, id)
  return [a.available_balance.value, a.pending_balance.value]
}

/** The webhook events written so far, oldest first, with the payment each carries. */
function events(app: FastifyInstance): Array<{ entity: string; type: string; data: PaymentBody }> {
  const rows = app.services.db.prepare('SELECT entity_id, type, body FROM webhook_events ORDER BY seq').all() as Array<{ entity_id: string; type: string; body: string }>
  return rows.map((r) => ({ entity: r.entity_id, type: r.type, data: (JSON.parse(r.body) as { data: PaymentBody }).data }))
}

/** The event types of one payment id, in order, as `entity:type`. */
function eventsOf(app: FastifyInstance, paymentId: string): string[] {
  return events(app)
    .filter((e) => e.data.id === paymentId)
    .map((e) => `${e.entity === DEFAULT_ENTITY ? 'default' : e.entity === OTHER_ENTITY ? 'other' : e.entity}:${e.type}`)
}

/** Moves the mock clock and runs what fell due, as the sweeper's timer would. */
async function advance(app: FastifyInstance, time: { advance(ms: number): void }, ms: number) {
  time.advance(ms)
  await app.services.sweeper.runDue()
}

/**
 * There is no API for an account's status (yet): tests that need an internal receiver that is
 * no longer ACTIVE at settlement change it in SQLite, after its key was registered.
 */
function setAccountStatus(app: FastifyInstance, id: string, status: string) {
  app.services.db.prepare('UPDATE accounts SET status = ? WHERE id = ?').run(status, id)
  // Underneath the store, which remembers accounts it has read (issue 5): tell it.
  app.services.stores.accounts.invalidate()
}

function payError(t: Test, res: LightMyRequestResponse, status: number, code: string, type: string, message: string) {
  expectError(t, res, status, code, type, message, 'payments')
}

// ---------------------------------------------------------------------------------------------
// POST /v1/payments/breb: success

t.test('creates a PROCESSING payment and holds the amount on the payer', async (t) => {
  const { app, admin } = await setup(t)
  await registerKey(app, admin, ZERO_ACCOUNT, '3001112233')
  const r = await resolution(app, admin, '3001112233')
  const payer = await account(app, admin, SMALL_ACCOUNT)
  const customer = (await app.inject({ url: `/v1/customers/${DOCS_CUSTOMER}`, headers: admin })).json() as Record<string, string>

  const res = await pay(app, admin, SMALL_ACCOUNT, r.id, '100.25')
  t.equal(res.statusCode, 200)
  const body = res.json() as PaymentBody
  t.match(body.id, UUID)
  t.match(body.end_to_end_identification, E2E)
  t.same(body, {
    id: body.id,
    status: 'PROCESSING',
    direction: 'OUTBOUND',
    type: 'BREB',
    account_id: SMALL_ACCOUNT,
    resolution_id: r.id,
    amount: { value: '100.25', currency: 'COP' },
    qr_code_reference: '',
    end_to_end_identification: body.end_to_end_identification,
    receiver: {
      account: r.account,
      key: { key_type: 'PHONE', key_value: '3001112233' },
      participant: r.participant,
      owner: { identification_number: r.owner.identification_number, identification_type: r.owner.identification_type, type: 'BUSINESS', name: r.owner.business_name },
    },
    sender: {
      account: { account_number: payer.account_number, account_type: payer.account_type },
      // The payer banks where the internal receiver does: the mock's sponsor bank.
      participant: r.participant,
      owner: { identification_number: customer.identification_number, identification_type: 'NIT', type: 'BUSINESS', name: customer.business_name },
    },
    created_at: NOW,
    updated_at: NOW,
  })
  t.notOk('error' in body, 'no error block unless REJECTED')
  await expectMatchesSpec(t, app, res)

  t.same(await balances(app, admin, SMALL_ACCOUNT), ['899.75', '350.75'], 'available − amount, pending + amount')
  t.same(await balances(app, admin, ZERO_ACCOUNT), ['0', '0'], 'the receiver gets nothing before settlement')
  t.same(eventsOf(app, body.id), ['default:payment.outbound.confirmed'])
  t.match(events(app)[0]?.data, { id: body.id, status: 'PROCESSING' })
})

t.test('pays the whole available balance and nothing more', async (t) => {
  const { app, admin } = await setup(t)
  const res = await pay(app, admin, SMALL_ACCOUNT, (await resolution(app, admin, '3101234567')).id, '1000')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'PROCESSING', amount: { value: '1000', currency: 'COP' } })
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['0', '1250.50'])
})

t.test('answers the receiver owner of an outside bank as one name', async (t) => {
  const { app, admin } = await setup(t)
  const r = await resolution(app, admin, '3101234567')
  t.not(r.participant.identification_number, '123456789', 'an unregistered value is at an outside bank')
  const res = await pay(app, admin, DOCS_ACCOUNT, r.id, '5.5')
  t.equal(res.statusCode, 200)
  const body = res.json() as PaymentBody
  const o = r.owner
  const name = o.type === 'BUSINESS' ? o.business_name : [o.first_name, o.second_name, o.first_last_name, o.second_last_name].filter((s) => s !== '').join(' ')
  t.same(body.receiver, {
    account: r.account,
    key: r.key,
    participant: r.participant,
    owner: { identification_number: o.identification_number, identification_type: o.identification_type, type: o.type, name },
  })
  t.same(body.amount, { value: '5.50', currency: 'COP' }, 'the amount is answered in canonical form')
  await expectMatchesSpec(t, app, res)
})

t.test('pays exactly with balances beyond 2^53', async (t) => {
  const { app, admin } = await setup(t)
  const res = await pay(app, admin, DOCS_ACCOUNT, (await resolution(app, admin, '3101234567')).id, '0.01')
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, DOCS_ACCOUNT), ['89999999999999999.99', '0.01'])
})

// ---------------------------------------------------------------------------------------------
// POST /v1/payments/breb: validation (400)

const BAD_BODIES: Array<[string, (rid: string) => unknown, string]> = [
  ['an amount of 0', (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: '0', currency: 'COP' } }), "Field 'amount.value' must be greater than 0"],
  ['an amount of 0.00', (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: '0.00', currency: 'COP' } }), "Field 'amount.value' must be greater than 0"],
  ['a JSON number amount', (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: 5, currency: 'COP' } }), "Field 'amount.value' must be a string"],
  [
    'a negative amount',
    (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: '-1', currency: 'COP' } }),
    'Field \'amount.value\' must be a decimal string with at most two decimals, such as "1000" or "5000.50"',
  ],
  [
    'a third decimal',
    (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: '1.001', currency: 'COP' } }),
    'Field \'amount.value\' must be a decimal string with at most two decimals, such as "1000" or "5000.50"',
  ],
  [
    'an exponent',
    (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: '1e3', currency: 'COP' } }),
    'Field \'amount.value\' must be a decimal string with at most two decimals, such as "1000" or "5000.50"',
  ],
  ['currency USD', (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: '1', currency: 'USD' } }), "Field 'amount.currency' must be one of: COP"],
  ['no currency', (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { value: '1' } }), "Field 'amount.currency' is required"],
  ['no amount value', (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid, amount: { currency: 'COP' } }), "Field 'amount.value' is required"],
  ['no amount', (rid) => ({ account_id: SMALL_ACCOUNT, resolution_id: rid }), "Field 'amount' is required"],
  ['no account_id', (rid) => ({ resolution_id: rid, amount: { value: '1', currency: 'COP' } }), "Field 'account_id' is required"],
  ['no resolution_id', () => ({ account_id: SMALL_ACCOUNT, amount: { value: '1', currency: 'COP' } }), "Field 'resolution_id' is required"],
  ['an empty body', () => ({}), "Field 'account_id' is required"],
  ['an account_id that is not a UUID', (rid) => ({ account_id: 'not-a-uuid', resolution_id: rid, amount: { value: '1', currency: 'COP' } }), "Field 'account_id' must be a UUID"],
  ['a resolution_id that is not a UUID', () => ({ account_id: SMALL_ACCOUNT, resolution_id: '1234', amount: { value: '1', currency: 'COP' } }), "Field 'resolution_id' must be a UUID"],
]

t.test('answers 400 invalid_parameter_value for every malformed payment body, and moves nothing', async (t) => {
  const { app, admin } = await setup(t)
  const r = await resolution(app, admin, '3101234567')
  for (const [what, body, message] of BAD_BODIES) {
    const res = await app.inject({ method: 'POST', url: '/v1/payments/breb', headers: admin, payload: body(r.id) as object })
    t.equal(res.statusCode, 400, what)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
  const list = await listPayments(app, admin)
  t.equal(list.statusCode, 404, 'no payment was created')
  t.same(events(app), [])
  // The resolution is still unused: a valid request now pays it.
  const ok = await pay(app, admin, SMALL_ACCOUNT, r.id, '1')
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { status: 'PROCESSING', amount: { value: '1' } })
})

t.test('answers 400 invalid_json for a body that is not JSON', async (t) => {
  const { app, admin } = await setup(t)
  const res = await app.inject({ method: 'POST', url: '/v1/payments/breb', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"account_id":' })
  payError(t, res, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// POST /v1/payments/breb: resolution, account and state, in CONTRACT §4's order

t.test('answers 404 resolution_not_found for an unknown resolution', async (t) => {
  const { app, admin } = await setup(t)
  const res = await pay(app, admin, SMALL_ACCOUNT, randomUUID(), '1')
  payError(t, res, 404, 'resolution_not_found', 'NOT_FOUND', 'Resolution not found')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 403 forbidden for another entity’s resolution', async (t) => {
  const { app, admin, other } = await setup(t)
  const foreign = await resolution(app, other, '3101234567', OTHER_CUSTOMER)
  const res = await pay(app, admin, SMALL_ACCOUNT, foreign.id, '1')
  payError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
  const own = await pay(app, other, FOREIGN_ACCOUNT, foreign.id, '1')
  t.equal(own.statusCode, 200, 'its own entity pays it')
  await expectMatchesSpec(t, app, own)
})

t.test('checks the resolution before the account', async (t) => {
  const { app, admin, other } = await setup(t)
  const unknownWithBadAccount = await pay(app, admin, randomUUID(), randomUUID(), '1')
  payError(t, unknownWithBadAccount, 404, 'resolution_not_found', 'NOT_FOUND', 'Resolution not found')
  await expectMatchesSpec(t, app, unknownWithBadAccount)
  const unknownWithForeignAccount = await pay(app, admin, FOREIGN_ACCOUNT, randomUUID(), '1')
  payError(t, unknownWithForeignAccount, 404, 'resolution_not_found', 'NOT_FOUND', 'Resolution not found')
  const foreign = await resolution(app, other, '3101234567', OTHER_CUSTOMER)
  const foreignWithInactive = await pay(app, admin, acct('001'), foreign.id, '1')
  payError(t, foreignWithInactive, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, foreignWithInactive)
})

t.test('answers a resolution paid before with the first payment, whatever the amount or account', async (t) => {
  const { app, time, admin } = await setup(t)
  const r = await resolution(app, admin, '3101234567')
  const first = await pay(app, admin, SMALL_ACCOUNT, r.id, '10')
  t.equal(first.statusCode, 200)
  const payment = first.json() as PaymentBody

  time.advance(60_000)
  for (const [accountId, value] of [
    [SMALL_ACCOUNT, '10'],
    [SMALL_ACCOUNT, '999'],
    [DOCS_ACCOUNT, '1'],
    [acct('001'), '1'], // INACTIVE
    [FOREIGN_ACCOUNT, '1'], // the other entity's
    [randomUUID(), '5000'], // unknown
    [ZERO_ACCOUNT, '1'], // too poor to pay
  ] as const) {
    const again = await pay(app, admin, accountId, r.id, value)
    t.equal(again.statusCode, 200, `paying again from ${accountId} with ${value}`)
    t.same(again.json(), payment, 'the first payment, unchanged')
    await expectMatchesSpec(t, app, again)
  }
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['990', '260.50'], 'held once')
  t.same(await balances(app, admin, DOCS_ACCOUNT), ['90000000000000000', '0'])
  t.equal((await listPayments(app, admin)).json<PaymentList>().payments.length, 1, 'one payment per resolution')
  t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed'], 'one event')

  // Past the resolution's expiry and after settlement, the answer is the payment as it is now.
  await advance(app, time, RESOLUTION_TTL_MS)
  const settled = (await getPayment(app, admin, payment.id)).json() as PaymentBody
  t.equal(settled.status, 'SETTLED')
  const late = await pay(app, admin, DOCS_ACCOUNT, r.id, '77')
  t.equal(late.statusCode, 200, 'an expired resolution that was paid answers its payment')
  t.same(late.json(), settled)
  await expectMatchesSpec(t, app, late)
})

t.test('answers a resolution whose payment was rejected AM04 with that payment', async (t) => {
  const { app, admin } = await setup(t)
  const r = await resolution(app, admin, '3101234567')
  const first = await pay(app, admin, ZERO_ACCOUNT, r.id, '1')
  t.match(first.json(), { status: 'REJECTED', error: { error_code: 'AM04' } })
  // CONTRACT §4: at most one payment per resolution; a REJECTED one counts.
  const again = await pay(app, admin, SMALL_ACCOUNT, r.id, '1')
  t.equal(again.statusCode, 200)
  t.same(again.json(), first.json())
  await expectMatchesSpec(t, app, again)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
})

t.test('answers 400 for an expired resolution, and accepts it until then', async (t) => {
  const { app, time, admin } = await setup(t)
  const valid = await resolution(app, admin, '3101234567')
  const expired = await resolution(app, admin, '3101234568')
  time.advance(RESOLUTION_TTL_MS - 1)
  const inTime = await pay(app, admin, SMALL_ACCOUNT, valid.id, '1')
  t.equal(inTime.statusCode, 200, 'a millisecond before expiry it pays')
  time.advance(2)
  const res = await pay(app, admin, SMALL_ACCOUNT, expired.id, '1')
  expectInvalid(t, res, "Field 'resolution_id' names an expired resolution: resolve the key again")
  await expectMatchesSpec(t, app, res)
  // Expiry comes before the account checks (CONTRACT §4 steps 3 and 4).
  const withBadAccount = await pay(app, admin, randomUUID(), expired.id, '1')
  expectInvalid(t, withBadAccount, "Field 'resolution_id' names an expired resolution: resolve the key again")
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['999', '251.50'])
})

t.test('answers 404 account_not_found for an unknown paying account', async (t) => {
  const { app, admin } = await setup(t)
  const res = await pay(app, admin, randomUUID(), (await resolution(app, admin, '3101234567')).id, '1')
  payError(t, res, 404, 'account_not_found', 'NOT_FOUND', 'Account not found')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 403 forbidden for another entity’s paying account, and takes nothing from it', async (t) => {
  const { app, admin, other } = await setup(t)
  const res = await pay(app, admin, FOREIGN_ACCOUNT, (await resolution(app, admin, '3101234567')).id, '1')
  payError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, other, FOREIGN_ACCOUNT), ['1000', '0'])
})

for (const [suffix, status] of [
  ['001', 'INACTIVE'],
  ['002', 'BLOCKED'],
  ['005', 'CLOSED'],
] as const) {
  t.test(`answers 409 invalid_state for a paying account that is ${status}`, async (t) => {
    const { app, admin } = await setup(t)
    const r = await resolution(app, admin, '3101234567')
    const res = await pay(app, admin, acct(suffix), r.id, '1')
    payError(t, res, 409, 'invalid_state', 'FAILED_PRECONDITION', `The account is ${status}: only ACTIVE accounts can pay`)
    await expectMatchesSpec(t, app, res)
    // The state check comes after expiry: the 409 leaves the resolution unused.
    const ok = await pay(app, admin, SMALL_ACCOUNT, r.id, '1')
    t.equal(ok.statusCode, 200)
    t.equal((ok.json() as PaymentBody).account_id, SMALL_ACCOUNT)
  })
}

t.test('creates a REJECTED AM04 payment when funds are too low, and moves no balance', async (t) => {
  const { app, time, admin } = await setup(t)
  const r = await resolution(app, admin, '3101234567')
  const res = await pay(app, admin, SMALL_ACCOUNT, r.id, '1000.01')
  t.equal(res.statusCode, 200)
  const body = res.json() as PaymentBody
  t.match(body, {
    status: 'REJECTED',
    direction: 'OUTBOUND',
    account_id: SMALL_ACCOUNT,
    resolution_id: r.id,
    amount: { value: '1000.01', currency: 'COP' },
    error: { error_code: 'AM04', error_description: 'Insufficient funds' },
    created_at: NOW,
    updated_at: NOW,
  })
  t.same(body.error, { error_code: 'AM04', error_description: 'Insufficient funds' })
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'], 'the pending balance does not count as funds')
  t.same(eventsOf(app, body.id), ['default:payment.outbound.rejected'])
  t.match(events(app)[0]?.data, { id: body.id, status: 'REJECTED', error: { error_code: 'AM04' } })

  await advance(app, time, HOUR_MS)
  const later = await getPayment(app, admin, body.id)
  t.same(later.json(), body, 'a rejected payment never settles')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
  t.same(eventsOf(app, body.id), ['default:payment.outbound.rejected'])
})

t.test('rejects AM04 from a zero-balance account', async (t) => {
  const { app, admin } = await setup(t)
  const res = await pay(app, admin, ZERO_ACCOUNT, (await resolution(app, admin, '3101234567')).id, '0.01')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'REJECTED', error: { error_code: 'AM04', error_description: 'Insufficient funds' } })
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, ZERO_ACCOUNT), ['0', '0'])
})

t.test('answers 401 for payments without a token, with a bad token and with the read-only client', async (t) => {
  const { app, admin, readonly } = await setup(t)
  const r = await resolution(app, admin, '3101234567')
  const payload = { account_id: SMALL_ACCOUNT, resolution_id: r.id, amount: { value: '1', currency: 'COP' } }
  const none = await app.inject({ method: 'POST', url: '/v1/payments/breb', payload })
  payError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, none)
  const bad = await app.inject({ method: 'POST', url: '/v1/payments/breb', headers: { authorization: `Bearer ${'0'.repeat(64)}` }, payload })
  payError(t, bad, 401, 'invalid_token', 'UNAUTHENTICATED', 'The access token is invalid')
  await expectMatchesSpec(t, app, bad)
  const scope = await app.inject({ method: 'POST', url: '/v1/payments/breb', headers: readonly, payload })
  payError(t, scope, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
  await expectMatchesSpec(t, app, scope)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
})

// ---------------------------------------------------------------------------------------------
// POST /v1/payments/breb/confirm

t.test('confirms a payment by answering it unchanged', async (t) => {
  const { app, admin } = await setup(t)
  const payment = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '10')
  const res = await app.inject({ method: 'POST', url: '/v1/payments/breb/confirm', headers: admin, payload: { id: payment.id } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), payment)
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['990', '260.50'], 'no second hold')
  t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed'], 'no second event')
})

t.test('answers confirm with 404, 403, 400 and 401', async (t) => {
  const { app, admin, other, readonly } = await setup(t)
  const foreign = await payTo(app, other, FOREIGN_ACCOUNT, '3101234567', '1', OTHER_CUSTOMER)
  const confirm = (payload: unknown, headers: Headers = admin) =>
    app.inject({ method: 'POST', url: '/v1/payments/breb/confirm', headers, payload: payload as object })

  const unknown = await confirm({ id: randomUUID() })
  payError(t, unknown, 404, 'payment_not_found', 'NOT_FOUND', 'Payment not found')
  await expectMatchesSpec(t, app, unknown)
  const forbidden = await confirm({ id: foreign.id })
  payError(t, forbidden, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, forbidden)
  const notUuid = await confirm({ id: 'abc' })
  expectInvalid(t, notUuid, "Field 'id' must be a UUID")
  await expectMatchesSpec(t, app, notUuid)
  const missing = await confirm({})
  expectInvalid(t, missing, "Field 'id' is required")
  await expectMatchesSpec(t, app, missing)
  const scope = await confirm({ id: foreign.id }, readonly)
  payError(t, scope, 401, 'insufficient_scope', 'UNAUTHENTICATED', 'The access token lacks the scope this operation needs')
  await expectMatchesSpec(t, app, scope)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/payments/:payment_id

t.test('retrieves a payment as it was created, with either client of the entity', async (t) => {
  const { app, admin, readonly } = await setup(t)
  const payment = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '10')
  for (const headers of [admin, readonly]) {
    const res = await getPayment(app, headers, payment.id)
    t.equal(res.statusCode, 200)
    t.same(res.json(), payment)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers GET /v1/payments/:payment_id with 400, 404, 403 and 401', async (t) => {
  const { app, admin, other } = await setup(t)
  const foreign = await payTo(app, other, FOREIGN_ACCOUNT, '3101234567', '1', OTHER_CUSTOMER)
  const bad = await getPayment(app, admin, 'not-a-uuid')
  expectInvalid(t, bad, "Field 'payment_id' must be a UUID")
  await expectMatchesSpec(t, app, bad)
  const unknown = await getPayment(app, admin, randomUUID())
  payError(t, unknown, 404, 'payment_not_found', 'NOT_FOUND', 'Payment not found')
  await expectMatchesSpec(t, app, unknown)
  const forbidden = await getPayment(app, admin, foreign.id)
  payError(t, forbidden, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, forbidden)
  const none = await app.inject({ url: `/v1/payments/${foreign.id}` })
  payError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, none)
  const own = await getPayment(app, other, foreign.id)
  t.equal(own.statusCode, 200)
  t.same(own.json(), foreign)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/payments

t.test('answers 404 payment_not_found while the entity has no payment at all, then lists', async (t) => {
  const { app, admin, readonly } = await setup(t)
  for (const headers of [admin, readonly]) {
    const empty = await listPayments(app, headers)
    payError(t, empty, 404, 'payment_not_found', 'NOT_FOUND', 'Payment not found')
    await expectMatchesSpec(t, app, empty)
  }
  const filtered = await listPayments(app, admin, '?status=SETTLED')
  payError(t, filtered, 404, 'payment_not_found', 'NOT_FOUND', 'Payment not found')

  // A REJECTED payment is a payment too.
  const payment = await payTo(app, admin, ZERO_ACCOUNT, '3101234567', '1')
  t.equal(payment.status, 'REJECTED')
  const res = await listPayments(app, readonly)
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    payments: [payment],
    pagination_info: { total_elements: 1, total_pages: 1, current_page: 1, first_request_timestamp: NOW },
  })
  await expectMatchesSpec(t, app, res)
  const none = await listPayments(app, admin, '?status=SETTLED')
  t.equal(none.statusCode, 200, 'a filter that matches nothing is 200 [] once the entity has payments')
  t.same((none.json() as PaymentList).payments, [])
  await expectMatchesSpec(t, app, none)
})

t.test('filters payments by every parameter of CONTRACT §4, never showing another entity’s', async (t) => {
  const { app, time, admin, other } = await setup(t)
  await registerKey(app, admin, ZERO_ACCOUNT, '3001112233')
  // a: AM04 from …0000 to an outside value (before …0000 receives anything).
  const a = await payTo(app, admin, ZERO_ACCOUNT, '3101234567', '5')
  // b: docs account → internal key on …0000; settles, so …0000 gets an INBOUND record.
  const b = await payTo(app, admin, DOCS_ACCOUNT, '3001112233', '20')
  // c: second customer's account → outside value; settles.
  const c = await payTo(app, admin, SECOND_ACCOUNT, '3107654321', '30', SECOND_CUSTOMER)
  await advance(app, time, SETTLEMENT_DELAY_MS)
  // d: …0003 → outside; still PROCESSING.
  const d = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '40')
  // The other entity's payment to the same value: never in the default entity's lists.
  const foreign = await payTo(app, other, FOREIGN_ACCOUNT, '3101234567', '1', OTHER_CUSTOMER)

  const inbound = (await listPayments(app, admin, '?direction=INBOUND')).json<PaymentList>().payments
  t.equal(inbound.length, 1)
  const bIn = inbound[0] as PaymentBody
  t.match(bIn, { direction: 'INBOUND', status: 'SETTLED', account_id: ZERO_ACCOUNT, end_to_end_identification: b.end_to_end_identification })

  const docs = (await app.inject({ url: `/v1/customers/${DOCS_CUSTOMER}`, headers: admin })).json() as Record<string, string>
  const second = (await app.inject({ url: `/v1/customers/${SECOND_CUSTOMER}`, headers: admin })).json() as Record<string, string>
  const secondAccount = await account(app, admin, SECOND_ACCOUNT)
  const docsAccount = await account(app, admin, DOCS_ACCOUNT)
  const q = encodeURIComponent

  const cases: Array<[string, PaymentBody[]]> = [
    ['', [a, b, c, bIn, d]],
    [`payment_id=${b.id}`, [b]],
    [`payment_id=${foreign.id}`, []],
    [`customer_id=${SECOND_CUSTOMER}`, [c]],
    [`customer_id=${DOCS_CUSTOMER}`, [a, b, bIn, d]],
    [`customer_id=${OTHER_CUSTOMER}`, []],
    [`account_id=${ZERO_ACCOUNT}`, [a, bIn]],
    [`account_id=${FOREIGN_ACCOUNT}`, []],
    ['direction=OUTBOUND', [a, b, c, d]],
    ['direction=outbound', [a, b, c, d]],
    ['direction=Inbound', [bIn]],
    ['key_value=3101234567', [a, d]],
    ['key_value=3001112233', [b, bIn]],
    ['status=PROCESSING', [d]],
    ['status=settled', [b, c, bIn]],
    ['status=Rejected', [a]],
    ['status=pending', []],
    ['type=BREB', [a, b, c, bIn, d]],
    ['type=breb', [a, b, c, bIn, d]],
    ['qr_code_reference=ABC123', []],
    [`end_to_end_identification=${b.end_to_end_identification}`, [b, bIn]],
    [`end_to_end_identification=${foreign.end_to_end_identification}`, []],
    ['sender_type=BUSINESS', [a, b, c, bIn, d]],
    ['sender_type=individual', []],
    [`sender_name=${q(second.business_name as string)}`, [c]],
    ['sender_identification_type=NIT', [a, b, c, bIn, d]],
    [`sender_identification_number=${second.identification_number}`, [c]],
    [`sender_identification_number=${docs.identification_number}`, [a, b, bIn, d]],
    [`sender_account_type=${secondAccount.account_type}`, [a, b, c, bIn, d]],
    ['sender_account_type=LOW_VALUE', []],
    [`sender_account_number=${secondAccount.account_number}`, [c]],
    [`sender_account_number=${docsAccount.account_number}`, [b, bIn]],
    [`direction=outbound&status=settled&customer_id=${DOCS_CUSTOMER}`, [b]],
  ]
  for (const [query, expected] of cases) {
    const res = await listPayments(app, admin, query === '' ? '' : `?${query}`)
    t.equal(res.statusCode, 200, query)
    const body = res.json() as PaymentList
    // created_at ASC, ties on id: compare as sets of ids, then the count.
    t.same(body.payments.map((p) => p.id).sort(), expected.map((p) => p.id).sort(), `?${query}`)
    t.equal(body.pagination_info.total_elements, expected.length, `?${query} total`)
    t.notOk(body.payments.some((p) => p.id === foreign.id), 'never the other entity’s payment')
  }
  const all = await listPayments(app, admin)
  t.same((all.json() as PaymentList).payments.find((p) => p.id === d.id), d, 'list items equal the payment object')
  await expectMatchesSpec(t, app, all)

  const paged = await listPayments(app, admin, '?page_params.page_size=2&page_params.page_number=3&order_params.order_direction=desc')
  t.equal(paged.statusCode, 200)
  t.match(paged.json(), { pagination_info: { total_elements: 5, total_pages: 3, current_page: 3 } })
  t.equal((paged.json() as PaymentList).payments.length, 1)
  await expectMatchesSpec(t, app, paged)
})

t.test('answers 400 for a bad list filter', async (t) => {
  const { app, admin } = await setup(t)
  await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '1')
  for (const [query, message] of [
    ['payment_id=abc', "Field 'payment_id' must be a UUID"],
    ['account_id=abc', "Field 'account_id' must be a UUID"],
    ['customer_id=abc', "Field 'customer_id' must be a UUID"],
    ['direction=SIDEWAYS', "Field 'direction' must be one of: OUTBOUND, INBOUND"],
    ['status=DONE', "Field 'status' must be one of: PENDING, PROCESSING, SETTLED, REJECTED"],
    ['type=WIRE', "Field 'type' must be one of: BREB, ACH"],
    ['sender_type=PERSON', "Field 'sender_type' must be one of: BUSINESS, INDIVIDUAL"],
  ] as const) {
    const res = await listPayments(app, admin, `?${query}`)
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 401 for a payment list without a token', async (t) => {
  const { app } = await setup(t)
  const res = await listPayments(app, { authorization: 'Bearer nope' })
  payError(t, res, 401, 'invalid_token', 'UNAUTHENTICATED', 'The access token is invalid')
  await expectMatchesSpec(t, app, res)
  const none = await app.inject({ url: '/v1/payments' })
  payError(t, none, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, none)
})

// ---------------------------------------------------------------------------------------------
// Lifecycle (CONTRACT §4 table)

t.test('settles to an internal receiver of another entity: balances, INBOUND record and events', async (t) => {
  const { app, time, admin, other } = await setup(t)
  await registerKey(app, other, FOREIGN_ACCOUNT, '3005550001')
  const r = await resolution(app, admin, '3005550001')
  t.same(r.participant, { name: '', identification_number: '123456789' }, 'a key registered here resolves to the docs’ participant')
  t.equal((await listPayments(app, other)).statusCode, 404, 'the receiver’s entity has no payments yet')

  const res = await pay(app, admin, SMALL_ACCOUNT, r.id, '300.10')
  const payment = res.json() as PaymentBody
  t.equal(payment.status, 'PROCESSING')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['699.90', '550.60'])

  await advance(app, time, SETTLEMENT_DELAY_MS)
  const settledAt = new Date(Date.parse(NOW) + SETTLEMENT_DELAY_MS).toISOString()
  const got = await getPayment(app, admin, payment.id)
  t.equal(got.statusCode, 200)
  t.same(got.json(), { ...payment, status: 'SETTLED', updated_at: settledAt }, 'only status and updated_at change')
  await expectMatchesSpec(t, app, got)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['699.90', '250.50'], 'payer: pending − amount')
  t.same(await balances(app, other, FOREIGN_ACCOUNT), ['1300.10', '0'], 'receiver: available + amount')

  const list = await listPayments(app, other)
  t.equal(list.statusCode, 200)
  await expectMatchesSpec(t, app, list)
  const records = (list.json() as PaymentList).payments
  t.equal(records.length, 1, 'the receiver’s entity sees one record: its INBOUND one')
  const inbound = records[0] as PaymentBody
  t.match(inbound.id, UUID)
  t.not(inbound.id, payment.id)
  t.same(inbound, {
    ...payment,
    id: inbound.id,
    status: 'SETTLED',
    direction: 'INBOUND',
    account_id: FOREIGN_ACCOUNT,
    resolution_id: '',
    created_at: settledAt,
    updated_at: settledAt,
  })
  const inboundGet = await getPayment(app, other, inbound.id)
  t.same(inboundGet.json(), inbound)
  await expectMatchesSpec(t, app, inboundGet)
  const hidden = await getPayment(app, admin, inbound.id)
  payError(t, hidden, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  t.same((await listPayments(app, admin)).json<PaymentList>().payments.map((p) => p.id), [payment.id], 'the payer’s entity does not see the INBOUND record')

  t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed', 'default:payment.outbound.settled'])
  t.same(eventsOf(app, inbound.id), ['other:payment.inbound.received', 'other:payment.inbound.confirmed'])
  t.same(
    events(app).map((e) => e.type),
    ['payment.outbound.confirmed', 'payment.outbound.settled', 'payment.inbound.received', 'payment.inbound.confirmed'],
    'in that order',
  )
  const settledEvent = events(app).find((e) => e.type === 'payment.outbound.settled')
  t.same(settledEvent?.data, got.json(), 'the settled event carries the payment as settled')
  for (const e of events(app).filter((e) => e.type.startsWith('payment.inbound'))) t.same(e.data, inbound, `${e.type} carries the INBOUND record`)
})

t.test('settles to an internal receiver of the same entity', async (t) => {
  const { app, time, admin } = await setup(t)
  await registerKey(app, admin, ZERO_ACCOUNT, '3001112233')
  const payment = await payTo(app, admin, SMALL_ACCOUNT, '3001112233', '250.25')
  await advance(app, time, SETTLEMENT_DELAY_MS)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['749.75', '250.50'])
  t.same(await balances(app, admin, ZERO_ACCOUNT), ['250.25', '0'])
  const records = (await listPayments(app, admin, `?end_to_end_identification=${payment.end_to_end_identification}`)).json<PaymentList>().payments
  t.same(records.map((p) => `${p.direction}:${p.status}:${p.account_id}:${p.amount.value}`).sort(), [
    `INBOUND:SETTLED:${ZERO_ACCOUNT}:250.25`,
    `OUTBOUND:SETTLED:${SMALL_ACCOUNT}:250.25`,
  ])
  t.same(
    events(app).map((e) => e.type),
    ['payment.outbound.confirmed', 'payment.outbound.settled', 'payment.inbound.received', 'payment.inbound.confirmed'],
  )
  t.ok(events(app).every((e) => e.entity === DEFAULT_ENTITY))
})

t.test('settles a payment from an account to a key on the same account', async (t) => {
  const { app, time, admin } = await setup(t)
  await registerKey(app, admin, SMALL_ACCOUNT, '3001112233')
  await payTo(app, admin, SMALL_ACCOUNT, '3001112233', '100')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['900', '350.50'])
  await advance(app, time, SETTLEMENT_DELAY_MS)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'], 'the money comes back to where it left')
})

t.test('settles to an outside bank: the money leaves', async (t) => {
  const { app, time, admin } = await setup(t)
  const payment = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '400')
  await advance(app, time, SETTLEMENT_DELAY_MS)
  const got = await getPayment(app, admin, payment.id)
  t.match(got.json(), { status: 'SETTLED', direction: 'OUTBOUND' })
  t.notOk('error' in (got.json() as object))
  await expectMatchesSpec(t, app, got)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['600', '250.50'])
  t.same((await listPayments(app, admin)).json<PaymentList>().payments.map((p) => p.id), [payment.id], 'no INBOUND record anywhere')
  const inbound = app.services.db.prepare("SELECT COUNT(*) AS n FROM payments WHERE direction = 'INBOUND'").get() as { n: number }
  t.equal(inbound.n, 0)
  t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed', 'default:payment.outbound.settled'])
  t.equal(events(app).length, 2)
})

for (const [status, code, description] of [
  ['INACTIVE', 'AC06', 'Blocked account'],
  ['BLOCKED', 'AC06', 'Blocked account'],
  ['CLOSED', 'AC04', 'Closed account number'],
] as const) {
  t.test(`rejects ${code} at settlement when the internal receiver is ${status}, returning the hold`, async (t) => {
    const { app, time, admin, other } = await setup(t)
    await registerKey(app, other, FOREIGN_ACCOUNT, '3005550001')
    const payment = await payTo(app, admin, SMALL_ACCOUNT, '3005550001', '100')
    // No API changes an account's status yet: the receiver is made non-ACTIVE in SQLite.
    setAccountStatus(app, FOREIGN_ACCOUNT, status)
    await advance(app, time, SETTLEMENT_DELAY_MS)
    const got = await getPayment(app, admin, payment.id)
    t.same(got.json(), {
      ...payment,
      status: 'REJECTED',
      error: { error_code: code, error_description: description },
      updated_at: new Date(Date.parse(NOW) + SETTLEMENT_DELAY_MS).toISOString(),
    })
    await expectMatchesSpec(t, app, got)
    t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'], 'hold returned')
    t.same(await balances(app, other, FOREIGN_ACCOUNT), ['1000', '0'], 'the receiver gets nothing')
    t.equal((await listPayments(app, other)).statusCode, 404, 'no INBOUND record')
    t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed', 'default:payment.outbound.rejected'])
    t.equal(events(app).length, 2)
  })
}

t.test('rejects B002 at settlement a payment to the magic value 3000000002', async (t) => {
  const { app, time, admin } = await setup(t)
  const r = await resolution(app, admin, REJECTED_AT_SETTLEMENT)
  const res = await pay(app, admin, SMALL_ACCOUNT, r.id, '100')
  t.equal(res.statusCode, 200)
  const payment = res.json() as PaymentBody
  t.equal(payment.status, 'PROCESSING', 'accepted at first, like any payment')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['900', '350.50'])

  await advance(app, time, SETTLEMENT_DELAY_MS - 1)
  t.equal((await getPayment(app, admin, payment.id)).json<PaymentBody>().status, 'PROCESSING', 'not before its due time')
  await advance(app, time, 1)
  const got = await getPayment(app, admin, payment.id)
  t.same(got.json(), {
    ...payment,
    status: 'REJECTED',
    error: { error_code: 'B002', error_description: 'B002' },
    updated_at: new Date(Date.parse(NOW) + SETTLEMENT_DELAY_MS).toISOString(),
  })
  await expectMatchesSpec(t, app, got)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'], 'hold returned')
  t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed', 'default:payment.outbound.rejected'])
})

t.test('keeps a payment to 3000000009 PROCESSING until it is settled by hand', async (t) => {
  const { app, time, admin } = await setup(t)
  const payment = await payTo(app, admin, SMALL_ACCOUNT, HELD, '100')
  await advance(app, time, HOUR_MS)
  const held = await getPayment(app, admin, payment.id)
  t.same(held.json(), payment, 'still PROCESSING an hour later')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['900', '350.50'])

  const settled = app.services.settlement.settle(payment.id)
  t.equal(settled.status, 'SETTLED')
  const got = await getPayment(app, admin, payment.id)
  t.same(got.json(), { ...payment, status: 'SETTLED', updated_at: new Date(Date.parse(NOW) + HOUR_MS).toISOString() })
  await expectMatchesSpec(t, app, got)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['900', '250.50'], 'the money left')
  t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed', 'default:payment.outbound.settled'])

  for (const again of [() => app.services.settlement.settle(payment.id), () => app.services.settlement.reject(payment.id, 'B002')]) {
    t.throws(again, { code: 'invalid_state', status: 409 }, 'a second move is 409 invalid_state')
  }
  t.throws(() => app.services.settlement.settle(randomUUID()), { code: 'payment_not_found', status: 404 })
  t.same((await getPayment(app, admin, payment.id)).json(), got.json(), 'nothing changed')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['900', '250.50'])
  t.equal(events(app).length, 2)
})

t.test('keeps a payment to 3000000009 PROCESSING until it is rejected by hand', async (t) => {
  const { app, time, admin } = await setup(t)
  const payment = await payTo(app, admin, SMALL_ACCOUNT, HELD, '100')
  await advance(app, time, HOUR_MS)
  t.equal((await getPayment(app, admin, payment.id)).json<PaymentBody>().status, 'PROCESSING')

  const rejected = app.services.settlement.reject(payment.id, 'B002')
  t.equal(rejected.status, 'REJECTED')
  const got = await getPayment(app, admin, payment.id)
  t.same(got.json(), {
    ...payment,
    status: 'REJECTED',
    error: { error_code: 'B002', error_description: 'B002' },
    updated_at: new Date(Date.parse(NOW) + HOUR_MS).toISOString(),
  })
  await expectMatchesSpec(t, app, got)
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'], 'hold returned')
  t.same(eventsOf(app, payment.id), ['default:payment.outbound.confirmed', 'default:payment.outbound.rejected'])
  t.throws(() => app.services.settlement.reject(payment.id, 'B002'), { code: 'invalid_state', status: 409 })
  t.throws(() => app.services.settlement.settle(payment.id), { code: 'invalid_state', status: 409 })
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['1000', '250.50'])
  t.equal(events(app).length, 2)
})

t.test('never resolves 3000000404', async (t) => {
  const { app, admin } = await setup(t)
  const res = await resolveKey(app, admin, DOCS_CUSTOMER, NEVER_RESOLVES)
  expectError(t, res, 404, 'key_not_found', 'NOT_FOUND', 'Key not found', 'resolve-key')
  await expectMatchesSpec(t, app, res)
})

t.test('settles nothing before its due time, and each payment at its own', async (t) => {
  const { app, time, admin } = await setup(t)
  const first = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '1')
  time.advance(500)
  const second = await payTo(app, admin, SMALL_ACCOUNT, '3101234568', '2')
  const status = async (id: string) => (await getPayment(app, admin, id)).json<PaymentBody>().status

  await app.services.sweeper.runDue()
  t.same([await status(first.id), await status(second.id)], ['PROCESSING', 'PROCESSING'], 'an unmoved clock settles nothing')
  await advance(app, time, 499)
  t.same([await status(first.id), await status(second.id)], ['PROCESSING', 'PROCESSING'], '999 ms after the first')
  await advance(app, time, 1)
  t.same([await status(first.id), await status(second.id)], ['SETTLED', 'PROCESSING'], 'the first is due at 1000 ms')
  await advance(app, time, 499)
  t.equal(await status(second.id), 'PROCESSING')
  await advance(app, time, 1)
  t.equal(await status(second.id), 'SETTLED')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['997', '250.50'])
})

t.test('settles SETTLEMENT_DELAY_MS after creation, as configured', async (t) => {
  const { app, time, admin } = await setup(t, { settlementDelayMs: 5000 })
  const payment = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '1')
  await advance(app, time, 4999)
  t.equal((await getPayment(app, admin, payment.id)).json<PaymentBody>().status, 'PROCESSING')
  await advance(app, time, 1)
  t.equal((await getPayment(app, admin, payment.id)).json<PaymentBody>().status, 'SETTLED')
})

t.test('settles nothing while the mock clock is frozen', async (t) => {
  const { app, time, admin } = await setup(t)
  const payment = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', '1')
  app.services.clock.freeze(true)
  await advance(app, time, HOUR_MS)
  t.same((await getPayment(app, admin, payment.id)).json(), payment, 'wall time moved, the frozen clock did not')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['999', '251.50'])
  app.services.clock.advance(SETTLEMENT_DELAY_MS)
  await app.services.sweeper.runDue()
  t.equal((await getPayment(app, admin, payment.id)).json<PaymentBody>().status, 'SETTLED', 'moving the frozen clock settles it')
  t.same(await balances(app, admin, SMALL_ACCOUNT), ['999', '250.50'])
})
