#!/usr/bin/env node
// `npm run bench` (issue 5): measures the built mock (dist/) as users start it against a bare
// node:http server that answers the same account JSON with no work (the floor), with autocannon
// on loopback. Writes bench/results.json and prints a markdown table.
//
//   node bench/run.mjs            full run: warm-up, 3 interleaved rounds of 10 s per scenario
//   node bench/run.mjs --quick    smoke run: 1 round of 2 s, fewer scenarios
//   node bench/run.mjs --profile  also a --cpu-prof of the mock under GET by id (bench/out/)
//
// (node 20 refuses --cpu-prof in NODE_OPTIONS, so the profiled child gets it on its command line.)
// Every child is spawned from this process and killed in a finally block; only 127.0.0.1 is used.
import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SERVER = join(ROOT, 'dist', 'server.js')
const CLI = join(ROOT, 'dist', 'cli.js')
const OUT = join(ROOT, 'bench', 'out')
const HOST = '127.0.0.1'

const args = new Set(process.argv.slice(2))
const QUICK = args.has('--quick')
const PROFILE = args.has('--profile')
const ROUNDS = QUICK ? 1 : 3
const DURATION = QUICK ? 2 : 10
const WARMUP = QUICK ? 1 : 3
const CONNECTIONS = 50
const ACCOUNTS = QUICK ? 2000 : 10000
const SEED_BIG = QUICK ? 20000 : 100000
const COLD_STARTS = QUICK ? 3 : 10
const RESETS = QUICK ? 10 : 50
const PAYER_BALANCE = 1_000_000_000 // whole pesos on the one paying account
const CLIENT = { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }

const children = new Set()
// Even if this process dies (an uncaught error, a closed stderr), no server outlives it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})
const tmp = mkdtempSync(join(os.tmpdir(), 'passport-mock-bench-'))
const log = (...parts) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const round1 = (x) => Math.round(x * 10) / 10

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  )
}

/** A free loopback port: listen on 0, read the port, close. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function spawnChild(argv, env) {
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)))
  child.stderrText = () => stderr
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

async function waitHttp(url, child, timeoutMs = 20000) {
  const start = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode}: ${child.stderrText()}`)
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {}
    if (Date.now() - start > timeoutMs) throw new Error(`${url} not up in ${timeoutMs} ms`)
    await sleep(20)
  }
}

/** What `npm start` runs after `node` (its V8 flags, then dist/server.js): the mock as users start it. */
const START_ARGS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  .scripts.start.split(' ')
  .slice(1)
  .map((arg) => (arg.endsWith('.js') ? join(ROOT, arg) : arg))

/** Starts the mock as `npm start` does: default configuration but the given env. */
async function startMock(dbPath, extraEnv = {}, nodeArgs = [], entry = START_ARGS) {
  const port = await freePort()
  const env = { ...process.env, PORT: String(port), HOST, DATABASE_PATH: dbPath, ...extraEnv }
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
  const child = spawnChild([...nodeArgs, ...entry], env)
  const url = `http://${HOST}:${port}`
  await waitHttp(`${url}/_mock/health`, child)
  return { child, url, pid: child.pid }
}

async function startFloor(body) {
  const port = await freePort()
  const code = `const body = Buffer.from(process.env.FLOOR_BODY); require('node:http').createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }); res.end(body) }).listen(${port}, '${HOST}')`
  const child = spawnChild(['-e', code], { ...process.env, FLOOR_BODY: body, NODE_OPTIONS: '' })
  const url = `http://${HOST}:${port}`
  await waitHttp(`${url}/`, child)
  return { child, url, pid: child.pid }
}

async function json(method, url, body, headers = {}) {
  const res = await withTimeout(
    fetch(url, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }),
    30000,
    `${method} ${url}`,
  )
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

async function token(url) {
  const res = await json('POST', `${url}/v1/iam/oauth/tokens`, CLIENT)
  if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.access_token
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? round1(Number(m[1]) / 1024) : null
  } catch {
    return null
  }
}

/** One autocannon run, bounded in time; returns the numbers the table needs. */
async function load(url, { duration, requests, headers, method, body, title, onInstance }) {
  let instance
  let sample = null // the first answer that is not 2xx, to say why
  requests = requests?.map((r) => ({
    ...r,
    onResponse: (status, body) => {
      if ((status < 200 || status > 299) && sample === null) sample = `${status} ${String(body).slice(0, 300)}`
    },
  }))
  const run = new Promise((resolve, reject) => {
    instance = autocannon({ url, connections: CONNECTIONS, duration, headers, method, body, requests, timeout: 10 }, (err, result) => (err ? reject(err) : resolve(result)))
  })
  onInstance?.(instance)
  const result = await withTimeout(run, (duration + 30) * 1000, title ?? url).catch((e) => {
    instance?.stop()
    throw e
  })
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']
  return {
    rps: round1(result['2xx'] / (result.duration || duration)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    ...(sample ? { first_non_2xx: sample } : {}),
  }
}

function summarise(name, runs, floorMedianRps, extra = {}) {
  return {
    scenario: name,
    rounds: runs.length,
    rps: median(runs.map((r) => r.rps)),
    p50_ms: median(runs.map((r) => r.p50)),
    p99_ms: median(runs.map((r) => r.p99)),
    max_p99_ms: Math.max(...runs.map((r) => r.p99)),
    ratio_to_floor: floorMedianRps ? Math.round((median(runs.map((r) => r.rps)) / floorMedianRps) * 1000) / 1000 : null,
    requests: runs.reduce((s, r) => s + r.total, 0),
    non_2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors + r.timeouts, 0),
    runs,
    ...extra,
  }
}

/** Seeds ACCOUNTS accounts under one new customer into a template database with the CLI. */
function seedTemplate() {
  const db = join(tmp, 'template.sqlite')
  const doc = join(tmp, 'accounts.json')
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({ available_balance: i === 0 ? `${PAYER_BALANCE}.00` : '1000.00' }))
  writeFileSync(doc, JSON.stringify({ customers: [{ business_name: 'Bench Customer' }], accounts }))
  const r = spawnSync(process.execPath, [CLI, 'seed', doc, '--db', db, '--json', '-q'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120000 })
  if (r.status !== 0) throw new Error(`seed failed: ${r.stderr}`)
  const created = JSON.parse(r.stdout)
  const ids = created.accounts.map((a) => a.id)
  const customerId = created.accounts[0].customer_id
  if (ids.length !== ACCOUNTS || created.accounts.some((a) => a.customer_id !== customerId)) throw new Error('seed: unexpected accounts')
  return { db, ids, customerId, payer: ids[0] }
}

function copyDb(template, name) {
  const path = join(tmp, `${name}.sqlite`)
  copyFileSync(template, path)
  for (const suffix of ['-wal', '-shm']) if (existsSync(template + suffix)) copyFileSync(template + suffix, path + suffix)
  return path
}

const randomPath = (ids) => (req) => ({ ...req, path: `/v1/accounts/${ids[(Math.random() * ids.length) | 0]}` })

/** Clones one real resolution `count` times straight into the file (the setup, not measured). */
function cloneResolutions(dbPath, resolutionId, count) {
  const db = new Database(dbPath)
  db.pragma('busy_timeout = 10000')
  try {
    const row = db.prepare('SELECT * FROM resolutions WHERE id = ?').get(resolutionId)
    if (!row) throw new Error('resolution row not found')
    const cols = Object.keys(row)
    const insert = db.prepare(`INSERT INTO resolutions (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`)
    const ids = []
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const id = randomUUID()
        insert.run({ ...row, id })
        ids.push(id)
      }
    })()
    return ids
  } finally {
    db.close()
  }
}

async function paymentsRound(mock, auth, payer, resolutionIds, duration) {
  let next = 0
  let instanceStop = null
  const requests = [
    {
      method: 'POST',
      path: '/v1/payments/breb',
      setupRequest: (req) => {
        if (next >= resolutionIds.length) {
          instanceStop?.()
          next = resolutionIds.length - 1 // replays answer 200 but are not counted: the check flags them
        }
        return { ...req, body: JSON.stringify({ account_id: payer, resolution_id: resolutionIds[next++], amount: { value: '1', currency: 'COP' } }) }
      },
    },
  ]
  const r = await load(mock.url, { duration, requests, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, title: 'payments', onInstance: (i) => (instanceStop = () => i.stop()) })
  return { ...r, used: Math.min(next, resolutionIds.length), exhausted: next >= resolutionIds.length - 1 }
}

async function main() {
  if (!existsSync(SERVER) || !existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)')
  const started = Date.now()
  const results = {
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memory_gib: round1(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      date: new Date().toISOString(),
    },
    settings: { quick: QUICK, rounds: ROUNDS, duration_s: DURATION, warmup_s: WARMUP, connections: CONNECTIONS, accounts: ACCOUNTS },
    scenarios: [],
    other: {},
    targets: [],
  }

  log('seeding', ACCOUNTS, 'accounts into a template database')
  const tpl = seedTemplate()

  // The mocks: default configuration (LOG_LEVEL info), LOG_LEVEL=warn, and warn with the journal off.
  const mocks = {}
  mocks.info = await startMock(copyDb(tpl.db, 'info'), { LOG_LEVEL: undefined, JOURNAL_SIZE: undefined })
  mocks.warn = await startMock(copyDb(tpl.db, 'warn'), { LOG_LEVEL: 'warn', JOURNAL_SIZE: undefined })
  if (!QUICK) mocks.nojournal = await startMock(copyDb(tpl.db, 'nojournal'), { LOG_LEVEL: 'warn', JOURNAL_SIZE: '0' })
  const auth = {}
  for (const [k, m] of Object.entries(mocks)) auth[k] = await token(m.url)

  const sample = await json('GET', `${mocks.warn.url}/v1/accounts/${tpl.ids[1]}`, undefined, { authorization: `Bearer ${auth.warn}` })
  if (sample.status !== 200) throw new Error(`GET account: ${sample.status}`)
  const floor = await startFloor(JSON.stringify(sample.body))
  // Two references between the floor and the mock (bench/reference-server.mjs): Fastify alone,
  // and the issue's naive Fastify + better-sqlite3 prototype reading the same file.
  const reference = async (mode, env) => {
    const port = await freePort()
    const child = spawnChild([join(ROOT, 'bench', 'reference-server.mjs'), mode], { ...process.env, PORT: String(port), HOST, ...env })
    const url = `http://${HOST}:${port}`
    await waitHttp(`${url}/`, child)
    return { child, url }
  }
  const bareFastify = await reference('fastify', { BODY: JSON.stringify(sample.body) })
  const naive = await reference('naive', { DATABASE_PATH: copyDb(tpl.db, 'naive') })

  const getById = (key) => ({ url: mocks[key].url, opts: { requests: [{ method: 'GET', setupRequest: randomPath(tpl.ids) }], headers: { authorization: `Bearer ${auth[key]}` } } })
  const scenarios = [
    { name: 'floor: node:http, same account JSON', floor: true, url: floor.url, opts: { requests: [{ method: 'GET', setupRequest: randomPath(tpl.ids) }] } },
    { name: 'reference: bare Fastify, same account JSON', url: bareFastify.url, opts: { requests: [{ method: 'GET', setupRequest: randomPath(tpl.ids) }] } },
    { name: 'reference: naive Fastify + better-sqlite3 (no auth, no hooks)', url: naive.url, opts: { requests: [{ method: 'GET', setupRequest: randomPath(tpl.ids) }] } },
    { name: 'GET /v1/accounts/:id, LOG_LEVEL=warn', ...getById('warn'), target: 'get' },
    { name: 'GET /v1/accounts/:id, default (info)', ...getById('info') },
    {
      name: 'POST /v1/iam/oauth/tokens',
      url: mocks.info.url,
      opts: { requests: [{ method: 'POST', path: '/v1/iam/oauth/tokens', body: JSON.stringify(CLIENT) }], headers: { 'content-type': 'application/json' } },
    },
    {
      name: 'GET /v1/accounts?customer_id&status (page of 20)',
      url: mocks.info.url,
      opts: {
        requests: [{ method: 'GET', path: `/v1/accounts?customer_id=${tpl.customerId}&status=ACTIVE&page_params.page_size=20&page_params.page_number=3` }],
        headers: { authorization: `Bearer ${auth.info}` },
      },
    },
  ]
  if (!QUICK) {
    scenarios.push({ name: 'GET /v1/accounts/:id, warn, JOURNAL_SIZE=0', ...getById('nojournal') })
    scenarios.push({ name: 'GET /v1/accounts/:id, warn, fault rule matching nothing', ...getById('warn'), fault: true })
  }

  // Check every scenario answers 200 once before loading it.
  for (const s of scenarios) {
    const first = s.opts.requests[0]
    const res = await fetch(s.url + (first.path ?? `/v1/accounts/${tpl.ids[2]}`), { method: first.method, headers: s.opts.headers, body: first.body })
    if (res.status !== 200) throw new Error(`${s.name}: ${res.status} ${await res.text()}`)
    await res.arrayBuffer().catch(() => {})
  }

  let faultId = null
  const setFault = async (on) => {
    if (on && faultId === null) {
      const r = await json('POST', `${mocks.warn.url}/_mock/faults`, { method: 'GET', path: '/v1/accounts/:account_id', account_id: '00000000-0000-4000-8000-000000000000', status: 500 })
      if (r.status !== 201) throw new Error(`fault: ${r.status} ${JSON.stringify(r.body)}`)
      faultId = r.body.id
    } else if (!on && faultId !== null) {
      const r = await fetch(`${mocks.warn.url}/_mock/faults/${faultId}`, { method: 'DELETE' })
      if (r.status !== 204) throw new Error(`fault delete: ${r.status}`)
      faultId = null
    }
  }

  log('warm-up')
  for (const s of scenarios) {
    await setFault(!!s.fault)
    await load(s.url, { duration: WARMUP, ...s.opts, title: s.name })
  }
  const runs = new Map(scenarios.map((s) => [s, []]))
  for (let round = 1; round <= ROUNDS; round++) {
    // Floor and mock alternate (A B A B …): floor, then each scenario, every round.
    for (const s of scenarios) {
      await setFault(!!s.fault)
      log(`round ${round}/${ROUNDS}:`, s.name)
      runs.get(s).push(await load(s.url, { duration: DURATION, ...s.opts, title: s.name }))
    }
  }
  await setFault(false)
  const floorRps = median(runs.get(scenarios[0]).map((r) => r.rps))
  for (const s of scenarios) results.scenarios.push(summarise(s.name, runs.get(s), s.floor ? null : floorRps))

  // Payments: resolutions made beforehand (one over HTTP, cloned in the file), only the payments counted.
  log('payments: preparing resolutions')
  const pay = mocks.info
  const resolution = await json('POST', `${pay.url}/v1/resolve-key`, { customer_id: tpl.customerId, key: { key_type: 'PHONE', key_value: '3157770001' } }, { authorization: `Bearer ${auth.info}` })
  if (resolution.status !== 200) throw new Error(`resolve-key: ${resolution.status} ${JSON.stringify(resolution.body)}`)
  const perRound = QUICK ? 20000 : 60000
  const resolutionIds = cloneResolutions(join(tmp, 'info.sqlite'), resolution.body.id, perRound * (ROUNDS + 1))
  const payRuns = []
  let paid = 0
  let used = 0
  let timedOut = 0
  for (let round = 0; round <= ROUNDS; round++) {
    const slice = resolutionIds.slice(round * perRound, (round + 1) * perRound)
    log(round === 0 ? 'payments: warm-up' : `payments: round ${round}/${ROUNDS}`)
    const r = await paymentsRound(pay, auth.info, tpl.payer, slice, round === 0 ? WARMUP : DURATION)
    paid += r.ok
    used += r.used
    timedOut += r.timeouts + r.errors
    if (round > 0) payRuns.push(r)
  }
  // Balances: every stored payment is 1 peso from the payer, and after settlement nothing is pending.
  // autocannon stops counting at the end of a run while up to CONNECTIONS requests are in flight,
  // and gives up on a request after 10 s, so the server may store a few more payments than 2xx were
  // counted (never more than those); the balances must match the stored payments exactly.
  // Settlement is due SETTLEMENT_DELAY_MS (1 s) after creation; wait (up to 60 s) until nothing is pending.
  let acct
  for (const deadline = Date.now() + 60000; ; await sleep(250)) {
    acct = await json('GET', `${pay.url}/v1/accounts/${tpl.payer}`, undefined, { authorization: `Bearer ${auth.info}` })
    if (Number(acct.body?.pending_balance?.value) === 0 || Date.now() > deadline) break
  }
  const list = await json('GET', `${pay.url}/v1/payments?account_id=${tpl.payer}&direction=OUTBOUND&page_params.page_size=1`, undefined, { authorization: `Bearer ${auth.info}` })
  const rejected = await json('GET', `${pay.url}/v1/payments?account_id=${tpl.payer}&status=REJECTED&page_params.page_size=1`, undefined, { authorization: `Bearer ${auth.info}` })
  const settled = await json('GET', `${pay.url}/v1/payments?account_id=${tpl.payer}&status=SETTLED&page_params.page_size=1`, undefined, { authorization: `Bearer ${auth.info}` })
  const stored = list.body?.pagination_info?.total_elements ?? null
  const balance = {
    counted_2xx: paid,
    client_timeouts_and_errors: timedOut,
    payments_stored: stored,
    settled: settled.status === 200 ? settled.body.pagination_info.total_elements : 0,
    rejected: rejected.status === 200 ? rejected.body.pagination_info.total_elements : 0,
    resolutions_used: used,
    available: acct.body?.available_balance?.value,
    pending: acct.body?.pending_balance?.value,
    expected_available: stored === null ? null : String(PAYER_BALANCE - stored),
    exhausted: payRuns.some((r) => r.exhausted),
  }
  balance.exact =
    stored !== null &&
    stored >= paid &&
    stored <= paid + CONNECTIONS * (ROUNDS + 1) + timedOut &&
    stored <= used &&
    balance.settled === stored &&
    balance.rejected === 0 &&
    balance.available === balance.expected_available &&
    Number(balance.pending) === 0 &&
    !balance.exhausted
  results.scenarios.push(summarise('POST /v1/payments/breb (distinct resolutions)', payRuns, null, { balances: balance }))

  // RSS after the load, from /proc.
  results.other.rss_after_load_mib = Object.fromEntries(Object.entries(mocks).map(([k, m]) => [k, rssMiB(m.pid)]))
  results.other.floor_rss_mib = rssMiB(floor.pid)

  // Reset of the default fixtures on a fresh default database.
  log('reset')
  {
    const m = await startMock(join(tmp, 'reset.sqlite'), { LOG_LEVEL: 'warn' })
    try {
      const times = []
      for (let i = 0; i < RESETS + 3; i++) {
        const t0 = performance.now()
        const r = await fetch(`${m.url}/_mock/reset`, { method: 'POST' })
        await r.arrayBuffer()
        if (r.status !== 204) throw new Error(`reset: ${r.status}`)
        if (i >= 3) times.push(performance.now() - t0)
      }
      results.other.reset_ms = { median: round1(median(times)), max: round1(Math.max(...times)), n: times.length }
    } finally {
      await stopChild(m.child)
    }
  }

  // Cold start: spawn of the start command on an existing database file → first 200 from the token endpoint.
  log('cold start')
  {
    const db = copyDb(tpl.db, 'cold')
    const warm = await startMock(db) // make sure the file is migrated and has its fixtures
    await stopChild(warm.child)
    const times = []
    for (let i = 0; i < COLD_STARTS; i++) {
      const port = await freePort()
      const t0 = performance.now()
      const child = spawnChild(START_ARGS, { ...process.env, PORT: String(port), HOST, DATABASE_PATH: db })
      try {
        for (;;) {
          if (child.exitCode !== null) throw new Error(`cold start exited: ${child.stderrText()}`)
          if (performance.now() - t0 > 20000) throw new Error('cold start: no 200 in 20 s')
          try {
            const r = await fetch(`http://${HOST}:${port}/v1/iam/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CLIENT) })
            await r.arrayBuffer()
            if (r.status === 200) break
          } catch {}
          await sleep(2)
        }
        times.push(performance.now() - t0)
      } finally {
        await stopChild(child)
      }
    }
    results.other.cold_start_ms = { median: round1(median(times)), min: round1(Math.min(...times)), max: round1(Math.max(...times)), n: times.length }
  }

  // Seed of SEED_BIG accounts under one customer into a file with the CLI.
  log('seed', SEED_BIG)
  {
    const doc = join(tmp, 'big.json')
    writeFileSync(doc, JSON.stringify({ customers: [{ business_name: 'Big' }], accounts: Array.from({ length: SEED_BIG }, () => ({})) }))
    const db = join(tmp, 'big.sqlite')
    const t0 = performance.now()
    const r = spawnSync(process.execPath, [CLI, 'seed', doc, '--db', db, '-q'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 })
    const ms = performance.now() - t0
    if (r.status !== 0) throw new Error(`seed ${SEED_BIG}: ${r.status} ${r.stderr}`)
    const check = new Database(db, { readonly: true })
    const count = check.prepare('SELECT count(*) AS n FROM accounts').get().n
    check.close()
    results.other.seed = { accounts: SEED_BIG, ms: Math.round(ms), accounts_in_file: count }
  }

  // Production install size: a copy with dev dependencies pruned, as test/packaging does.
  if (!QUICK) {
    log('production install size')
    const dir = join(tmp, 'prod')
    mkdirSync(dir)
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, file), join(dir, file))
    for (const folder of ['dist', 'db/migrations', 'fixtures']) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true })
    const linked = spawnSync('cp', ['-al', join(ROOT, 'node_modules'), join(dir, 'node_modules')])
    if (linked.status !== 0) throw new Error(`cp -al: ${linked.stderr}`)
    unlinkSync(join(dir, 'node_modules', '.package-lock.json'))
    copyFileSync(join(ROOT, 'node_modules', '.package-lock.json'), join(dir, 'node_modules', '.package-lock.json'))
    const pruned = spawnSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 180000 })
    if (pruned.status !== 0) throw new Error(`npm prune: ${pruned.stderr}`)
    const du = (p) => Number(spawnSync('du', ['-sb', p], { encoding: 'utf8' }).stdout.split('\t')[0])
    const packages = readdirSync(join(dir, 'node_modules')).filter((n) => !n.startsWith('.')).length
    results.other.production_install = { total_mib: round1(du(dir) / 2 ** 20), node_modules_mib: round1(du(join(dir, 'node_modules')) / 2 ** 20), top_level_packages: packages }
  }

  if (PROFILE) {
    for (const m of Object.values(mocks)) await stopChild(m.child)
    results.profiles = await profiles(tpl)
  }

  // Targets (reported, not enforced).
  const get = results.scenarios.find((s) => s.scenario === 'GET /v1/accounts/:id, LOG_LEVEL=warn')
  const payS = results.scenarios.find((s) => s.scenario.startsWith('POST /v1/payments'))
  const rss = Math.max(...Object.values(results.other.rss_after_load_mib).filter((x) => x !== null))
  const target = (what, value, met) => results.targets.push({ target: what, value, met })
  target('GET by id (warn) ≥ 0.6× floor', `${get.ratio_to_floor}×`, get.ratio_to_floor >= 0.6)
  target('GET by id (warn) p99 < 10 ms', `${get.p99_ms} ms (worst round ${get.max_p99_ms})`, get.max_p99_ms < 10)
  target('GET by id (warn) every answer 200', `${get.non_2xx} non-2xx, ${get.errors} errors`, get.non_2xx === 0 && get.errors === 0)
  target('payments ≥ 3,000/s with exact balances', `${payS.rps}/s, balances ${payS.balances.exact ? 'exact' : 'WRONG'}`, payS.rps >= 3000 && payS.balances.exact)
  target('cold start < 300 ms (median)', `${results.other.cold_start_ms.median} ms`, results.other.cold_start_ms.median < 300)
  target('reset < 50 ms', `${results.other.reset_ms.median} ms`, results.other.reset_ms.median < 50)
  target(`seed ${SEED_BIG.toLocaleString('en')} accounts < 5 s`, `${results.other.seed.ms} ms`, results.other.seed.ms < 5000)
  target('RSS after load < 120 MiB', `${rss} MiB`, rss < 120)
  results.elapsed_s = Math.round((Date.now() - started) / 1000)

  mkdirSync(join(ROOT, 'bench'), { recursive: true })
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(markdown(results))
}

function markdown(r) {
  const lines = []
  const m = r.machine
  lines.push(`### passport-mock benchmark — ${m.date.slice(0, 10)}`, '')
  lines.push(`${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, Node ${m.node}; autocannon, ${CONNECTIONS} connections, loopback, ${r.settings.rounds} round(s) of ${r.settings.duration_s} s after ${r.settings.warmup_s} s warm-up; medians.`, '')
  lines.push('| scenario | req/s | × floor | p50 ms | p99 ms | non-2xx + errors |', '|---|---:|---:|---:|---:|---:|')
  for (const s of r.scenarios) lines.push(`| ${s.scenario} | ${Math.round(s.rps).toLocaleString('en')} | ${s.ratio_to_floor ?? '—'} | ${s.p50_ms} | ${s.p99_ms} | ${s.non_2xx + s.errors} |`)
  lines.push('', '| measure | value |', '|---|---:|')
  lines.push(`| cold start (spawn → first token 200), median of ${r.other.cold_start_ms.n} | ${r.other.cold_start_ms.median} ms |`)
  lines.push(`| POST /_mock/reset, median of ${r.other.reset_ms.n} | ${r.other.reset_ms.median} ms |`)
  lines.push(`| \`passport-mock seed\` of ${r.other.seed.accounts.toLocaleString('en')} accounts | ${r.other.seed.ms} ms |`)
  lines.push(`| RSS after load (${Object.keys(r.other.rss_after_load_mib).join(' / ')}) | ${Object.values(r.other.rss_after_load_mib).join(' / ')} MiB |`)
  if (r.other.production_install) lines.push(`| production install (du -sb) | ${r.other.production_install.total_mib} MiB (node_modules ${r.other.production_install.node_modules_mib} MiB) |`)
  lines.push('', '| target | value | met |', '|---|---|---|')
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.value} | ${t.met ? 'yes' : '**no**'} |`)
  for (const p of r.profiles ?? []) {
    lines.push('', `CPU profile of the mock (LOG_LEVEL=warn) under ${p.scenario}, self time of ${p.busy_ms} ms busy (${p.file}):`, '', '| package | self % |', '|---|---:|')
    for (const x of p.packages.slice(0, 12)) lines.push(`| ${x.name} | ${x.pct} |`)
    lines.push('', '| function | self % |', '|---|---:|')
    for (const f of p.functions.slice(0, 20)) lines.push(`| ${f.name} | ${f.pct} |`)
  }
  return lines.join('\n') + '\n'
}

/** The mock at LOG_LEVEL=warn under --cpu-prof while `drive` loads it; the profile summarised by package and function. */
async function profile(tpl, name, drive) {
  log(`profile: ${name} under --cpu-prof`)
  mkdirSync(OUT, { recursive: true })
  const before = new Set(readdirSync(OUT))
  const dbPath = copyDb(tpl.db, `profile-${name.replace(/[^a-z]+/gi, "-")}`)
  // `passport-mock serve` runs the same server from tsc's separate modules (dist/server.js is one
  // bundled file), so the profile can name the package each function comes from.
  const m = await startMock(dbPath, { LOG_LEVEL: 'warn' }, ['--cpu-prof', `--cpu-prof-dir=${OUT}`], [CLI, 'serve'])
  try {
    await drive(m, await token(m.url), dbPath)
  } finally {
    await stopChild(m.child)
  }
  const file = readdirSync(OUT).find((f) => f.endsWith('.cpuprofile') && !before.has(f))
  if (!file) return { scenario: name, file: null, packages: [], functions: [] }
  return { scenario: name, file: `bench/out/${file}`, ...summariseProfile(JSON.parse(readFileSync(join(OUT, file), 'utf8'))) }
}

async function profiles(tpl) {
  const duration = QUICK ? 2 : 10
  const get = await profile(tpl, 'GET /v1/accounts/:id', (m, auth) =>
    load(m.url, { duration, requests: [{ method: 'GET', setupRequest: randomPath(tpl.ids) }], headers: { authorization: `Bearer ${auth}` }, title: 'profile GET' }),
  )
  const payments = await profile(tpl, 'POST /v1/payments/breb', async (m, auth, dbPath) => {
    const r = await json('POST', `${m.url}/v1/resolve-key`, { customer_id: tpl.customerId, key: { key_type: 'PHONE', key_value: '3157770002' } }, { authorization: `Bearer ${auth}` })
    if (r.status !== 200) throw new Error(`resolve-key: ${r.status}`)
    await paymentsRound(m, auth, tpl.payer, cloneResolutions(dbPath, r.body.id, QUICK ? 20000 : 60000), duration)
  })
  return [get, payments]
}

function packageOf(url) {
  if (!url) return '(native/gc/idle)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  if (url.startsWith('node:')) return 'node core'
  const dist = url.indexOf('/dist/')
  if (dist >= 0) return 'passport-mock ' + url.slice(dist + 6).split('/').slice(0, -1).join('/')
  return url
}

function summariseProfile(profile) {
  const dt = new Map()
  const { samples, timeDeltas, nodes } = profile
  for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0))
  let total = 0
  const byPkg = new Map()
  const byFn = new Map()
  for (const n of nodes) {
    const t = dt.get(n.id) ?? 0
    if (!t) continue
    const { functionName, url, lineNumber } = n.callFrame
    if (functionName === '(idle)') continue
    total += t
    const pkg = functionName === '(garbage collector)' ? '(gc)' : functionName === '(program)' ? '(program)' : packageOf(url)
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t)
    const fn = `${functionName || '(anonymous)'} ${pkg === '(gc)' || pkg === '(program)' ? '' : `[${pkg}${url && !url.includes('node_modules') && !url.startsWith('node:') ? ':' + (lineNumber + 1) : ''}]`}`.trim()
    byFn.set(fn, (byFn.get(fn) ?? 0) + t)
  }
  const rank = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([name, t]) => ({ name, pct: Math.round((t / total) * 1000) / 10 }))
  return { busy_ms: Math.round(total / 1000), packages: rank(byPkg), functions: rank(byFn).slice(0, 40) }
}

const overall = setTimeout(() => {
  log('overall time limit reached')
  process.exitCode = 1
  cleanup().then(() => process.exit(1))
}, (QUICK ? 5 : 30) * 60 * 1000)
overall.unref()

async function cleanup() {
  await Promise.all([...children].map((c) => stopChild(c).catch(() => c.kill('SIGKILL'))))
  rmSync(tmp, { recursive: true, force: true })
}

try {
  await main()
} catch (error) {
  log('failed:', error.stack ?? error)
  process.exitCode = 1
} finally {
  await cleanup()
  clearTimeout(overall)
}
