/** What TurnLogStream writes into: pino's stdout writer (sonic-boom) in the server. */
export interface LineTarget {
  write(chunk: string): unknown
  flushSync?(): void
}

/**
 * The server's log lines, handed to pino's writer once per turn of the event loop (issue 15).
 *
 * pino writes to stdout through sonic-boom, which keeps the lines not yet written as one string
 * and, for every new line, measures that whole string's bytes again (`Buffer.byteLength`, which
 * first flattens the string the previous `+=` left in pieces). Under load, while one write is out,
 * a turn's lines add up to several KiB, measured once per line: at info that was 7% of the
 * server's CPU in a GET profile, more than building the lines. Here the lines of a turn are
 * collected as they come and joined once at its end (`setImmediate`), so the writer sees one
 * string per turn. The bytes, their order and the writer (asynchronous: a reader that stops
 * reading only makes it buffer) are unchanged; a line reaches stdout at most one turn later.
 * `flushSync` (on process exit) writes what a turn still holds.
 */
export class TurnLogStream {
  #lines: string[] = []
  #scheduled = false

  constructor(private readonly target: LineTarget) {}

  write(line: string): boolean {
    this.#lines.push(line)
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(this.#flush)
    }
    return true
  }

  readonly #flush = (): void => {
    this.#scheduled = false
    const lines = this.#lines
    if (lines.length === 0) return
    this.#lines = []
    this.target.write(lines.length === 1 ? (lines[0] as string) : lines.join(''))
  }

  /** Writes what this turn holds and has the writer write everything it holds, synchronously. */
  flushSync(): void {
    this.#flush()
    this.target.flushSync?.()
  }
}
