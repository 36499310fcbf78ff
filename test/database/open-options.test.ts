import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { MIGRATIONS_DIR } from '../../src/config.js'
import { openDatabase } from '../../src/database/open-database.js'

// The CLI's seed and import open their connection with a large page cache (issue 15: seeding
// 1,000,000 accounts 84 → 40 s); a server's connection keeps SQLite's default.
t.test('bulkCacheMiB sets the page cache of that connection only', async (t) => {
  const path = join(t.testdir(), 'bulk.sqlite')
  const bulk = openDatabase(path, MIGRATIONS_DIR, { bulkCacheMiB: 256 })
  t.equal(bulk.pragma('cache_size', { simple: true }), -262144, '256 MiB, as SQLite counts it (negative: KiB)')
  const plain = openDatabase(path, MIGRATIONS_DIR)
  const raw = new Database(':memory:')
  t.equal(plain.pragma('cache_size', { simple: true }), raw.pragma('cache_size', { simple: true }), "another connection keeps the default (better-sqlite3's build: 16 MiB)")
  raw.close()
  plain.close()
  bulk.close()
})

// Issue 15: the savepoints of batched payments copy pages to the sub-journal; in a temporary
// file that cost ~11% of a payment's CPU. Every connection keeps temporary data in memory.
t.test('every connection keeps temporary data (the savepoints sub-journal) in memory', async (t) => {
  const path = join(t.testdir(), 'temp.sqlite')
  const db = openDatabase(path, MIGRATIONS_DIR)
  t.equal(db.pragma('temp_store', { simple: true }), 2, 'MEMORY')
  db.close()
  const memory = openDatabase(':memory:', MIGRATIONS_DIR)
  t.equal(memory.pragma('temp_store', { simple: true }), 2, 'MEMORY')
  memory.close()
})
