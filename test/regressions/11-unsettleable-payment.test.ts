import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { ManualTime } from '../../src/core/clock.js'
import { bearer } from '../helpers/auth.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Issue 11 item 2: the sweeper stopped its batch at the first payment that threw, and that
// payment was first again on every pass: 20 of 20 later payments stayed PROCESSING.

// Fixtures of CONTRACT §6.
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const ZERO_ACCOUNT = '00000000-0000-4000-8000-000000000000'
const SETTLEMENT_DELAY_MS = 1000

type Headers = { authorization: string }

/** The real app with a manual clock and the warn lines it logs. */
async function setup(t: Test) {
  const time = new ManualTime('2026-01-15T12:00:00.000Z')
  const lines: Array<{ level: number; msg: string }> = []
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as { level: number; msg: string })
      done()
    },
  })
  const app = await buildApp({ ...loadConfig({}), databasePath: ':memory:', logLevel: 'warn' }, { timeSource: time, sweepIntervalMs: 0, logStream })
  t.teardown(() => app.close())
  return { app, time, lines, admin: await bearer(app) }
}

/** Resolves a PHONE value for a customer and pays it from an account; the payment's id. */
async function payTo(app: FastifyInstance, headers: Headers, accountId: string, keyValue: string, value: string, customerId = DOCS_CUSTOMER): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/v1/resolve-key', headers, payload: { customer_id: customerId, key: { key_type: 'PHONE', key_value: keyValue } } })
  if (r.statusCode !== 200) throw new Error(`resolve-key failed: ${r.statusCode} ${r.body}`)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/payments/breb',
    headers,
    payload: { account_id: accountId, resolution_id: (r.json() as { id: string }).id, amount: { value, currency: 'COP' } },
  })
  if (res.statusCode !== 200) throw new Error(`payment failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

/** Twenty payments made after the broken one, each to a value of its own. */
async function twentyLater(app: FastifyInstance, admin: Headers): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < 20; i++) ids.push(await payTo(app, admin, DOCS_ACCOUNT, `31000000${String(i).padStart(2, '0')}`, '1.00'))
  return ids
}

function statuses(app: FastifyInstance, ids: string[]): string[] {
  return ids.map((id) => (app.services.db.prepare('SELECT status FROM payments WHERE id = ?').get(id) as { status: string }).status)
}

function payment(app: FastifyInstance, id: string) {
  return app.services.db.prepare('SELECT status, settle_at, error_code FROM payments WHERE id = ?').get(id) as { status: string; settle_at: string | null; error_code: string | null }
}

function pendingOf(app: FastifyInstance, id: string): string {
  return (app.services.db.prepare('SELECT pending_minor FROM accounts WHERE id = ?').get(id) as { pending_minor: string }).pending_minor
}

/** Several sweeper passes, the clock moved each time: a blocked queue would show on every one. */
async function passes(app: FastifyInstance, time: ManualTime, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    time.advance(SETTLEMENT_DELAY_MS)
    await app.services.sweeper.runDue()
  }
}

const warnings = (lines: Array<{ level: number; msg: string }>) => lines.filter((l) => l.level >= 40)

t.test('a payment whose payer no longer holds its amount is set aside with one line; the 20 after it settle', async (t) => {
  const { app, time, lines, admin } = await setup(t)
  const broken = await payTo(app, admin, SECOND_ACCOUNT, '3001230001', '10.00', SECOND_CUSTOMER)
  // The hold gone from under it (an older import, a hand edit): settling and rejecting both
  // would take the pending balance below zero, which the store refuses.
  app.services.db.prepare("UPDATE accounts SET pending_minor = '0' WHERE id = ?").run(SECOND_ACCOUNT)
  app.services.stores.accounts.invalidate()
  time.advance(1) // the broken one is due first
  const later = await twentyLater(app, admin)
  await passes(app, time, 5)
  t.same(statuses(app, later), Array(20).fill('SETTLED'), 'all 20 later payments settled')
  t.match(payment(app, broken), { status: 'PROCESSING', settle_at: null, error_code: null }, 'set aside: out of the queue, still PROCESSING')
  t.equal(pendingOf(app, SECOND_ACCOUNT), '0', 'no balance was touched')
  const said = warnings(lines)
  t.equal(said.length, 1, 'one line in five passes, not one per pass')
  t.match(said[0]?.msg, new RegExp(`payment ${broken} could neither settle nor be rejected \\(a stored balance can never be negative\\): set aside, still PROCESSING`))
})

t.test('a payment whose stored receiver is damaged JSON is set aside by id; the 20 after it settle', async (t) => {
  const { app, time, lines, admin } = await setup(t)
  const broken = await payTo(app, admin, SECOND_ACCOUNT, '3001230002', '10.00', SECOND_CUSTOMER)
  app.services.db.prepare("UPDATE payments SET receiver = '{\"account\":' WHERE id = ?").run(broken)
  time.advance(1)
  const later = await twentyLater(app, admin)
  await passes(app, time, 3)
  t.same(statuses(app, later), Array(20).fill('SETTLED'))
  t.match(payment(app, broken), { status: 'PROCESSING', settle_at: null })
  t.equal(pendingOf(app, SECOND_ACCOUNT), '1000', 'its hold of 10.00 stays on the payer, for /_mock to move')
  t.equal(warnings(lines).length, 1)
  t.match(warnings(lines)[0]?.msg, `payment ${broken} could neither settle nor be rejected`)
})

t.test('a payment whose settle step fails on 3 passes but whose rejection can be written is REJECTED MS03, its hold back', async (t) => {
  const { app, time, lines, admin } = await setup(t)
  // An internal receiver: ZERO_ACCOUNT with a key; crediting it fails (a storage-level refusal,
  // simulated by a trigger), while the payer's side of a rejection still writes.
  const key = await app.inject({ method: 'POST', url: '/v1/keys', headers: admin, payload: { account_id: ZERO_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001230003' } } })
  t.equal(key.statusCode, 200)
  const pendingBefore = pendingOf(app, SECOND_ACCOUNT)
  const broken = await payTo(app, admin, SECOND_ACCOUNT, '3001230003', '10.00', SECOND_CUSTOMER)
  app.services.db.exec(`CREATE TEMP TRIGGER refuse_credit BEFORE UPDATE OF available_minor ON accounts WHEN OLD.id = '${ZERO_ACCOUNT}'
    BEGIN SELECT RAISE(ABORT, 'the receiver account refuses credits'); END`)
  time.advance(1)
  const later = await twentyLater(app, admin)
  await passes(app, time, 2)
  t.same(statuses(app, later), Array(20).fill('SETTLED'))
  t.match(payment(app, broken), { status: 'PROCESSING' }, 'two failed passes: it is tried again')
  t.equal(warnings(lines).length, 0, 'nothing logged yet')
  await passes(app, time, 1)
  t.match(payment(app, broken), { status: 'REJECTED', error_code: 'MS03' }, 'given up on the third')
  t.equal(pendingOf(app, SECOND_ACCOUNT), pendingBefore, 'the hold went back')
  const res = await app.inject({ url: `/v1/payments/${broken}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'REJECTED', error: { error_code: 'MS03', error_description: 'Not specified reason agent generated' } })
  await expectMatchesSpec(t, app, res)
  t.equal(warnings(lines).length, 1)
  t.match(warnings(lines)[0]?.msg, `payment ${broken} could not settle (the receiver account refuses credits): REJECTED with MS03`)
})

t.test('PUT /_mock/state refuses a document whose pending balance does not cover its unsettled payments, naming the account', async (t) => {
  const { app, admin } = await setup(t)
  await payTo(app, admin, SECOND_ACCOUNT, '3001230004', '10.00', SECOND_CUSTOMER)
  const exported = (await app.inject({ url: '/_mock/state' })).body
  const doc = JSON.parse(exported) as { accounts: Array<Record<string, unknown>> }
  const i = doc.accounts.findIndex((a) => a.id === SECOND_ACCOUNT)
  const held = BigInt(doc.accounts[i]!.pending_minor as string)
  // As it is, it goes back in.
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: doc })).statusCode, 204)
  doc.accounts[i]!.pending_minor = String(held - 1n)
  const res = await app.inject({ method: 'PUT', url: '/_mock/state', payload: doc })
  expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', `Field 'accounts[${i}].pending_minor' (account ${SECOND_ACCOUNT}) is ${held - 1n} but its PROCESSING and PENDING payments hold ${held}`, '_mock')
  await expectMatchesSpec(t, app, res)
  t.equal((await app.inject({ url: '/_mock/state' })).body, exported, 'nothing changed')
})
