import t from 'tap'
import { newEndToEndId } from '../../src/resources/payments/end-to-end-id.js'

// The ids come from a pool of random bytes refilled every 256 ids (issue 15): across refills each
// is still 32 upper-case letters and digits (CONTRACT §4) and none repeats.
t.test('makes distinct 32-character ids across refills of its random pool', async (t) => {
  const ids = Array.from({ length: 1000 }, () => newEndToEndId())
  t.ok(
    ids.every((id) => /^[A-Z0-9]{32}$/.test(id)),
    'every id matches ^[A-Z0-9]{32}$',
  )
  t.equal(new Set(ids).size, ids.length, 'no id repeats')
  // Every one of the 36 characters turns up: the pool is read whole, not a zeroed part of it.
  t.equal(new Set(ids.join('')).size, 36)
})
