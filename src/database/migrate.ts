import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { StartupError } from '../core/startup-error.js'

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/

export interface Migration {
  version: number
  name: string
  sql: string
}

/** The migrations in `dir`, in order; their numbers must run 1, 2, 3… with no gap. */
export function readMigrations(dir: string): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  return files.map((name, index) => {
    const match = MIGRATION_FILE.exec(name)
    if (!match || Number(match[1]) !== index + 1) {
      throw new Error(`migration ${name} is out of sequence: expected ${String(index + 1).padStart(4, '0')}_<name>.sql`)
    }
    return { version: index + 1, name, sql: readFileSync(join(dir, name), 'utf8') }
  })
}

/**
 * Applies the migrations the database has not seen, each in its own transaction, recording
 * progress in `PRAGMA user_version` (STYLE §5, after actualbudget/actual). A database that has
 * seen more migrations than the files hold was written by a newer build: refuse to touch it.
 */
export function migrate(db: Database, migrations: Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > migrations.length) {
    throw new StartupError(`the database is at migration ${current}, but this build only knows ${migrations.length}: use a newer passport-mock or another DATABASE_PATH`)
  }
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return migrations.length - current
}
