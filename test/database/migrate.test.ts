import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import t from 'tap'
import { MIGRATIONS_DIR } from '../../src/config.js'
import { migrate, readMigrations } from '../../src/database/migrate.js'
import { openDatabase } from '../../src/database/open-database.js'

const userVersion = (db: BetterSqlite3.Database) => db.pragma('user_version', { simple: true }) as number
const tables = (db: BetterSqlite3.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)

function memoryDb(t: { teardown(fn: () => unknown): void }) {
  const db = new BetterSqlite3(':memory:')
  t.teardown(() => db.close())
  return db
}

t.test('reads migrations in numeric order, whatever order the folder lists them in', async (t) => {
  const dir = t.testdir({
    '0002_second.sql': 'CREATE TABLE b (id INTEGER);',
    '0001_first.sql': 'CREATE TABLE a (id INTEGER);',
    '0003_third.sql': 'ALTER TABLE a ADD COLUMN name TEXT;',
    'README.md': 'not a migration',
  })
  const migrations = readMigrations(dir)
  t.same(
    migrations.map((m) => [m.version, m.name]),
    [
      [1, '0001_first.sql'],
      [2, '0002_second.sql'],
      [3, '0003_third.sql'],
    ],
  )
  t.equal(migrations[0]?.sql, 'CREATE TABLE a (id INTEGER);')
})

t.test('applies every migration in order and records the last in PRAGMA user_version', async (t) => {
  const dir = t.testdir({
    '0001_first.sql': 'CREATE TABLE a (id INTEGER);',
    '0002_second.sql': 'CREATE TABLE b (id INTEGER);',
    '0003_third.sql': 'ALTER TABLE a ADD COLUMN name TEXT;', // fails unless 0001 ran before it
  })
  const db = memoryDb(t)
  t.equal(userVersion(db), 0)
  t.equal(migrate(db, readMigrations(dir)), 3, 'three migrations applied')
  t.equal(userVersion(db), 3)
  t.same(tables(db), ['a', 'b'])
  t.same((db.prepare('PRAGMA table_info(a)').all() as { name: string }[]).map((c) => c.name), ['id', 'name'])
})

t.test('applies nothing the second time, and only the new file after one is added', async (t) => {
  const dir = t.testdir({
    '0001_first.sql': 'CREATE TABLE a (id INTEGER);',
  })
  const db = memoryDb(t)
  t.equal(migrate(db, readMigrations(dir)), 1)
  db.prepare('INSERT INTO a (id) VALUES (7)').run()
  t.equal(migrate(db, readMigrations(dir)), 0, 'nothing to apply')
  t.equal(userVersion(db), 1)
  writeFileSync(join(dir, '0002_second.sql'), 'CREATE TABLE b (id INTEGER);')
  t.equal(migrate(db, readMigrations(dir)), 1, 'only 0002 applied')
  t.equal(userVersion(db), 2)
  t.same(db.prepare('SELECT id FROM a').all(), [{ id: 7 }], 'existing rows are untouched')
})

t.test('rolls a failing migration back whole and keeps the version of the last good one', async (t) => {
  const dir = t.testdir({
    '0001_first.sql': 'CREATE TABLE a (id INTEGER);',
    '0002_broken.sql': 'CREATE TABLE b (id INTEGER); INSERT INTO nowhere VALUES (1);',
  })
  const db = memoryDb(t)
  t.throws(() => migrate(db, readMigrations(dir)), /no such table: nowhere/)
  t.equal(userVersion(db), 1)
  t.same(tables(db), ['a'], 'table b of the broken migration is not left behind')
})

t.test('refuses a database that has seen more migrations than the build knows', async (t) => {
  const dir = t.testdir({ '0001_first.sql': 'CREATE TABLE a (id INTEGER);' })
  const db = memoryDb(t)
  db.pragma('user_version = 5')
  t.throws(() => migrate(db, readMigrations(dir)), {
    message: 'the database is at migration 5, but this build only knows 1: use a newer passport-mock or another DATABASE_PATH',
  })
  t.same(tables(db), [], 'nothing was applied')
  t.equal(userVersion(db), 5)
})

t.test('refuses to open a file written by a newer build', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'newer.sqlite')
  const newer = new BetterSqlite3(path)
  const known = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length
  newer.pragma(`user_version = ${known + 1}`)
  newer.close()
  t.throws(() => openDatabase(path, MIGRATIONS_DIR), { message: new RegExp(`at migration ${known + 1}, but this build only knows ${known}`) })
})

t.test('refuses a migrations folder with a gap', async (t) => {
  const dir = t.testdir({
    '0001_first.sql': 'SELECT 1;',
    '0003_third.sql': 'SELECT 1;',
  })
  t.throws(() => readMigrations(dir), { message: 'migration 0003_third.sql is out of sequence: expected 0002_<name>.sql' })
})

t.test('refuses a migrations folder that does not start at 0001', async (t) => {
  const dir = t.testdir({ '0002_second.sql': 'SELECT 1;' })
  t.throws(() => readMigrations(dir), { message: /0002_second\.sql is out of sequence: expected 0001_<name>\.sql/ })
})

t.test('refuses a migration file with a bad name', async (t) => {
  for (const name of ['1_init.sql', '0001-init.sql', '0001_Init.sql', '0001_.sql', 'init.sql']) {
    const dir = t.testdir({ [name]: 'SELECT 1;' })
    t.throws(() => readMigrations(dir), { message: new RegExp(`migration ${name.replace('.', '\\.')} is out of sequence`) }, `refuses ${name}`)
  }
  const dir = t.testdir({ '0001_first.sql': 'SELECT 1;', '0001_again.sql': 'SELECT 1;' })
  t.throws(() => readMigrations(dir), /out of sequence/, 'refuses two files with the same number')
})

t.test('opens a fresh file in WAL mode with foreign keys on and the schema up to date', async (t) => {
  const path = join(t.testdir(), 'fresh.sqlite')
  const db = openDatabase(path, MIGRATIONS_DIR)
  t.teardown(() => db.close())
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  t.equal(db.pragma('foreign_keys', { simple: true }), 1)
  t.equal(userVersion(db), readMigrations(MIGRATIONS_DIR).length)
  t.ok(readMigrations(MIGRATIONS_DIR).length >= 1)
  for (const table of ['entities', 'clients', 'tokens', 'customers', 'accounts', 'fault_rules']) {
    t.ok(tables(db).includes(table), `table ${table} exists`)
  }
  t.throws(
    () => db.prepare("INSERT INTO clients (client_id, entity_id, client_secret, scopes, created_at) VALUES ('c', 'no-such-entity', 's', '[]', 'x')").run(),
    /FOREIGN KEY constraint failed/,
    'foreign keys are enforced',
  )
})

t.test('creates the parent folders of the database file', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'deep', 'er', 'passport-mock.sqlite')
  t.notOk(existsSync(join(dir, 'deep')))
  const db = openDatabase(path, MIGRATIONS_DIR)
  t.teardown(() => db.close())
  t.ok(existsSync(path))
})

t.test('opens the same file again without applying anything, and keeps its rows', async (t) => {
  const path = join(t.testdir(), 'again.sqlite')
  const first = openDatabase(path, MIGRATIONS_DIR)
  first.prepare("INSERT INTO entities (id, name, created_at) VALUES ('e1', 'Kept', '2025-10-09T00:00:00.000Z')").run()
  const version = userVersion(first)
  first.close()
  const second = openDatabase(path, MIGRATIONS_DIR)
  t.teardown(() => second.close())
  t.equal(userVersion(second), version)
  t.same(second.prepare('SELECT name FROM entities').all(), [{ name: 'Kept' }])
  t.equal(migrate(second, readMigrations(MIGRATIONS_DIR)), 0, 'nothing left to apply')
  t.equal(second.pragma('foreign_keys', { simple: true }), 1, 'pragmas are set on every connection')
})

t.test('opens :memory: with foreign keys on', async (t) => {
  const db = openDatabase(':memory:', MIGRATIONS_DIR)
  t.teardown(() => db.close())
  t.equal(db.pragma('foreign_keys', { simple: true }), 1)
  t.equal(userVersion(db), readMigrations(MIGRATIONS_DIR).length)
})
