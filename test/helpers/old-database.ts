import BetterSqlite3 from 'better-sqlite3'
import type { Migration } from '../../src/database/migrate.js'
import { migrate } from '../../src/database/migrate.js'

export const OLD_AT = '2026-01-15T12:00:00.000Z'

/**
 * An in-memory database at an older schema (the migrations given), holding entity `e1`, its
 * customer `c1` and account `a1` (`123`, ACTIVE, the balances given): what a migration test
 * fills further before it runs the rest. Closed at teardown.
 */
export function oldDatabase(t: { teardown(fn: () => unknown): void }, migrations: Migration[], balances: { available: string; pending: string }): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:')
  t.teardown(() => db.close())
  db.pragma('foreign_keys = ON')
  migrate(db, migrations)
  db.prepare('INSERT INTO entities (id, name, created_at) VALUES (?, ?, ?)').run('e1', 'Entity', OLD_AT)
  db.prepare(
    `INSERT INTO customers (id, entity_id, type, status, business_name, email, mobile_phone_number, identification_type, identification_number,
       merchant_category_code, address_line_1, address_city, address_state, address_post_code, address_country, created_at, updated_at)
     VALUES ('c1', 'e1', 'BUSINESS', 'ACTIVE', 'Shop', 'a@b.co', '3001234567', 'NIT', '900123456', '5411', 'Calle 1', 'Bogota', 'DC', '110111', 'CO', ?, ?)`,
  ).run(OLD_AT, OLD_AT)
  db.prepare(
    `INSERT INTO accounts (id, entity_id, customer_id, account_number, account_type, status, available_minor, pending_minor, created_at, updated_at)
     VALUES ('a1', 'e1', 'c1', '123', 'ORDINARY', 'ACTIVE', ?, ?, ?, ?)`,
  ).run(balances.available, balances.pending, OLD_AT, OLD_AT)
  return db
}
