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
}

export interface PageRequest {
  pageSize: number
  pageNumber: number
  offset: number
  orderKey: OrderKey
  direction: OrderDirection
  /** Rows created after this are left out, so later pages do not shift. */
  snapshotAt: string | undefined
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
  return { pageSize, pageNumber, offset: (pageNumber - 1) * pageSize, orderKey, direction, snapshotAt }
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
