import t from 'tap'
import { isoTime, ManualTime, MockClock } from '../../src/core/clock.js'

const START = '2026-01-15T12:00:00.000Z'
const at = (iso: string) => new Date(iso).getTime()

function clockAt(start = START) {
  const time = new ManualTime(start)
  return { time, clock: new MockClock(time) }
}

t.test('follows its time source when neither moved nor frozen', async (t) => {
  const { time, clock } = clockAt()
  t.equal(clock.now().toISOString(), START)
  t.equal(clock.frozen, false)
  time.advance(1500)
  t.equal(clock.now().toISOString(), '2026-01-15T12:00:01.500Z')
  time.set('2026-02-01T00:00:00.000Z')
  t.equal(clock.now().toISOString(), '2026-02-01T00:00:00.000Z')
})

t.test('jumps to a set time and keeps running from there', async (t) => {
  const { time, clock } = clockAt()
  clock.set(new Date('2030-05-05T05:05:05.005Z'))
  t.equal(clock.now().toISOString(), '2030-05-05T05:05:05.005Z')
  time.advance(1000)
  t.equal(clock.now().toISOString(), '2030-05-05T05:05:06.005Z')
  clock.set(new Date('2020-01-01T00:00:00.000Z'))
  t.equal(clock.now().toISOString(), '2020-01-01T00:00:00.000Z', 'it can go back too')
})

t.test('advances by a number of milliseconds, cumulatively', async (t) => {
  const { time, clock } = clockAt()
  clock.advance(60_000)
  t.equal(clock.now().getTime(), at(START) + 60_000)
  clock.advance(86_400_000)
  time.advance(10)
  t.equal(clock.now().getTime(), at(START) + 60_000 + 86_400_000 + 10)
})

t.test('stands still while frozen, whatever the source does', async (t) => {
  const { time, clock } = clockAt()
  clock.advance(5000)
  clock.freeze(true)
  t.equal(clock.frozen, true)
  const frozenAt = clock.now().toISOString()
  t.equal(frozenAt, '2026-01-15T12:00:05.000Z')
  time.advance(3_600_000)
  t.equal(clock.now().toISOString(), frozenAt)
  time.set('2099-01-01T00:00:00.000Z')
  t.equal(clock.now().toISOString(), frozenAt)
  clock.freeze(true)
  t.equal(clock.now().toISOString(), frozenAt, 'freezing twice changes nothing')
})

t.test('moves a frozen clock only when set or advanced, and it stays frozen', async (t) => {
  const { time, clock } = clockAt()
  clock.freeze(true)
  clock.advance(2000)
  t.equal(clock.now().toISOString(), '2026-01-15T12:00:02.000Z')
  t.equal(clock.frozen, true)
  clock.set(new Date('2026-03-01T00:00:00.000Z'))
  time.advance(99_000)
  t.equal(clock.now().toISOString(), '2026-03-01T00:00:00.000Z')
  t.equal(clock.frozen, true)
})

t.test('continues from the frozen time when unfrozen', async (t) => {
  const { time, clock } = clockAt()
  clock.freeze(true)
  time.advance(3_600_000) // an hour passes in the source while frozen
  clock.freeze(false)
  t.equal(clock.frozen, false)
  t.equal(clock.now().toISOString(), START, 'the hour spent frozen is not caught up')
  time.advance(250)
  t.equal(clock.now().toISOString(), '2026-01-15T12:00:00.250Z')
  clock.freeze(false)
  t.equal(clock.now().toISOString(), '2026-01-15T12:00:00.250Z', 'unfreezing a running clock changes nothing')
})

t.test('goes back to source time, unfrozen, on reset', async (t) => {
  const { time, clock } = clockAt()
  clock.advance(10_000_000)
  clock.freeze(true)
  time.advance(42)
  clock.reset()
  t.equal(clock.frozen, false)
  t.equal(clock.now().toISOString(), '2026-01-15T12:00:00.042Z')
  time.advance(8)
  t.equal(clock.now().toISOString(), '2026-01-15T12:00:00.050Z')
})

t.test('writes ISO 8601 UTC with milliseconds and Z, fixed width', async (t) => {
  t.equal(isoTime(new Date('2025-10-09T10:40:29Z')), '2025-10-09T10:40:29.000Z')
  t.equal(isoTime(new Date(at('2025-10-09T10:40:29.966Z'))), '2025-10-09T10:40:29.966Z')
})
