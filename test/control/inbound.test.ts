import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { DEFAULT_ENTITY, DOCS_ACCOUNT, failNthEvent, OTHER_ACCOUNT, OTHER_ENTITY } from '../helpers/webhooks.js'

const URL = '/_mock/simulations/inbound-payment'
const ZERO_ACCOUNT = '00000000-0000-4000-8000-000000000000'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
// The docs' participant (Contract 2): https://docs.passportfintech.com/EN/resolve-recipient.
const INTERNAL_BANK = { name: '', identification_number: '123456789' }

function cop(value: string) {
  return { value, currency: 'COP' }
}

function simulate(app: FastifyInstance, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: URL, payload: payload as Record<string, unknown>, headers })
}

/** `[available, pending]` of an account, read through /v1 as its own entity sees it. */
async function balances(app: FastifyInstance, accountId: string, client: 'admin' | 'other' = 'admin'): Promise<[string, string]> {
  const res = await app.inject({ url: `/v1/accounts/${accountId}`, headers: await bearer(app, client) })
  const body = res.json() as { available_balance: { value: string }; pending_balance: { value: string } }
  return [body.available_balance.value, body.pending_balance.value]
}

/** Every webhook event written so far, oldest first. */
function events(app: FastifyInstance): Array<{ entity: string; type: string; data: { id: string } }> {
  const rows = app.services.db.prepare('SELECT entity_id, type, body FROM webhook_events ORDER BY seq').all() as Array<{ entity_id: string; type: string; body: string }>
  return rows.map((r) => ({ entity: r.entity_id, type: r.type, data: (JSON.parse(r.body) as { data: { id: string } }).data }))
}

async function totalPayments(app: FastifyInstance): Promise<number> {
  return (await app.inject({ url: '/_mock/payments' })).json().pagination_info.total_elements
}

t.test('credits the account exactly and answers its SETTLED INBOUND payment', async (t) => {
  const { app } = await buildTestApp(t)
  t.same(await balances(app, DOCS_ACCOUNT), ['90000000000000000', '0'])
  const res = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('0.01') })
  t.equal(res.statusCode, 200)
  const payment = res.json()
  t.match(payment, {
    id: /^[0-9a-f-]{36}$/,
    status: 'SETTLED',
    direction: 'INBOUND',
    type: 'BREB',
    account_id: DOCS_ACCOUNT,
    resolution_id: '',
    amount: { value: '0.01', currency: 'COP' },
    qr_code_reference: '',
    end_to_end_identification: /^[A-Z0-9]{32}$/,
    receiver: {
      account: { account_number: '88827643001', account_type: 'ORDINARY' },
      participant: INTERNAL_BANK,
      owner: { identification_type: 'NIT', type: 'BUSINESS' },
    },
    created_at: '2026-01-15T12:00:00.000Z',
    updated_at: '2026-01-15T12:00:00.000Z',
  })
  t.notOk('error' in payment, 'no error block on a SETTLED payment')
  await expectMatchesSpec(t, app, res)
  t.same(await balances(app, DOCS_ACCOUNT), ['90000000000000000.01', '0'], 'one cent more than 9×10^16: never a rounded number')

  const again = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('0.01') })
  t.not(again.json().end_to_end_identification, payment.end_to_end_identification, 'each payment gets its own end_to_end_identification')
  t.not(again.json().id, payment.id)
  t.same(await balances(app, DOCS_ACCOUNT), ['90000000000000000.02', '0'])
})

t.test('keeps huge amounts exact to the cent, and carries across the units', async (t) => {
  const { app } = await buildTestApp(t)
  t.same(await balances(app, ZERO_ACCOUNT), ['0', '0'])
  const first = await simulate(app, { account_id: ZERO_ACCOUNT, amount: cop('123456789012345678901234567.89') })
  t.equal(first.statusCode, 200)
  t.same(first.json().amount, cop('123456789012345678901234567.89'))
  t.same(await balances(app, ZERO_ACCOUNT), ['123456789012345678901234567.89', '0'])
  const second = await simulate(app, { account_id: ZERO_ACCOUNT, amount: cop('0.11') })
  t.equal(second.statusCode, 200)
  t.same(await balances(app, ZERO_ACCOUNT), ['123456789012345678901234568', '0'], '.89 + .11 carries into the units')
  const third = await simulate(app, { account_id: '00000000-0000-4000-8000-000000000003', amount: cop('5') })
  t.equal(third.statusCode, 200)
  t.same(await balances(app, '00000000-0000-4000-8000-000000000003'), ['1005', '250.50'], 'the pending balance is left alone')
})

t.test('is readable through /v1 by the account’s entity only, and listed among its payments', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await simulate(app, { account_id: OTHER_ACCOUNT, amount: cop('250.50') })
  t.equal(res.statusCode, 200)
  const payment = res.json()
  const other = await bearer(app, 'other')

  const read = await app.inject({ url: `/v1/payments/${payment.id}`, headers: other })
  t.equal(read.statusCode, 200)
  t.same(read.json(), payment, 'GET /v1/payments/:id answers the same object')
  await expectMatchesSpec(t, app, read)

  const list = await app.inject({ url: '/v1/payments?direction=inbound', headers: other })
  t.equal(list.statusCode, 200)
  t.same(list.json().payments, [payment])
  await expectMatchesSpec(t, app, list)

  const foreign = await app.inject({ url: `/v1/payments/${payment.id}`, headers: await bearer(app, 'admin') })
  expectError(t, foreign, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  t.same(await balances(app, OTHER_ACCOUNT, 'other'), ['1250.50', '0'])
})

t.test('raises payment.inbound.received, then payment.inbound.confirmed, to the account’s entity', async (t) => {
  const { app } = await buildTestApp(t)
  const before = events(app).length
  const res = await simulate(app, { account_id: OTHER_ACCOUNT, amount: cop('7') })
  t.equal(res.statusCode, 200)
  const written = events(app).slice(before)
  t.same(
    written.map((e) => [e.entity, e.type]),
    [
      [OTHER_ENTITY, 'payment.inbound.received'],
      [OTHER_ENTITY, 'payment.inbound.confirmed'],
    ],
  )
  for (const event of written) t.same(event.data, res.json(), `${event.type} carries the payment as answered`)
  t.notOk(
    written.some((e) => e.entity === DEFAULT_ENTITY),
    'nothing goes to another entity',
  )
})

t.test('fills the sender from the request and generates the rest as an outside bank', async (t) => {
  const { app } = await buildTestApp(t)
  const sender = { owner: { type: 'INDIVIDUAL', name: 'Camila Gómez Rojas' }, participant: { name: 'NEQUI' } }
  const res = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('100'), sender })
  t.equal(res.statusCode, 200)
  const given = res.json().sender
  t.match(given, {
    owner: { type: 'INDIVIDUAL', name: 'Camila Gómez Rojas', identification_type: 'CC', identification_number: /^1[0-9]{9}$/ },
    participant: { name: 'NEQUI', identification_number: /^[0-9]+$/ },
    account: { account_number: /^[0-9]{11}$/, account_type: /^(ORDINARY|LOW_VALUE)$/ },
  })
  await expectMatchesSpec(t, app, res)

  const full = {
    account: { account_number: '4050607080', account_type: 'ORDINARY' },
    participant: { name: 'BANCOLOMBIA', identification_number: '890903938' },
    owner: { identification_number: '900123456', identification_type: 'NIT', type: 'BUSINESS', name: 'Tienda QA S.A.S.' },
  }
  const exact = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('1'), sender: full })
  t.same(exact.json().sender, full, 'a full sender block is kept as sent')

  const generated = (await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('1') })).json().sender
  t.not(generated.participant.name, INTERNAL_BANK.name, 'a generated sender banks outside the mock')
  t.ok(['NIT', 'CC'].includes(generated.owner.identification_type))
  t.ok(generated.owner.name.length > 0)

  const found = await app.inject({ url: '/v1/payments?sender_name=Tienda%20QA%20S.A.S.&sender_account_number=4050607080', headers: await bearer(app) })
  t.equal(found.statusCode, 200)
  t.same(
    found.json().payments.map((p: { id: string }) => p.id),
    [exact.json().id],
    'the /v1 sender filters find it',
  )
})

t.test('names the account’s oldest ACTIVE key as the receiver key, else its owner’s NIT', async (t) => {
  const { app } = await buildTestApp(t)
  const customer = (await app.inject({ url: `/v1/customers/${DOCS_CUSTOMER}`, headers: await bearer(app) })).json()
  const withoutKey = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('1') })
  t.same(withoutKey.json().receiver.key, { key_type: 'ID', key_value: customer.identification_number })
  t.same(withoutKey.json().receiver.owner, { identification_number: customer.identification_number, identification_type: 'NIT', type: 'BUSINESS', name: customer.business_name })

  const headers = await bearer(app)
  const key = await app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers,
    payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3104445566' }, display_name: 'Tienda del Parque' },
  })
  t.equal(key.statusCode, 200)
  const withKey = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('1'), qr_code_reference: 'P785694784' })
  t.same(withKey.json().receiver.key, { key_type: 'PHONE', key_value: '3104445566' })
  t.equal(withKey.json().receiver.owner.name, 'Tienda del Parque', 'shown with the key’s display name, as a resolution shows it')
  t.equal(withKey.json().qr_code_reference, 'P785694784', 'a QR reference is carried')
  await expectMatchesSpec(t, app, withKey)

  await app.inject({ method: 'PATCH', url: `/v1/keys/${key.json().id}/suspend`, headers })
  const suspended = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('1') })
  t.same(suspended.json().receiver.key, { key_type: 'ID', key_value: customer.identification_number }, 'a SUSPENDED key is not used')
})

t.test('answers 404 account_not_found for an unknown account', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await simulate(app, { account_id: randomUUID(), amount: cop('10') })
  expectError(t, res, 404, 'account_not_found', 'NOT_FOUND', 'Account not found', '_mock')
  await expectMatchesSpec(t, app, res)
  t.equal(await totalPayments(app), 0)
})

t.test('answers 409 invalid_state for an account that is not ACTIVE, and changes nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const eventsBefore = events(app).length
  for (const [suffix, status] of [
    ['0001', 'INACTIVE'],
    ['0002', 'BLOCKED'],
    ['0005', 'CLOSED'],
  ] as const) {
    const id = `00000000-0000-4000-8000-00000000${suffix}`
    const before = await balances(app, id)
    const res = await simulate(app, { account_id: id, amount: cop('10') })
    expectError(t, res, 409, 'invalid_state', 'FAILED_PRECONDITION', `The account is ${status}: only ACTIVE accounts receive payments`, '_mock')
    await expectMatchesSpec(t, app, res)
    t.same(await balances(app, id), before, `${status}: balance unchanged`)
  }
  t.equal(await totalPayments(app), 0, 'no payment stored')
  t.equal(events(app).length, eventsBefore, 'no event raised')
})

t.test('answers 400 naming the field for a bad amount, account id or sender', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[unknown, string]> = [
    [{ account_id: DOCS_ACCOUNT, amount: cop('0') }, "Field 'amount.value' must be greater than 0"],
    [{ account_id: DOCS_ACCOUNT, amount: cop('0.00') }, "Field 'amount.value' must be greater than 0"],
    [{ account_id: DOCS_ACCOUNT, amount: cop('-5') }, `Field 'amount.value' must be a decimal string with at most two decimals, such as "1000" or "5000.50"`],
    [{ account_id: DOCS_ACCOUNT, amount: cop('1.001') }, `Field 'amount.value' must be a decimal string with at most two decimals, such as "1000" or "5000.50"`],
    [{ account_id: DOCS_ACCOUNT, amount: { value: 10, currency: 'COP' } }, "Field 'amount.value' must be a string"],
    [{ account_id: DOCS_ACCOUNT, amount: { value: '10', currency: 'USD' } }, "Field 'amount.currency' must be one of: COP"],
    [{ account_id: DOCS_ACCOUNT, amount: '10' }, "Field 'amount' must be an object"],
    [{ account_id: DOCS_ACCOUNT }, "Field 'amount' is required"],
    [{ amount: cop('10') }, "Field 'account_id' is required"],
    [{ account_id: 'nope', amount: cop('10') }, "Field 'account_id' must be a UUID"],
    [{ account_id: DOCS_ACCOUNT, amount: cop('10'), sender: { owner: { nmae: 'typo' } } }, "Field 'sender.owner.nmae' is not allowed"],
    [{ account_id: DOCS_ACCOUNT, amount: cop('10'), sender: { owner: { type: 'PERSON' } } }, "Field 'sender.owner.type' must be one of: BUSINESS, INDIVIDUAL"],
    [{ account_id: DOCS_ACCOUNT, amount: cop('10'), sender: { account: { account_number: '' } } }, "Field 'sender.account.account_number' must not be empty"],
    [{ account_id: DOCS_ACCOUNT, amount: cop('10'), qr_code_reference: 'no spaces' }, "Field 'qr_code_reference' must match ^[A-Za-z0-9]{1,25}$"],
  ]
  for (const [payload, message] of cases) {
    const res = await simulate(app, payload)
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
  t.same(await balances(app, DOCS_ACCOUNT), ['90000000000000000', '0'], 'nothing credited')
  t.equal(await totalPayments(app), 0)
})

t.test('answers 400 invalid_json, 415 and 413 to a body it cannot read', async (t) => {
  const { app } = await buildTestApp(t)
  const broken = await app.inject({ method: 'POST', url: URL, headers: { 'content-type': 'application/json' }, payload: '{"account_id":' })
  expectError(t, broken, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON', '_mock')
  await expectMatchesSpec(t, app, broken)
  const text = await app.inject({ method: 'POST', url: URL, headers: { 'content-type': 'text/plain' }, payload: 'hello' })
  expectError(t, text, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type', '_mock')
  await expectMatchesSpec(t, app, text)
  const big = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('1'), padding: 'x'.repeat(1024 * 1024) })
  expectError(t, big, 413, 'payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large', '_mock')
  await expectMatchesSpec(t, app, big)
  t.equal(await totalPayments(app), 0)
})

t.test('stores nothing when a step fails midway: balance, payment and events are one transaction', async (t) => {
  const { app } = await buildTestApp(t)
  // The second event fails, after the balance, the payment and the first event were written.
  const outboxFault = failNthEvent(t, app, 2)
  const res = await simulate(app, { account_id: DOCS_ACCOUNT, amount: cop('10') })
  expectError(t, res, 500, 'internal_error', 'INTERNAL', /./, '_mock')
  t.equal(outboxFault.calls(), 2)
  outboxFault.restore()
  t.same(await balances(app, DOCS_ACCOUNT), ['90000000000000000', '0'], 'the credit was rolled back')
  t.equal(await totalPayments(app), 0, 'the payment was rolled back')
  t.equal(events(app).length, 0, 'the first event was rolled back')
})

t.test('needs the admin token when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'qa-secret' })
  const payload = { account_id: DOCS_ACCOUNT, amount: cop('10') }
  const missing = await simulate(app, payload)
  expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
  await expectMatchesSpec(t, app, missing)
  const wrong = await simulate(app, payload, { 'x-mock-admin-token': 'nope' })
  expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
  t.same(await balances(app, DOCS_ACCOUNT), ['90000000000000000', '0'], 'refused calls credit nothing')
  const right = await simulate(app, payload, { 'x-mock-admin-token': 'qa-secret' })
  t.equal(right.statusCode, 200)
  t.equal(right.json().status, 'SETTLED')
  t.same(await balances(app, DOCS_ACCOUNT), ['90000000000000010', '0'])
})
