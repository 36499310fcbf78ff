import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { StartupError } from '../core/startup-error.js'
import { MAIN_AUTOCHECKPOINT_PAGES } from './checkpointer.js'
import { migrate, readMigrations } from './migrate.js'

/**
 * What to do about a file SQLite cannot use, in one line (issue 11 items 10 and 11): the entry
 * points print it as `passport-mock: …` and exit 1, instead of a stack trace or a server that
 * starts and answers 500.
 */
function startupError(path: string, error: unknown): StartupError {
  if (error instanceof StartupError) return error
  const { code, message } = error as { code?: string; message: string }
  switch (code) {
    case 'SQLITE_NOTADB':
      return new StartupError(`${path} is not a SQLite database: point DATABASE_PATH at another file, or move this one away to start again from the fixtures`)
    case 'SQLITE_CORRUPT':
      return new StartupError(`${path} is damaged (SQLite: ${message}): restore it from a copy, or move it away to start again from the fixtures`)
    case 'SQLITE_CANTOPEN':
      return new StartupError(`cannot open ${path} (SQLite: ${message}): DATABASE_PATH must name a file in a folder this user can write`)
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return new StartupError(`${path} cannot be written (SQLite: ${message}): give this user write access to the file and its folder, or choose another DATABASE_PATH`)
    case 'SQLITE_FULL':
      return new StartupError(`the disk holding ${path} is full: free some space, or choose another DATABASE_PATH`)
    case 'SQLITE_IOERR':
      return new StartupError(`cannot read or write ${path} (SQLite: ${message}): check the disk and the file`)
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return new StartupError(`cannot use ${path} (SQLite ${code}: ${message}): choose another DATABASE_PATH`)
  if (typeof code === 'string' && code.startsWith('E')) return new StartupError(`cannot use ${path} (${code}: ${message}): choose another DATABASE_PATH in a folder this user can write`)
  return new StartupError(`cannot use ${path}: ${message}`)
}

/**
 * Opens (creating if needed) the database, checks that a file it finds is whole, sets the
 * pragmas every connection needs and brings the schema up to date. `:memory:` gives a private
 * in-memory store (tests, the test helper). Any failure is a StartupError saying what to do.
 */
export interface OpenOptions {
  /**
   * A page cache this large (MiB) for a bulk load on a connection that closes after it (the
   * CLI's `seed` and `import`). The default (16 MiB as better-sqlite3 builds SQLite) spills the one
   * long transaction's dirty pages to the WAL again and again: seeding 1,000,000 accounts took 84 s, 32 of them in the
   * kernel writing 3.9 GB; with 256 MiB 40 s, 4.5 s system time (issue 15, bench/run.mjs). The
   * cache is allocated as pages are used and freed when the connection closes.
   */
  bulkCacheMiB?: number
}

export function openDatabase(path: string, migrationsDir: string, options: OpenOptions = {}): Database {
  const migrations = readMigrations(migrationsDir)
  let db: Database | undefined
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    db = new BetterSqlite3(path)
    if (path !== ':memory:') checkWhole(db, path)
    // WAL: readers never block the writer; NORMAL is durable across process crashes in WAL mode.
    if (path !== ':memory:') db.pragma('journal_mode = WAL')
    // A checkpoint (copying the WAL back into the file, with an fsync) every 4,000 pages (16 MiB)
    // instead of SQLite's 1,000: under a payment burst a page written many times is copied once,
    // and the event loop blocks on fsync a quarter as often (issue 5: payments 3,560 → 4,050/s,
    // 241 → 227 µs of CPU each). Durability is the same: a commit is in the WAL either way.
    // A running server moves checkpoints to a thread of its own (checkpointer.ts) and keeps this
    // threshold only as a safety net; the CLI's commands and a server whose thread failed use it.
    if (path !== ':memory:') db.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`)
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // Payments are made and settled in batches, a savepoint each (payments.service.ts,
    // settlement.ts). Before a savepoint changes a page it copies it to the sub-journal, a
    // temporary file once past 64 KiB, which with a file never shrinks within the transaction:
    // ~11% of a payment's CPU went to those writes (perf, issue 15). In memory the sub-journal is
    // emptied at each release, so it holds one payment's pages. It only serves a rollback to a
    // savepoint inside a transaction: what a commit makes durable is unchanged.
    db.pragma('temp_store = MEMORY')
    db.pragma('busy_timeout = 5000')
    if (options.bulkCacheMiB !== undefined) db.pragma(`cache_size = ${-Math.round(options.bulkCacheMiB * 1024)}`)
    migrate(db, migrations)
    return db
  } catch (error) {
    db?.close()
    throw startupError(path, error)
  }
}

/**
 * A file with damaged pages used to start and answer 500 on the first request that read them
 * (issue 11 item 10). `PRAGMA quick_check` reads every page and checks the b-trees (not index
 * contents: integrity_check does, five times slower). Measured on a 100,000-account file
 * (62 MB): 128 ms, against 669 ms for integrity_check; a new file costs nothing.
 */
function checkWhole(db: Database, path: string): void {
  const rows = db.pragma('quick_check(1)') as { quick_check: string }[]
  // SQLite's first finding, on one line: "*** in database main ***\nTree 16 page 262: …".
  const first = (rows[0]?.quick_check ?? 'no answer').replace('*** in database main ***', '').replace(/\s+/g, ' ').trim()
  if (first !== 'ok') throw new StartupError(`${path} is damaged (PRAGMA quick_check: ${first}): restore it from a copy, or move it away to start again from the fixtures`)
}
