import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { migrate, readMigrations } from './migrate.js'

/**
 * Opens (creating if needed) the database, sets the pragmas every connection needs and brings
 * the schema up to date. `:memory:` gives a private in-memory store (tests, the test helper).
 */
export function openDatabase(path: string, migrationsDir: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new BetterSqlite3(path)
  // WAL: readers never block the writer; NORMAL is durable across process crashes in WAL mode.
  if (path !== ':memory:') db.pragma('journal_mode = WAL')
  // A checkpoint (copying the WAL back into the file, with an fsync) every 4,000 pages (16 MiB)
  // instead of SQLite's 1,000: under a payment burst a page written many times is copied once,
  // and the event loop blocks on fsync a quarter as often (issue 5: payments 3,560 → 4,050/s,
  // 241 → 227 µs of CPU each). Durability is the same: a commit is in the WAL either way.
  if (path !== ':memory:') db.pragma('wal_autocheckpoint = 4000')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db, readMigrations(migrationsDir))
  return db
}
