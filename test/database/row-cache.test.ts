import Database from 'better-sqlite3'
import t from 'tap'
import { RowCache } from '../../src/database/row-cache.js'

t.test('a kept row is never handed out: each get is a copy, so a caller that changes it changes nothing kept', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  const cache = new RowCache<{ id: string; status: string }>(db, 10)
  const row = { id: 'a', status: 'ACTIVE' }
  cache.remember('a', row)
  row.status = 'CHANGED BY THE STORE'
  const first = cache.get('a')
  t.same(first, { id: 'a', status: 'ACTIVE' }, 'remember kept a copy')
  if (first) first.status = 'BLOCKED'
  t.same(cache.get('a'), { id: 'a', status: 'ACTIVE' }, 'get handed out a copy')
  t.not(cache.get('a'), cache.get('a'))
})

t.test('nothing read inside a transaction is kept; once full it keeps what it has, until a row is forgotten', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  const cache = new RowCache<{ id: string }>(db, 2)
  db.transaction(() => cache.remember('x', { id: 'x' }))()
  t.equal(cache.get('x'), undefined)
  cache.remember('a', { id: 'a' })
  cache.remember('b', { id: 'b' })
  cache.remember('c', { id: 'c' })
  t.same([cache.get('a'), cache.get('b'), cache.get('c')], [{ id: 'a' }, { id: 'b' }, undefined])
  cache.forget('a')
  cache.remember('c', { id: 'c' })
  t.same([cache.get('a'), cache.get('b'), cache.get('c')], [undefined, { id: 'b' }, { id: 'c' }], 'a forgotten row made room')
})
