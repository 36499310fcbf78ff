import BetterSqlite3 from 'better-sqlite3'
import t from 'tap'
import { MIGRATIONS_DIR } from '../../src/config.js'
import { migrate, readMigrations } from '../../src/database/migrate.js'
import { OLD_AT as AT, oldDatabase } from '../helpers/old-database.js'

// 0014_webhook_events_pending.sql (issue 15): each event counts its pending jobs, set by the
// migration for those stored before it and kept by triggers on webhook_jobs after, and the
// indexes retention reads hold only events with none.
const all = readMigrations(MIGRATIONS_DIR)
const pendingIndex = all.findIndex((m) => m.name === '0014_webhook_events_pending.sql')

function databaseBefore(t: { teardown(fn: () => unknown): void }) {
  const db = oldDatabase(t, all.slice(0, pendingIndex), { available: '100', pending: '0' })
  const event = db.prepare("INSERT INTO webhook_events (id, entity_id, type, body, created_at, seq) VALUES (?, 'e1', 'payment.outbound.confirmed', '{}', ?, ?)")
  for (const [i, id] of ['e-none', 'e-one', 'e-two', 'e-ended'].entries()) event.run(id, AT, i + 1)
  insertJob(db, 'j1', 'e-one', 'pending')
  insertJob(db, 'j2', 'e-two', 'pending')
  insertJob(db, 'j3', 'e-two', 'pending')
  insertJob(db, 'j4', 'e-ended', 'delivered')
  insertJob(db, 'j5', 'e-ended', 'failed')
  return db
}

function insertJob(db: BetterSqlite3.Database, id: string, eventId: string, state: string) {
  db.prepare("INSERT INTO webhook_jobs (id, event_id, endpoint_id, url, attempts, next_attempt_ms, state) VALUES (?, ?, 'env', 'http://127.0.0.1:9/', 0, 0, ?)").run(id, eventId, state)
}

const counts = (db: BetterSqlite3.Database) =>
  Object.fromEntries((db.prepare('SELECT id, pending_jobs FROM webhook_events ORDER BY id').all() as { id: string; pending_jobs: number }[]).map((r) => [r.id, r.pending_jobs]))

t.test('counts the pending jobs of the events stored before it', async (t) => {
  t.ok(pendingIndex > 0, '0014_webhook_events_pending.sql is among the migrations')
  const db = databaseBefore(t)
  const before = db.prepare('SELECT id, entity_id, type, body, created_at, seq FROM webhook_events ORDER BY id').all()
  migrate(db, all)
  t.same(counts(db), { 'e-ended': 0, 'e-none': 0, 'e-one': 1, 'e-two': 2 })
  t.same(db.prepare('SELECT id, entity_id, type, body, created_at, seq FROM webhook_events ORDER BY id').all(), before, 'every event kept as it was')
})

t.test('jobs inserted, ended, retried, moved or deleted afterwards keep the count', async (t) => {
  const db = databaseBefore(t)
  migrate(db, all)
  insertJob(db, 'j6', 'e-none', 'pending')
  insertJob(db, 'j7', 'e-none', 'delivered')
  t.same(counts(db), { 'e-ended': 0, 'e-none': 1, 'e-one': 1, 'e-two': 2 }, 'a pending job counts, an ended one does not')
  const update = db.prepare('UPDATE webhook_jobs SET attempts = attempts + 1, state = ? WHERE id = ?')
  update.run('pending', 'j1')
  t.same(counts(db), { 'e-ended': 0, 'e-none': 1, 'e-one': 1, 'e-two': 2 }, 'a retry (pending to pending) changes nothing')
  update.run('delivered', 'j2')
  update.run('failed', 'j1')
  t.same(counts(db), { 'e-ended': 0, 'e-none': 1, 'e-one': 0, 'e-two': 1 }, 'delivered or failed: counted down')
  db.prepare("UPDATE webhook_jobs SET event_id = 'e-ended' WHERE id = 'j3'").run()
  t.same(counts(db), { 'e-ended': 1, 'e-none': 1, 'e-one': 0, 'e-two': 0 }, 'a pending job moved to another event moves its count')
  db.prepare("DELETE FROM webhook_jobs WHERE state = 'pending'").run()
  t.same(counts(db), { 'e-ended': 0, 'e-none': 0, 'e-one': 0, 'e-two': 0 }, 'an endpoint removed: its pending jobs go, and their counts')
  db.prepare('DELETE FROM webhook_events').run()
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM webhook_jobs').get() as { n: number }).n, 0, 'a reset still takes every job with its event')
})

t.test('the indexes retention reads hold only events with no pending job', async (t) => {
  const db = databaseBefore(t)
  migrate(db, all)
  const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'webhook_events' AND sql IS NOT NULL").all() as { name: string }[]).map((i) => i.name)
  t.notOk(indexes.includes('webhook_events_created'), 'the index of every event by time is gone')
  t.ok(indexes.includes('webhook_events_seq'), 'the one every insert reads its sequence number from stays')
  for (const [index, column] of [
    ['webhook_events_ended_created', 'created_at'],
    ['webhook_events_ended_seq', 'seq'],
  ] as const) {
    const ids = db.prepare(`SELECT id FROM webhook_events INDEXED BY ${index} WHERE pending_jobs = 0 AND ${column} IS NOT NULL ORDER BY id`).pluck().all()
    t.same(ids, ['e-ended', 'e-none'], `${index}: the two with no pending job`)
  }
})
