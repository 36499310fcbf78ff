/**
 * Error logging that cannot flood (issue 11 item 9): a full disk made every write log an error,
 * about 2,400 lines a second. One line per cause per second at most; the first report of a cause
 * in a new second is written with the number of reports held back since the last line.
 * Real time (the process's, injectable), not the mock clock: it paces a log, not the API.
 */
export class RateLimitedLog {
  readonly #last = new Map<string, { atMs: number; heldBack: number }>()

  constructor(
    private readonly write: (cause: string, error: unknown, heldBack: number) => void,
    private readonly nowMs: () => number = Date.now,
    private readonly windowMs = 1000,
  ) {}

  report(cause: string, error: unknown): void {
    const now = this.nowMs()
    const last = this.#last.get(cause)
    if (last && now - last.atMs < this.windowMs) {
      last.heldBack++
      return
    }
    this.#last.set(cause, { atMs: now, heldBack: 0 })
    this.write(cause, error, last?.heldBack ?? 0)
  }
}
