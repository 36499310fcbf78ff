import type { MockClock } from '../../core/clock.js'
import { invalidField } from '../../core/errors.js'
import type { Sweeper } from '../../sweeper.js'

export interface ClockMove {
  set?: string
  advance_seconds?: number
  freeze?: boolean
}

/** ISO 8601 can write years 0000–9999; a move outside them is refused. */
const MIN_MS = Date.parse('0000-01-01T00:00:00.000Z')
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z')

/**
 * `/_mock/clock` (CONTRACT §5 "Clock"): read, set, advance or freeze the mock's clock, then run
 * whatever fell due (settlements, webhook sends), so a test sees the effect in the answer. The
 * offset lives in memory only: a restart is wall time again.
 */
export class ClockService {
  constructor(
    private readonly clock: MockClock,
    private readonly sweeper: Sweeper,
  ) {}

  read(): { now: Date; frozen: boolean } {
    return { now: this.clock.now(), frozen: this.clock.frozen }
  }

  async move(body: ClockMove): Promise<{ now: Date; frozen: boolean }> {
    const given = (['set', 'advance_seconds', 'freeze'] as const).filter((name) => body[name] !== undefined)
    if (given.length !== 1) {
      throw invalidField({
        en: "Give exactly one of the fields 'set', 'advance_seconds' or 'freeze'",
        es: "Indique exactamente uno de los campos 'set', 'advance_seconds' o 'freeze'",
      })
    }
    if (body.freeze !== undefined) {
      this.clock.freeze(body.freeze)
    } else {
      const field = body.set !== undefined ? 'set' : 'advance_seconds'
      const target = body.set !== undefined ? new Date(body.set).getTime() : this.clock.now().getTime() + Math.round((body.advance_seconds ?? 0) * 1000)
      if (!Number.isFinite(target) || target < MIN_MS || target > MAX_MS) {
        throw invalidField({
          en: `Field '${field}' would move the clock outside the years 0000–9999`,
          es: `El campo '${field}' llevaría el reloj fuera de los años 0000–9999`,
        })
      }
      this.clock.set(new Date(target))
    }
    await this.sweeper.runDue()
    return this.read()
  }
}
