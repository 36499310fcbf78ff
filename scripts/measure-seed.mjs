#!/usr/bin/env node
// Seeding's own measurement (issue 15: 1,000,000 accounts in < 30 s), as bench/run.mjs `seedFile`
// does it: a document of N accounts under the one new customer faker makes (the first with a
// balance), `passport-mock seed DOC --db NEW -q` on a fresh file. Prints one JSON line per run:
// wall seconds, the child's CPU seconds (user and system, from getrusage of the waited child:
// steadier than wall time on a shared machine), the file's size (with its WAL) and the load.
//
//   npm run build, then:
//   node scripts/measure-seed.mjs [--accounts 1000000] [--runs 3] [--prof DIR]
//   DIST=distA,distB node scripts/measure-seed.mjs --runs 4 …   (interleave builds, alternating which goes first)
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const DISTS = (process.env.DIST ?? 'dist').split(',').map((d) => resolve(ROOT, d))
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? dflt : args[i + 1]
}
const ACCOUNTS = Number(opt('accounts', '1000000'))
const RUNS = Number(opt('runs', '1'))
const PROF = opt('prof', undefined)

const tmp = mkdtempSync(join(os.tmpdir(), 'measure-seed-'))
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }))
const doc = join(tmp, 'seed.json')
writeFileSync(doc, JSON.stringify({ accounts: Array.from({ length: ACCOUNTS }, (_, i) => (i === 0 ? { available_balance: '1000000000.00' } : {})) }))

/** Runs the CLI and reports its wall time and, from the child's rusage, its CPU time. */
function run(dist, db) {
  const nodeArgs = PROF ? ['--cpu-prof', '--cpu-prof-dir', resolve(PROF)] : []
  return new Promise((done, fail) => {
    const t0 = performance.now()
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...nodeArgs, join(dist, 'cli.js'), 'seed', doc, '--db', db, '-q'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => {
      const wall = (performance.now() - t0) / 1000
      if (code !== 0) return fail(new Error(`seed exited ${code}: ${err}`))
      const lines = err.trim().split('\n')
      // Whatever the seed itself wrote to stderr, then /usr/bin/time's line.
      if (lines.length > 1) process.stderr.write(`${lines.slice(0, -1).join('\n')}\n`)
      const [user, sys, maxKiB] = lines.at(-1).split(' ').map(Number)
      done({ wall, user, sys, maxKiB })
    })
  })
}

for (let r = 0; r < RUNS; r++) {
  // Two builds alternate which goes first (A B, B A, …): the second run of a pair can pay for the
  // first one's write-back to disk, whichever build it is.
  for (const dist of r % 2 === 0 ? DISTS : DISTS.toReversed()) {
    const db = join(tmp, `seed-${r}.sqlite`)
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ')
    const t = await run(dist, db)
    const bytes = ['', '-wal'].reduce((sum, s) => sum + (existsSync(db + s) ? statSync(db + s).size : 0), 0)
    console.log(JSON.stringify({ dist: dist.replace(`${ROOT}/`, ''), accounts: ACCOUNTS, seconds: +t.wall.toFixed(2), user: t.user, sys: t.sys, maxRssMiB: Math.round(t.maxKiB / 1024), fileMiB: +(bytes / 2 ** 20).toFixed(1), load }))
    for (const s of ['', '-wal', '-shm', '.lock']) rmSync(db + s, { force: true })
  }
}
