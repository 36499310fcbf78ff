import type { Database } from 'better-sqlite3'

/**
 * Runs a bulk load (the CLI's `seed`, on a connection that closes after it) with a rollback
 * journal instead of the WAL, then puts the WAL back (issue 15). Through the WAL every page of
 * the load is written twice, to the WAL and by the checkpoint into the file; with a rollback
 * journal, pages past the file's old end (all of a load into a new file) are written once, and
 * only the old pages that change are copied to the journal first. `synchronous = FULL` for the
 * while: in rollback mode that is what makes a commit durable, as NORMAL is in WAL mode. A crash
 * leaves a hot journal that the next connection rolls back, so the file is as it was before.
 *
 * Leaving WAL mode needs the only connection to the file: with another one open (a reader)
 * SQLite answers SQLITE_BUSY at once, and the load runs in WAL mode as before. If WAL mode cannot
 * be restored afterwards (a reader came in meanwhile), the file stays in rollback mode until the
 * next open, which sets WAL (open-database.ts).
 */
export async function withRollbackJournal<T>(db: Database, load: () => Promise<T>): Promise<T> {
  const before = { journal: db.pragma('journal_mode', { simple: true }) as string, synchronous: db.pragma('synchronous', { simple: true }) as number }
  let switched = false
  if (before.journal === 'wal') {
    try {
      switched = db.pragma('journal_mode = DELETE', { simple: true }) === 'delete'
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    }
  }
  if (!switched) return load()
  try {
    db.pragma('synchronous = FULL')
    return await load()
  } finally {
    try {
      db.pragma('journal_mode = WAL')
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    }
    db.pragma(`synchronous = ${before.synchronous}`)
  }
}
