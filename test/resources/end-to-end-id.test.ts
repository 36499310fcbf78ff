import t from 'tap'
import { newEndToEndId } from '../../src/resources/payments/end-to-end-id.js'

const AT = new Date('2026-01-15T12:00:00.000Z')

// The random part comes from a pool of bytes refilled every few hundred ids (issue 15): across
// refills each id is still 32 upper-case letters and digits (CONTRACT §4) and none repeats.
t.test('makes distinct 32-character ids across refills of its random pool', async (t) => {
  const ids = Array.from({ length: 1000 }, () => newEndToEndId(AT))
  t.ok(
    ids.every((id) => /^[A-Z0-9]{32}$/.test(id)),
    'every id matches ^[A-Z0-9]{32}$',
  )
  t.equal(new Set(ids).size, ids.length, 'no id repeats, made at the same millisecond')
  // Every one of the 36 characters turns up in the random part: the pool is read whole.
  t.equal(new Set(ids.map((id) => id.slice(9)).join('')).size, 36)
})

// Time first (issue 15, our choice): ids made later sort later, so the index on them grows at its end.
t.test('starts with its creation time in milliseconds, base 36, so later ids sort later', async (t) => {
  const id = newEndToEndId(AT)
  t.equal(Number.parseInt(id.slice(0, 9), 36), AT.getTime())
  const times = [0, 1, AT.getTime() - 1, AT.getTime(), AT.getTime() + 1, Date.parse('2100-01-01T00:00:00Z')]
  const ids = times.map((ms) => newEndToEndId(new Date(ms)))
  t.same([...ids].sort(), ids, 'in time order')
  // The mock's clock may be set anywhere: out of range, the time part stays 9 characters.
  t.match(newEndToEndId(new Date(-1)), /^0{9}[A-Z0-9]{23}$/)
  t.match(newEndToEndId(new Date(8.64e15)), /^Z{9}[A-Z0-9]{23}$/)
})
