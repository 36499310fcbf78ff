/** One `/v1` request as the journal keeps it (secrets already redacted). */
export interface JournalEntry {
  traceId: string
  method: string
  /** Path and query, secret query values redacted. */
  url: string
  status: number
  durationMs: number
  /** The mock's clock when the request came in. */
  at: string
  /** The parsed body, redacted; null when none was read. */
  requestBody: unknown
  /** True when the body was over the journal's size limit and not kept. */
  requestBodyOmitted: boolean
  /** True when the body nested deeper than the journal copies and was cut there (issue 11 item 13). */
  requestBodyTruncated: boolean
  /** Request headers, secret ones (Authorization, the admin token, cookies, `*secret*`) redacted. */
  requestHeaders: Record<string, string | string[]>
  /** Response headers as sent. */
  responseHeaders: Record<string, string | string[]>
  /**
   * The response body as sent (text), at most MAX_JOURNAL_RESPONSE_CHARS; access tokens and
   * secrets already redacted. Null for no body, a stream or binary content.
   */
  responseBody: string | null
  /** True when the response body was longer than the limit and cut. */
  responseBodyTruncated: boolean
}

/**
 * The journal's memory (CONTRACT §5 "Journal"): a ring of fixed capacity (JOURNAL_SIZE). A new
 * entry overwrites the oldest once it is full, so it never grows and never shifts an array.
 */
export class JournalStore {
  readonly #slots: (JournalEntry | undefined)[]
  #next = 0
  #size = 0

  constructor(readonly capacity: number) {
    this.#slots = new Array<JournalEntry | undefined>(capacity)
  }

  get size(): number {
    return this.#size
  }

  push(entry: JournalEntry): void {
    if (this.capacity === 0) return
    this.#slots[this.#next] = entry
    this.#next = (this.#next + 1) % this.capacity
    if (this.#size < this.capacity) this.#size++
  }

  /** The entries, newest first. */
  *newestFirst(): Generator<JournalEntry> {
    for (let i = 1; i <= this.#size; i++) {
      const entry = this.#slots[(this.#next - i + this.capacity) % this.capacity]
      if (entry) yield entry
    }
  }

  clear(): void {
    this.#slots.fill(undefined)
    this.#next = 0
    this.#size = 0
  }
}
