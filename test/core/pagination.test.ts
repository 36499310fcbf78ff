import t from 'tap'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginationInfo, readPageRequest, timeSpan } from '../../src/core/pagination.js'

const NOW = new Date('2026-01-15T12:00:00.000Z')

t.test('defaults to page 1 of 20, oldest first by created_at, with no snapshot (CONTRACT §4)', async (t) => {
  t.equal(DEFAULT_PAGE_SIZE, 20)
  t.equal(MAX_PAGE_SIZE, 100)
  t.same(readPageRequest({}), { pageSize: 20, pageNumber: 1, offset: 0, orderKey: 'created_at', direction: 'ASC', snapshotAt: undefined })
})

t.test('reads the nested names', async (t) => {
  t.same(
    readPageRequest({
      'page_params.page_size': 5,
      'page_params.page_number': 3,
      'order_params.order_key': 'updated_at',
      'order_params.order_direction': 'DESC',
    }),
    { pageSize: 5, pageNumber: 3, offset: 10, orderKey: 'updated_at', direction: 'DESC', snapshotAt: undefined },
  )
})

t.test('reads the flat legacy names', async (t) => {
  t.same(readPageRequest({ page_size: 7, page_number: 2, order_key: 'updated_at', order_direction: 'DESC' }), {
    pageSize: 7,
    pageNumber: 2,
    offset: 7,
    orderKey: 'updated_at',
    direction: 'DESC',
    snapshotAt: undefined,
  })
})

t.test('lets a nested name beat its flat twin', async (t) => {
  const page = readPageRequest({
    'page_params.page_size': 5,
    page_size: 50,
    'page_params.page_number': 3,
    page_number: 9,
    'order_params.order_key': 'created_at',
    order_key: 'updated_at',
    'order_params.order_direction': 'ASC',
    order_direction: 'DESC',
  })
  t.same(page, { pageSize: 5, pageNumber: 3, offset: 10, orderKey: 'created_at', direction: 'ASC', snapshotAt: undefined })
})

t.test('reads enum values in any case and ORDER_DIRECTION_ENUM_UNSPECIFIED as ASC', async (t) => {
  t.match(readPageRequest({ 'order_params.order_key': 'UPDATED_AT', 'order_params.order_direction': 'desc' }), { orderKey: 'updated_at', direction: 'DESC' })
  t.match(readPageRequest({ order_direction: 'ORDER_DIRECTION_ENUM_UNSPECIFIED' }), { direction: 'ASC' })
  t.match(readPageRequest({ order_direction: 'asc' }), { direction: 'ASC' })
})

t.test('builds the snapshot time from seconds and nanos, to the millisecond', async (t) => {
  t.equal(readPageRequest({ 'page_params.first_request_timestamp.seconds': 1760000000 }).snapshotAt, '2025-10-09T08:53:20.000Z')
  t.equal(
    readPageRequest({ 'page_params.first_request_timestamp.seconds': 1760000000, 'page_params.first_request_timestamp.nanos': 123456789 }).snapshotAt,
    '2025-10-09T08:53:20.123Z',
  )
  t.equal(
    readPageRequest({ 'page_params.first_request_timestamp.seconds': 1760000000, 'page_params.first_request_timestamp.nanos': 999999 }).snapshotAt,
    '2025-10-09T08:53:20.000Z',
    'nanos under a millisecond round down',
  )
  t.equal(readPageRequest({ 'page_params.first_request_timestamp.nanos': 5 }).snapshotAt, undefined, 'nanos alone are no snapshot')
})

t.test('counts the pages of a total', async (t) => {
  const page = readPageRequest({ 'page_params.page_size': 20, 'page_params.page_number': 2 })
  t.same(paginationInfo(page, 45, NOW), { total_elements: 45, total_pages: 3, current_page: 2, first_request_timestamp: '2026-01-15T12:00:00.000Z' })
  t.match(paginationInfo(page, 40, NOW), { total_pages: 2 })
  t.match(paginationInfo(page, 41, NOW), { total_pages: 3 })
  t.match(paginationInfo(page, 1, NOW), { total_pages: 1 })
  t.match(paginationInfo(page, 0, NOW), { total_elements: 0, total_pages: 0, current_page: 2 })
})

t.test("answers the request's snapshot as the first request's time, else now", async (t) => {
  const snap = readPageRequest({ 'page_params.first_request_timestamp.seconds': 1760000000, 'page_params.page_number': 2 })
  t.equal(paginationInfo(snap, 3, NOW).first_request_timestamp, '2025-10-09T08:53:20.000Z')
  t.equal(paginationInfo(readPageRequest({}), 3, NOW).first_request_timestamp, NOW.toISOString())
})

t.test('reads an ISO 8601 filter value as the span its precision names, in UTC', async (t) => {
  t.same(timeSpan('2025-10-09'), { start: '2025-10-09T00:00:00.000Z', end: '2025-10-09T23:59:59.999Z' }, 'a date: its whole day')
  t.same(timeSpan('2025-10-09T10:40Z'), { start: '2025-10-09T10:40:00.000Z', end: '2025-10-09T10:40:59.999Z' }, 'to the minute')
  t.same(timeSpan('2025-10-09T10:40:29Z'), { start: '2025-10-09T10:40:29.000Z', end: '2025-10-09T10:40:29.999Z' }, 'to the second, as the docs write it')
  t.same(timeSpan('2025-10-09T10:40:29.966Z'), { start: '2025-10-09T10:40:29.966Z', end: '2025-10-09T10:40:29.966Z' }, 'to the millisecond')
  t.same(timeSpan('2025-10-09T10:40:29.9661234Z'), { start: '2025-10-09T10:40:29.966Z', end: '2025-10-09T10:40:29.966Z' }, 'finer fractions cut to ms')
  t.same(timeSpan('2025-10-09T05:40:29-05:00'), { start: '2025-10-09T10:40:29.000Z', end: '2025-10-09T10:40:29.999Z' }, 'an offset')
  t.same(timeSpan('2025-10-09T10:40:29'), { start: '2025-10-09T10:40:29.000Z', end: '2025-10-09T10:40:29.999Z' }, 'no zone: UTC')
  for (const bad of ['', '2025', '2025-10', '2025-02-29', '2024-02-30', '2025-10-09T24:00:00Z', '2025-10-09T10:40:29+24:00', 'Thu, 09 Oct 2025', '1760000000']) {
    t.equal(timeSpan(bad), undefined, JSON.stringify(bad))
  }
  t.same(timeSpan('2024-02-29')?.start, '2024-02-29T00:00:00.000Z', 'a leap day')
  t.same(timeSpan('0050-01-01')?.start, '0050-01-01T00:00:00.000Z', 'a year below 100 is that year, not 1950')
  t.same(timeSpan('9999-12-31'), { start: '9999-12-31T00:00:00.000Z', end: '9999-12-31T23:59:59.999Z' })
  t.equal(timeSpan('0000-01-01'), undefined, 'year 0 is before the first representable day')
})

t.test('reads the date filters of a list query into inclusive ranges; the narrowest bound wins', async (t) => {
  const page = readPageRequest({ created_from: '2025-10-01', created_to: '2025-10-31', created_at: '2025-10-09', updated_to: '2025-12-01T00:00:00Z' })
  t.same(page.timeFilters, {
    created_at: { from: '2025-10-09T00:00:00.000Z', to: '2025-10-09T23:59:59.999Z' },
    updated_at: { to: '2025-12-01T00:00:00.999Z' },
  })
  t.equal(readPageRequest({}).timeFilters, undefined, 'none asked, none read')
  t.throws(() => readPageRequest({ updated_from: 'soon' }), { code: 'invalid_parameter_value', message: "Field 'updated_from' must be an ISO 8601 date or date-time, such as 2025-10-09 or 2025-10-09T10:40:29.966Z" })
})
