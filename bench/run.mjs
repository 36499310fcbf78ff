#!/usr/bin/env node
// `npm run bench` (issues 5 and 15): measures the built mock (dist/) as users start it against a
// bare node:http server that answers the same account JSON with no work (the floor), two
// reference servers and the peers a user would pick instead (WireMock, Prism, Mockoon CLI, each
// serving that JSON as one static stub), all in one interleaved run. The load generator is wrk
// (one thread, 50 connections, a Lua script per scenario: bench/lib.mjs) when `wrk` is on PATH,
// else autocannon; every table says which. Then payments and their balances, how cost grows from
// 10,000 to 1,000,000 accounts, webhook deliveries a second, cold start and memory. Writes
// bench/results.json and prints markdown tables.
//
//   node bench/run.mjs              full run: warm-up, 3 interleaved rounds of 10 s per scenario
//   node bench/run.mjs --quick      smoke run (< 2 min): 1 round of 2 s, small databases (bench/out/results-quick.json)
//   node bench/run.mjs --profile    also a --cpu-prof of the mock under GET by id (bench/out/)
//   node bench/run.mjs --autocannon use autocannon even when wrk is installed
//   node bench/run.mjs --no-peers   without WireMock, Prism and Mockoon
//   node bench/run.mjs --no-scale   without the big database (its seeding takes a while)
//
// The peers are not dependencies: `npm run bench:peers` installs them into bench/.peers/
// (git-ignored); the bench also finds them on PATH. A missing one is listed with that command.
// (node 20 refuses --cpu-prof in NODE_OPTIONS, so the profiled child gets it on its command line.)
// Every child is spawned from this process and killed in a finally block; only 127.0.0.1 is used.
// While one server is loaded (or a cold start timed), every other server of the run is stopped
// (SIGSTOP, then SIGCONT: bench/setup.mjs withOthersStopped), so none takes a share of the cores.
import { spawn, spawnSync } from 'node:child_process'
import { accessSync, constants as fsConstants, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createRequire } from 'node:module'
import os from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { cloneResolutions, freePort, processTree, withOthersStopped } from './setup.mjs'
import { issue15Targets, markdown, median, parseArgs, parseWrk, round1, SCENARIO, summarise, wrkLua } from './lib.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SERVER = join(ROOT, 'dist', 'server.js')
const CLI = join(ROOT, 'dist', 'cli.js')
const OUT = join(ROOT, 'bench', 'out')
const PEERS_DIR = join(ROOT, 'bench', '.peers')
const PEERS_INSTALL = 'npm run bench:peers'
const HOST = '127.0.0.1'

const OPTIONS = parseArgs(process.argv.slice(2))
const QUICK = OPTIONS.quick
const PROFILE = OPTIONS.profile
const ROUNDS = QUICK ? 1 : 3
const DURATION = QUICK ? 2 : 10
const WARMUP = QUICK ? 1 : 3
const CONNECTIONS = 50
const ACCOUNTS = QUICK ? 2000 : 10000
const ACCOUNTS_BIG = QUICK ? 20000 : 1_000_000
const COLD_STARTS = QUICK ? 3 : 10
const PEER_COLD_STARTS = QUICK ? 1 : 3
const RESETS = QUICK ? 10 : 50
const IDLE_BEFORE_RSS_S = 10
const WEBHOOK_PAYMENTS = QUICK ? 500 : 5000
const PAYER_BALANCE = 1_000_000_000 // whole pesos on the one paying account
const CLIENT = { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }

/** An executable on PATH, or null. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    try {
      accessSync(join(dir, name), fsConstants.X_OK)
      return join(dir, name)
    } catch {}
  }
  return null
}

const WRK = OPTIONS.forceAutocannon ? null : onPath('wrk')
const WRK_VERSION = WRK ? (/wrk\s+(\S+)/.exec(spawnSync(WRK, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 'unknown') : null
const AUTOCANNON_VERSION = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version
const GENERATOR = WRK ? `wrk ${WRK_VERSION} (-t1 -c${CONNECTIONS}, Lua script)` : `autocannon ${AUTOCANNON_VERSION} (-c${CONNECTIONS}${OPTIONS.forceAutocannon ? ', --autocannon' : ', wrk not on PATH: apt-get install wrk'})`

const children = new Set()
// Even if this process dies (an uncaught error, a closed stderr), no server outlives it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})
const tmp = mkdtempSync(join(os.tmpdir(), 'passport-mock-bench-'))
const log = (...parts) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  )
}

/** A child of this process (node unless `command` says otherwise), killed at the end whatever happens. */
function spawnChild(argv, env, command = process.execPath) {
  const child = spawn(command, argv, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] })
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
  // A stopped child (withOthersStopped) acts on SIGTERM only once continued.
  child.kill('SIGCONT')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

async function waitHttp(url, child, timeoutMs = 30000, init = undefined) {
  const start = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode}: ${child.stderrText()}`)
    try {
      const res = await fetch(url, init)
      await res.arrayBuffer()
      if (res.ok) return
    } catch {}
    if (Date.now() - start > timeoutMs) throw new Error(`${url} not up in ${timeoutMs} ms: ${child.stderrText()}`)
    await sleep(5)
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
  child.benchUrl = url
  await waitHttp(`${url}/_mock/health`, child)
  return { child, url, pid: child.pid }
}

async function startFloor(body) {
  const port = await freePort()
  const code = `const body = Buffer.from(process.env.FLOOR_BODY); require('node:http').createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }); res.end(body) }).listen(${port}, '${HOST}')`
  const child = spawnChild(['-e', code], { ...process.env, FLOOR_BODY: body, NODE_OPTIONS: '' })
  const url = `http://${HOST}:${port}`
  child.benchUrl = url
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

/** RSS of a process and its descendants (a peer started through a wrapper runs in a child). */
function rssTreeMiB(pid) {
  const sizes = [...processTree(pid)].map(rssMiB).filter((x) => x !== null)
  return sizes.length ? round1(sizes.reduce((a, b) => a + b, 0)) : null
}

/** `measure`, with every other server of the bench stopped meanwhile (bench/setup.mjs). */
const alone = (url, measure) => withOthersStopped(children, url, measure)

/** The ids file a wrk script reads (one id a line), written once per array. */
const idFiles = new Map()
function idsFile(ids) {
  let file = idFiles.get(ids)
  if (!file) {
    file = join(tmp, `ids-${idFiles.size}.txt`)
    writeFileSync(file, ids.join('\n') + '\n')
    idFiles.set(ids, file)
  }
  return file
}

/**
 * One load run of a scenario (bench/lib.mjs wrkLua describes the shapes), bounded in time;
 * returns the numbers the table needs. wrk when installed, else autocannon.
 */
async function load(url, scenario, duration, title = url) {
  return WRK ? loadWrk(url, scenario, duration, title) : loadAutocannon(url, scenario, duration, title)
}

let scriptCount = 0
async function loadWrk(url, scenario, duration, title) {
  const ids = scenario.pathIds?.ids ?? scenario.bodyIds?.ids
  const script = join(tmp, `wrk-${scriptCount++}.lua`)
  writeFileSync(script, wrkLua(scenario, ids ? idsFile(ids) : undefined))
  const child = spawn(WRK, ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '--timeout', '10s', '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)))
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  try {
    const code = await withTimeout(exited, (duration + 30) * 1000, title)
    if (code !== 0) throw new Error(`${title}: wrk exited with ${code}: ${stderr}${stdout.slice(-1000)}`)
  } finally {
    children.delete(child)
    if (child.exitCode === null) child.kill('SIGKILL')
  }
  return parseWrk(stdout)
}

async function loadAutocannon(url, scenario, duration, title) {
  const { method = 'GET', headers = {}, path = '/', pathIds, bodyIds, body } = scenario
  let instance
  let sample = null // the first answer that is not 2xx, to say why
  let used = 0
  let exhausted = false
  const request = { method, path, headers, body }
  if (pathIds) {
    request.setupRequest = (req) => {
      used++
      return { ...req, path: pathIds.prefix + pathIds.ids[(Math.random() * pathIds.ids.length) | 0] + (pathIds.suffix ?? '') }
    }
  } else if (bodyIds) {
    request.setupRequest = (req) => {
      if (used >= bodyIds.ids.length) {
        // Out of ids: stop; the request returned now repeats the last one and is flagged by exhausted.
        exhausted = true
        instance?.stop()
        return { ...req, body: bodyIds.prefix + bodyIds.ids[bodyIds.ids.length - 1] + bodyIds.suffix }
      }
      return { ...req, body: bodyIds.prefix + bodyIds.ids[used++] + bodyIds.suffix }
    }
  }
  request.onResponse = (status, resBody) => {
    if ((status < 200 || status > 299) && sample === null) sample = `${status} ${String(resBody).slice(0, 300)}`
  }
  const run = new Promise((resolve, reject) => {
    instance = autocannon({ url, connections: CONNECTIONS, duration, requests: [request], timeout: 10 }, (err, result) => (err ? reject(err) : resolve(result)))
  })
  const result = await withTimeout(run, (duration + 30) * 1000, title).catch((e) => {
    instance?.stop()
    throw e
  })
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']
  return {
    rps: round1(result['2xx'] / (result.duration || duration)),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    used,
    exhausted,
    ...(sample ? { first_non_2xx: sample } : {}),
  }
}

/** Seeds `count` accounts under one new customer (the first the payer) into a new file with the CLI; times it. */
function seedFile(name, count) {
  const db = join(tmp, `${name}.sqlite`)
  const doc = join(tmp, `${name}.json`)
  const accounts = Array.from({ length: count }, (_, i) => (i === 0 ? { available_balance: `${PAYER_BALANCE}.00` } : {}))
  // Accounts without customer_id share one new customer per document (CONTRACT §5).
  writeFileSync(doc, JSON.stringify({ accounts }))
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [CLI, 'seed', doc, '--db', db, '-q'], { cwd: ROOT, encoding: 'utf8', timeout: 15 * 60 * 1000 })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`seed ${count}: ${r.status} ${r.error ?? ''} ${r.stderr}`)
  const bytes = ['', '-wal'].reduce((sum, suffix) => sum + (existsSync(db + suffix) ? statSync(db + suffix).size : 0), 0)
  // The ids and the customer, read from the file (setup, not measured).
  const check = new Database(db, { readonly: true })
  try {
    const customerId = check.prepare('SELECT customer_id FROM accounts ORDER BY rowid DESC LIMIT 1').pluck().get()
    const ids = check.prepare('SELECT id FROM accounts WHERE customer_id = ? ORDER BY rowid').pluck().all(customerId)
    if (ids.length !== count) throw new Error(`seed ${name}: ${ids.length} accounts, not ${count}`)
    return { db, ids, customerId, payer: ids[0], seed: { accounts: count, ms: Math.round(ms), bytes } }
  } finally {
    check.close()
  }
}

function copyDb(template, name) {
  const path = join(tmp, `${name}.sqlite`)
  copyFileSync(template, path)
  for (const suffix of ['-wal', '-shm']) if (existsSync(template + suffix)) copyFileSync(template + suffix, path + suffix)
  return path
}

/** POST /v1/payments/breb, 1 peso each from the payer, each resolution once. */
const paymentScenario = (auth, payer, resolutionIds) => ({
  method: 'POST',
  path: '/v1/payments/breb',
  headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
  bodyIds: { ids: resolutionIds, prefix: `{"account_id":"${payer}","resolution_id":"`, suffix: '","amount":{"value":"1","currency":"COP"}}' },
})

/** One paying mock's payment rounds: resolutions made beforehand (one over HTTP, cloned in the file). */
async function preparePayments(m, auth, seeded, dbPath, perRound, rounds) {
  const resolution = await json('POST', `${m.url}/v1/resolve-key`, { customer_id: seeded.customerId, key: { key_type: 'PHONE', key_value: '3157770001' } }, { authorization: `Bearer ${auth}` })
  if (resolution.status !== 200) throw new Error(`resolve-key: ${resolution.status} ${JSON.stringify(resolution.body)}`)
  const ids = cloneResolutions(dbPath, resolution.body.id, perRound * rounds)
  return Array.from({ length: rounds }, (_, i) => ids.slice(i * perRound, (i + 1) * perRound))
}

/**
 * Balances after the payment rounds: every stored payment is 1 peso from the payer, and after
 * settlement nothing is pending. The load generator stops counting at the end of a run while up
 * to CONNECTIONS requests are in flight (and gives up on one after 10 s), so the server may store
 * a few more payments than 2xx were counted (never more than those); the balances must match the
 * stored payments exactly. Settlement is due SETTLEMENT_DELAY_MS (1 s) after creation; wait (up
 * to 60 s) until nothing is pending.
 */
async function checkBalances(m, auth, payer, runs, allRuns) {
  const paid = allRuns.reduce((s, r) => s + r.ok, 0)
  const used = allRuns.reduce((s, r) => s + r.used, 0)
  const timedOut = allRuns.reduce((s, r) => s + r.timeouts + r.errors, 0)
  let acct
  for (const deadline = Date.now() + 60000; ; await sleep(250)) {
    acct = await json('GET', `${m.url}/v1/accounts/${payer}`, undefined, { authorization: `Bearer ${auth}` })
    if (Number(acct.body?.pending_balance?.value) === 0 || Date.now() > deadline) break
  }
  const count = async (query) => {
    const r = await json('GET', `${m.url}/v1/payments?account_id=${payer}&${query}&page_params.page_size=1`, undefined, { authorization: `Bearer ${auth}` })
    return r.status === 200 ? r.body.pagination_info.total_elements : null
  }
  const stored = await count('direction=OUTBOUND')
  const balance = {
    counted_2xx: paid,
    client_timeouts_and_errors: timedOut,
    payments_stored: stored,
    settled: await count('status=SETTLED'),
    rejected: await count('status=REJECTED'),
    resolutions_used: used,
    available: acct.body?.available_balance?.value,
    pending: acct.body?.pending_balance?.value,
    expected_available: stored === null ? null : String(PAYER_BALANCE - stored),
    exhausted: runs.some((r) => r.exhausted),
  }
  balance.exact =
    stored !== null &&
    stored >= paid &&
    stored <= paid + CONNECTIONS * allRuns.length + timedOut &&
    stored <= used &&
    balance.settled === stored &&
    balance.rejected === 0 &&
    balance.available === balance.expected_available &&
    Number(balance.pending) === 0 &&
    !balance.exhausted
  return balance
}

// ---------------------------------------------------------------------------------------------
// The peers: each serves the same account JSON as one static stub on GET /v1/accounts/{id}.

const peersRequire = createRequire(join(PEERS_DIR, 'package.json'))
/** A file inside an installed package of bench/.peers, or null. */
function peerFile(pkg, ...rest) {
  try {
    return join(dirname(peersRequire.resolve(`${pkg}/package.json`)), ...rest)
  } catch {
    return null
  }
}

/**
 * How to start each peer on a port, or why it cannot start here. Options chosen to give each
 * its best case as a static stub: WireMock without its request journal (unbounded by default),
 * Mockoon with templating off for the route; Prism as it comes.
 */
function peerDefinitions(account) {
  const body = JSON.stringify(account)
  const defs = []
  {
    // WireMock standalone: the registry's `wiremock` package ships the jar; run on a JRE.
    const dir = peerFile('wiremock', 'build')
    const jar = dir && existsSync(dir) ? readdirSync(dir).find((f) => /^wiremock-standalone-.*\.jar$/.test(f)) : null
    const java = onPath('java')
    const version = jar ? /wiremock-standalone-(.*)\.jar/.exec(jar)[1] : null
    defs.push({
      name: 'WireMock',
      version,
      missing: !jar ? `not installed: ${PEERS_INSTALL}` : !java ? 'no java on PATH: apt-get install default-jre-headless' : null,
      start: (port) => {
        const root = join(tmp, `wiremock-${port}`)
        mkdirSync(join(root, 'mappings'), { recursive: true })
        writeFileSync(
          join(root, 'mappings', 'account.json'),
          JSON.stringify({ request: { method: 'GET', urlPathPattern: '/v1/accounts/[^/]+' }, response: { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body } }),
        )
        return { command: java, argv: ['-jar', join(dir, jar), '--port', String(port), '--bind-address', HOST, '--root-dir', root, '--disable-banner', '--no-request-journal'] }
      },
      how: `java -jar wiremock-standalone-${version ?? 'x'}.jar --no-request-journal, one mapping (urlPathPattern)`,
    })
  }
  {
    // Prism 5 on a one-route OpenAPI document whose example is the account.
    const bin = peerFile('@stoplight/prism-cli', 'dist', 'index.js')
    const version = bin ? JSON.parse(readFileSync(peerFile('@stoplight/prism-cli', 'package.json'), 'utf8')).version : null
    const onPathBin = bin ? null : onPath('prism')
    defs.push({
      name: 'Prism',
      version,
      missing: bin || onPathBin ? null : `not installed: ${PEERS_INSTALL}`,
      start: (port) => {
        const doc = join(tmp, `prism-${port}.json`)
        writeFileSync(
          doc,
          JSON.stringify({
            openapi: '3.0.3',
            info: { title: 'passport-mock bench stub', version: '1' },
            paths: {
              '/v1/accounts/{account_id}': {
                get: {
                  parameters: [{ name: 'account_id', in: 'path', required: true, schema: { type: 'string' } }],
                  responses: { 200: { description: 'The account', content: { 'application/json': { example: account } } } },
                },
              },
            },
          }),
        )
        const argv = ['mock', doc, '-h', HOST, '-p', String(port)]
        return bin ? { command: process.execPath, argv: [bin, ...argv] } : { command: onPathBin, argv }
      },
      how: 'prism mock on a one-route OpenAPI document, the account as its example',
    })
  }
  {
    // Mockoon CLI on a one-route environment built with its own @mockoon/commons.
    const bin = peerFile('@mockoon/cli', 'bin', 'run.js')
    const version = bin ? JSON.parse(readFileSync(peerFile('@mockoon/cli', 'package.json'), 'utf8')).version : null
    defs.push({
      name: 'Mockoon CLI',
      version,
      missing: bin ? null : `not installed: ${PEERS_INSTALL}`,
      start: (port) => {
        const commons = peersRequire('@mockoon/commons')
        const env = commons.BuildEnvironment({ hasDefaultRoute: false, hasContentTypeHeader: false, hasCorsHeaders: false, port })
        const route = commons.BuildHTTPRoute(true, { endpoint: 'v1/accounts/:account_id', body })
        route.responses[0].disableTemplating = true
        route.responses[0].headers = [{ key: 'Content-Type', value: 'application/json; charset=utf-8' }]
        Object.assign(env, { name: 'passport-mock bench stub', hostname: HOST, routes: [route], rootChildren: [{ type: 'route', uuid: route.uuid }] })
        const file = join(tmp, `mockoon-${port}.json`)
        writeFileSync(file, JSON.stringify(env))
        return { command: process.execPath, argv: [bin, 'start', '--data', file, '--port', String(port), '--hostname', HOST, '--disable-log-to-file', '--disable-admin-api'] }
      },
      how: 'mockoon-cli start on a one-route environment, templating off',
    })
  }
  return defs
}

/** Spawns a peer and waits for the first 200 on the account route: the cold start. */
async function startPeer(def, probeId) {
  const port = await freePort()
  const { command, argv } = def.start(port)
  const t0 = performance.now()
  const child = spawnChild(argv, { ...process.env, NODE_OPTIONS: '' }, command)
  const url = `http://${HOST}:${port}`
  child.benchUrl = url
  await waitHttp(`${url}/v1/accounts/${probeId}`, child, 60000)
  return { child, url, pid: child.pid, coldMs: performance.now() - t0 }
}

// ---------------------------------------------------------------------------------------------

/** Deliveries a second a healthy local receiver gets: N payments with WEBHOOK_URL set, counted at the receiver. */
async function webhookDeliveries(tpl) {
  const arrivals = []
  const receiver = createHttpServer((req, res) => {
    req.resume()
    req.on('end', () => {
      arrivals.push(performance.now())
      res.writeHead(200).end('ok')
    })
  })
  await new Promise((r) => receiver.listen(0, HOST, r))
  const dbPath = copyDb(tpl.db, 'webhooks')
  const m = await startMock(dbPath, { WEBHOOK_URL: `http://${HOST}:${receiver.address().port}/hooks`, WEBHOOK_SECRET: 'whsec_bench' })
  try {
    const auth = await token(m.url)
    const [ids] = await preparePayments(m, auth, tpl, dbPath, WEBHOOK_PAYMENTS, 1)
    // The payments through fetch, 50 at a time (exactly N of them; not what is measured).
    let next = 0
    let created = 0
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < ids.length) {
          const id = ids[next++]
          const r = await json('POST', `${m.url}/v1/payments/breb`, { account_id: tpl.payer, resolution_id: id, amount: { value: '1', currency: 'COP' } }, { authorization: `Bearer ${auth}` })
          if (r.status === 200 || r.status === 201) created++
        }
      }),
    )
    const createdAt = performance.now()
    const createdMs = createdAt - t0
    const atCreated = arrivals.length
    // Each payment sends payment.outbound.confirmed now and payment.outbound.settled once settled (README "Webhooks").
    const expected = created * 2
    let last = -1
    for (let idle = 0; arrivals.length < expected && idle < 40; await sleep(250)) idle = arrivals.length === last ? idle + 1 : ((last = arrivals.length), 0)
    const first = arrivals[0] ?? 0
    const span = (arrivals.at(-1) ?? 0) - first
    const drain = (arrivals.at(-1) ?? 0) - createdAt
    const perSecond = span > 0 ? round1((arrivals.length - 1) / (span / 1000)) : 0
    return {
      payments: created,
      payments_created_per_second: round1(created / (createdMs / 1000)),
      expected,
      delivered: arrivals.length,
      seconds_first_to_last: round1(span / 1000),
      // First to last delivery: a lower bound when the sender keeps up with the payments.
      per_second: perSecond,
      // The events still to come once the last payment was created, and the rate they came at
      // (settled events come SETTLEMENT_DELAY_MS after their payment: a small backlog drains slower).
      backlog_at_last_payment: expected - atCreated,
      drain_per_second: drain > 0 ? round1((arrivals.length - atCreated) / (drain / 1000)) : null,
      limited_by_payments: perSecond >= 0.9 * 2 * (created / (createdMs / 1000)),
      rss_after_mib: rssMiB(m.pid),
    }
  } finally {
    await stopChild(m.child)
    await new Promise((r) => receiver.close(r))
  }
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
      load_average_at_start: os.loadavg().map(round1),
    },
    load_generator: GENERATOR,
    settings: { quick: QUICK, rounds: ROUNDS, duration_s: DURATION, warmup_s: WARMUP, connections: CONNECTIONS, accounts: ACCOUNTS, accounts_big: OPTIONS.scale ? ACCOUNTS_BIG : null },
    scenarios: [],
    peers: [],
    scaling: null,
    other: {},
    targets: [],
  }

  log('load generator:', GENERATOR)
  log('seeding', ACCOUNTS, 'accounts into a template database')
  const tpl = seedFile('template', ACCOUNTS)

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
    child.benchUrl = url
    await waitHttp(`${url}/`, child)
    return { child, url, pid: child.pid }
  }
  const bareFastify = await reference('fastify', { BODY: JSON.stringify(sample.body) })
  const naive = await reference('naive', { DATABASE_PATH: copyDb(tpl.db, 'naive') })

  const byId = (ids, headers = {}) => ({ method: 'GET', headers, pathIds: { ids, prefix: '/v1/accounts/', suffix: '' } })
  const listPath = (customerId) => `/v1/accounts?customer_id=${customerId}&status=ACTIVE&page_params.page_size=20&page_params.page_number=3`
  const bearer = (key) => ({ authorization: `Bearer ${auth[key]}` })
  const scenarios = [
    { name: SCENARIO.get('floor'), floor: true, url: floor.url, load: byId(tpl.ids) },
    { name: 'reference: bare Fastify, same account JSON', url: bareFastify.url, load: byId(tpl.ids) },
    { name: 'reference: naive Fastify + better-sqlite3 (no auth, no hooks)', url: naive.url, load: byId(tpl.ids) },
    { name: SCENARIO.get('warn'), url: mocks.warn.url, load: byId(tpl.ids, bearer('warn')) },
    { name: SCENARIO.get('info'), url: mocks.info.url, load: byId(tpl.ids, bearer('info')) },
    { name: 'POST /v1/iam/oauth/tokens', url: mocks.info.url, load: { method: 'POST', path: '/v1/iam/oauth/tokens', body: JSON.stringify(CLIENT), headers: { 'content-type': 'application/json' } } },
    { name: SCENARIO.get('list'), url: mocks.info.url, load: { method: 'GET', path: listPath(tpl.customerId), headers: bearer('info') } },
  ]
  if (!QUICK) {
    scenarios.push({ name: 'GET /v1/accounts/:id, warn, JOURNAL_SIZE=0', url: mocks.nojournal.url, load: byId(tpl.ids, bearer('nojournal')) })
    scenarios.push({ name: 'GET /v1/accounts/:id, warn, fault rule matching nothing', url: mocks.warn.url, load: byId(tpl.ids, bearer('warn')), fault: true })
  }

  // The peers, each started (cold start: spawn → first 200 on the account route) and checked to answer the same JSON.
  const peers = []
  if (OPTIONS.peers) {
    for (const def of peerDefinitions(sample.body)) {
      const entry = { name: def.name, version: def.version, how: def.how, status: 'missing', note: def.missing }
      results.peers.push(entry)
      if (def.missing) {
        log(`peer ${def.name}: ${def.missing}`)
        continue
      }
      try {
        log(`peer ${def.name} ${def.version ?? ''}: cold starts`)
        const colds = []
        for (let i = 1; i < PEER_COLD_STARTS; i++) {
          const p = await alone(null, () => startPeer(def, tpl.ids[1]))
          colds.push(p.coldMs)
          await stopChild(p.child)
        }
        const p = await alone(null, () => startPeer(def, tpl.ids[1]))
        colds.push(p.coldMs)
        const answer = await json('GET', `${p.url}/v1/accounts/${tpl.ids[2]}`)
        if (answer.status !== 200 || !isDeepStrictEqual(answer.body, sample.body)) throw new Error(`does not answer the account JSON: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`)
        Object.assign(entry, { status: 'measured', note: null, cold_start_ms: { median: round1(median(colds)), n: colds.length } })
        peers.push({ def, entry, ...p })
        scenarios.push({ name: `peer: ${def.name} ${def.version ?? ''}, one static stub`.replace('  ', ' '), peer: entry, url: p.url, load: byId(tpl.ids, bearer('info')) })
      } catch (error) {
        Object.assign(entry, { status: 'failed', note: String(error.message ?? error).slice(0, 500) })
        log(`peer ${def.name} failed:`, entry.note)
      }
    }
  }

  // How cost grows with the work: the same scenarios on a big database, seeded (and timed) once per run.
  let big = null
  if (OPTIONS.scale) {
    log('seeding', ACCOUNTS_BIG, 'accounts into the big database (timed)')
    big = seedFile('big', ACCOUNTS_BIG)
    const s = big.seed
    results.scaling = {
      small: ACCOUNTS,
      big: ACCOUNTS_BIG,
      seed: { ...s, ms_per_million: Math.round((s.ms * 1e6) / s.accounts), mib_per_million: round1((s.bytes * 1e6) / s.accounts / 2 ** 20), load_average: os.loadavg().map(round1) },
    }
    mocks.big = await startMock(big.db, { LOG_LEVEL: undefined, JOURNAL_SIZE: undefined })
    auth.big = await token(mocks.big.url)
    scenarios.push({ name: SCENARIO.get('big-get'), url: mocks.big.url, load: byId(big.ids, bearer('big')) })
    // The same file, ids drawn from as many accounts as the small database has: tells the size of
    // the file from the number of distinct accounts read (what any per-account cache sees).
    scenarios.push({ name: SCENARIO.get('big-get-subset'), url: mocks.big.url, load: byId(big.ids.slice(0, ACCOUNTS), bearer('big')) })
    scenarios.push({ name: SCENARIO.get('big-list'), url: mocks.big.url, load: { method: 'GET', path: listPath(big.customerId), headers: bearer('big') } })
  }

  // Check every scenario answers 200 once before loading it.
  for (const s of scenarios) {
    const l = s.load
    const path = l.path && !l.pathIds ? l.path : `${l.pathIds.prefix}${l.pathIds.ids[2]}${l.pathIds.suffix}`
    const res = await fetch(s.url + path, { method: l.method, headers: l.headers, body: l.body })
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
    await alone(s.url, () => load(s.url, s.load, WARMUP, s.name))
  }
  const runs = new Map(scenarios.map((s) => [s, []]))
  for (let round = 1; round <= ROUNDS; round++) {
    // Floor and mock alternate (A B A B …): floor, then each scenario, every round.
    for (const s of scenarios) {
      await setFault(!!s.fault)
      log(`round ${round}/${ROUNDS}:`, s.name)
      runs.get(s).push(await alone(s.url, () => load(s.url, s.load, DURATION, s.name)))
    }
  }
  await setFault(false)
  const floorRps = median(runs.get(scenarios[0]).map((r) => r.rps))
  for (const s of scenarios) results.scenarios.push(summarise(s.name, runs.get(s), s.floor ? null : floorRps, s.peer ? { peer: true } : {}))
  for (const p of peers) {
    const s = results.scenarios.find((x) => x.peer && x.scenario.startsWith(`peer: ${p.def.name}`))
    Object.assign(p.entry, { rps: s.rps, ratio_to_floor: s.ratio_to_floor, p99_ms: s.p99_ms, rss_after_load_mib: rssTreeMiB(p.pid) })
    await stopChild(p.child)
  }

  // Payments: resolutions made beforehand, only the payments counted; the small and the big
  // database in alternate rounds (a warm-up round each first), then the balances of each.
  const payers = [{ key: 'info', name: SCENARIO.get('pay'), seeded: tpl, dbPath: join(tmp, 'info.sqlite') }]
  if (big) payers.push({ key: 'big', name: SCENARIO.get('big-pay'), seeded: big, dbPath: big.db })
  const perRound = QUICK ? 20000 : 100000
  for (const p of payers) {
    log(`payments (${p.key}): preparing resolutions`)
    p.slices = await preparePayments(mocks[p.key], auth[p.key], p.seeded, p.dbPath, perRound, ROUNDS + 1)
    p.runs = []
  }
  for (let round = 0; round <= ROUNDS; round++) {
    for (const p of payers) {
      log(round === 0 ? `payments (${p.key}): warm-up` : `payments (${p.key}): round ${round}/${ROUNDS}`)
      const url = mocks[p.key].url
      p.runs.push(await alone(url, () => load(url, paymentScenario(auth[p.key], p.seeded.payer, p.slices[round]), round === 0 ? WARMUP : DURATION, `payments ${p.key}`)))
    }
  }
  for (const p of payers) {
    const balances = await checkBalances(mocks[p.key], auth[p.key], p.seeded.payer, p.runs.slice(1), p.runs)
    results.scenarios.push(summarise(p.name, p.runs.slice(1), null, { balances }))
  }

  // RSS after the load, from /proc.
  results.other.rss_after_load_mib = Object.fromEntries(Object.entries(mocks).map(([k, m]) => [k, rssMiB(m.pid)]))
  results.other.floor_rss_mib = rssMiB(floor.pid)
  if (results.scaling) results.scaling.rss_after_load_mib = { small: results.other.rss_after_load_mib.info, big: results.other.rss_after_load_mib.big }

  log('webhook deliveries')
  results.other.webhooks = await alone(null, () => webhookDeliveries(tpl))

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
    // The other servers stopped meanwhile: a start has the machine to itself, as a user's has.
    await alone(null, async () => {
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
    })
    results.other.cold_start_ms = { median: round1(median(times)), min: round1(Math.min(...times)), max: round1(Math.max(...times)), n: times.length }
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

  // RSS after the whole bench: every mock still running (the default one took tokens, the list
  // and payments too), read after IDLE_BEFORE_RSS_S of idle, all of them running: what a server
  // holds once a burst is over (an idle checkpoint thread stops after 5 s), not mid-burst garbage.
  log(`idle ${IDLE_BEFORE_RSS_S} s, then RSS`)
  await sleep(IDLE_BEFORE_RSS_S * 1000)
  results.other.rss_after_bench_by_mock_mib = Object.fromEntries(Object.entries(mocks).map(([k, m]) => [k, rssMiB(m.pid)]))
  const small = Object.entries(results.other.rss_after_bench_by_mock_mib).filter(([k, v]) => k !== 'big' && v !== null)
  results.other.rss_after_bench_mib = small.length ? Math.max(...small.map(([, v]) => v)) : null

  if (PROFILE) {
    for (const m of Object.values(mocks)) await stopChild(m.child)
    results.profiles = await profiles(tpl)
  }

  results.targets = issue15Targets(results)
  results.machine.load_average_at_end = os.loadavg().map(round1)
  results.elapsed_s = Math.round((Date.now() - started) / 1000)

  // A full run's results are committed (bench/results.json); a smoke run's go beside the profiles.
  const file = QUICK ? join(OUT, 'results-quick.json') : join(ROOT, 'bench', 'results.json')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  log('results in', file.slice(ROOT.length + 1))
  process.stdout.write(markdown(results))
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
    load(m.url, { method: 'GET', headers: { authorization: `Bearer ${auth}` }, pathIds: { ids: tpl.ids, prefix: '/v1/accounts/', suffix: '' } }, duration, 'profile GET'),
  )
  const payments = await profile(tpl, 'POST /v1/payments/breb', async (m, auth, dbPath) => {
    const r = await json('POST', `${m.url}/v1/resolve-key`, { customer_id: tpl.customerId, key: { key_type: 'PHONE', key_value: '3157770002' } }, { authorization: `Bearer ${auth}` })
    if (r.status !== 200) throw new Error(`resolve-key: ${r.status}`)
    await load(m.url, paymentScenario(auth, tpl.payer, cloneResolutions(dbPath, r.body.id, QUICK ? 20000 : 150000)), duration, 'profile payments')
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
