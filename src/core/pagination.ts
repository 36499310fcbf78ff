import { invalidField } from './errors.js'

/**
 * List paging and ordering (CONTRACT §4 "Lists"): the nested `page_params.*` / `order_params.*`
 * names of the current docs and the flat legacy names of the older query-parameters page.
 */
export type OrderKey = 'created_at' | 'updated_at'
export type OrderDirection = 'ASC' | 'DESC'

export const DEFAULT_PAGE_SIZE = 20
export const MAX_PAGE_SIZE = 100

/** The query as validated by the list schemas (numbers coerced, enums upper-cased). */
export interface ListQuery {
  'page_params.page_size'?: number
  'page_params.page_number'?: number
  'page_params.first_request_timestamp.seconds'?: number
  'page_params.first_request_timestamp.nanos'?: number
  'order_params.order_key'?: string
  'order_params.order_direction'?: string
  page_size?: number
  page_number?: number
  order_key?: string
  order_direction?: string
  created_at?: string
  created_from?: string
  created_to?: string
  updated_at?: string
  updated_from?: string
  updated_to?: string
}

/** Inclusive bounds on a time column, as stored (ISO 8601 UTC with ms and `Z`, so text order is time order). */
export interface TimeRange {
  from?: string
  to?: string
}

/** The documented date filters (https://docs.passportfintech.com/EN/query-parameters), one range per column. */
export interface TimeFilters {
  created_at?: TimeRange
  updated_at?: TimeRange
}

export interface PageRequest {
  pageSize: number
  pageNumber: number
  offset: number
  orderKey: OrderKey
  direction: OrderDirection
  /** Rows created after this are left out, so later pages do not shift. */
  snapshotAt: string | undefined
  /** `created_at`/`created_from`/`created_to` and the `updated_*` three, read into inclusive ranges. */
  timeFilters?: TimeFilters
}

// YYYY-MM-DD, optionally THH:MM, :SS, .fraction, then Z or ±HH:MM (none: UTC).
const ISO_8601 = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})?)?$/

/**
 * The span of time an ISO 8601 value names, as inclusive ISO bounds: a date is its whole UTC day,
 * a time to the minute its minute, to the second its second, with a fraction its millisecond.
 * Undefined when the text is not a real date and time.
 */
export function timeSpan(text: string): { start: string; end: string } | undefined {
  const m = ISO_8601.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, se, frac, zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = h === undefined ? 0 : Number(h)
  const minute = mi === undefined ? 0 : Number(mi)
  const second = se === undefined ? 0 : Number(se)
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'))
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  if (date.getUTCDate() !== day) return undefined // 2025-02-30
  date.setUTCHours(hour, minute, second, ms)
  const local = date.getTime()
  let offsetMinutes = 0
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '')
    const hours = Number(digits.slice(1, 3))
    const minutes = Number(digits.slice(3, 5))
    if (hours > 23 || minutes > 59) return undefined
    offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (hours * 60 + minutes)
  }
  const start = local - offsetMinutes * 60_000
  const length = h === undefined ? 86_400_000 : se === undefined ? 60_000 : frac === undefined ? 1000 : 1
  const startDate = new Date(start)
  const endDate = new Date(start + length - 1)
  if (Number.isNaN(startDate.getTime()) || Number.isNaN(endDate.getTime()) || startDate.getUTCFullYear() < 1 || endDate.getUTCFullYear() > 9999) return undefined
  return { start: startDate.toISOString(), end: endDate.toISOString() }
}

function span(field: string, text: string): { start: string; end: string } {
  const found = timeSpan(text)
  if (!found) {
    throw invalidField({
      en: `Field '${field}' must be an ISO 8601 date or date-time, such as 2025-10-09 or 2025-10-09T10:40:29.966Z`,
      es: `El campo '${field}' debe ser una fecha o fecha y hora ISO 8601, como 2025-10-09 o 2025-10-09T10:40:29.966Z`,
    })
  }
  return found
}

/**
 * `<column>` (exact: the span it names), `<column>_from` and `<column>_to` (inclusive bounds) of
 * the Query Parameters page; together, the narrowest range wins. A bad value is a 400 naming it.
 */
function readTimeRange(query: ListQuery, column: 'created' | 'updated'): TimeRange | undefined {
  const exact = query[`${column}_at`]
  const fromText = query[`${column}_from`]
  const toText = query[`${column}_to`]
  const froms: string[] = []
  const tos: string[] = []
  if (exact !== undefined) {
    const s = span(`${column}_at`, exact)
    froms.push(s.start)
    tos.push(s.end)
  }
  if (fromText !== undefined) froms.push(span(`${column}_from`, fromText).start)
  if (toText !== undefined) tos.push(span(`${column}_to`, toText).end)
  if (froms.length === 0 && tos.length === 0) return undefined
  const range: TimeRange = {}
  if (froms.length > 0) range.from = froms.sort().at(-1)
  if (tos.length > 0) range.to = tos.sort()[0]
  return range
}

/** Reads the paging of a list query; nested names win over flat ones. */
export function readPageRequest(query: ListQuery): PageRequest {
  const pageSize = query['page_params.page_size'] ?? query.page_size ?? DEFAULT_PAGE_SIZE
  const pageNumber = query['page_params.page_number'] ?? query.page_number ?? 1
  const orderKey = (query['order_params.order_key'] ?? query.order_key ?? 'created_at').toLowerCase() as OrderKey
  const direction = (query['order_params.order_direction'] ?? query.order_direction ?? 'ASC').toUpperCase() === 'DESC' ? 'DESC' : 'ASC'
  const seconds = query['page_params.first_request_timestamp.seconds']
  const nanos = query['page_params.first_request_timestamp.nanos'] ?? 0
  const snapshotAt = seconds === undefined ? undefined : new Date(seconds * 1000 + Math.floor(nanos / 1_000_000)).toISOString()
  const timeFilters: TimeFilters = {}
  const created = readTimeRange(query, 'created')
  if (created) timeFilters.created_at = created
  const updated = readTimeRange(query, 'updated')
  if (updated) timeFilters.updated_at = updated
  const page: PageRequest = { pageSize, pageNumber, offset: (pageNumber - 1) * pageSize, orderKey, direction, snapshotAt }
  if (created || updated) page.timeFilters = timeFilters
  return page
}

export interface PaginationInfo {
  total_elements: number
  total_pages: number
  current_page: number
  first_request_timestamp: string
}

/** The envelope's `pagination_info`; the timestamp is the request's snapshot, else now (the first page's time). */
export function paginationInfo(page: PageRequest, total: number, now: Date): PaginationInfo {
  return {
    total_elements: total,
    total_pages: Math.ceil(total / page.pageSize),
    current_page: page.pageNumber,
    first_request_timestamp: page.snapshotAt ?? now.toISOString(),
  }
}
