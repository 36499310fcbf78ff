import { join } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import t, { type Test } from 'tap'
import type { PageRequest } from '../../src/core/pagination.js'
import { PagedLister } from '../../src/database/list-query.js'

/*
 * PagedLister remembers the totals it counted (issue 5: the COUNT of a filtered list cost more
 * than the rest of the request) and must never answer a stale one: any write on the connection,
 * a write rolled back, and a commit by another connection to the file all count again.
 */

const PAGE: PageRequest = { pageSize: 2, pageNumber: 1, offset: 0, orderKey: 'created_at', direction: 'ASC', snapshotAt: undefined }

function open(t: Test): { db: Database; file: string } {
  const file = join(t.testdir(), 'list.sqlite')
  const db = new BetterSqlite3(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE things (id TEXT PRIMARY KEY, entity_id TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)')
  t.teardown(() => db.close())
  return { db, file }
}

let n = 0
function add(db: Database, status = 'ACTIVE', entity = 'e1'): void {
  n++
  const at = `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(3, '0')}Z`
  db.prepare('INSERT INTO things VALUES (?, ?, ?, ?, ?)').run(`id-${n}`, entity, status, at, at)
}

t.test('counts again after every kind of write on the connection', async (t) => {
  const { db } = open(t)
  const lister = new PagedLister(db, 'things')
  const total = (filters: Record<string, string | undefined> = { status: 'ACTIVE' }) => lister.list('e1', filters, PAGE).total
  add(db)
  add(db)
  add(db, 'CLOSED')
  add(db, 'ACTIVE', 'e2')
  t.equal(total(), 2)
  t.equal(total(), 2, 'the same count twice')
  t.equal(total({}), 3, 'another filter is counted on its own')
  add(db)
  t.equal(total(), 3, 'an insert')
  db.prepare("UPDATE things SET status = 'ACTIVE' WHERE status = 'CLOSED'").run()
  t.equal(total(), 4, 'an update')
  db.prepare("DELETE FROM things WHERE id = 'id-1'").run()
  t.equal(total(), 3, 'a delete')
  db.exec('DELETE FROM things')
  t.equal(total(), 0, 'a delete of every row')
  t.equal(lister.list('e1', { status: 'ACTIVE' }, PAGE).rows.length, 0)
})

t.test('never keeps a count made inside a transaction that rolls back', async (t) => {
  const { db } = open(t)
  const lister = new PagedLister(db, 'things')
  const total = () => lister.list('e1', {}, PAGE).total
  add(db)
  t.equal(total(), 1)
  const inside = db.transaction(() => {
    add(db)
    add(db)
    t.equal(total(), 3, 'the transaction sees its own rows')
    throw new Error('roll back')
  })
  t.throws(() => inside(), /roll back/)
  t.equal(total(), 1, 'the rolled-back rows are not counted')
})

t.test('counts again after another connection commits to the file', async (t) => {
  const { db, file } = open(t)
  const lister = new PagedLister(db, 'things')
  add(db)
  t.equal(lister.list('e1', {}, PAGE).total, 1)
  const other = new BetterSqlite3(file)
  t.teardown(() => other.close())
  add(other)
  add(other)
  t.equal(lister.list('e1', {}, PAGE).total, 3)
  t.same(
    lister.list('e1', {}, PAGE).rows.map((r) => (r as { id: string }).id).length,
    2,
    'a page of two',
  )
})
