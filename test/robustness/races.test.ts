import type { AddressInfo } from 'node:net'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

/*
 * Races (issue 5): many requests that compete for one thing at the same moment. Each case runs
 * twice: in-process through app.inject, and over real HTTP against the app listening on port 0
 * (fetch opens one socket per concurrent request), so the socket and parsing path is exercised
 * with real interleaving. Whatever the interleaving, exactly one writer wins, the rest get the
 * documented answer, and the ledger stays exact.
 */

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const ZERO_ACCOUNT = '00000000-0000-4000-8000-000000000000'
const SMALL_ACCOUNT = '00000000-0000-4000-8000-000000000003'
const ACTIVE_ACCOUNTS = [DOCS_ACCOUNT, SECOND_ACCOUNT, ZERO_ACCOUNT, SMALL_ACCOUNT]

type Headers = Record<string, string>
type Send = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Headers, payload?: unknown) => Promise<LightMyRequestResponse>
type Transport = 'inject' | 'http'

/**
 * One way to send a request. Over HTTP the fetch answer is wrapped in the few fields of a
 * light-my-request response the assertion helpers read (status, headers, body, json(), and the
 * request's method and url), so both transports are checked by the same code.
 */
async function transport(t: Test, app: FastifyInstance, kind: Transport): Promise<Send> {
  if (kind === 'inject') return (method, url, headers, payload) => app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  t.comment(`listening at ${base}`)
  return async (method, url, headers, payload) => {
    const res = await fetch(base + url, {
      method,
      headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    })
    const body = await res.text()
    const wrapped = {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      body,
      json: () => JSON.parse(body) as unknown,
      raw: { req: { method, url } },
    }
    return wrapped as unknown as LightMyRequestResponse
  }
}

function minor(value: string): bigint {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/.exec(value)
  if (!match) throw new Error(`not a money value: ${value}`)
  return BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'))
}

interface Balance {
  available: bigint
  pending: bigint
}

function balances(app: FastifyInstance): Map<string, Balance> {
  const rows = app.services.db.prepare('SELECT id, available_minor, pending_minor FROM accounts').all() as Array<{ id: string; available_minor: string; pending_minor: string }>
  return new Map(rows.map((r) => [r.id, { available: BigInt(r.available_minor), pending: BigInt(r.pending_minor) }]))
}

function total(map: Map<string, Balance>): bigint {
  let sum = 0n
  for (const b of map.values()) sum += b.available + b.pending
  return sum
}

function count(app: FastifyInstance, sql: string, ...params: unknown[]): number {
  return (app.services.db.prepare(sql).get(...params) as { n: number }).n
}

function statuses(answers: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {}
  for (const r of answers) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1
  return out
}

async function resolution(send: Send, headers: Headers, keyValue: string): Promise<string> {
  const res = await send('POST', '/v1/resolve-key', headers, { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: keyValue } })
  if (res.statusCode !== 200) throw new Error(`resolve-key: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

const over = (kind: Transport) => (kind === 'http' ? 'over HTTP' : 'in-process')

for (const kind of ['inject', 'http'] as const) {
  t.test(`holds exactly what the balance covers when 300 payments from one account arrive at once (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const admin = await bearer(app)
    const amount = 700n // 7.00 COP; the account holds 1000.00 available
    const before = balances(app)
    const small = before.get(SMALL_ACCOUNT) as Balance
    const covered = small.available / amount
    t.equal(covered, 142n)
    const resolutions = await Promise.all(Array.from({ length: 300 }, (_, i) => resolution(send, admin, `31${String(i).padStart(8, '0')}`)))
    t.equal(new Set(resolutions).size, 300, 'one resolution per payment')

    const answers = await Promise.all(resolutions.map((id) => send('POST', '/v1/payments/breb', admin, { account_id: SMALL_ACCOUNT, resolution_id: id, amount: { value: '7', currency: 'COP' } })))
    t.same(statuses(answers), { 200: 300 }, 'every request is answered 200')
    const bodies = answers.map((r) => r.json() as { id: string; status: string; error?: { error_code: string; error_description: string } })
    const processing = answers.filter((_, i) => bodies[i]?.status === 'PROCESSING')
    const rejected = answers.filter((_, i) => bodies[i]?.status === 'REJECTED')
    t.equal(processing.length, Number(covered), 'exactly as many PROCESSING as the balance covers')
    t.equal(rejected.length, 300 - Number(covered), 'the rest REJECTED')
    t.ok(
      bodies.filter((b) => b.status === 'REJECTED').every((b) => b.error?.error_code === 'AM04' && b.error.error_description === 'Insufficient funds'),
      'every rejection is AM04 Insufficient funds',
    )
    t.equal(new Set(bodies.map((b) => b.id)).size, 300, '300 distinct payments')
    await expectMatchesSpec(t, app, processing[0] as LightMyRequestResponse)
    await expectMatchesSpec(t, app, rejected[0] as LightMyRequestResponse)

    const after = balances(app)
    t.same(after.get(SMALL_ACCOUNT), { available: small.available - covered * amount, pending: small.pending + covered * amount }, 'the covered amount moved from available to pending')
    t.same(
      [...after].filter(([, b]) => b.available < 0n || b.pending < 0n),
      [],
      'no balance is negative',
    )
    t.equal(total(after), total(before), 'money is conserved')
    const api = await send('GET', `/v1/accounts/${SMALL_ACCOUNT}`, admin)
    const wire = api.json() as { available_balance: { value: string }; pending_balance: { value: string } }
    t.equal(minor(wire.available_balance.value), small.available - covered * amount, 'the API answers the same available balance')
    t.equal(minor(wire.pending_balance.value), small.pending + covered * amount, 'and the same pending balance')
    await expectMatchesSpec(t, app, api)
  })

  t.test(`makes one payment and one hold of one resolution paid 50 times at once (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const admin = await bearer(app)
    const resolutionId = await resolution(send, admin, '3101234567')
    const before = balances(app)
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => send('POST', '/v1/payments/breb', admin, { account_id: SMALL_ACCOUNT, resolution_id: resolutionId, amount: { value: `${1 + i}`, currency: 'COP' } })),
    )
    t.same(statuses(answers), { 200: 50 }, 'every request is answered 200')
    const first = answers[0]?.json() as { id: string; amount: { value: string } }
    t.equal(new Set(answers.map((r) => (r.json() as { id: string }).id)).size, 1, 'every answer names one payment')
    t.ok(
      answers.every((r) => r.body === answers[0]?.body),
      'every answer is that payment, as it is',
    )
    await expectMatchesSpec(t, app, answers[0] as LightMyRequestResponse)
    t.equal(count(app, 'SELECT COUNT(*) AS n FROM payments WHERE resolution_id = ?', resolutionId), 1, 'one payment row')
    const held = minor(first.amount.value)
    const small = before.get(SMALL_ACCOUNT) as Balance
    t.same(balances(app).get(SMALL_ACCOUNT), { available: small.available - held, pending: small.pending + held }, 'held once')
    t.equal(count(app, "SELECT COUNT(*) AS n FROM webhook_events WHERE type = 'payment.outbound.confirmed'"), 1, 'one confirmed event')
  })

  t.test(`registers a key value once when 40 registrations race (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const admin = await bearer(app)
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send('POST', '/v1/keys', admin, { account_id: ACTIVE_ACCOUNTS[i % ACTIVE_ACCOUNTS.length], key: { key_type: 'PHONE', key_value: '3209998877' } })),
    )
    t.same(statuses(answers), { 200: 1, 409: 39 }, 'one 200, 39 conflicts')
    const won = answers.find((r) => r.statusCode === 200) as LightMyRequestResponse
    t.match(won.json(), { key: { key_type: 'PHONE', key_value: '3209998877' }, status: 'ACTIVE' })
    await expectMatchesSpec(t, app, won)
    const lost = answers.find((r) => r.statusCode === 409) as LightMyRequestResponse
    expectError(t, lost, 409, 'already_exists', 'ALREADY_EXISTS', 'This key value is already registered in the Bre-B directory')
    await expectMatchesSpec(t, app, lost)
    t.ok(
      answers.filter((r) => r.statusCode === 409).every((r) => (r.json() as { code: string }).code === 'already_exists'),
      'every loser is already_exists',
    )
    t.equal(count(app, "SELECT COUNT(*) AS n FROM keys WHERE key_value = '3209998877'"), 1, 'one key row')
  })

  t.test(`seeds an explicit account id once when 30 seeds race (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const id = '7ace0000-0000-4000-8000-000000000001'
    const customersBefore = count(app, 'SELECT COUNT(*) AS n FROM customers')
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => send('POST', '/_mock/seed', {}, { accounts: [{ id, available_balance: `${i + 1}` }] })))
    t.same(statuses(answers), { 200: 1, 409: 29 }, 'one 200, 29 conflicts')
    const won = answers.find((r) => r.statusCode === 200) as LightMyRequestResponse
    const account = (won.json() as { accounts: Array<{ id: string; available_balance: { value: string } }> }).accounts[0]
    t.equal(account?.id, id)
    await expectMatchesSpec(t, app, won)
    const lost = answers.find((r) => r.statusCode === 409) as LightMyRequestResponse
    expectError(t, lost, 409, 'already_exists', 'ALREADY_EXISTS', `Field 'accounts[0].id' is taken: an account with id ${id} already exists`, '_mock')
    await expectMatchesSpec(t, app, lost)
    t.equal(count(app, 'SELECT COUNT(*) AS n FROM accounts WHERE id = ?', id), 1, 'one account row')
    t.same(balances(app).get(id), { available: minor(account?.available_balance.value ?? 'x'), pending: 0n }, 'the winner’s balance, no other')
    t.equal(count(app, 'SELECT COUNT(*) AS n FROM customers'), customersBefore + 1, 'the losers left no customer behind')
  })

  t.test(`links a NIT once when 30 customer links race (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const admin = await bearer(app)
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send('POST', '/v1/customers/business/link', admin, {
          business_name: `Carrera ${i}`,
          email: `carrera${i}@example.com`,
          mobile_phone_number: '+573001112233',
          identification_type: 'NIT',
          identification_number: '811222333',
          address: { line_1: 'Calle 123 #45-67', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
          merchant_category_code: '5734',
        }),
      ),
    )
    t.same(statuses(answers), { 200: 1, 409: 29 }, 'one 200, 29 conflicts')
    const won = answers.find((r) => r.statusCode === 200) as LightMyRequestResponse
    t.match(won.json(), { identification_number: '811222333', status: 'ACTIVE' })
    await expectMatchesSpec(t, app, won)
    const lost = answers.find((r) => r.statusCode === 409) as LightMyRequestResponse
    expectError(t, lost, 409, 'already_exists', 'ALREADY_EXISTS', 'A customer with this identification_number already exists')
    await expectMatchesSpec(t, app, lost)
    t.equal(count(app, "SELECT COUNT(*) AS n FROM customers WHERE identification_number = '811222333'"), 1, 'one customer row')
  })

  t.test(`links an account number once when 30 account links race (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const admin = await bearer(app)
    const answers = await Promise.all(Array.from({ length: 30 }, () => send('POST', '/v1/accounts/link', admin, { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '8855500011' })))
    t.same(statuses(answers), { 200: 1, 409: 29 }, 'one 200, 29 conflicts')
    const won = answers.find((r) => r.statusCode === 200) as LightMyRequestResponse
    t.match(won.json(), { account_number: '8855500011', status: 'ACTIVE' })
    await expectMatchesSpec(t, app, won)
    const lost = answers.find((r) => r.statusCode === 409) as LightMyRequestResponse
    expectError(t, lost, 409, 'already_exists', 'ALREADY_EXISTS', 'An account with this account_number already exists')
    await expectMatchesSpec(t, app, lost)
    t.equal(count(app, "SELECT COUNT(*) AS n FROM accounts WHERE account_number = '8855500011'"), 1, 'one account row')
  })

  t.test(`deletes a key once when 20 deletions race (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const admin = await bearer(app)
    const created = await send('POST', '/v1/keys', admin, { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3205550000' } })
    t.equal(created.statusCode, 200)
    const id = (created.json() as { id: string }).id
    const answers = await Promise.all(Array.from({ length: 20 }, () => send('DELETE', `/v1/keys/${id}`, admin)))
    t.same(statuses(answers), { 204: 1, 404: 19 }, 'one 204, then 404 for the rest')
    await expectMatchesSpec(t, app, answers.find((r) => r.statusCode === 204) as LightMyRequestResponse)
    const lost = answers.find((r) => r.statusCode === 404) as LightMyRequestResponse
    expectError(t, lost, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
    await expectMatchesSpec(t, app, lost)
    const again = await send('POST', '/v1/keys', admin, { account_id: SECOND_ACCOUNT, key: { key_type: 'PHONE', key_value: '3205550000' } })
    t.equal(again.statusCode, 200, 'the value can be registered again')
  })

  t.test(`moves a PROCESSING payment once when 20 settles and 20 rejects race (${over(kind)})`, async (t) => {
    const { app } = await buildTestApp(t)
    const send = await transport(t, app, kind)
    const admin = await bearer(app)
    const key = await send('POST', '/v1/keys', admin, { account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE', key_value: '3206660000' } })
    t.equal(key.statusCode, 200)
    const paid = await send('POST', '/v1/payments/breb', admin, { account_id: SMALL_ACCOUNT, resolution_id: await resolution(send, admin, '3206660000'), amount: { value: '100', currency: 'COP' } })
    const payment = paid.json() as { id: string; status: string }
    t.equal(payment.status, 'PROCESSING')
    const before = balances(app)
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send('POST', `/_mock/payments/${payment.id}/${i % 2 === 0 ? 'settle' : 'reject'}`, {}, i % 2 === 0 ? undefined : { error_code: 'B002' })),
    )
    t.same(statuses(answers), { 200: 1, 409: 39 }, 'one 200, 39 conflicts')
    const won = answers.find((r) => r.statusCode === 200) as LightMyRequestResponse
    await expectMatchesSpec(t, app, won)
    const final = (won.json() as { status: string }).status
    t.ok(final === 'SETTLED' || final === 'REJECTED', `the winner moved it (${final})`)
    const lost = answers.find((r) => r.statusCode === 409) as LightMyRequestResponse
    expectError(t, lost, 409, 'invalid_state', 'FAILED_PRECONDITION', `The payment is ${final}: only PROCESSING (Bre-B) and PENDING (ACH) payments move`, '_mock')
    await expectMatchesSpec(t, app, lost)
    const small = before.get(SMALL_ACCOUNT) as Balance
    const zero = before.get(ZERO_ACCOUNT) as Balance
    const after = balances(app)
    if (final === 'SETTLED') {
      t.same(after.get(SMALL_ACCOUNT), { available: small.available, pending: small.pending - 10000n }, 'the hold left the payer once')
      t.same(after.get(ZERO_ACCOUNT), { available: zero.available + 10000n, pending: 0n }, 'the receiver was credited once')
    } else {
      t.same(after.get(SMALL_ACCOUNT), { available: small.available + 10000n, pending: small.pending - 10000n }, 'the hold came back once')
      t.same(after.get(ZERO_ACCOUNT), zero, 'the receiver got nothing')
    }
    t.equal(total(after), total(before), 'money is conserved')
    t.equal(count(app, "SELECT COUNT(*) AS n FROM payments WHERE direction = 'INBOUND'"), final === 'SETTLED' ? 1 : 0, 'at most one INBOUND record')
  })
}
