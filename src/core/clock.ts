/**
 * The mock's clock (CONTRACT §5 "Clock"): wall time plus an offset, or frozen.
 * It drives every `*_at` field, token and resolution expiry and settlement; real time
 * (fault delays, retry waits, HTTP timeouts) deliberately does not go through it.
 */
export interface Clock {
  /** The mock's current time. */
  now(): Date
}

/** Where the mock's clock reads wall time from: `Date.now` in the server, a manual source in tests. */
export interface TimeSource {
  nowMs(): number
}

export const systemTime: TimeSource = { nowMs: () => Date.now() }

/** A time source for tests: it only moves when told to, so no test depends on the wall clock. */
export class ManualTime implements TimeSource {
  #ms: number
  constructor(start: Date | string = '2025-10-09T12:00:00.000Z') {
    this.#ms = new Date(start).getTime()
  }
  nowMs(): number {
    return this.#ms
  }
  advance(ms: number): void {
    this.#ms += ms
  }
  set(at: Date | string): void {
    this.#ms = new Date(at).getTime()
  }
}

/** The clock the app uses: offset and freeze on top of a time source (the control plane moves it). */
export class MockClock implements Clock {
  #offsetMs = 0
  #frozenAtMs: number | undefined
  constructor(private readonly source: TimeSource = systemTime) {}

  now(): Date {
    return new Date(this.#frozenAtMs ?? this.source.nowMs() + this.#offsetMs)
  }

  get frozen(): boolean {
    return this.#frozenAtMs !== undefined
  }

  /** Jumps to `at`; a frozen clock stays frozen there. */
  set(at: Date): void {
    if (this.#frozenAtMs !== undefined) this.#frozenAtMs = at.getTime()
    else this.#offsetMs = at.getTime() - this.source.nowMs()
  }

  advance(ms: number): void {
    this.set(new Date(this.now().getTime() + ms))
  }

  freeze(frozen: boolean): void {
    if (frozen && this.#frozenAtMs === undefined) this.#frozenAtMs = this.now().getTime()
    if (!frozen && this.#frozenAtMs !== undefined) {
      this.#offsetMs = this.#frozenAtMs - this.source.nowMs()
      this.#frozenAtMs = undefined
    }
  }

  /** Back to wall time, unfrozen (reset clears the offset: CONTRACT §5). */
  reset(): void {
    this.#offsetMs = 0
    this.#frozenAtMs = undefined
  }
}

/** ISO 8601 UTC with milliseconds and `Z`: fixed width, so stored timestamps sort as text. */
export function isoTime(at: Date): string {
  return at.toISOString()
}
