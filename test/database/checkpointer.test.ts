import { copyFileSync, existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import t from 'tap'
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES, MAIN_AUTOCHECKPOINT_PAGES, START_AT_WAL_BYTES } from '../../src/database/checkpointer.js'
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
  t.equal(rowsInMainFile(path), 0, 'nothing in the file yet')
  // Each report as received on this thread: a report that arrives well after the writes comes from a checkpoint that ran after them.
  const copied: { checkpointed: number; log: number; at: number }[] = []
  const checkpointer = new Checkpointer(db, path, { intervalMs: 20, startAtWalBytes: 0, onCheckpoint: (checkpointed, log) => copied.push({ checkpointed, log, at: performance.now() }) })
  t.teardown(() => checkpointer.close())
  checkpointer.startIfBusy()
  t.ok(checkpointer.started, 'started: the WAL is there')
  await until(() => autocheckpoint(db) === FALLBACK_AUTOCHECKPOINT_PAGES)
  t.equal(autocheckpoint(db), FALLBACK_AUTOCHECKPOINT_PAGES, 'once the worker runs, the main connection checkpoints only as a safety net')
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)')
  // 200 commits of ~10 pages: far below the main connection's threshold, so only the worker copies them.
  for (let i = 0; i < 200; i++) db.transaction(() => insert.run('x'.repeat(40_000)))()
  const written = performance.now()
  const caughtUp = () => copied.some((c) => c.at > written + 50 && c.checkpointed === c.log)
  await until(caughtUp)
  t.ok(caughtUp(), 'the worker copied every frame in the WAL')
  // Stopped before the file is read, so that no checkpoint is writing it while it is copied.
  await checkpointer.close()
  t.equal(rowsInMainFile(path), 200, 'every committed row reached the database file')
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 200, 'the main connection goes on after the worker has stopped')
  db.close()
  t.notOk(existsSync(`${path}-wal`), 'the main connection closed last: the file is whole, without a WAL')
})

t.test('an idle worker empties the WAL and stops; it starts again when the WAL grows back', async (t) => {
  const path = join(t.testdir(), 'idle.sqlite')
  const db = walDatabase(path)
  const notices: string[] = []
  let idled = 0
  const checkpointer = new Checkpointer(db, path, { intervalMs: 20, idlePasses: 5, startAtWalBytes: 64 * 1024, onIdle: () => idled++, onNotice: (message) => notices.push(message) })
  t.teardown(async () => {
    await checkpointer.close()
    db.close()
  })
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)')
  const write = (n: number) => {
    for (let i = 0; i < n; i++) db.transaction(() => insert.run('x'.repeat(40_000)))()
  }
  write(20)
  checkpointer.startIfBusy()
  t.ok(checkpointer.started, 'started: the WAL is past the threshold')
  await until(() => idled === 1)
  t.equal(idled, 1, 'stopped for want of work')
  t.notOk(checkpointer.started, 'no worker while idle')
  t.equal(statSync(`${path}-wal`).size, 0, 'the WAL was emptied first (TRUNCATE)')
  t.equal(autocheckpoint(db), MAIN_AUTOCHECKPOINT_PAGES, 'the main connection checkpoints by itself meanwhile')
  t.equal(rowsInMainFile(path), 20, 'every committed row is in the database file')
  checkpointer.startIfBusy()
  t.notOk(checkpointer.started, 'an empty WAL starts nothing')
  write(20)
  checkpointer.startIfBusy()
  t.ok(checkpointer.started, 'the WAL grew back: a worker again')
  await until(() => idled === 2)
  t.equal(idled, 2, 'and it stops again once idle')
  t.equal(rowsInMainFile(path), 40)
  t.same(notices, [], 'stopping when idle is not a failure: nothing said')
})

t.test('a worker that cannot run puts the main connection’s own checkpoints back, and says so once', async (t) => {
  // One t.testdir() call: each call makes the folder afresh.
  const dir = t.testdir()
  const path = join(dir, 'fallback.sqlite')
  const db = walDatabase(path)
  t.teardown(() => db.close())
  const notices: string[] = []
  const checkpointer = new Checkpointer(db, path, { startAtWalBytes: 0, driver: join(dir, 'no-such-driver.js'), onNotice: (message) => notices.push(message) })
  checkpointer.startIfBusy()
  t.ok(checkpointer.started, 'started')
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`)
  await until(() => notices.length > 0)
  t.equal(autocheckpoint(db), MAIN_AUTOCHECKPOINT_PAGES, 'the threshold of a server without the worker')
  t.same(notices, ['the checkpoint thread failed: the main connection checkpoints the WAL itself again'])
  await checkpointer.close()
  t.equal(notices.length, 1, 'stopping it says nothing more')
})

t.test('a server starts the worker only once its WAL has grown; what it acknowledged is in the file after close', async (t) => {
  const databasePath = join(t.testdir(), 'server.sqlite')
  const { app } = await buildTestApp(t, { databasePath })
  await app.ready()
  const db = app.services.db
  const token = await accessToken(app)
  const created = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      business_name: 'Checkpoint S.A.S.',
      email: 'checkpoint@example.com',
      mobile_phone_number: '+573001112299',
      identification_type: 'NIT',
      identification_number: '900123499',
      merchant_category_code: '5411',
      address: { line_1: 'Calle 1 # 2-3', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
    },
  })
  t.equal(created.statusCode, 200)
  await expectMatchesSpec(t, app, created)
  await app.services.sweeper.runDue()
  t.equal(autocheckpoint(db), MAIN_AUTOCHECKPOINT_PAGES, 'a few writes: no thread, SQLite checkpoints as it always did')
  // Then START_AT_WAL_BYTES and more of writes (a scratch table, as a burst of payments would fill the WAL).
  db.exec('CREATE TABLE scratch (x BLOB NOT NULL)')
  const insert = db.prepare('INSERT INTO scratch (x) VALUES (?)')
  db.transaction(() => {
    for (let i = 0; i < (START_AT_WAL_BYTES / 65536) * 1.5; i++) insert.run(Buffer.alloc(65536, i))
  })()
  await app.services.sweeper.runDue()
  await until(() => autocheckpoint(db) === FALLBACK_AUTOCHECKPOINT_PAGES)
  t.equal(autocheckpoint(db), FALLBACK_AUTOCHECKPOINT_PAGES, 'the sweeper started the thread, and the main connection only keeps a safety net')
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
  const checkpointer = new Checkpointer(db, ':memory:', { startAtWalBytes: 0, onNotice: (message) => notices.push(message) })
  checkpointer.startIfBusy()
  t.notOk(checkpointer.started)
  await checkpointer.close()
  t.same(notices, [])
})
