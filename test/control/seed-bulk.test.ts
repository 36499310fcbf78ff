// A seed of many accounts into a table no larger than it (issue 15: 1,000,000 accounts into a new
// file) drops the accounts' non-unique indexes in its transaction and builds them again before
// the commit, and answers the "taken" checks from sets read once. These tests hold it to the
// rows, the answers, the errors and the schema of a seed that goes one row at a time.
import type { Database } from 'better-sqlite3'
import t from 'tap'
import { MIGRATIONS_DIR, loadConfig } from '../../src/config.js'
import { ManualTime, MockClock } from '../../src/core/clock.js'
import { PassportError } from '../../src/core/errors.js'
import { BULK_INDEX_MIN_ACCOUNTS } from '../../src/control/state/seed.service.js'
import { serializeSeedResult } from '../../src/control/state/state.serializer.js'
import { dropSecondaryIndexes } from '../../src/database/bulk-indexes.js'
import { openDatabase } from '../../src/database/open-database.js'
import { loadFixturesIfEmpty } from '../../src/fixtures/load-fixtures.js'
import { createServices } from '../../src/services.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { DEFAULT_ENTITY, DOCS_ACCOUNT } from '../helpers/webhooks.js'

const N = BULK_INDEX_MIN_ACCOUNTS
/** An account number of the default fixtures. */
const FIXTURE_NUMBER = '88827643001'

async function open(t: { teardown(fn: () => unknown): void }) {
  const db = openDatabase(':memory:', MIGRATIONS_DIR)
  t.teardown(() => db.close())
  const config = { ...loadConfig({}), databasePath: ':memory:' }
  const services = createServices({ db, clock: new MockClock(new ManualTime('2026-01-15T12:00:00.000Z')), config })
  await loadFixturesIfEmpty({ db, ...services.stores }, config.fixturesPath, config.seed)
  return { db, services }
}

/** The schema as written (names and SQL), and the schema cookie that every DDL statement moves. */
function schema(db: Database) {
  return {
    objects: db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all(),
    version: db.pragma('schema_version', { simple: true }) as number,
  }
}

/** Every row of sqlite_master with its root page: equal only if nothing was rebuilt or the rebuild was rolled back. */
const master = (db: Database) => db.prepare('SELECT * FROM sqlite_master ORDER BY rowid').all()

const manyAccounts = () => Array.from({ length: N }, (_, i) => (i === 0 ? { available_balance: '1000000000.00' } : i === 1 ? { status: 'BLOCKED' as const, account_number: '88000000001' } : {}))

t.test('many accounts into a table no larger: the same rows and answer as one row at a time, the same schema, whole indexes', async (t) => {
  const bulk = await open(t)
  const before = schema(bulk.db)
  const bulkAnswer = serializeSeedResult(await bulk.services.seeds.apply({ accounts: manyAccounts() }))
  const after = schema(bulk.db)
  t.not(after.version, before.version, 'the indexes were dropped and built again')
  t.same(after.objects, before.objects, 'the same tables and indexes, with the same SQL')
  t.same(bulk.db.pragma('integrity_check'), [{ integrity_check: 'ok' }], 'every index has every row')
  t.equal(bulk.db.prepare('SELECT count(*) FROM accounts INDEXED BY accounts_number').pluck().get(), bulk.db.prepare('SELECT count(*) FROM accounts').pluck().get())

  // The same document into a table already larger than it: rows go into the indexes one by one.
  const oneByOne = await open(t)
  const customer = oneByOne.db.prepare('SELECT id FROM customers WHERE entity_id = ? LIMIT 1').pluck().get(DEFAULT_ENTITY)
  const insert = oneByOne.db.prepare(
    "INSERT INTO accounts (id, entity_id, customer_id, account_number, account_type, status, available_minor, pending_minor, created_at, updated_at) VALUES (?, ?, ?, ?, 'ORDINARY', 'ACTIVE', '0', '0', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
  )
  oneByOne.db.transaction(() => {
    for (let i = 0; i < N; i++) insert.run(`b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, DEFAULT_ENTITY, customer, `77${String(i).padStart(9, '0')}`)
  })()
  const larger = schema(oneByOne.db)
  const oneByOneAnswer = serializeSeedResult(await oneByOne.services.seeds.apply({ accounts: manyAccounts() }))
  t.equal(schema(oneByOne.db).version, larger.version, 'no schema change when the table is larger than the document')
  t.same(oneByOneAnswer, bulkAnswer, 'the same ids, numbers, customer and balances from the same stream')

  // Fewer accounts than the threshold, into a new table: one by one too.
  const small = await open(t)
  const smallBefore = schema(small.db)
  await small.services.seeds.apply({ accounts: Array.from({ length: N - 1 }, () => ({})) })
  t.equal(schema(small.db).version, smallBefore.version, `no schema change below ${N} accounts`)
})

t.test('a taken id or number in a bulk document is refused as one row at a time refuses it, and the schema is rolled back', async (t) => {
  const cases: [(accounts: Record<string, unknown>[]) => void, string][] = [
    [(a) => void (a[N - 1] = { account_number: '88000000001' }), `Field 'accounts[${N - 1}].account_number' is taken: an account of the entity already has this number`],
    [(a) => void (a[N - 1] = { account_number: FIXTURE_NUMBER }), `Field 'accounts[${N - 1}].account_number' is taken: an account of the entity already has this number`],
    [(a) => void ((a[5] = { id: '3d7f2a10-8c4b-4e2f-9a61-5b0c7e9d1f24' }), (a[N - 1] = { id: '3D7F2A10-8C4B-4E2F-9A61-5B0C7E9D1F24' })), `Field 'accounts[${N - 1}].id' is taken: an account with id 3d7f2a10-8c4b-4e2f-9a61-5b0c7e9d1f24 already exists`],
    [(a) => void (a[N - 1] = { id: DOCS_ACCOUNT }), `Field 'accounts[${N - 1}].id' is taken: an account with id ${DOCS_ACCOUNT} already exists`],
  ]
  const { db, services } = await open(t)
  const rows = db.prepare('SELECT count(*) FROM accounts').pluck().get()
  const before = master(db)
  for (const [spoil, message] of cases) {
    const accounts: Record<string, unknown>[] = manyAccounts()
    spoil(accounts)
    const error = await services.seeds.apply({ accounts }).then(
      () => undefined,
      (e: unknown) => e,
    )
    t.ok(error instanceof PassportError, message)
    t.match(error, { status: 409, code: 'already_exists', message })
    t.equal(db.prepare('SELECT count(*) FROM accounts').pluck().get(), rows, 'nothing stored')
    t.same(master(db), before, 'the indexes as they were, root pages included')
  }
})

t.test('POST /_mock/seed: a bulk document is applied, and one with a taken number is the same 409 as a small one', async (t) => {
  const { app } = await buildTestApp(t)
  const small = await app.inject({ method: 'POST', url: '/_mock/seed', payload: { accounts: [{}, { account_number: FIXTURE_NUMBER }] } })
  const accounts: Record<string, unknown>[] = manyAccounts()
  accounts[1] = { account_number: FIXTURE_NUMBER }
  const big = await app.inject({ method: 'POST', url: '/_mock/seed', payload: { accounts } })
  expectError(t, small, 409, 'already_exists', 'ALREADY_EXISTS', "Field 'accounts[1].account_number' is taken: an account of the entity already has this number", '_mock')
  expectError(t, big, 409, 'already_exists', 'ALREADY_EXISTS', "Field 'accounts[1].account_number' is taken: an account of the entity already has this number", '_mock')

  const ok = await app.inject({ method: 'POST', url: '/_mock/seed', payload: { accounts: manyAccounts() } })
  t.equal(ok.statusCode, 200)
  t.equal((ok.json() as { accounts: unknown[] }).accounts.length, N)
  const token = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' } })
  const blocked = await app.inject({ url: '/v1/accounts?account_number=88000000001', headers: { authorization: `Bearer ${token.json().access_token as string}` } })
  t.match(blocked.json(), { accounts: [{ account_number: '88000000001', status: 'BLOCKED' }] }, 'found through the rebuilt indexes')
})

t.test('dropSecondaryIndexes drops only the non-unique indexes of CREATE INDEX, only inside a transaction', async (t) => {
  const { db } = await open(t)
  t.throws(() => dropSecondaryIndexes(db, 'accounts'), /only inside a transaction/)
  const names = () => (db.pragma('index_list(accounts)') as { name: string }[]).map((i) => i.name).sort()
  const all = names()
  db.transaction(() => {
    const rebuild = dropSecondaryIndexes(db, 'accounts')
    t.same(names(), ['sqlite_autoindex_accounts_1', 'sqlite_autoindex_accounts_2'], 'the primary key and UNIQUE (entity_id, account_number) stay')
    rebuild()
    t.same(names(), all)
  })()
})
