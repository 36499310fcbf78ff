import { isDeepStrictEqual } from 'node:util'
import t from 'tap'
import { type JournalEntry, type JournalRecord, JournalStore } from '../../src/control/journal/journal.store.js'

/** A record whose every field is chosen by `n` (and a size), so a mix-up between entries shows. */
function record(n: number, size: number): JournalRecord {
  return {
    traceId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    method: n % 2 ? 'POST' : 'GET',
    url: `/v1/accounts/${n}?pad=${'x'.repeat(size)}`,
    status: 200 + (n % 300),
    durationMs: n / 100,
    atMs: Date.UTC(2026, 0, 15) + n,
    requestBody: n % 3 ? { n, nested: { list: [n, 'é', null, true] } } : null,
    requestBodyOmitted: n % 5 === 0,
    requestBodyTruncated: n % 7 === 0,
    requestHeaders: { host: '127.0.0.1', 'x-n': String(n), ...(n % 4 === 0 && { 'set-cookie': ['a=1', `b=${n}`] }) },
    responseHeaders: { 'content-type': 'application/json; charset=utf-8', 'x-trace-id': String(n) },
    responseBody: n % 6 === 0 ? null : `{"n":${n},"s":"${'ü'.repeat(size % 50)}"}`,
    responseBodyTruncated: n % 11 === 0,
  }
}

function expected(r: JournalRecord): JournalEntry {
  const { atMs, ...rest } = r
  return { ...rest, at: new Date(atMs).toISOString() }
}

t.test('holds exactly the newest JOURNAL_SIZE entries, byte for byte, whatever their sizes (issue 15)', async (t) => {
  // A model check: 3,000 entries of sizes from 10 bytes to 40 KB through rings of several capacities,
  // against a plain array of the same entries. Sizes jump up and down so the arena wraps and grows.
  for (const capacity of [1, 2, 7, 50]) {
    const store = new JournalStore(capacity)
    const model: JournalRecord[] = []
    let seed = capacity
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let n = 0; n < 3000; n++) {
      const size = random() < 0.05 ? Math.floor(random() * 40000) : Math.floor(random() * 300)
      const r = record(n, size)
      store.push(r)
      model.push(r)
      if (model.length > capacity) model.shift()
      if (n % 97 === 0 || n === 2999) {
        const got = [...store.newestFirst()]
        if (!isDeepStrictEqual(got, [...model].reverse().map(expected))) {
          t.fail(`capacity ${capacity}: after entry ${n} the ring differs from the model`)
          return
        }
      }
    }
    t.equal(store.size, capacity, `capacity ${capacity}: full`)
    t.same([...store.newestFirst()], [...model].reverse().map(expected), `capacity ${capacity}: the newest ${capacity}, newest first`)
  }
})

t.test('the arena starts at 2 KiB per entry and grows only when entries need it', async (t) => {
  const store = new JournalStore(10)
  t.equal(store.arenaBytes, 20480)
  for (let n = 0; n < 100; n++) store.push(record(n, 100))
  t.equal(store.arenaBytes, 20480, 'small entries wrap around in the same arena')
  for (let n = 0; n < 10; n++) store.push(record(n, 10000))
  t.ok(store.arenaBytes >= 10 * 10000, 'ten 10 KB entries: it grew to hold all ten')
  t.equal([...store.newestFirst()].length, 10)
  t.equal([...store.newestFirst()][9]?.traceId, record(0, 0).traceId, 'none was dropped to make room')
})

t.test('reads back any text: a NUL in a decoded path, lone surrogates, colons and semicolons', async (t) => {
  const store = new JournalStore(3)
  const odd = { ...record(1, 0), url: '/v1/a\u0000b:c;d', requestHeaders: { 'x-a:b': '1;2:3' }, responseBody: '12:ab;' }
  store.push(odd)
  t.same([...store.newestFirst()], [expected(odd)])
  store.push({ ...record(2, 0), url: '/v1/\ud800' })
  t.equal([...store.newestFirst()][0]?.url, '/v1/\ufffd', 'a lone surrogate reads back as U+FFFD (UTF-8), the length unchanged')
})

t.test('clear empties it; JOURNAL_SIZE 0 keeps nothing', async (t) => {
  const store = new JournalStore(4)
  for (let n = 0; n < 6; n++) store.push(record(n, 10))
  store.clear()
  t.equal(store.size, 0)
  t.same([...store.newestFirst()], [])
  store.push(record(9, 10))
  t.same([...store.newestFirst()], [expected(record(9, 10))])
  const off = new JournalStore(0)
  off.push(record(1, 1))
  t.equal(off.size, 0)
  t.same([...off.newestFirst()], [])
})
