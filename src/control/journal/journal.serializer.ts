import type { JournalEntry } from './journal.store.js'

/** The kept text as JSON when it is whole JSON; as the text otherwise (cut, or not JSON). */
function responseBody(entry: JournalEntry): unknown {
  const text = entry.responseBody
  if (text === null || entry.responseBodyTruncated) return text
  const type = entry.responseHeaders['content-type']
  if (typeof type === 'string' && type.includes('json')) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  }
  return text
}

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
    request_headers: entry.requestHeaders,
    response: {
      status: entry.status,
      headers: entry.responseHeaders,
      body: responseBody(entry),
      ...(entry.responseBodyTruncated && { body_truncated: true }),
    },
  }
}
