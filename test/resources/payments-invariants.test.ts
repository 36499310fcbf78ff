import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

/*
 * Invariants of CONTRACT §4 "Payments": money is conserved, no balance goes negative, a status
 * only moves forward, state survives a restart. Every amount and balance is compared as bigint
 * minor units, read from SQLite's TEXT columns or parsed from the wire's decimal strings.
 */

const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const OTHER_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const acct = (suffix: string) => `00000000-0000-4000-8000-000000000${suffix}`
const ZERO_ACCOUNT = acct('000')
const INACTIVE_ACCOUNT = acct('001')
const SMALL_ACCOUNT = acct('003')
const FOREIGN_ACCOUNT = acct('403')
const SETTLEMENT_DELAY_MS = 1000
const REJECTED_AT_SETTLEMENT = '3000000002'
const HELD = '3000000009'

type Headers = { authorization: string }
type Client = 'admin' | 'other'

interface PaymentBody {
  id: string
  status: string
  direction: string
  account_id: string
  amount: { value: string; currency: string }
  end_to_end_identification: string
  error?: { error_code: string; error_description: string }
}

/** Wire decimal string → minor units, without ever going through a `number`. */
function minor(value: string): bigint {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/.exec(value)
  if (!match) throw new Error(`not a money value: ${value}`)
  return BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'))
}

/** Minor units → canonical wire decimal string. */
function decimal(m: bigint): string {
  const cents = m % 100n
  return cents === 0n ? `${m / 100n}` : `${m / 100n}.${cents.toString().padStart(2, '0')}`
}

/** mulberry32: a small seeded PRNG, so a failing mix can be replayed from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

interface Balance {
  available: bigint
  pending: bigint
}

/** Every account's balances, read as bigint from SQLite's TEXT minor units. */
function dbBalances(app: FastifyInstance): Map<string, Balance> {
  const rows = app.services.db.prepare('SELECT id, available_minor, pending_minor, typeof(available_minor) AS ta, typeof(pending_minor) AS tp FROM accounts').all() as Array<{
    id: string
    available_minor: string
    pending_minor: string
    ta: string
    tp: string
  }>
  const out = new Map<string, Balance>()
  for (const r of rows) {
    if (r.ta !== 'text' || r.tp !== 'text') throw new Error(`account ${r.id} balances are not TEXT`)
    if (!/^[0-9]+$/.test(r.available_minor) || !/^[0-9]+$/.test(r.pending_minor)) throw new Error(`account ${r.id} has a malformed or negative balance`)
    out.set(r.id, { available: BigInt(r.available_minor), pending: BigInt(r.pending_minor) })
  }
  return out
}

function total(balances: Map<string, Balance>): bigint {
  let sum = 0n
  for (const b of balances.values()) sum += b.available + b.pending
  return sum
}

function negatives(balances: Map<string, Balance>): string[] {
  return [...balances].filter(([, b]) => b.available < 0n || b.pending < 0n).map(([id]) => id)
}

/** `id → "available/pending"` for a readable t.same diff. */
function show(balances: Map<string, Balance>): Record<string, string> {
  return Object.fromEntries([...balances].sort(([a], [b]) => a.localeCompare(b)).map(([id, b]) => [id, `${decimal(b.available)}/${decimal(b.pending)}`]))
}

function dbStatuses(app: FastifyInstance): Record<string, string> {
  const rows = app.services.db.prepare("SELECT id, status, error_code FROM payments WHERE direction = 'OUTBOUND' ORDER BY id").all() as Array<{ id: string; status: string; error_code: string | null }>
  return Object.fromEntries(rows.map((r) => [r.id, r.error_code === null ? r.status : `${r.status}:${r.error_code}`]))
}

function eventCount(app: FastifyInstance): number {
  return (app.services.db.prepare('SELECT COUNT(*) AS n FROM webhook_events').get() as { n: number }).n
}

async function registerKey(app: FastifyInstance, headers: Headers, accountId: string, keyValue: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: accountId, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (res.statusCode !== 200) throw new Error(`key registration failed: ${res.statusCode} ${res.body}`)
}

async function resolve(app: FastifyInstance, headers: Headers, keyValue: string, customerId = DOCS_CUSTOMER): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: customerId, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (res.statusCode !== 200) throw new Error(`resolve-key failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

async function pay(app: FastifyInstance, headers: Headers, accountId: string, resolutionId: string, amountMinor: bigint) {
  return app.inject({ method: 'POST', url: '/v1/payments/breb', headers, payload: { account_id: accountId, resolution_id: resolutionId, amount: { value: decimal(amountMinor), currency: 'COP' } } })
}

async function payTo(app: FastifyInstance, headers: Headers, accountId: string, keyValue: string, amountMinor: bigint, customerId = DOCS_CUSTOMER): Promise<PaymentBody> {
  const res = await pay(app, headers, accountId, await resolve(app, headers, keyValue, customerId), amountMinor)
  if (res.statusCode !== 200) throw new Error(`payment failed: ${res.statusCode} ${res.body}`)
  return res.json() as PaymentBody
}

// ---------------------------------------------------------------------------------------------
// Money is conserved across a random mix

type Target = { kind: 'internal'; accountId: string } | { kind: 'outside' } | { kind: 'reject' } | { kind: 'hold' }

interface ModelPayment {
  id: string
  payer: string
  amount: bigint
  target: Target
  dueMs: number
  /** PROCESSING, SETTLED, or REJECTED:<code>, as dbStatuses spells them. */
  status: string
  resolutionId: string
}

interface ModelAccount extends Balance {
  entity: Client
  status: string
}

const SEEDS = process.env.PAYMENTS_SEED === undefined ? [20260115, 7, 424242] : [Number(process.env.PAYMENTS_SEED)]
const STEPS = 120

// Receivers by key value; the two on …0000 and …0403 change status during the mix.
const INTERNAL_KEYS: Record<string, string> = {
  '3001000000': ZERO_ACCOUNT,
  '3001000001': DOCS_ACCOUNT,
  '3001000002': SECOND_ACCOUNT,
  '3001000003': SMALL_ACCOUNT,
  '3002000403': FOREIGN_ACCOUNT,
}
const OUTSIDE_VALUES = ['3101234567', '3107654321', '3209998877']
const PAYERS: Array<[string, Client]> = [
  [DOCS_ACCOUNT, 'admin'],
  [SECOND_ACCOUNT, 'admin'],
  [SMALL_ACCOUNT, 'admin'],
  [ZERO_ACCOUNT, 'admin'],
  [FOREIGN_ACCOUNT, 'other'],
  [INACTIVE_ACCOUNT, 'admin'],
]
const FLIPPABLE = [ZERO_ACCOUNT, FOREIGN_ACCOUNT]
const STATUSES = ['ACTIVE', 'ACTIVE', 'INACTIVE', 'BLOCKED', 'CLOSED']

for (const seed of SEEDS) {
  t.test(`conserves money across a random mix of payments (seed ${seed}; replay with PAYMENTS_SEED=${seed})`, async (t) => {
    t.comment(`seed ${seed}`)
    const rand = mulberry32(seed)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
    const { app, time } = await buildTestApp(t)
    const headers: Record<Client, Headers> = { admin: await bearer(app), other: await bearer(app, 'other') }
    for (const [value, accountId] of Object.entries(INTERNAL_KEYS)) await registerKey(app, accountId === FOREIGN_ACCOUNT ? headers.other : headers.admin, accountId, value)

    const start = dbBalances(app)
    const startTotal = total(start)
    const startPending = [...start.values()].reduce((sum, b) => sum + b.pending, 0n)
    const statusRows = app.services.db.prepare('SELECT id, status FROM accounts').all() as Array<{ id: string; status: string }>
    const accounts = new Map<string, ModelAccount>()
    for (const { id, status } of statusRows) {
      const b = start.get(id) as Balance
      accounts.set(id, { ...b, status, entity: id === FOREIGN_ACCOUNT ? 'other' : 'admin' })
    }
    const payments: ModelPayment[] = []
    let nowMs = Date.parse(NOW)
    let outflow = 0n
    const counts: Record<string, number> = {}
    const count = (what: string) => {
      counts[what] = (counts[what] ?? 0) + 1
    }

    /** What the settlement of a due payment does, as CONTRACT §4's table says. */
    const settleModel = (p: ModelPayment, by: 'due' | 'settle' | 'reject') => {
      const payer = accounts.get(p.payer) as ModelAccount
      const returnHold = (code: string) => {
        payer.available += p.amount
        payer.pending -= p.amount
        p.status = `REJECTED:${code}`
      }
      if (by === 'reject' || (by === 'due' && p.target.kind === 'reject')) return returnHold('B002')
      if (p.target.kind === 'internal') {
        const receiver = accounts.get(p.target.accountId) as ModelAccount
        if (receiver.status !== 'ACTIVE') return returnHold(receiver.status === 'CLOSED' ? 'AC04' : 'AC06')
        payer.pending -= p.amount
        receiver.available += p.amount
      } else {
        payer.pending -= p.amount
        outflow += p.amount
      }
      p.status = 'SETTLED'
    }

    const check = (step: string) => {
      const actual = dbBalances(app)
      const expected = new Map([...accounts].map(([id, a]) => [id, { available: a.available, pending: a.pending }]))
      t.same(show(actual), show(expected), `${step}: every balance as the model says (seed ${seed})`)
      t.equal(total(actual), startTotal - outflow, `${step}: the total changes exactly by what settled to outside banks (seed ${seed})`)
      t.same(negatives(actual), [], `${step}: no balance is negative`)
      t.same(dbStatuses(app), Object.fromEntries(payments.map((p) => [p.id, p.status]).sort(([a], [b]) => (a as string).localeCompare(b as string))), `${step}: every payment's status (seed ${seed})`)
    }

    for (let step = 0; step < STEPS; step++) {
      const roll = rand()
      const label = `step ${step}`
      if (roll < 0.55) {
        // A new payment.
        // Now and then from an INACTIVE account (409); otherwise from one that may pay.
        const [payerId, client] = rand() < 0.05 ? (PAYERS.at(-1) as [string, Client]) : pick(PAYERS.slice(0, -1))
        const targetRoll = rand()
        let keyValue: string
        let target: Target
        if (targetRoll < 0.4) {
          keyValue = pick(Object.keys(INTERNAL_KEYS))
          target = { kind: 'internal', accountId: INTERNAL_KEYS[keyValue] as string }
        } else if (targetRoll < 0.75) {
          keyValue = pick(OUTSIDE_VALUES)
          target = { kind: 'outside' }
        } else if (targetRoll < 0.88) {
          keyValue = REJECTED_AT_SETTLEMENT
          target = { kind: 'reject' }
        } else {
          keyValue = HELD
          target = { kind: 'hold' }
        }
        // Mostly small amounts; now and then more than the small accounts hold (AM04).
        const amount = BigInt(1 + Math.floor(rand() * (rand() < 0.8 ? 40_000 : 300_000)))
        const resolutionId = await resolve(app, headers[client], keyValue, client === 'other' ? OTHER_CUSTOMER : DOCS_CUSTOMER)
        const res = await pay(app, headers[client], payerId, resolutionId, amount)
        const payer = accounts.get(payerId) as ModelAccount
        if (payer.status !== 'ACTIVE') {
          t.equal(res.statusCode, 409, `${label}: a ${payer.status} payer is 409`)
          count('409')
        } else {
          t.equal(res.statusCode, 200, `${label}: payment accepted`)
          const body = res.json() as PaymentBody
          t.equal(minor(body.amount.value), amount, `${label}: the amount is answered exactly`)
          const p: ModelPayment = { id: body.id, payer: payerId, amount, target, dueMs: nowMs + SETTLEMENT_DELAY_MS, status: 'PROCESSING', resolutionId }
          if (payer.available < amount) {
            p.status = 'REJECTED:AM04'
            count('AM04')
          } else {
            payer.available -= amount
            payer.pending += amount
            count(`create:${target.kind}`)
          }
          t.equal(body.error === undefined ? body.status : `${body.status}:${body.error.error_code}`, p.status, `${label}: created ${p.status}`)
          payments.push(p)
        }
      } else if (roll < 0.62 && payments.length > 0) {
        // The same resolution paid again, with another amount: the first payment, nothing moves.
        const p = pick(payments)
        const [, client] = PAYERS.find(([id]) => id === p.payer) as [string, Client]
        const res = await pay(app, headers[client], pick(PAYERS)[0], p.resolutionId, BigInt(1 + Math.floor(rand() * 1000)))
        t.equal(res.statusCode, 200, `${label}: paying a resolution again`)
        t.equal((res.json() as PaymentBody).id, p.id, `${label}: answers the first payment`)
        count('repeat')
      } else if (roll < 0.82) {
        // The clock moves; the sweeper runs what fell due.
        const ms = Math.floor(rand() * 1500)
        time.advance(ms)
        nowMs += ms
        await app.services.sweeper.runDue()
        const due = payments.filter((p) => p.status === 'PROCESSING' && p.target.kind !== 'hold' && p.dueMs <= nowMs)
        for (const p of due) settleModel(p, 'due')
        count('runDue')
      } else if (roll < 0.88) {
        // A held payment is settled or rejected by hand (what /_mock will do).
        const held = payments.filter((p) => p.status === 'PROCESSING' && p.target.kind === 'hold')
        if (held.length === 0) continue
        const p = pick(held)
        const how = rand() < 0.5 ? 'settle' : 'reject'
        if (how === 'settle') app.services.settlement.settle(p.id)
        else app.services.settlement.reject(p.id, 'B002')
        settleModel(p, how)
        count(`manual:${how}`)
      } else {
        // A receiver changes status (no API for it yet: SQLite, as the README's QA would).
        const id = pick(FLIPPABLE)
        const status = pick(STATUSES)
        app.services.db.prepare('UPDATE accounts SET status = ? WHERE id = ?').run(status, id)
        app.services.stores.accounts.invalidate() // underneath the store's cache of accounts
        ;(accounts.get(id) as ModelAccount).status = status
        count('flip')
      }
      check(label)
    }

    // Wind down: everything due settles, every held payment is settled by hand.
    time.advance(SETTLEMENT_DELAY_MS)
    nowMs += SETTLEMENT_DELAY_MS
    await app.services.sweeper.runDue()
    for (const p of payments.filter((p) => p.status === 'PROCESSING' && p.target.kind !== 'hold')) settleModel(p, 'due')
    for (const p of payments.filter((p) => p.status === 'PROCESSING')) {
      app.services.settlement.settle(p.id)
      settleModel(p, 'settle')
    }
    check('end')
    for (const p of payments) count(`final:${p.status}`)
    t.comment(`seed ${seed}: ${JSON.stringify(counts)}`)
    const end = dbBalances(app)
    t.equal([...end.values()].reduce((sum, b) => sum + b.pending, 0n), startPending, 'no hold is left once every payment is final')
    const settledOutside = payments.filter((p) => p.status === 'SETTLED' && p.target.kind !== 'internal').reduce((sum, p) => sum + p.amount, 0n)
    t.equal(startTotal - total(end), settledOutside, 'what left is exactly what settled to outside banks')
    t.ok(payments.length >= 30, `the mix made payments (${payments.length})`)

    // Each internal settlement produced exactly one INBOUND record with the same amount and e2e id.
    const rows = app.services.db.prepare('SELECT direction, account_id, amount_minor, end_to_end_identification AS e2e, id, status FROM payments').all() as Array<{
      direction: string
      account_id: string
      amount_minor: string
      e2e: string
      id: string
      status: string
    }>
    const outbound = new Map(rows.filter((r) => r.direction === 'OUTBOUND').map((r) => [r.id, r]))
    const inbound = rows.filter((r) => r.direction === 'INBOUND')
    const internalSettled = payments.filter((p) => p.status === 'SETTLED' && p.target.kind === 'internal')
    t.equal(inbound.length, internalSettled.length, 'one INBOUND record per internal settlement')
    const inboundByE2e = new Map(inbound.map((r) => [r.e2e, r]))
    t.equal(inboundByE2e.size, inbound.length, 'INBOUND records have distinct e2e ids')
    t.ok(
      internalSettled.every((p) => {
        const r = inboundByE2e.get(outbound.get(p.id)?.e2e ?? '')
        return r !== undefined && BigInt(r.amount_minor) === p.amount && r.account_id === (p.target as { accountId: string }).accountId && r.status === 'SETTLED'
      }),
      'each INBOUND record has the amount, the receiver account and the e2e id of its payment',
    )
  })
}

// ---------------------------------------------------------------------------------------------
// No balance goes negative under concurrent requests

t.test('holds exactly what the balance covers when 200 payments arrive at once', async (t) => {
  const { app, time } = await buildTestApp(t)
  const admin = await bearer(app)
  const amount = 700n // 7.00 COP
  const before = dbBalances(app).get(SMALL_ACCOUNT) as Balance
  const covered = before.available / amount // 1000.00 / 7.00 → 142
  t.equal(covered, 142n)
  const resolutions = await Promise.all(Array.from({ length: 200 }, (_, i) => resolve(app, admin, i % 2 === 0 ? '3101234567' : '3107654321')))
  t.equal(new Set(resolutions).size, 200, 'each request has its own resolution')

  const answers = await Promise.all(resolutions.map((id) => pay(app, admin, SMALL_ACCOUNT, id, amount)))
  t.ok(
    answers.every((r) => r.statusCode === 200),
    'every request is answered 200',
  )
  const bodies = answers.map((r) => r.json() as PaymentBody)
  const processing = bodies.filter((b) => b.status === 'PROCESSING')
  const rejected = bodies.filter((b) => b.status === 'REJECTED')
  t.equal(BigInt(processing.length), covered, 'exactly as many PROCESSING as the balance covers')
  t.equal(rejected.length, 200 - Number(covered))
  t.ok(
    rejected.every((b) => b.error?.error_code === 'AM04' && b.error.error_description === 'Insufficient funds'),
    'the rest are REJECTED AM04',
  )
  t.equal(new Set(bodies.map((b) => b.id)).size, 200, '200 distinct payments')
  await expectMatchesSpec(t, app, answers[0] as (typeof answers)[number])
  await expectMatchesSpec(t, app, answers[199] as (typeof answers)[number])

  const after = dbBalances(app)
  const small = after.get(SMALL_ACCOUNT) as Balance
  t.equal(small.available, before.available - covered * amount, 'available − the covered holds')
  t.equal(small.pending, before.pending + covered * amount, 'pending + the covered holds')
  t.equal(small.available + small.pending, before.available + before.pending, 'available + pending unchanged')
  t.same(negatives(after), [])
  const api = (await app.inject({ url: `/v1/accounts/${SMALL_ACCOUNT}`, headers: admin })).json() as { available_balance: { value: string }; pending_balance: { value: string } }
  t.equal(minor(api.available_balance.value), small.available)
  t.equal(minor(api.pending_balance.value), small.pending)
  const events = app.services.db.prepare('SELECT type, COUNT(*) AS n FROM webhook_events GROUP BY type ORDER BY type').all()
  t.same(events, [
    { type: 'payment.outbound.confirmed', n: 142 },
    { type: 'payment.outbound.rejected', n: 58 },
  ])

  time.advance(SETTLEMENT_DELAY_MS)
  await app.services.sweeper.runDue()
  const settled = dbBalances(app).get(SMALL_ACCOUNT) as Balance
  t.same(settled, { available: before.available - covered * amount, pending: before.pending }, 'after settlement the holds have left')
  t.equal(total(dbBalances(app)), total(new Map([...after])) - covered * amount, 'the total dropped by exactly what settled outside')
})

t.test('makes one payment of one resolution paid many times at once', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await bearer(app)
  const resolutionId = await resolve(app, admin, '3101234567')
  const before = dbBalances(app).get(SMALL_ACCOUNT) as Balance
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => pay(app, admin, SMALL_ACCOUNT, resolutionId, BigInt(100 + i))))
  t.ok(
    answers.every((r) => r.statusCode === 200),
    'every request is answered 200',
  )
  const ids = new Set(answers.map((r) => (r.json() as PaymentBody).id))
  t.equal(ids.size, 1, 'one payment')
  const first = answers[0]?.json() as PaymentBody
  t.ok(
    answers.every((r) => r.body === answers[0]?.body),
    'every answer is the same payment',
  )
  const after = dbBalances(app).get(SMALL_ACCOUNT) as Balance
  t.equal(after.available, before.available - minor(first.amount.value), 'held once')
  t.equal(after.pending, before.pending + minor(first.amount.value))
  t.equal((app.services.db.prepare('SELECT COUNT(*) AS n FROM payments').get() as { n: number }).n, 1)
})

// ---------------------------------------------------------------------------------------------
// A status only moves forward

t.test('changes nothing once a payment is SETTLED or REJECTED', async (t) => {
  const { app, time } = await buildTestApp(t)
  const admin = await bearer(app)
  const other = await bearer(app, 'other')
  await registerKey(app, admin, ZERO_ACCOUNT, '3001000000')
  await registerKey(app, other, FOREIGN_ACCOUNT, '3002000403')

  const settledOutside = await payTo(app, admin, SMALL_ACCOUNT, '3101234567', 1000n)
  const settledInternal = await payTo(app, admin, DOCS_ACCOUNT, '3001000000', 2000n)
  const rejectedMagic = await payTo(app, admin, SMALL_ACCOUNT, REJECTED_AT_SETTLEMENT, 3000n)
  const rejectedFunds = await payTo(app, admin, ZERO_ACCOUNT, '3101234567', 99_999_999n)
  const rejectedReceiver = await payTo(app, admin, SECOND_ACCOUNT, '3002000403', 4000n)
  const heldSettled = await payTo(app, admin, SMALL_ACCOUNT, HELD, 5000n)
  const heldRejected = await payTo(app, admin, SMALL_ACCOUNT, HELD, 6000n)
  t.equal(rejectedFunds.status, 'REJECTED')
  // No API for an account's status yet: the receiver is blocked in SQLite before settlement.
  app.services.db.prepare("UPDATE accounts SET status = 'BLOCKED' WHERE id = ?").run(FOREIGN_ACCOUNT)
  app.services.stores.accounts.invalidate() // underneath the store's cache of accounts
  time.advance(SETTLEMENT_DELAY_MS)
  await app.services.sweeper.runDue()
  app.services.settlement.settle(heldSettled.id)
  app.services.settlement.reject(heldRejected.id, 'B002')

  const final = {
    [settledOutside.id]: 'SETTLED',
    [settledInternal.id]: 'SETTLED',
    [rejectedMagic.id]: 'REJECTED:B002',
    [rejectedFunds.id]: 'REJECTED:AM04',
    [rejectedReceiver.id]: 'REJECTED:AC06',
    [heldSettled.id]: 'SETTLED',
    [heldRejected.id]: 'REJECTED:B002',
  }
  t.same(dbStatuses(app), final, 'every payment reached its final status')

  const snapshot = () => ({
    payments: app.services.db.prepare('SELECT * FROM payments ORDER BY id').all(),
    accounts: app.services.db.prepare('SELECT id, status, available_minor, pending_minor, updated_at FROM accounts ORDER BY id').all(),
    events: eventCount(app),
  })
  const before = snapshot()

  // The receiver is ACTIVE again: a REJECTED payment still does not come back.
  app.services.db.prepare("UPDATE accounts SET status = 'ACTIVE' WHERE id = ?").run(FOREIGN_ACCOUNT)
  app.services.stores.accounts.invalidate()
  before.accounts = snapshot().accounts
  for (const ms of [0, SETTLEMENT_DELAY_MS, 24 * 60 * 60 * 1000]) {
    time.advance(ms)
    await app.services.sweeper.runDue()
  }
  // A day has passed: the morning's token expired (TOKEN_TTL_SECONDS), so take a new one.
  const fresh = await bearer(app)
  for (const id of Object.keys(final)) {
    t.throws(() => app.services.settlement.settle(id), { code: 'invalid_state', status: 409 }, `settle ${final[id]} is 409`)
    t.throws(() => app.services.settlement.reject(id, 'B002'), { code: 'invalid_state', status: 409 }, `reject ${final[id]} is 409`)
    t.notOk(app.services.stores.payments.finish(id, 'SETTLED', null, NOW), 'the store refuses to move a final payment')
    t.notOk(app.services.stores.payments.finish(id, 'REJECTED', { code: 'B002', description: 'B002' }, NOW), 'in either direction')
    const confirm = await app.inject({ method: 'POST', url: '/v1/payments/breb/confirm', headers: fresh, payload: { id } })
    t.equal(confirm.statusCode, 200)
    const body = confirm.json() as PaymentBody
    t.equal(body.error === undefined ? body.status : `${body.status}:${body.error.error_code}`, final[id], 'confirm answers it as it is')
  }
  t.same(snapshot(), before, 'payments, balances and events are unchanged')
})

// ---------------------------------------------------------------------------------------------
// State survives a restart

t.test('settles PROCESSING payments exactly once after a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-payments-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const databasePath = join(dir, 'passport-mock.sqlite')

  const first = await buildTestApp(t, { databasePath }, NOW)
  const admin1 = await bearer(first.app)
  await registerKey(first.app, admin1, ZERO_ACCOUNT, '3001000000')
  const internal = await payTo(first.app, admin1, SMALL_ACCOUNT, '3001000000', 10_000n)
  const outside = await payTo(first.app, admin1, DOCS_ACCOUNT, '3101234567', 55_055n)
  const magic = await payTo(first.app, admin1, SMALL_ACCOUNT, REJECTED_AT_SETTLEMENT, 5_000n)
  const held = await payTo(first.app, admin1, SMALL_ACCOUNT, HELD, 1_000n)
  first.time.advance(SETTLEMENT_DELAY_MS - 1)
  await first.app.services.sweeper.runDue()
  const beforeClose = dbBalances(first.app)
  t.same(
    dbStatuses(first.app),
    { [internal.id]: 'PROCESSING', [outside.id]: 'PROCESSING', [magic.id]: 'PROCESSING', [held.id]: 'PROCESSING' },
    'nothing was due before the restart',
  )
  const startTotal = total(beforeClose)
  await first.app.close()

  // The mock clock is wall time: the second process starts an hour later.
  const second = await buildTestApp(t, { databasePath }, '2026-01-15T13:00:00.000Z')
  const admin2 = await bearer(second.app)
  t.same(show(dbBalances(second.app)), show(beforeClose), 'balances and holds survived the restart (no fixtures reloaded)')
  const got = await second.app.inject({ url: `/v1/payments/${internal.id}`, headers: admin2 })
  t.equal(got.statusCode, 200)
  t.same(got.json(), internal, 'the payment survived as it was')
  await expectMatchesSpec(t, second.app, got)
  const eventsBefore = eventCount(second.app)
  t.equal(eventsBefore, 4, 'the confirmed events survived')

  await second.app.services.sweeper.runDue()
  const expected = { [internal.id]: 'SETTLED', [outside.id]: 'SETTLED', [magic.id]: 'REJECTED:B002', [held.id]: 'PROCESSING' }
  t.same(dbStatuses(second.app), expected, 'what fell due while down settles on the first pass')
  const after = dbBalances(second.app)
  const small = beforeClose.get(SMALL_ACCOUNT) as Balance
  t.same(show(new Map([[SMALL_ACCOUNT, after.get(SMALL_ACCOUNT) as Balance]])), show(new Map([[SMALL_ACCOUNT, { available: small.available + 5_000n, pending: small.pending - 15_000n }]])))
  t.same(after.get(ZERO_ACCOUNT), { available: 10_000n, pending: 0n })
  t.same(after.get(DOCS_ACCOUNT), { available: (beforeClose.get(DOCS_ACCOUNT) as Balance).available, pending: 0n })
  t.equal(total(after), startTotal - 55_055n, 'only the outside payment left')

  const snapshot = () => ({ payments: second.app.services.db.prepare('SELECT * FROM payments ORDER BY id').all(), balances: show(dbBalances(second.app)), events: eventCount(second.app) })
  const settledOnce = snapshot()
  t.equal(settledOnce.events, eventsBefore + 5, 'settled ×2, rejected ×1, inbound received and confirmed: once each')
  t.equal((second.app.services.db.prepare("SELECT COUNT(*) AS n FROM payments WHERE direction = 'INBOUND'").get() as { n: number }).n, 1)
  for (const ms of [0, 0, SETTLEMENT_DELAY_MS, 60 * 60 * 1000]) {
    second.time.advance(ms)
    await second.app.services.sweeper.runDue()
  }
  t.same(snapshot(), settledOnce, 'later passes change nothing')
  const list = await second.app.inject({ url: '/v1/payments?status=settled', headers: admin2 })
  t.equal(list.statusCode, 200)
  t.equal((list.json() as { payments: unknown[] }).payments.length, 3, 'two OUTBOUND and one INBOUND, listed once each')
  await expectMatchesSpec(t, second.app, list)
})

t.test('keeps the accounting exact after a restart with a held payment', async (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-payments-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const databasePath = join(dir, 'passport-mock.sqlite')
  const first = await buildTestApp(t, { databasePath }, NOW)
  const held = await payTo(first.app, await bearer(first.app), SMALL_ACCOUNT, HELD, 12_345n)
  await first.app.close()
  const second = await buildTestApp(t, { databasePath }, '2026-01-16T12:00:00.000Z')
  await second.app.services.sweeper.runDue()
  t.same(dbStatuses(second.app), { [held.id]: 'PROCESSING' }, 'a held payment waits across restarts')
  const before = dbBalances(second.app).get(SMALL_ACCOUNT) as Balance
  t.same(before, { available: 100_000n - 12_345n, pending: 25_050n + 12_345n })
  const rejected = second.app.services.settlement.reject(held.id, 'B002')
  t.equal(rejected.status, 'REJECTED')
  t.same(dbBalances(second.app).get(SMALL_ACCOUNT), { available: 100_000n, pending: 25_050n }, 'hold returned exactly')
})
