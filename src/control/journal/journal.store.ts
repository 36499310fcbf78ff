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

/** What the service hands the store: an entry whose time is still a number (formatted when read). */
export type JournalRecord = Omit<JournalEntry, 'at'> & { atMs: number }

/** Bytes of arena per entry of capacity to start with; it doubles when larger entries need room. */
const START_BYTES_PER_ENTRY = 2048

/**
 * The journal's memory (CONTRACT §5 "Journal"): a ring of fixed capacity (JOURNAL_SIZE). A new
 * entry overwrites the oldest once it is full.
 *
 * Entries are kept as UTF-8 text in one Buffer (an arena outside the JavaScript heap), not as
 * objects (issue 15): a thousand live entries of a dozen objects each were promoted to the old
 * generation on every request and collected there, which cost 4-5 µs of CPU per `/v1` request and
 * about 50 MiB of RSS under load. The arena is written in order, wrapping at its end; an entry is
 * read back (decoded into objects) only when the journal is listed. When the arena is too small
 * for JOURNAL_SIZE entries of the sizes seen, it doubles (keeping every entry), so the ring still
 * holds exactly the newest JOURNAL_SIZE entries whatever their size.
 */
export class JournalStore {
  #arena: Buffer
  /** Byte offset and length of each slot's entry, by slot; slots are used in ring order. */
  readonly #start: Int32Array
  readonly #length: Int32Array
  /** The slot the next entry goes to. */
  #next = 0
  #size = 0
  /** Where the next entry's bytes go. */
  #head = 0

  constructor(readonly capacity: number) {
    this.#arena = Buffer.allocUnsafeSlow(capacity > 0 ? capacity * START_BYTES_PER_ENTRY : 0)
    this.#start = new Int32Array(capacity)
    this.#length = new Int32Array(capacity)
  }

  get size(): number {
    return this.#size
  }

  /** Bytes held for entries (grows, never shrinks until the store is gone). */
  get arenaBytes(): number {
    return this.#arena.length
  }

  push(record: JournalRecord): void {
    if (this.capacity === 0) return
    const text = encode(record)
    const bytes = Buffer.byteLength(text)
    if (this.#size === this.capacity) this.#dropOldest()
    let at = this.#placeFor(bytes)
    if (at === -1) {
      this.#grow(bytes)
      at = this.#placeFor(bytes)
    }
    this.#arena.write(text, at, bytes, 'utf8')
    this.#start[this.#next] = at
    this.#length[this.#next] = bytes
    this.#next = (this.#next + 1) % this.capacity
    this.#size++
    this.#head = at + bytes
  }

  /** The entries, newest first. */
  *newestFirst(): Generator<JournalEntry> {
    for (let i = 1; i <= this.#size; i++) {
      const slot = (this.#next - i + this.capacity) % this.capacity
      const start = this.#start[slot] as number
      yield decode(this.#arena.toString('utf8', start, start + (this.#length[slot] as number)))
    }
  }

  clear(): void {
    this.#next = 0
    this.#size = 0
    this.#head = 0
  }

  #oldestSlot(): number {
    return (this.#next - this.#size + this.capacity) % this.capacity
  }

  #dropOldest(): void {
    this.#size--
    if (this.#size === 0) this.#head = 0
  }

  /**
   * Where `bytes` can go at the head (or at 0 after a wrap) without overwriting a live entry, or
   * -1 when only dropping entries short of JOURNAL_SIZE would make room (then the arena grows).
   * Live entries lie in ring order from the oldest's start to the head, wrapping at the end.
   */
  #placeFor(bytes: number): number {
    if (this.#size === 0) return bytes <= this.#arena.length ? 0 : -1
    const oldest = this.#start[this.#oldestSlot()] as number
    if (oldest < this.#head) {
      // Not wrapped: free space after the head, and before the oldest.
      if (this.#head + bytes <= this.#arena.length) return this.#head
      return bytes <= oldest ? 0 : -1
    }
    // Wrapped: the free space is between the head and the oldest.
    return this.#head + bytes <= oldest ? this.#head : -1
  }

  /** A larger arena with the live entries copied to its start, oldest first. */
  #grow(bytes: number): void {
    let used = 0
    for (let i = 0; i < this.#size; i++) used += this.#length[(this.#oldestSlot() + i) % this.capacity] as number
    const arena = Buffer.allocUnsafeSlow(Math.max(this.#arena.length * 2, (used + bytes) * 2))
    let at = 0
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#oldestSlot() + i) % this.capacity
      const start = this.#start[slot] as number
      const length = this.#length[slot] as number
      this.#arena.copy(arena, at, start, start + length)
      this.#start[slot] = at
      at += length
    }
    this.#arena = arena
    this.#head = at
  }
}

/** A field as `<length>:<text>`: any text (a decoded path may hold a NUL) reads back exactly. */
function field(text: string): string {
  return `${text.length}:${text}`
}

function encodeHeaders(headers: Record<string, string | string[]>): string {
  let count = 0
  let text = ''
  for (const name in headers) {
    const value = headers[name] as string | string[]
    text += field(name) + (typeof value === 'string' ? `s${field(value)}` : `a${field(JSON.stringify(value))}`)
    count++
  }
  return `${count};${text}`
}

function encode(r: JournalRecord): string {
  const flags = (r.requestBodyOmitted ? 1 : 0) | (r.requestBodyTruncated ? 2 : 0) | (r.responseBodyTruncated ? 4 : 0) | (r.responseBody === null ? 8 : 0)
  return (
    field(r.traceId) +
    field(r.method) +
    field(r.url) +
    field(String(r.status)) +
    field(String(r.durationMs)) +
    field(String(r.atMs)) +
    field(String(flags)) +
    field(r.requestBody === null ? '' : JSON.stringify(r.requestBody)) +
    encodeHeaders(r.requestHeaders) +
    encodeHeaders(r.responseHeaders) +
    field(r.responseBody ?? '')
  )
}

/** Reads back what `encode` wrote, field by field. */
class Reader {
  #at = 0
  constructor(private readonly text: string) {}

  field(): string {
    const colon = this.text.indexOf(':', this.#at)
    const length = Number(this.text.slice(this.#at, colon))
    this.#at = colon + 1 + length
    return this.text.slice(colon + 1, this.#at)
  }

  headers(): Record<string, string | string[]> {
    const semicolon = this.text.indexOf(';', this.#at)
    const count = Number(this.text.slice(this.#at, semicolon))
    this.#at = semicolon + 1
    const headers: Record<string, string | string[]> = {}
    for (let i = 0; i < count; i++) {
      const name = this.field()
      const kind = this.text[this.#at]
      this.#at++
      const value = this.field()
      headers[name] = kind === 'a' ? (JSON.parse(value) as string[]) : value
    }
    return headers
  }
}

function decode(text: string): JournalEntry {
  const r = new Reader(text)
  const traceId = r.field()
  const method = r.field()
  const url = r.field()
  const status = Number(r.field())
  const durationMs = Number(r.field())
  const at = new Date(Number(r.field())).toISOString()
  const flags = Number(r.field())
  const body = r.field()
  const requestHeaders = r.headers()
  const responseHeaders = r.headers()
  const responseBody = r.field()
  return {
    traceId,
    method,
    url,
    status,
    durationMs,
    at,
    requestBody: body === '' ? null : (JSON.parse(body) as unknown),
    requestBodyOmitted: (flags & 1) !== 0,
    requestBodyTruncated: (flags & 2) !== 0,
    requestHeaders,
    responseHeaders,
    responseBody: flags & 8 ? null : responseBody,
    responseBodyTruncated: (flags & 4) !== 0,
  }
}
