import type { Database } from 'better-sqlite3'

/**
 * A bulk load's secondary indexes, built once after the rows instead of row by row (issue 15:
 * seeding 1,000,000 accounts). Each insert into an index on a random UUID lands on a random page;
 * CREATE INDEX sorts the rows instead. Only the table's own non-unique `CREATE INDEX` indexes are
 * dropped: the primary key and the UNIQUE constraints stay, so every uniqueness check during the
 * load reads and enforces what it did before. The caller runs this inside its transaction: the
 * drop, the load and the `CREATE INDEX` commit together or not at all, so the schema after a
 * commit or a rollback is the one before (the indexes' names, columns and SQL text).
 */
export function dropSecondaryIndexes(db: Database, table: string): () => void {
  if (!db.inTransaction) throw new Error('dropSecondaryIndexes: only inside a transaction')
  const indexes = (db.prepare(`PRAGMA index_list(${JSON.stringify(table)})`).all() as { name: string; unique: number; origin: string }[])
    .filter((i) => i.origin === 'c' && i.unique === 0)
    .map((i) => ({ name: i.name, sql: db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(i.name) as string }))
  for (const { name } of indexes) db.exec(`DROP INDEX ${JSON.stringify(name)}`)
  return () => {
    for (const { sql } of indexes) db.exec(sql)
  }
}
