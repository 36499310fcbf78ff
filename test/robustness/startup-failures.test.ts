import { closeSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig, MIGRATIONS_DIR, PACKAGE_ROOT } from '../../src/config.js'
import { runToExit, SERVER_JS, startChildServer } from './child-server.js'

// Issue 11 items 10 and 11: every start-up failure prints one `passport-mock: …` line that says
// what to do, with no stack trace, and exits non-zero, through the real entry points; a file with
// damaged middle pages is refused at start instead of answering 500 later.

const CLI = join(PACKAGE_ROOT, 'dist', 'cli.js')
const MIGRATIONS = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length

/** Exactly one line on stderr, `passport-mock: …`, no stack frame; exit non-zero. */
function expectOneLine(t: Test, res: { code: number | null; stderr: string }, message: RegExp, code = 1) {
  t.equal(res.code, code, `exit ${code}`)
  t.match(res.stderr, /^passport-mock: [^\n]+\n$/, 'one line on stderr')
  t.notMatch(res.stderr, /\n\s+at /, 'no stack trace')
  t.match(res.stderr.trimEnd(), message)
}

/** A database file with `accounts` seeded accounts, closed cleanly (WAL folded back). */
async function seededFile(path: string, accounts: number): Promise<void> {
  const app = await buildApp({ ...loadConfig({}), databasePath: path, logLevel: 'silent' }, { sweepIntervalMs: 0 })
  await app.services.seeds.apply({ accounts: Array.from({ length: accounts }, () => ({ available_balance: '1000.50' })) })
  await app.close()
}

t.test('each start-up failure is one line with what to do, through dist/server.js and the CLI', async (t) => {
  const dir = t.testdir()
  const newer = join(dir, 'newer.sqlite')
  const db = new BetterSqlite3(newer)
  db.pragma(`user_version = ${MIGRATIONS + 1}`)
  db.close()
  writeFileSync(join(dir, 'a-file'), 'not a folder')
  writeFileSync(join(dir, 'garbage.sqlite'), 'this is not a database, just text that is long enough to have a header '.repeat(100))
  mkdirSync(join(dir, 'a-folder.sqlite'))

  const cases: [string, Record<string, string>, RegExp, number?][] = [
    ['a database from a newer build', { DATABASE_PATH: newer }, new RegExp(`the database is at migration ${MIGRATIONS + 1}, but this build only knows ${MIGRATIONS}: use a newer passport-mock or another DATABASE_PATH$`)],
    ['a folder that cannot be created', { DATABASE_PATH: join(dir, 'a-file', 'db.sqlite') }, /cannot create the folder of DATABASE_PATH .*a-file\/db\.sqlite \((ENOTDIR|EEXIST)\): create it, or choose a folder this user can write$/],
    ['a path that is a folder', { DATABASE_PATH: join(dir, 'a-folder.sqlite') }, /cannot open .*a-folder\.sqlite \(SQLite: .*\): DATABASE_PATH must name a file in a folder this user can write$/],
    ['a file that is no database', { DATABASE_PATH: join(dir, 'garbage.sqlite') }, /garbage\.sqlite is not a SQLite database: point DATABASE_PATH at another file, or move this one away to start again from the fixtures$/],
    ['a bad setting', { DATABASE_PATH: ':memory:', PORT: 'eighty' }, /^passport-mock: PORT must be a whole number, got "eighty"$/m, 2],
    ['fixtures that cannot be read', { DATABASE_PATH: join(dir, 'fresh.sqlite'), FIXTURES_PATH: join(dir, 'missing.json') }, /missing\.json/],
  ]
  for (const [name, env, message, code] of cases) {
    t.comment(name)
    expectOneLine(t, await runToExit(SERVER_JS, [], env), message, code)
    // `passport-mock serve` shares the start (a bad setting is a usage error there, with its own line).
    if (code === undefined) expectOneLine(t, await runToExit(CLI, ['serve'], env), message)
  }
  // The offline commands too.
  expectOneLine(t, await runToExit(CLI, ['seed', join(PACKAGE_ROOT, 'fixtures', 'default.json'), '--db', newer], {}), /at migration/)
  expectOneLine(t, await runToExit(CLI, ['import', join(PACKAGE_ROOT, 'fixtures', 'default.json'), '--db', join(dir, 'garbage.sqlite')], {}), /is not a SQLite database/)
})

t.test('a read-only folder is one line too', { skip: process.getuid?.() === 0 ? 'root writes any folder: nothing to test as root' : false }, async (t) => {
  const dir = join(t.testdir(), 'ro')
  mkdirSync(dir, { mode: 0o555 })
  expectOneLine(t, await runToExit(SERVER_JS, [], { DATABASE_PATH: join(dir, 'db.sqlite') }), /beside the database .*: DATABASE_PATH must be in a folder this user can write$/)
})

t.test('a file with damaged middle pages is refused at start with one line (PRAGMA quick_check), not served', async (t) => {
  const path = join(t.testdir(), 'damaged.sqlite')
  await seededFile(path, 3000)
  // It starts while whole.
  const whole = await startChildServer(t, { DATABASE_PATH: path })
  whole.child.kill('SIGTERM')
  await whole.exited
  const size = statSync(path).size
  const pageSize = 4096
  const pages = size / pageSize
  t.ok(pages > 40, `${pages} pages`)
  // Garbage over eight pages in the middle, as a bad disk or a copy cut short leaves them.
  const fd = openSync(path, 'r+')
  const garbage = Buffer.alloc(8 * pageSize, 0xa5)
  writeSync(fd, garbage, 0, garbage.length, Math.floor(pages / 2) * pageSize)
  closeSync(fd)
  const res = await runToExit(SERVER_JS, [], { DATABASE_PATH: path })
  expectOneLine(t, res, /damaged\.sqlite is damaged \((PRAGMA quick_check|SQLite): .+\): restore it from a copy, or move it away to start again from the fixtures$/)
  t.notMatch(res.stdout, /Server listening/, 'it never listened')
})
