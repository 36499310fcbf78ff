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
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db, readMigrations(migrationsDir))
  return db
}
