import t from 'tap'
import { MIGRATIONS_DIR } from '../../src/config.js'
import { migrate, readMigrations } from '../../src/database/migrate.js'
import { OLD_AT as AT, oldDatabase } from '../helpers/old-database.js'

// 0006_ach_payments.sql rebuilds the payments table (SQLite cannot alter a CHECK): what was
// stored before it must come through whole, with every index of 0002 and 0005 back in place.
const all = readMigrations(MIGRATIONS_DIR)
const achIndex = all.findIndex((m) => m.name === '0006_ach_payments.sql')

function databaseBeforeAch(t: { teardown(fn: () => unknown): void }) {
  const db = oldDatabase(t, all.slice(0, achIndex), { available: '90000000000000000000', pending: '25075' })
  const payment = db.prepare(
    `INSERT INTO payments (id, entity_id, account_id, customer_id, direction, type, status, resolution_id, amount_minor, end_to_end_identification,
       receiver, sender, key_type, key_value, outcome, settle_at, created_at, updated_at)
     VALUES (@id, 'e1', 'a1', 'c1', 'OUTBOUND', 'BREB', @status, @resolution, '25075', 'E2E', '{"key":{}}', '{}', 'PHONE', '3001234567', 'settle', @settle_at, ?, ?)`,
  )
  payment.run({ id: 'p1', status: 'PROCESSING', resolution: 'r1', settle_at: AT }, AT, AT)
  payment.run({ id: 'p2', status: 'SETTLED', resolution: 'r2', settle_at: null }, AT, AT)
  return db
}

t.test('keeps every Bre-B payment row as it was, the new columns NULL', async (t) => {
  t.ok(achIndex > 0, '0006_ach_payments.sql is among the migrations')
  const db = databaseBeforeAch(t)
  const before = db.prepare('SELECT * FROM payments ORDER BY rowid').all()
  migrate(db, all)
  const after = db.prepare('SELECT * FROM payments ORDER BY rowid').all() as Record<string, unknown>[]
  t.same(
    after.map(({ recipient_id, description, ...rest }) => rest),
    before,
  )
  t.same(
    after.map((r) => [r.recipient_id, r.description]),
    [
      [null, null],
      [null, null],
    ],
  )
  t.same(db.pragma('foreign_key_check'), [], 'no dangling reference')
})

t.test('recreates the indexes, the due one covering PENDING too, and settlement uses it', async (t) => {
  const db = databaseBeforeAch(t)
  // Up to 0006 only: later migrations add indexes of their own (0012: the console's payment search).
  migrate(db, all.slice(0, achIndex + 1))
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payments' AND sql IS NOT NULL ORDER BY name").all() as { name: string; sql: string }[]
  t.same(
    indexes.map((i) => i.name),
    ['payments_due', 'payments_entity', 'payments_resolution'],
  )
  t.match(indexes.find((i) => i.name === 'payments_due')?.sql, /\(settle_at, id\) WHERE status IN \('PROCESSING', 'PENDING'\)/)
  t.match(indexes.find((i) => i.name === 'payments_resolution')?.sql, /UNIQUE INDEX payments_resolution ON payments \(resolution_id\) WHERE direction = 'OUTBOUND'/)
  // The same statement as PaymentsStore.due.
  const plan = db
    .prepare("EXPLAIN QUERY PLAN SELECT * FROM payments WHERE status IN ('PROCESSING', 'PENDING') AND outcome <> 'hold' AND settle_at <= ? ORDER BY settle_at, id LIMIT ?")
    .all(AT, 200) as { detail: string }[]
  t.match(plan.map((p) => p.detail).join('\n'), /USING INDEX payments_due/)
})

t.test('takes ACH payments and refuses the statuses each rail never has', async (t) => {
  const db = databaseBeforeAch(t)
  migrate(db, all)
  const insert = db.prepare(
    `INSERT INTO payments (id, entity_id, account_id, customer_id, direction, type, status, amount_minor, end_to_end_identification, receiver, sender, recipient_id, created_at, updated_at)
     VALUES (@id, 'e1', 'a1', 'c1', 'OUTBOUND', @type, @status, '1', 'E2E', '{}', '{}', @recipient_id, ?, ?)`,
  )
  insert.run({ id: 'ach1', type: 'ACH', status: 'PENDING', recipient_id: 'rc1' }, AT, AT)
  t.throws(() => insert.run({ id: 'ach2', type: 'ACH', status: 'PROCESSING', recipient_id: 'rc1' }, AT, AT), /CHECK constraint failed/, 'ACH is never PROCESSING')
  t.throws(() => insert.run({ id: 'ach3', type: 'ACH', status: 'PENDING', recipient_id: null }, AT, AT), /CHECK constraint failed/, 'ACH names its recipient')
  t.throws(() => insert.run({ id: 'b1', type: 'BREB', status: 'PENDING', recipient_id: null }, AT, AT), /CHECK constraint failed/, 'Bre-B is never PENDING')
  t.throws(() => insert.run({ id: 'w1', type: 'WIRE', status: 'SETTLED', recipient_id: 'rc1' }, AT, AT), /CHECK constraint failed/)
  t.throws(() => db.prepare("INSERT INTO magic_ach_accounts (account_number, behaviour, error_code) VALUES ('1', 'hold', 'R01')").run(), /CHECK constraint failed/, 'a hold has no code')
})
