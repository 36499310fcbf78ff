import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { StartupError } from '../core/startup-error.js'

/** What holds a database file for one process; `release()` lets the next one in. */
export interface FileLock {
  release(): void
}

const NO_LOCK: FileLock = { release: () => undefined }

/**
 * One server per database file (issue 11 item 3; CONTRACT 2 "One server per database file"):
 * two servers on one file each trusted their own caches, so a token revoked on one still worked
 * on the other, and one balance was spent twice.
 *
 * The lock is an OS lock, so it dies with its process (kill -9, an OOM kill) and never goes
 * stale: a second SQLite connection, on the sibling file `<db>.lock`, in
 * `locking_mode = EXCLUSIVE`, writes once and so holds SQLite's exclusive (fcntl) lock until it
 * is closed. No new native dependency: better-sqlite3 is already here. SQLite also tracks locks
 * per file within a process, so a second app in the same process is refused too. The holder's
 * pid is written to `<db>.lock.pid` (the locked file itself cannot be read by others), only to
 * name it in the refusal. The `.lock` file is never deleted: a process waiting on the old inode
 * and a new one on a fresh file would both think they hold it.
 */
export function lockDatabaseFile(path: string): FileLock {
  if (path === ':memory:') return NO_LOCK
  const lockPath = `${path}.lock`
  const pidPath = `${path}.lock.pid`
  try {
    mkdirSync(dirname(path), { recursive: true })
  } catch (error) {
    throw new StartupError(`cannot create the folder of DATABASE_PATH ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): create it, or choose a folder this user can write`)
  }
  let lock: Database
  try {
    // timeout 0: a held lock is refused at once, not waited for.
    lock = new BetterSqlite3(lockPath, { timeout: 0 })
  } catch (error) {
    throw new StartupError(`cannot create ${lockPath} beside the database (${(error as Error).message}): DATABASE_PATH must be in a folder this user can write`)
  }
  try {
    lock.pragma('locking_mode = EXCLUSIVE')
    // No journal file beside the lock: the one row written is worth nothing after a crash.
    lock.pragma('journal_mode = OFF')
    // Nor a flush to disk (issue 15: two fsyncs were most of the lock's time at start): the
    // exclusive lock is taken by the write itself, whatever reaches the disk.
    lock.pragma('synchronous = OFF')
    lock.exec(`BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder; INSERT INTO holder (pid) VALUES (${process.pid}); COMMIT`)
  } catch (error) {
    lock.close()
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      let holder = 'another process'
      try {
        const pid = readFileSync(pidPath, 'utf8').trim()
        if (/^[0-9]+$/.test(pid)) holder = `process ${pid}`
      } catch {
        // No pid file yet: the holder is between its lock and its write.
      }
      throw new StartupError(`${path} is in use by ${holder} (another passport-mock): stop it, or give this one another DATABASE_PATH`)
    }
    throw error
  }
  writeFileSync(pidPath, `${process.pid}\n`)
  let held = true
  return {
    release() {
      if (!held) return
      held = false
      // The pid file goes first, while the lock is still ours.
      rmSync(pidPath, { force: true })
      lock.close()
    },
  }
}
