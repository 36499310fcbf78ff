import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig, PACKAGE_ROOT } from '../../src/config.js'
import { buildApp } from '../../src/app.js'
import { runToExit as runToEnd, SERVER_JS, startChildServer, stopChildServer } from './child-server.js'

// Issue 11 item 3: two servers on one database file started silently and then disagreed (a token
// revoked on one still worked on the other; one balance was spent through each).

const CLI = join(PACKAGE_ROOT, 'dist', 'cli.js')

t.test('a second server on the same file refuses to start, naming the file and the pid; a kill -9 leaves no stale lock', async (t) => {
  const db = join(t.testdir(), 'shared.sqlite')
  const first = await startChildServer(t, { DATABASE_PATH: db })
  const pid = first.child.pid as number
  t.equal(readFileSync(`${db}.lock.pid`, 'utf8'), `${pid}\n`, 'the holder’s pid is written beside the file')

  const second = await runToEnd(SERVER_JS, [], { DATABASE_PATH: db })
  t.equal(second.code, 1, 'exit 1')
  t.equal(second.stderr, `passport-mock: ${db} is in use by process ${pid} (another passport-mock): stop it, or give this one another DATABASE_PATH\n`, 'one line, no stack')
  t.notMatch(second.stdout, /Server listening/, 'it never listened')

  const seed = await runToEnd(CLI, ['seed', join(PACKAGE_ROOT, 'fixtures', 'default.json'), '--db', db], {})
  t.equal(seed.code, 1, 'the offline seed honours the lock too')
  t.equal(seed.stderr, `passport-mock: ${db} is in use by process ${pid} (another passport-mock): stop it, or give this one another DATABASE_PATH\n`)

  const health = await fetch(`${first.url}/_mock/health`)
  t.equal(health.status, 200, 'the first server is untouched')

  first.child.kill('SIGKILL')
  t.same(await first.exited, { code: null, signal: 'SIGKILL' })
  t.ok(existsSync(`${db}.lock.pid`), 'the dead holder’s pid file is still there')
  const third = await startChildServer(t, { DATABASE_PATH: db })
  t.equal((await fetch(`${third.url}/_mock/health`)).status, 200, 'the next start is not blocked by the stale lock')
  t.equal(readFileSync(`${db}.lock.pid`, 'utf8'), `${third.child.pid}\n`)
  await stopChildServer(third)
  t.notOk(existsSync(`${db}.lock.pid`), 'a clean stop removes the pid file')

  const after = await runToEnd(CLI, ['seed', join(t.testdir(), '..', 'missing.json'), '--db', db], {})
  t.match(after.stderr, /no such file/, 'once the server is gone the seed gets as far as its document')
})

t.test('in one process: a second app on a file refuses while the first is open, and opens once it is closed; :memory: takes no lock', async (t) => {
  const databasePath = join(t.testdir(), 'inproc.sqlite')
  const config = { ...loadConfig({}), databasePath, logLevel: 'silent' as const }
  const first = await buildApp(config, { sweepIntervalMs: 0 })
  await t.rejects(buildApp(config, { sweepIntervalMs: 0 }), { name: 'StartupError', message: `${databasePath} is in use by process ${process.pid} (another passport-mock): stop it, or give this one another DATABASE_PATH` })
  await first.close()
  const second = await buildApp(config, { sweepIntervalMs: 0 })
  t.equal((await second.inject({ url: '/_mock/health' })).statusCode, 200)
  await second.close()
  const memory = { ...config, databasePath: ':memory:' }
  const [a, b] = await Promise.all([buildApp(memory, { sweepIntervalMs: 0 }), buildApp(memory, { sweepIntervalMs: 0 })])
  await a.close()
  await b.close()
  t.notOk(existsSync(':memory:.lock'))
})
