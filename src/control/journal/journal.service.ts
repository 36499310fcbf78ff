import { REDACTED, isSecretName, redactSecrets, redactSecretsInUrl } from '../../core/redact-secrets.js'
import type { JournalEntry, JournalRecord, JournalStore } from './journal.store.js'

/** A body larger than this (bytes) is noted, not kept: 1000 entries of 1 MiB bodies would be a gigabyte. */
export const MAX_JOURNAL_BODY_BYTES = 64 * 1024

/**
 * A response body longer than this (characters) is cut to it and marked `body_truncated`
 * (issue 13 §5): at JOURNAL_SIZE 1000 the journal then holds at most ~64 MB of answers.
 */
export const MAX_JOURNAL_RESPONSE_CHARS = 64 * 1024

/** Request headers whose value is a credential, whatever their name says (plus any `*secret*`, `*token*`). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-mock-admin-token'])

/** Header names repeat from request to request: each is judged once (the journal is on the hot path). */
const judged = new Map<string, boolean>()

function isSecretHeader(name: string): boolean {
  let secret = judged.get(name)
  if (secret === undefined) {
    secret = SECRET_HEADERS.has(name) || isSecretName(name) || name.includes('token')
    // Bounded: a client inventing header names cannot grow it without end.
    if (judged.size < 10_000) judged.set(name, secret)
  }
  return secret
}

/** A copy of the headers with credentials replaced by `[REDACTED]`. */
export function redactHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    copy[name] = isSecretHeader(name) ? REDACTED : typeof value === 'number' ? String(value) : value
  }
  return copy
}

/**
 * The response text as the journal keeps it: cut to the limit, and with `access_token`,
 * `client_secret`, `secret` values redacted (only bodies that name one are parsed: the cost
 * stays off the common answer).
 */
function keptResponse(status: number, payload: unknown): { body: string | null; truncated: boolean } {
  // Fastify sends no body with these, whatever the handler passed on (`send(null)` is "null" here).
  if (status === 204 || status === 304) return { body: null, truncated: false }
  let text: string
  if (typeof payload === 'string') text = payload
  else if (Buffer.isBuffer(payload)) text = payload.toString('utf8')
  else return { body: null, truncated: false }
  if (text === '') return { body: null, truncated: false }
  if (/access_token|secret/i.test(text)) {
    try {
      text = JSON.stringify(redactSecrets(JSON.parse(text)))
    } catch {
      // Not JSON (or cut): no secret leaves in a form we cannot read; keep nothing of it.
      return { body: REDACTED, truncated: false }
    }
  }
  if (text.length > MAX_JOURNAL_RESPONSE_CHARS) return { body: text.slice(0, MAX_JOURNAL_RESPONSE_CHARS), truncated: true }
  return { body: text, truncated: false }
}

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
  requestHeaders: Record<string, string | string[] | undefined>
  responseHeaders: Record<string, string | string[] | number | undefined>
  /** What was sent: a string or Buffer is kept (bounded); a stream or nothing is not. */
  responsePayload: unknown
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
 * The request journal (CONTRACT §5 "Journal", issue 13 §5): the last JOURNAL_SIZE `/v1`
 * requests with their headers and body, and the response: status, headers, body. Secret-named
 * fields are redacted at any depth, credential headers too, so neither a token, a client secret
 * nor an admin token is ever stored.
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
    const response = keptResponse(request.status, request.responsePayload)
    const entry: JournalRecord = {
      traceId: request.traceId,
      method: request.method,
      url: redactSecretsInUrl(request.url),
      status: request.status,
      durationMs: Math.round(request.durationMs * 100) / 100,
      atMs: request.at.getTime(),
      requestBody,
      requestBodyOmitted: omitted,
      requestBodyTruncated: cut.truncated,
      requestHeaders: redactHeaders(request.requestHeaders),
      responseHeaders: redactHeaders(request.responseHeaders),
      responseBody: response.body,
      responseBodyTruncated: response.truncated,
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
