import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { type ChildServer, startChildServer, stopChildServer } from './child-server.js'

/*
 * Crash safety (issue 5): a server serving from a database file is SIGKILLed in the middle of
 * a burst of concurrent writes. Every write that was acknowledged (a 2xx received) must be
 * there after a restart on the same file, with the acknowledged values; the ledger must agree
 * with the payments table; money is conserved; SQLite's integrity check passes; and payments
 * left PROCESSING settle after the restart. A write that was in flight at the kill may or may
 * not have landed: the checks read the database for those, they never assume either way.
 */

const SETTLEMENT_DELAY_MS = 3000
const WORKERS = 32
/** The kill comes after this many acknowledged writes, or after KILL_AFTER_MS, whichever first. */
const KILL_AFTER_ACKS = 300
const KILL_AFTER_MS = 4000

const CUSTOMER = '7c0ffee0-0000-4000-8000-000000000000'
const ACCOUNTS = [1, 2, 3, 4, 5, 6].map((n) => `7c0ffee0-0000-4000-8000-00000000000${n}`)
const PHONE_OF = (n: number) => `340000000${n + 1}`
const INITIAL = '1000'

function minor(value: string): bigint {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/.exec(value)
  if (!match) throw new Error(`not a money value: ${value}`)
  return BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'))
}

function decimal(m: bigint): string {
  const cents = m % 100n
  return cents === 0n ? `${m / 100n}` : `${m / 100n}.${cents.toString().padStart(2, '0')}`
}

type Json = Record<string, unknown>

interface Ack {
  kind: 'customer' | 'account' | 'key' | 'payment' | 'seed'
  body: Json
  raw: LightMyRequestResponse
}

async function call(url: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json; raw: LightMyRequestResponse }> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  // `raw` carries the few fields of a light-my-request response that expectMatchesSpec reads.
  const raw = { statusCode: res.status, headers: Object.fromEntries(res.headers), body: text, json: () => JSON.parse(text) as unknown, raw: { req: { method, url: path } } }
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json), raw: raw as unknown as LightMyRequestResponse }
}

async function token(url: string): Promise<string> {
  const res = await call(url, 'POST', '/v1/iam/oauth/tokens', { ...CLIENTS.admin, grant_type: 'client_credentials' })
  if (res.status !== 200) throw new Error(`token: ${res.status}`)
  return res.body.access_token as string
}

interface LedgerRow {
  id: string
  available_minor: string
  pending_minor: string
}

function readLedger(dbPath: string) {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true })
  try {
    const accounts = db.prepare('SELECT id, available_minor, pending_minor FROM accounts').all() as LedgerRow[]
    const payments = db.prepare('SELECT id, account_id, direction, status, amount_minor FROM payments').all() as Array<{ id: string; account_id: string; direction: string; status: string; amount_minor: string }>
    return { accounts: new Map(accounts.map((a) => [a.id, { available: BigInt(a.available_minor), pending: BigInt(a.pending_minor) }])), payments }
  } finally {
    db.close()
  }
}

function totalOf(accounts: Map<string, { available: bigint; pending: bigint }>): bigint {
  let sum = 0n
  for (const a of accounts.values()) sum += a.available + a.pending
  return sum
}

t.test('keeps every acknowledged write, a consistent ledger and a sound file across a SIGKILL mid-burst', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 'crash.sqlite')
  const env = { DATABASE_PATH: dbPath, SETTLEMENT_DELAY_MS: String(SETTLEMENT_DELAY_MS) }

  // ---- before the burst: six funded internal accounts with a key each
  const first: ChildServer = await startChildServer(t, env)
  const seeded = await call(first.url, 'POST', '/_mock/seed', {
    customers: [{ id: CUSTOMER, business_name: 'Crash Test S.A.S.' }],
    accounts: ACCOUNTS.map((id) => ({ id, customer_id: CUSTOMER, available_balance: INITIAL })),
    keys: ACCOUNTS.map((id, n) => ({ account_id: id, key: { key_type: 'PHONE', key_value: PHONE_OF(n) } })),
  })
  t.equal(seeded.status, 200, 'the setup seed is stored')
  const bearer = await token(first.url)
  const before = readLedger(dbPath)
  const totalBefore = totalOf(before.accounts)
  for (const id of ACCOUNTS) t.same(before.accounts.get(id), { available: minor(INITIAL), pending: 0n })

  // ---- the burst
  const acks: Ack[] = []
  let next = 0
  let inFlight = 0
  let inFlightAtKill = -1
  let killed = false
  const seedBalance = '12.34'
  const kill = () => {
    if (killed) return
    killed = true
    inFlightAtKill = inFlight
    first.child.kill('SIGKILL')
  }
  const ack = (a: Ack) => {
    acks.push(a)
    if (acks.length >= KILL_AFTER_ACKS) kill()
  }

  async function one(i: number): Promise<void> {
    const url = first.url
    switch (i % 5) {
      case 0: {
        const res = await call(
          url,
          'POST',
          '/v1/customers/business/link',
          {
            business_name: `Crash ${i}`,
            email: `crash${i}@example.com`,
            mobile_phone_number: '+573001112233',
            identification_type: 'NIT',
            identification_number: `71${String(i).padStart(7, '0')}`,
            address: { line_1: 'Calle 1', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
            merchant_category_code: '5734',
          },
          bearer,
        )
        if (res.status === 200) ack({ kind: 'customer', body: res.body, raw: res.raw })
        return
      }
      case 1: {
        const res = await call(url, 'POST', '/v1/accounts/link', { customer_id: CUSTOMER, account_type: 'ORDINARY', account_number: `77${i}` }, bearer)
        if (res.status === 200) ack({ kind: 'account', body: res.body, raw: res.raw })
        return
      }
      case 2: {
        const res = await call(url, 'POST', '/v1/keys', { account_id: ACCOUNTS[i % 6], key: { key_type: 'PHONE', key_value: `35${String(i).padStart(8, '0')}` } }, bearer)
        if (res.status === 200) ack({ kind: 'key', body: res.body, raw: res.raw })
        return
      }
      case 3: {
        const payer = (i * 7) % 6
        const receiver = (payer + 1 + (i % 5)) % 6
        const resolved = await call(url, 'POST', '/v1/resolve-key', { customer_id: CUSTOMER, key: { key_type: 'PHONE', key_value: PHONE_OF(receiver) } }, bearer)
        if (resolved.status !== 200) return
        const amount = decimal(100n + BigInt((i * 7919) % 4900))
        const res = await call(url, 'POST', '/v1/payments/breb', { account_id: ACCOUNTS[payer], resolution_id: resolved.body.id, amount: { value: amount, currency: 'COP' } }, bearer)
        if (res.status === 200) ack({ kind: 'payment', body: res.body, raw: res.raw })
        return
      }
      default: {
        const res = await call(url, 'POST', '/_mock/seed', {
          customers: [{ id: randomUUID(), business_name: `Crash seed ${i}` }],
          accounts: [{ id: randomUUID(), available_balance: seedBalance }],
        })
        if (res.status === 200) ack({ kind: 'seed', body: res.body, raw: res.raw })
      }
    }
  }

  const startedAt = Date.now()
  const killTimer = setTimeout(kill, KILL_AFTER_MS)
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (!killed) {
        const i = next++
        inFlight++
        try {
          await one(i)
        } catch {
          // The connection died with the server: not acknowledged.
        } finally {
          inFlight--
        }
      }
    }),
  )
  clearTimeout(killTimer)
  const gone = await first.exited
  t.equal(gone.signal, 'SIGKILL', 'the first server died of SIGKILL')
  t.ok(inFlightAtKill > 0, `requests were in flight at the kill (${inFlightAtKill})`)
  t.comment(`burst: ${next} operations started, ${acks.length} acknowledged, killed after ${Date.now() - startedAt} ms`)
  const byKind = (kind: Ack['kind']) => acks.filter((a) => a.kind === kind).map((a) => a.body)
  // The same build, in-process, serves the OpenAPI document the answers are checked against.
  const { app: spec } = await buildTestApp(t)
  for (const kind of ['customer', 'account', 'key', 'payment', 'seed'] as const) {
    const sample = acks.find((a) => a.kind === kind)
    t.ok(sample, `some ${kind} writes were acknowledged`)
    if (sample) await expectMatchesSpec(t, spec, sample.raw)
  }

  // ---- what the file holds while no server runs (a read-only look: nothing settles meanwhile)
  const processingAtRestart = new Set(readLedger(dbPath).payments.filter((p) => p.status === 'PROCESSING').map((p) => p.id))

  // ---- restart on the same file
  const second = await startChildServer(t, env)
  const bearer2 = await token(second.url)
  const get = (path: string) => call(second.url, 'GET', path, undefined, bearer2)

  for (const c of byKind('customer')) t.same((await get(`/v1/customers/${c.id as string}`)).body, c, `customer ${c.id as string} survived as acknowledged`)
  for (const a of byKind('account')) t.same((await get(`/v1/accounts/${a.id as string}`)).body, a, `account ${a.id as string} survived as acknowledged`)
  for (const k of byKind('key')) t.same((await get(`/v1/keys/${k.id as string}`)).body, k, `key ${k.id as string} survived as acknowledged`)
  const seededAccounts = new Set<string>()
  for (const s of byKind('seed')) {
    for (const c of s.customers as Json[]) t.same((await get(`/v1/customers/${c.id as string}`)).body, c, 'a seeded customer survived as acknowledged')
    for (const a of s.accounts as Json[]) {
      seededAccounts.add(a.id as string)
      const res = await get(`/v1/accounts/${a.id as string}`)
      t.same(res.body, a, 'a seeded account survived as acknowledged')
      t.same(res.body.available_balance, { value: seedBalance, currency: 'COP' }, 'with its seeded balance')
    }
  }
  const processingAcked = new Set<string>()
  for (const p of byKind('payment')) {
    const res = await get(`/v1/payments/${p.id as string}`)
    t.equal(res.status, 200)
    if (processingAcked.size === 0) await expectMatchesSpec(t, spec, res.raw)
    const { status, updated_at: _u, ...rest } = res.body
    const { status: ackStatus, updated_at: _v, ...ackRest } = p
    t.same(rest, ackRest, `payment ${p.id as string} survived with its acknowledged fields`)
    if (ackStatus === 'PROCESSING') {
      processingAcked.add(p.id as string)
      t.ok(status === 'PROCESSING' || status === 'SETTLED', `payment ${p.id as string} moved only forward (${String(status)})`)
    } else t.equal(status, ackStatus, `payment ${p.id as string} kept its final status`)
  }

  // ---- the ledger agrees with the payments table, and money is conserved
  function checkLedger(label: string) {
    const { accounts, payments } = readLedger(dbPath)
    for (const [n, id] of ACCOUNTS.entries()) {
      let available = minor(INITIAL)
      let pending = 0n
      for (const p of payments) {
        const amount = BigInt(p.amount_minor)
        if (p.account_id !== id) continue
        if (p.direction === 'OUTBOUND' && p.status === 'PROCESSING') {
          available -= amount
          pending += amount
        }
        if (p.direction === 'OUTBOUND' && p.status === 'SETTLED') available -= amount
        if (p.direction === 'INBOUND' && p.status === 'SETTLED') available += amount
      }
      t.same(accounts.get(id), { available, pending }, `${label}: account ${n + 1}'s balances are its payments' sum`)
    }
    t.same(
      [...accounts].filter(([, b]) => b.available < 0n || b.pending < 0n).map(([id]) => id),
      [],
      `${label}: no balance is negative`,
    )
    // Outside flows of the burst: burst seeds that landed (acknowledged or not) brought their balance.
    let seededIn = 0n
    for (const id of accounts.keys()) if (!before.accounts.has(id) && accounts.get(id)?.available === minor(seedBalance)) seededIn += minor(seedBalance)
    for (const id of seededAccounts) t.ok(accounts.has(id), `${label}: acknowledged seeded account ${id} is in the file`)
    t.equal(decimal(totalOf(accounts)), decimal(totalBefore + seededIn), `${label}: money is conserved`)
    return payments
  }
  checkLedger('at restart')
  const carried = [...processingAcked].filter((id) => processingAtRestart.has(id))
  t.ok(carried.length > 0, `acknowledged payments were still PROCESSING in the file after the kill (${carried.length} of ${processingAcked.size})`)

  // ---- PROCESSING payments settle after the restart (bounded poll on the real clock)
  const deadline = Date.now() + SETTLEMENT_DELAY_MS + 8000
  const stillProcessing = () => readLedger(dbPath).payments.filter((p) => p.status === 'PROCESSING').length
  while (stillProcessing() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  t.equal(stillProcessing(), 0, 'every PROCESSING payment settled after the restart')
  for (const id of carried) t.equal((await get(`/v1/payments/${id}`)).body.status, 'SETTLED', `acknowledged payment ${id}, PROCESSING at the restart, settled`)
  checkLedger('after settlement')

  // ---- a clean close, then SQLite's own checks on the file
  await stopChildServer(second)
  t.equal(second.child.exitCode, 0, 'the second server closed cleanly')
  const db = new BetterSqlite3(dbPath, { fileMustExist: true })
  try {
    t.same(db.pragma('integrity_check'), [{ integrity_check: 'ok' }], 'PRAGMA integrity_check is ok')
    t.same(db.pragma('foreign_key_check'), [], 'no dangling foreign key')
  } finally {
    db.close()
  }
})
