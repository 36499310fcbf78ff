#!/usr/bin/env node
// The write path's own measurement (issue 15), beside `npm run bench` (which another change
// owns): payment creation under wrk, and the webhook sender's drain rate to a healthy receiver
// in another process. Only 127.0.0.1, free ports from the system, children killed on exit.
//
//   npm run build, then:
//   node scripts/measure-writepath.mjs payments [--seconds 10] [--connections 50] [--log-level info] [--prof DIR | --perf FILE]
//   node scripts/measure-writepath.mjs webhooks [--events 4000] [--prof DIR]
//   DIST=distA,distB node scripts/measure-writepath.mjs payments --runs 6 …   (interleave builds, alternating which goes first)
//
// payments: one payer with 1,000,000,000 pesos, resolutions cloned in the file beforehand (the
// setup, not measured), a 2 s warm-up, then wrk -t1 -c50 with a distinct resolution per request.
// webhooks: events written into the outbox before the server starts, drained to a receiver in
// another process. Prints one JSON line per run: the rate, the server's CPU per operation
// (utime+stime from /proc, the whole process and its main thread: steadier than the rate on a
// shared machine), the load average, and the checks (payments: every stored payment settled and
// moved exactly its amount; webhooks: every event arrived once and every job is delivered).
// --prof writes V8 CPU profiles (--cpu-prof), --perf a `perf record` of the measured run.
import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { cloneResolutions, freePort } from '../bench/setup.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The builds to measure (DIST=a,b compares a copy of the previous build beside dist/ with it). */
const DISTS = (process.env.DIST ?? 'dist').split(',').map((d) => resolve(ROOT, d))
const HOST = '127.0.0.1'
const CLIENT = { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }
const PAYER_BALANCE = 1_000_000_000n

const [mode = 'payments', ...rest] = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = rest.indexOf(`--${name}`)
  return i === -1 ? dflt : rest[i + 1]
}
const children = new Set()
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL')
})
const tmp = mkdtempSync(join(os.tmpdir(), 'measure-writepath-'))
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function cpuSeconds(pid, thread = false) {
  // The whole process, or only its main thread (the event loop: /proc/<pid>/task/<pid>).
  const fields = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  // utime and stime, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function startMock(dist, dbPath, env = {}, nodeArgs = []) {
  const port = await freePort()
  const child = spawn(process.execPath, ['--max-semi-space-size=4', ...nodeArgs, join(dist, 'server.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST, DATABASE_PATH: dbPath, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.add(child)
  const url = `http://${HOST}:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/_mock/health`)).ok) break
    } catch {}
    if (i > 500) throw new Error('mock not up')
    await sleep(20)
  }
  return { child, url }
}

async function stop(child) {
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
  children.delete(child)
}

async function json(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body && JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

function seed(dist, dbPath, accounts) {
  const doc = join(tmp, 'accounts.json')
  writeFileSync(doc, JSON.stringify({ customers: [{ business_name: 'Measure Customer' }], accounts: Array.from({ length: accounts }, (_, i) => ({ available_balance: i === 0 ? `${PAYER_BALANCE}.00` : '1000.00' })) }))
  const r = spawnSync(process.execPath, [join(dist, 'cli.js'), 'seed', doc, '--db', dbPath, '--json', '-q'], { encoding: 'utf8', maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(r.stderr)
  const created = JSON.parse(r.stdout)
  return { payer: created.accounts[0].id, customerId: created.accounts[0].customer_id }
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ')

/** One run on `dist`; `run` names its files (each run has its own). */
async function payments(dist, run) {
  const seconds = Number(opt('seconds', '10'))
  const connections = Number(opt('connections', '50'))
  const prof = opt('prof', undefined)
  const dbPath = join(tmp, `pay-${run}.sqlite`)
  const { payer, customerId } = seed(dist, dbPath, 1000)
  const perf = opt('perf', undefined)
  // --log-level info is what `npm run bench` runs (the default level); warn leaves the log line out.
  const mock = await startMock(dist, dbPath, { LOG_LEVEL: opt('log-level', 'warn') }, prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : perf ? ['--perf-basic-prof'] : [])
  const token = (await json('POST', `${mock.url}/v1/iam/oauth/tokens`, CLIENT)).body.access_token
  const auth = { authorization: `Bearer ${token}` }
  const res = await json('POST', `${mock.url}/v1/resolve-key`, { customer_id: customerId, key: { key_type: 'PHONE', key_value: '3157770001' } }, auth)
  if (res.status !== 200) throw new Error(JSON.stringify(res))
  const ids = cloneResolutions(dbPath, res.body.id, 12000 * seconds + 20000)
  // The warm-up and the measured run use different resolutions: a replay is answered without a payment.
  const warmFile = join(tmp, 'warm.txt')
  const idsFile = join(tmp, 'ids.txt')
  writeFileSync(warmFile, ids.slice(0, 20000).join('\n') + '\n')
  writeFileSync(idsFile, ids.slice(20000).join('\n') + '\n')
  const lua = join(tmp, 'post.lua')
  writeFileSync(
    lua,
    `local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer ${token}"
request = function()
  i = i + 1
  if i > #ids then i = #ids end
  return wrk.format(nil, "/v1/payments/breb", nil, '{"account_id":"${payer}","resolution_id":"' .. ids[i] .. '","amount":{"value":"1","currency":"COP"}}')
end
`,
  )
  // Warm-up of 2 s on the first ids, then the measured run.
  spawnSync('wrk', ['-t1', `-c${connections}`, '-d2s', '-s', lua, `${mock.url}/v1/payments/breb`], { encoding: 'utf8', env: { ...process.env, IDS_FILE: warmFile } })
  const stored0 = storedCount(dbPath, payer)
  const cpu0 = cpuSeconds(mock.child.pid)
  const main0 = cpuSeconds(mock.child.pid, true)
  const loadBefore = load()
  // perf record of the server over the measured run (its JIT symbols from --perf-basic-prof).
  const recorder = perf ? spawn('perf', ['record', '-F', '499', '-g', '-p', String(mock.child.pid), '-o', perf], { stdio: 'ignore' }) : undefined
  const w = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', lua, `${mock.url}/v1/payments/breb`], { encoding: 'utf8', env: { ...process.env, IDS_FILE: idsFile } })
  const cpu1 = cpuSeconds(mock.child.pid)
  const main1 = cpuSeconds(mock.child.pid, true)
  if (recorder) {
    recorder.kill('SIGINT')
    await new Promise((r) => recorder.once('exit', r))
  }
  const stored1 = storedCount(dbPath, payer)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(w.stdout)?.[1])
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(w.stdout)?.[1] ?? 0)
  const p99 = /99%\s+([\d.]+\w+)/.exec(w.stdout)?.[1]
  // Balances: wait for settlement, then every stored payment moved exactly 1 peso.
  let acct
  for (let i = 0; i < 240; i++) {
    acct = (await json('GET', `${mock.url}/v1/accounts/${payer}`, undefined, auth)).body
    if (Number(acct.pending_balance.value) === 0) break
    await sleep(250)
  }
  await stop(mock.child)
  const db = new Database(dbPath, { readonly: true })
  const counts = db.prepare("SELECT status, COUNT(*) AS n FROM payments WHERE account_id = ? AND direction = 'OUTBOUND' GROUP BY status").all(payer)
  db.close()
  const stored = counts.reduce((s, r) => s + r.n, 0)
  const settled = counts.find((r) => r.status === 'SETTLED')?.n ?? 0
  // Amounts are answered as text; whole pesos may come without decimals.
  const whole = (value) => value.replace(/\.0+$/, '')
  const exact = settled === stored && whole(acct.available_balance.value) === String(PAYER_BALANCE - BigInt(stored)) && whole(acct.pending_balance.value) === '0'
  console.log(
    JSON.stringify({
      mode: 'payments',
      dist: relative(ROOT, dist),
      rps,
      p99,
      non2xx,
      stored_in_run: stored1 - stored0,
      cpu_us_per_payment: Math.round(((cpu1 - cpu0) * 1e6) / Math.max(1, stored1 - stored0)),
      main_thread_us_per_payment: Math.round(((main1 - main0) * 1e6) / Math.max(1, stored1 - stored0)),
      balances_exact: exact,
      stored,
      available: acct.available_balance.value,
      load_before: loadBefore,
      load_after: load(),
    }),
  )
  if (!exact) console.log(w.stdout)
}

function storedCount(dbPath, payer) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 10000')
  try {
    return db.prepare("SELECT COUNT(*) AS n FROM payments WHERE account_id = ? AND direction = 'OUTBOUND'").get(payer).n
  } finally {
    db.close()
  }
}

/** A receiver in a process of its own, answering 200 'ok' and counting distinct event ids. */
async function startReceiver() {
  const port = await freePort()
  const code = `
    const seen = new Set(); let dup = 0, first = 0, last = 0
    require('node:http').createServer((req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        const id = JSON.parse(Buffer.concat(chunks)).id
        if (seen.has(id)) dup++; else seen.add(id)
        const now = performance.now(); if (!first) first = now; last = now
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
      })
    }).listen(${port}, '${HOST}')
    setInterval(() => process.stdout.write(JSON.stringify({ n: seen.size, dup, ms: last - first }) + '\\n'), 100)
  `
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.add(child)
  let lastLine = { n: 0, dup: 0, ms: 0 }
  let buf = ''
  child.stdout.on('data', (d) => {
    buf += d
    const lines = buf.split('\n')
    buf = lines.pop()
    if (lines.length) lastLine = JSON.parse(lines[lines.length - 1])
  })
  await sleep(300)
  return { child, url: `http://${HOST}:${port}/hooks`, state: () => lastLine }
}

/** One run on `dist`; `run` names its files (each run has its own). */
async function webhooks(dist, run) {
  const n = Number(opt('events', '4000'))
  const receiver = await startReceiver()
  const dbPath = join(tmp, `hooks-${run}.sqlite`)
  // The events are written straight into the outbox before the mock starts: what a burst of
  // payments leaves, without their own cost in the measurement.
  seed(dist, dbPath, 10)
  {
    const db = new Database(dbPath)
    const insertEvent = db.prepare('INSERT INTO webhook_events (id, entity_id, type, body, created_at, seq) VALUES (?, ?, ?, ?, ?, ?)')
    const insertJob = db.prepare("INSERT INTO webhook_jobs (id, event_id, endpoint_id, url, attempts, next_attempt_ms, state) VALUES (?, ?, 'env', ?, 0, ?, 'pending')")
    const entity = db.prepare('SELECT id FROM entities LIMIT 1').get()?.id ?? 'entity'
    const body = (id) => JSON.stringify({ id, type: 'payment.outbound.confirmed', created_at: new Date().toISOString(), data: { filler: 'x'.repeat(900) } })
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = randomUUID()
        insertEvent.run(id, entity, 'payment.outbound.confirmed', body(id), new Date().toISOString(), i + 1)
        insertJob.run(randomUUID(), id, receiver.url, Date.now())
      }
    })()
    db.close()
  }
  const loadBefore = load()
  const prof = opt('prof', undefined)
  const mock = await startMock(dist, dbPath, { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: 'whsec_measure' }, prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])
  const cpu0 = cpuSeconds(mock.child.pid)
  const t0 = performance.now()
  while (receiver.state().n < n && performance.now() - t0 < 120000) await sleep(20)
  const cpu1 = cpuSeconds(mock.child.pid)
  const st = receiver.state()
  await sleep(300)
  await stop(mock.child)
  await stop(receiver.child)
  const db = new Database(dbPath, { readonly: true })
  const states = db.prepare('SELECT state, COUNT(*) AS n FROM webhook_jobs GROUP BY state').all()
  const attempts = db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get().n
  db.close()
  console.log(
    JSON.stringify({
      mode: 'webhooks',
      dist: relative(ROOT, dist),
      events: n,
      received: st.n,
      duplicates: st.dup,
      first_to_last_s: +(st.ms / 1000).toFixed(2),
      per_second: Math.round(st.n / (st.ms / 1000)),
      cpu_us_per_delivery: Math.round(((cpu1 - cpu0) * 1e6) / n),
      jobs: states,
      attempts_logged: attempts,
      load_before: loadBefore,
      load_after: load(),
    }),
  )
}

try {
  if (mode !== 'payments' && mode !== 'webhooks') throw new Error(`unknown mode ${mode}`)
  // Builds alternate which goes first (A B, B A, …): in session 8's payment pairs the second run
  // of a pair cost ~26 µs more per payment whichever build it was (the first one's write-back).
  let run = 0
  for (let r = 0; r < Number(opt('runs', '1')); r++) {
    for (const dist of r % 2 === 0 ? DISTS : DISTS.toReversed()) await (mode === 'payments' ? payments : webhooks)(dist, ++run)
  }
} finally {
  for (const c of children) c.kill('SIGKILL')
  rmSync(tmp, { recursive: true, force: true })
}
