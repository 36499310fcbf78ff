import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import t from 'tap'
import { MIGRATIONS_DIR, PACKAGE_ROOT } from '../../src/config.js'
import { withRollbackJournal } from '../../src/database/bulk-journal.js'
import { openDatabase } from '../../src/database/open-database.js'

function file(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-journal-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'mock.sqlite')
}

const modes = (db: BetterSqlite3.Database) => [db.pragma('journal_mode', { simple: true }), db.pragma('synchronous', { simple: true })]

t.test('a bulk load runs with a rollback journal and synchronous FULL, then the WAL and NORMAL come back', async (t) => {
  const path = file(t)
  const db = openDatabase(path, MIGRATIONS_DIR)
  t.teardown(() => db.close())
  t.same(modes(db), ['wal', 1], 'WAL, NORMAL as opened')
  const inside = await withRollbackJournal(db, async () => {
    db.prepare("INSERT INTO entities (id, name, created_at) VALUES ('e1', 'bulk', '2026-01-01T00:00:00.000Z')").run()
    return modes(db)
  })
  t.same(inside, ['delete', 2], 'rollback journal, FULL: a commit is on disk when it returns')
  t.same(modes(db), ['wal', 1])
  t.notOk(existsSync(`${path}-journal`), 'no journal left')
  const reader = new BetterSqlite3(path, { readonly: true })
  t.equal(reader.prepare("SELECT name FROM entities WHERE id = 'e1'").pluck().get(), 'bulk', 'committed')
  reader.close()
})

t.test('with another connection open the load runs in WAL mode, as before', async (t) => {
  const path = file(t)
  const db = openDatabase(path, MIGRATIONS_DIR)
  t.teardown(() => db.close())
  const reader = new BetterSqlite3(path, { readonly: true })
  reader.prepare('SELECT count(*) FROM entities').get()
  t.teardown(() => reader.close())
  t.same(await withRollbackJournal(db, async () => modes(db)), ['wal', 1])
})

t.test('a load that fails rolls back and leaves the WAL and NORMAL', async (t) => {
  const path = file(t)
  const db = openDatabase(path, MIGRATIONS_DIR)
  t.teardown(() => db.close())
  await t.rejects(
    withRollbackJournal(db, async () =>
      db.transaction(() => {
        db.prepare("INSERT INTO entities (id, name, created_at) VALUES ('e2', 'x', '2026-01-01T00:00:00.000Z')").run()
        throw new Error('taken')
      })(),
    ),
    /taken/,
  )
  t.same(modes(db), ['wal', 1])
  t.equal(db.prepare("SELECT count(*) FROM entities WHERE id = 'e2'").pluck().get(), 0)
})

t.test('a load killed after its pages reached the file leaves a hot journal; the next open rolls it back to a whole file', async (t) => {
  const path = file(t)
  openDatabase(path, MIGRATIONS_DIR).close()
  // A child (the built module, as the CLI runs it) with a 10-page cache, so the transaction
  // writes pages into the file before it commits; it says so, then waits to be killed.
  const script = `
    const { openDatabase } = await import(${JSON.stringify(join(PACKAGE_ROOT, 'dist', 'database', 'open-database.js'))})
    const { withRollbackJournal } = await import(${JSON.stringify(join(PACKAGE_ROOT, 'dist', 'database', 'bulk-journal.js'))})
    const db = openDatabase(${JSON.stringify(path)}, ${JSON.stringify(MIGRATIONS_DIR)})
    db.pragma('cache_size = 10')
    await withRollbackJournal(db, async () => db.transaction(() => {
      const insert = db.prepare("INSERT INTO entities (id, name, created_at) VALUES (?, 'x', '2026-01-01T00:00:00.000Z')")
      for (let i = 0; i < 20000; i++) insert.run('crash-' + i)
      process.stdout.write('spilled\\n')
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
    })())
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('spilled') && resolve())
    child.on('exit', (code) => reject(new Error(`child exited ${code}`)))
  })
  const grown = statSync(path).size
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  t.ok(existsSync(`${path}-journal`), 'a hot journal is left')
  t.ok(grown > 100 * 1024, `the file had grown to ${grown} bytes before the commit`)

  const db = openDatabase(path, MIGRATIONS_DIR)
  t.teardown(() => db.close())
  t.equal(db.prepare("SELECT count(*) FROM entities WHERE id LIKE 'crash-%'").pluck().get(), 0, 'nothing of the killed load')
  t.same(db.pragma('integrity_check'), [{ integrity_check: 'ok' }])
  t.same(modes(db), ['wal', 1], 'WAL again')
  t.notOk(existsSync(`${path}-journal`), 'the journal was rolled back and removed')
})
