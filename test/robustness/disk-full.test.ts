import { Writable } from 'node:stream'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { ManualTime } from '../../src/core/clock.js'
import { bearer } from '../helpers/auth.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Issue 11 item 9: on a full disk every write answered 500 and logged an error, ~2,400 lines a
// second. Simulated with `PRAGMA max_page_count` pinned to the file's current size (SQLite then
// fails any write that needs a new page with SQLITE_FULL, as on a full disk), on a database file.

function linkBody(i: number) {
  return {
    type: 'BUSINESS',
    identification_type: 'NIT',
    business_name: `Comercio ${i} S.A.S.`,
    email: `comercio${i}@example.com`,
    mobile_phone_number: '+573001112233',
    identification_number: String(300_000_000 + i),
    merchant_category_code: '5734',
    address: { line_1: `Calle ${i} #45-67 ${'x'.repeat(40)}`, city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
  }
}

t.test('a full disk: writes answer 503 storage_full, one log line per second with a count, nothing acknowledged lost', async (t) => {
  const lines: Record<string, unknown>[] = []
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
      cb()
    },
  })
  let realNow = 1_000_000
  const app = await buildApp(
    { ...loadConfig({}), databasePath: `${t.testdir()}/full.sqlite`, logLevel: 'error' },
    { timeSource: new ManualTime('2026-01-15T12:00:00.000Z'), sweepIntervalMs: 0, logStream, realNowMs: () => realNow },
  )
  t.teardown(() => app.close())
  const headers = await bearer(app)
  const db = app.services.db

  const acknowledged: string[] = []
  const full: string[] = []
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
  for (let i = 0; i < 400 && full.length < 50; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers, payload: linkBody(i) })
    if (res.statusCode === 200) acknowledged.push((res.json() as { id: string }).id)
    else {
      if (full.length === 0) {
        expectError(t, res, 503, 'storage_full', 'UNAVAILABLE', 'The disk holding the mock’s database is full: nothing was stored; free some space and retry')
        await expectMatchesSpec(t, app, res)
      }
      t.equal(res.statusCode, 503)
      full.push(res.json().code as string)
    }
  }
  t.equal(full.length, 50, `50 writes refused after ${acknowledged.length} acknowledged`)
  t.same(new Set(full), new Set(['storage_full']))
  const diskLines = lines.filter((l) => l.cause === 'storage_full')
  t.equal(diskLines.length, 1, 'one log line for 50 failures within a second')
  t.equal(diskLines[0]?.msg, 'disk full: writes answer 503 storage_full')

  realNow += 1000
  const next = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers, payload: linkBody(1000) })
  t.equal(next.statusCode, 503)
  const after = lines.filter((l) => l.cause === 'storage_full')
  t.equal(after.length, 2, 'a second later, one more line')
  t.equal(after[1]?.repeated, 49, 'naming how many were held back')
  t.ok(lines.every((l) => l.cause === 'storage_full'), 'nothing else was logged')

  // Space again: the same request succeeds, and every acknowledged write is there.
  db.pragma('max_page_count = 1073741823')
  const retried = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers, payload: linkBody(1000) })
  t.equal(retried.statusCode, 200, 'the refused write succeeds once there is space')
  for (const id of acknowledged) {
    const res = await app.inject({ url: `/v1/customers/${id}`, headers })
    if (res.statusCode !== 200) t.fail(`acknowledged customer ${id} is lost: ${res.statusCode}`)
  }
  t.pass(`${acknowledged.length} acknowledged customers all read back`)
})
