import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import t from 'tap'
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES, MAIN_AUTOCHECKPOINT_PAGES } from '../../src/database/checkpointer.js'
import { accessToken } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Issue 15: WAL checkpoints run on a thread of their own, not inside a request's commit.

/** A WAL database with one table, as openDatabase leaves a file (main threshold MAIN_AUTOCHECKPOINT_PAGES). */
function walDatabase(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`)
  db.exec('CREATE TABLE t (x TEXT NOT NULL)')
  return db
}

const autocheckpoint = (db: BetterSqlite3.Database) => db.pragma('wal_autocheckpoint', { simple: true })

async function until(done: () => boolean, limitMs = 5000): Promise<void> {
  const start = Date.now()
  while (!done() && Date.now() - start < limitMs) await new Promise((resolve) => setTimeout(resolve, 10))
}

/** What the database file holds without its WAL: a copy of the main file alone, opened elsewhere. */
function rowsInMainFile(path: string, table = 't'): number {
  const copy = `${path}.main-only`
  copyFileSync(path, copy)
  const db = new BetterSqlite3(copy, { readonly: true })
  try {
    // Before the first checkpoint the file does not even hold the table.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(table)) return 0
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}

t.test('the worker copies committed pages into the database file while the main connection only writes the WAL', async (t) => {
  const path = join(t.testdir(), 'checkpointed.sqlite')
  const db = walDatabase(path)
  const copied: number[] = []
  const checkpointer = new Checkpointer(db, path, { intervalMs: 20, onCheckpoint: (frames) => copied.push(frames) })
  t.teardown(() => checkpointer.close())
  await until(() => autocheckpoint(db) === FALLBACK_AUTOCHECKPOINT_PAGES)
  t.equal(autocheckpoint(db), FALLBACK_AUTOCHECKPOINT_PAGES, 'once the worker runs, the main connection checkpoints only as a safety net')
  t.equal(rowsInMainFile(path), 0, 'nothing written yet')
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)')
  // 200 commits of ~10 pages: far below the main connection's threshold, so only the worker copies them.
  for (let i = 0; i < 200; i++) db.transaction(() => insert.run('x'.repeat(40_000)))()
  await until(() => rowsInMainFile(path) === 200)
  t.equal(rowsInMainFile(path), 200, 'every committed row reached the database file')
  t.ok(copied.length > 0, 'the worker reported its checkpoints')
  await checkpointer.close()
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 200, 'the main connection goes on after the worker has stopped')
  db.close()
  t.notOk(existsSync(`${path}-wal`), 'the main connection closed last: the file is whole, without a WAL')
})

t.test('a worker that cannot run puts the main connection’s own checkpoints back, and says so once', async (t) => {
  const path = join(t.testdir(), 'fallback.sqlite')
  const db = walDatabase(path)
  t.teardown(() => db.close())
  const notices: string[] = []
  const checkpointer = new Checkpointer(db, path, { driver: join(t.testdir(), 'no-such-driver.js'), onNotice: (message) => notices.push(message) })
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`)
  await until(() => notices.length > 0)
  t.equal(autocheckpoint(db), MAIN_AUTOCHECKPOINT_PAGES, 'the threshold of a server without the worker')
  t.same(notices, ['the checkpoint thread failed: the main connection checkpoints the WAL itself again'])
  await checkpointer.close()
  t.equal(notices.length, 1, 'stopping it says nothing more')
})

t.test('a server on a file checkpoints on the worker; payments it acknowledged are in the file after close', async (t) => {
  const databasePath = join(t.testdir(), 'server.sqlite')
  const { app } = await buildTestApp(t, { databasePath })
  await app.ready()
  const db = app.services.db
  await until(() => autocheckpoint(db) === FALLBACK_AUTOCHECKPOINT_PAGES)
  t.equal(autocheckpoint(db), FALLBACK_AUTOCHECKPOINT_PAGES, 'the app started its checkpointer')
  const token = await accessToken(app)
  const created = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers: { authorization: `Bearer ${token}` }, payload: {
    business_name: 'Checkpoint S.A.S.',
    email: 'checkpoint@example.com',
    mobile_phone_number: '+573001112299',
    identification_type: 'NIT',
    identification_number: '900123499',
    merchant_category_code: '5411',
    address: { line_1: 'Calle 1 # 2-3', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
  } })
  t.equal(created.statusCode, 200)
  await expectMatchesSpec(t, app, created)
  await app.close()
  t.notOk(existsSync(`${databasePath}-wal`), 'closed cleanly: the worker first, then the main connection')
  const reopened = new BetterSqlite3(databasePath, { readonly: true })
  t.teardown(() => reopened.close())
  t.ok(reopened.prepare('SELECT 1 FROM customers WHERE id = ?').get((created.json() as { id: string }).id), 'the acknowledged customer is in the file')
})

t.test('an in-memory database has no WAL and gets no worker', async (t) => {
  const db = new BetterSqlite3(':memory:')
  t.teardown(() => db.close())
  const notices: string[] = []
  const checkpointer = new Checkpointer(db, ':memory:', { onNotice: (message) => notices.push(message) })
  await checkpointer.close()
  t.same(notices, [])
})
