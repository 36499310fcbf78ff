import type { JournalEntry } from './journal.store.js'

/** A journal entry on the wire; `request_body_omitted` only when the body was too large to keep. */
export function serializeJournalEntry(entry: JournalEntry) {
  return {
    trace_id: entry.traceId,
    method: entry.method,
    url: entry.url,
    status: entry.status,
    duration_ms: entry.durationMs,
    at: entry.at,
    request_body: entry.requestBody,
    ...(entry.requestBodyOmitted && { request_body_omitted: true }),
    ...(entry.requestBodyTruncated && { request_body_truncated: true }),
  }
}
