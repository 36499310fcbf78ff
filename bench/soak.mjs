#!/usr/bin/env node
// Storage soak (issue 11 item 7): the built mock (dist/server.js) under ~100 requests a second
// of payment traffic, with WEBHOOK_URL pointing at a local receiver, twice: with pruning
// effectively off, then with RETENTION_ROWS at its minimum (as a long-running instance is once
// its tables reach the cap). Prints the database's growth in MiB per minute for each.
//
//   npm run build && node bench/soak.mjs [--minutes 3]
//
// Not a test: it takes minutes and its figures depend on the machine. Only 127.0.0.1 is used;
// every child is spawned here and killed at the end.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { freePort } from './setup.mjs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SERVER = join(ROOT, 'dist', 'server.js')
const HOST = '127.0.0.1'
const minutesArg = process.argv.indexOf('--minutes')
const MINUTES = minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 3
const WARMUP_MS = 20_000
const RATE = 100 // requests a second, in cycles of 4
const CLIENT = { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const MiB = 1024 * 1024

const log = (...parts) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const children = new Set()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

function listen(server) {
  return new Promise((resolve) => server.listen(0, HOST, () => resolve(server.address().port)))
}

function sizeOf(dbPath) {
  let bytes = 0
  for (const suffix of ['', '-wal']) {
    try {
      bytes += statSync(dbPath + suffix).size
    } catch {
      // no WAL yet
    }
  }
  return bytes
}

async function call(url, method, body, token) {
  const res = await fetch(url, {
    method,
    headers: { ...(body && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
    body: body && JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

async function soak(name, env, receiverUrl) {
  const dir = mkdtempSync(join(os.tmpdir(), 'passport-mock-soak-'))
  const dbPath = join(dir, 'soak.sqlite')
  const port = await freePort()
  const child = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOST, PORT: String(port), DATABASE_PATH: dbPath, LOG_LEVEL: 'silent', WEBHOOK_URL: receiverUrl, WEBHOOK_SECRET: 'whsec_soak', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.add(child)
  const base = `http://${HOST}:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/_mock/health`)).ok) break
    } catch {
      if (i > 200) throw new Error('the server did not start')
    }
    await sleep(50)
  }
  let token = (await call(`${base}/v1/iam/oauth/tokens`, 'POST', CLIENT)).json.access_token
  let requests = 0
  let errors = 0
  let stop = false
  let n = 0
  // A cycle: resolve a key, pay it, read the payment back, and every 10th cycle a new token.
  const cycle = async () => {
    const i = n++
    const keyValue = `31${String(i % 100_000_000).padStart(8, '0')}`
    const resolved = await call(`${base}/v1/resolve-key`, 'POST', { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: keyValue } }, token)
    const paid = await call(`${base}/v1/payments/breb`, 'POST', { account_id: DOCS_ACCOUNT, resolution_id: resolved.json?.id, amount: { value: '1.00', currency: 'COP' } }, token)
    const read = await call(`${base}/v1/payments/${paid.json?.id}`, 'GET', undefined, token)
    const fourth = i % 10 === 0 ? await call(`${base}/v1/iam/oauth/tokens`, 'POST', CLIENT) : await call(`${base}/v1/accounts/${DOCS_ACCOUNT}`, 'GET', undefined, token)
    if (i % 10 === 0 && fourth.json?.access_token) token = fourth.json.access_token
    requests += 4
    for (const r of [resolved, paid, read, fourth]) if (r.status >= 400) errors++
  }
  const started = performance.now()
  const pacer = (async () => {
    // RATE/4 cycles a second, each started on schedule; a slow one does not hold the next.
    const inFlight = new Set()
    for (let k = 0; !stop; k++) {
      const due = started + (k * 4 * 1000) / RATE
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      const p = cycle().catch(() => (errors += 4))
      inFlight.add(p)
      p.finally(() => inFlight.delete(p))
    }
    await Promise.all(inFlight)
  })()
  await sleep(WARMUP_MS)
  const startBytes = sizeOf(dbPath)
  const startMs = performance.now()
  const startRequests = requests
  const samples = []
  for (let m = 1; m <= MINUTES; m++) {
    await sleep(60_000)
    samples.push(sizeOf(dbPath))
    log(`${name}: minute ${m}: ${(sizeOf(dbPath) / MiB).toFixed(1)} MiB`)
  }
  const minutes = (performance.now() - startMs) / 60_000
  const endBytes = sizeOf(dbPath)
  const rate = (requests - startRequests) / (minutes * 60)
  stop = true
  await pacer
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('close', resolve))
  children.delete(child)
  rmSync(dir, { recursive: true, force: true })
  return { name, reqPerSecond: Math.round(rate), errors, mibPerMinute: (endBytes - startBytes) / MiB / minutes, endMiB: endBytes / MiB, samples: samples.map((b) => +(b / MiB).toFixed(1)) }
}

const receiver = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(200).end('ok'))
})
const receiverPort = await listen(receiver)
const receiverUrl = `http://${HOST}:${receiverPort}/hooks`
try {
  const results = []
  results.push(await soak('pruning off', { RETENTION_HOURS: '87600', RETENTION_ROWS: '100000000' }, receiverUrl))
  results.push(await soak('RETENTION_ROWS=1000', { RETENTION_ROWS: '1000' }, receiverUrl))
  console.log('| run | requests/s | MiB per minute | file at the end (MiB) | errors |')
  console.log('|---|---|---|---|---|')
  for (const r of results) console.log(`| ${r.name} | ${r.reqPerSecond} | ${r.mibPerMinute.toFixed(2)} | ${r.endMiB.toFixed(1)} | ${r.errors} |`)
} finally {
  receiver.close()
}
