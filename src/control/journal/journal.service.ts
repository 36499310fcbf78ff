import { redactSecrets, redactSecretsInUrl } from '../../core/redact-secrets.js'
import type { JournalEntry, JournalStore } from './journal.store.js'

/** A body larger than this (bytes) is noted, not kept: 1000 entries of 1 MiB bodies would be a gigabyte. */
export const MAX_JOURNAL_BODY_BYTES = 64 * 1024

/** What the journal plugin hands over when a `/v1` response is sent. */
export interface FinishedRequest {
  traceId: string
  method: string
  url: string
  status: number
  durationMs: number
  at: Date
  body: unknown
  /** The body's size on the wire, when the request said it (Content-Length). */
  bodyBytes: number | undefined
}

export interface JournalFilter {
  method?: string
  /** A prefix of the path (the query is not looked at). */
  path?: string
  /** `404` (exact) or `4xx` (class). */
  status?: string
  limit: number
}

function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

function statusMatches(wanted: string, status: number): boolean {
  const text = String(status)
  return /xx$/i.test(wanted) ? text[0] === wanted[0] : text === wanted
}

/**
 * The request journal (CONTRACT §5 "Journal"): the last JOURNAL_SIZE `/v1` requests with their
 * status, time taken and body. `client_secret`, `secret` and `access_token` values are redacted
 * at any depth and no header is kept, so neither a token nor an admin token is ever stored.
 */
export class JournalService {
  constructor(private readonly store: JournalStore) {}

  /** false with JOURNAL_SIZE 0: the plugin then adds no hook at all. */
  get enabled(): boolean {
    return this.store.capacity > 0
  }

  record(request: FinishedRequest): void {
    if (!this.enabled) return
    const hasBody = request.body !== undefined && request.body !== null
    const bytes = hasBody ? (request.bodyBytes ?? JSON.stringify(request.body).length) : 0
    const omitted = bytes > MAX_JOURNAL_BODY_BYTES
    const cut = { truncated: false }
    const requestBody = hasBody && !omitted ? redactSecrets(request.body, cut) : null
    const entry: JournalEntry = {
      traceId: request.traceId,
      method: request.method,
      url: redactSecretsInUrl(request.url),
      status: request.status,
      durationMs: Math.round(request.durationMs * 100) / 100,
      at: request.at.toISOString(),
      requestBody,
      requestBodyOmitted: omitted,
      requestBodyTruncated: cut.truncated,
    }
    this.store.push(entry)
  }

  /** Entries newest first, filtered, at most `limit`. */
  list(filter: JournalFilter): JournalEntry[] {
    const method = filter.method?.toUpperCase()
    const found: JournalEntry[] = []
    if (filter.limit <= 0) return found
    for (const entry of this.store.newestFirst()) {
      if (method !== undefined && entry.method !== method) continue
      if (filter.path !== undefined && !pathOf(entry.url).startsWith(filter.path)) continue
      if (filter.status !== undefined && !statusMatches(filter.status, entry.status)) continue
      found.push(entry)
      if (found.length >= filter.limit) break
    }
    return found
  }

  clear(): void {
    this.store.clear()
  }
}
