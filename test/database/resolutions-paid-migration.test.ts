import BetterSqlite3 from 'better-sqlite3'
import t from 'tap'
import { MIGRATIONS_DIR } from '../../src/config.js'
import { migrate, readMigrations } from '../../src/database/migrate.js'
import { OLD_AT as AT, oldDatabase } from '../helpers/old-database.js'

// 0013_resolutions_paid.sql (issue 15): resolutions a payment names are marked `paid`, by the
// migration for those stored before it and by a trigger for every payment inserted after, and the
// expiry index retention reads holds only the unpaid ones.
const all = readMigrations(MIGRATIONS_DIR)
const paidIndex = all.findIndex((m) => m.name === '0013_resolutions_paid.sql')

function databaseBefore(t: { teardown(fn: () => unknown): void }) {
  const db = oldDatabase(t, all.slice(0, paidIndex), { available: '100', pending: '0' })
  for (const id of ['r1', 'r2', 'r3', 'r4'])
    db.prepare(
      `INSERT INTO resolutions (id, entity_id, customer_id, key_type, key_value, owner, participant, account, receptor_node, resolved_at, expires_at, created_at, updated_at)
       VALUES (?, 'e1', 'c1', 'PHONE', '3001234567', '{}', '{}', '{}', 'node', ?, ?, ?, ?)`,
    ).run(id, AT, AT, AT, AT)
  return db
}

function insertPayment(db: BetterSqlite3.Database, id: string, direction: 'OUTBOUND' | 'INBOUND', resolution: string | null) {
  db.prepare(
    `INSERT INTO payments (id, entity_id, account_id, customer_id, direction, type, status, resolution_id, amount_minor, end_to_end_identification,
       receiver, sender, created_at, updated_at)
     VALUES (?, 'e1', 'a1', 'c1', ?, 'BREB', 'SETTLED', ?, '1', ?, '{}', '{}', ?, ?)`,
  ).run(id, direction, resolution, `E2E-${id}`, AT, AT)
}

const marks = (db: BetterSqlite3.Database) => Object.fromEntries((db.prepare('SELECT id, paid FROM resolutions ORDER BY id').all() as { id: string; paid: number }[]).map((r) => [r.id, r.paid]))

t.test('marks the resolutions stored payments name, and only OUTBOUND ones', async (t) => {
  t.ok(paidIndex > 0, '0013_resolutions_paid.sql is among the migrations')
  const db = databaseBefore(t)
  insertPayment(db, 'p1', 'OUTBOUND', 'r1')
  // An INBOUND payment's resolution_id names no resolution of ours (CONTRACT §4); it marks nothing.
  insertPayment(db, 'p2', 'INBOUND', 'r2')
  const before = db.prepare('SELECT id, expires_at FROM resolutions ORDER BY id').all()
  migrate(db, all)
  t.same(marks(db), { r1: 1, r2: 0, r3: 0, r4: 0 })
  t.same(db.prepare('SELECT id, expires_at FROM resolutions ORDER BY id').all(), before, 'every resolution kept as it was')
})

t.test('a payment inserted afterwards marks its resolution, whoever inserts it', async (t) => {
  const db = databaseBefore(t)
  migrate(db, all)
  insertPayment(db, 'p3', 'OUTBOUND', 'r3')
  insertPayment(db, 'p4', 'OUTBOUND', null)
  insertPayment(db, 'p5', 'INBOUND', 'r4')
  t.same(marks(db), { r1: 0, r2: 0, r3: 1, r4: 0 })
})

t.test('the expiry index holds only unpaid resolutions, and retention reads along it', async (t) => {
  const db = databaseBefore(t)
  migrate(db, all)
  insertPayment(db, 'p1', 'OUTBOUND', 'r1')
  const indexes = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'resolutions' AND sql IS NOT NULL").all() as { name: string; sql: string }[]).map((i) => i.name)
  t.notOk(indexes.includes('resolutions_expires'), 'the index of every expiry is gone')
  t.ok(indexes.includes('resolutions_unpaid_expires'))
  const entries = db.prepare('SELECT COUNT(*) AS n FROM resolutions INDEXED BY resolutions_unpaid_expires WHERE paid = 0 AND expires_at > ?').get('') as { n: number }
  t.equal(entries.n, 3, 'the three unpaid ones, read along the index')
})
