import Type, { type TSchema, type TUnsafe } from 'typebox'
import { MONEY_VALUE_PATTERN } from '../core/money.js'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/pagination.js'

/** A string enum that reads well in OpenAPI (`type: string` beside `enum`). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/** UUID v4-style ids (CONTRACT §1). Ajv's `uuid` format accepts any RFC 4122 layout. */
export const UuidSchema = Type.String({ format: 'uuid', description: 'UUID', examples: ['6c23f053-0e1a-46b4-b902-97ba47e351bc'] })

/** ISO 8601 UTC with milliseconds and `Z`. */
export const TimestampSchema = Type.String({ format: 'date-time', examples: ['2025-10-09T10:40:29.966Z'] })

/** Money as answered: canonical decimal string and COP (CONTRACT §1). */
export const MoneySchema = Type.Object(
  {
    value: Type.String({ pattern: MONEY_VALUE_PATTERN, examples: ['90000000000000000', '5000.50'] }),
    currency: StringEnum(['COP'] as const),
  },
  { additionalProperties: false },
)

/** Money as accepted in a request: a decimal string, never a JSON number (CONTRACT §1). */
export const MoneyInputSchema = Type.Object({
  value: Type.String({ pattern: MONEY_VALUE_PATTERN, examples: ['5000.50'] }),
  currency: StringEnum(['COP'] as const),
})

/** The error body real clients parse: one flat object, all seven fields (CONTRACT §2). */
export const ErrorBodySchema = Type.Object(
  {
    code: Type.String({ examples: ['invalid_parameter_value'] }),
    message: Type.String({ examples: ["Field 'account_id' must be a UUID"] }),
    http_code: Type.Integer({ minimum: 400, maximum: 599 }),
    type: Type.String({ examples: ['INVALID_ARGUMENT'] }),
    resource: Type.String({ examples: ['accounts'] }),
    url: Type.String({ examples: ['/v1/accounts/not-a-uuid'] }),
    trace_id: UuidSchema,
  },
  { additionalProperties: false, required: ['code', 'message', 'http_code', 'type', 'resource', 'url', 'trace_id'] },
)

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid JSON, or a parameter with a wrong type, format or value',
  401: 'Missing, invalid, expired or revoked token, or a token without the required scope',
  403: 'The resource belongs to another entity (listed on lists too, as the docs list it; lists show only the caller’s rows)',
  404: 'Not found',
  405: 'Method not allowed on this path',
  409: 'Already exists, or not in a state that allows the operation',
  413: 'Body over the size limit',
  415: 'Body media type not accepted',
  500: 'Internal error (a fault rule, or a bug)',
  503: 'storage_full: the disk holding the database is full and nothing was stored (or a fault rule)',
}

/**
 * Every route that may write gets a 503 (issue 11 item 9: `storage_full` on a full disk), added
 * by an onRoute hook (src/plugins/error-handler.ts) rather than repeated in every route.
 */
export function withStorageFull(response: Record<string, unknown>): Record<string, unknown> {
  if ('503' in response || 503 in response) return response
  return { ...response, 503: errorResponses(503)['503'] }
}

/**
 * The error responses of a route, plus `default` (a fault rule may answer any status 400–599:
 * CONTRACT §2), so every answer the server can send is described.
 */
export function errorResponses(...statuses: number[]): Record<string, TSchema> {
  // The same statuses give the same schema objects, so compiled serializers are reused.
  const key = statuses.join(',')
  const known = errorResponseSets.get(key)
  if (known) return known
  const responses: Record<string, TSchema> = {}
  for (const status of statuses) {
    responses[status] = Type.Object(ErrorBodySchema.properties, {
      additionalProperties: false,
      required: ErrorBodySchema.required,
      description: STATUS_DESCRIPTIONS[status] ?? 'Error',
    })
  }
  responses.default = Type.Object(ErrorBodySchema.properties, {
    additionalProperties: false,
    required: ErrorBodySchema.required,
    description: 'Any other error, e.g. one injected by a fault rule (429, 503…)',
  })
  errorResponseSets.set(key, responses)
  return responses
}

const errorResponseSets = new Map<string, Record<string, TSchema>>()

/** A 204 with no body (DELETE success, CONTRACT §1). */
export const NoContentSchema = Type.Null({ description: 'No content' })

export const PaginationInfoSchema = Type.Object(
  {
    total_elements: Type.Integer({ minimum: 0 }),
    total_pages: Type.Integer({ minimum: 0 }),
    current_page: Type.Integer({ minimum: 1 }),
    first_request_timestamp: TimestampSchema,
  },
  { additionalProperties: false },
)

/** `{"<collection>": [...], "pagination_info": {...}}` (CONTRACT §4 "Lists"). */
export function listEnvelope<K extends string, T extends TSchema>(collection: K, item: T) {
  return Type.Object(
    { [collection]: Type.Array(item), pagination_info: PaginationInfoSchema } as { [P in K]: ReturnType<typeof Type.Array<T>> } & {
      pagination_info: typeof PaginationInfoSchema
    },
    { additionalProperties: false },
  )
}

const ORDER_KEYS = ['created_at', 'updated_at'] as const
// A protobuf int32, as the real API's page_params are; larger values would overflow SQLite's OFFSET (a 500).
const MAX_PAGE_NUMBER = 2147483647
const ORDER_DIRECTIONS = ['ASC', 'DESC', 'ORDER_DIRECTION_ENUM_UNSPECIFIED'] as const

/** An ISO 8601 date or date-time in a list query; its calendar and clock are checked by core/pagination.ts. */
function TimeFilter(description: string) {
  return Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: `${description}. ISO 8601: 2025-10-09, 2025-10-09T10:40:29Z, 2025-10-09T10:40:29.966Z or with an offset (-05:00); no zone: UTC`, examples: ['2025-10-09T00:00:00Z'] }))
}

/** The paging, ordering and date-filter parameters every list takes, nested and flat (CONTRACT §4). */
export const ListQueryProperties = {
  'page_params.page_size': Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `Rows per page, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })),
  'page_params.page_number': Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_NUMBER, description: 'Page, from 1' })),
  'page_params.first_request_timestamp.seconds': Type.Optional(
    Type.Integer({ minimum: -62135596800, maximum: 253402300799, description: 'Snapshot time (Unix seconds): rows created later are left out' }),
  ),
  'page_params.first_request_timestamp.nanos': Type.Optional(Type.Integer({ minimum: 0, maximum: 999999999 })),
  'order_params.order_key': Type.Optional(StringEnum(ORDER_KEYS, { description: 'created_at (default) or updated_at; any case' })),
  'order_params.order_direction': Type.Optional(StringEnum(ORDER_DIRECTIONS, { description: 'ASC (default) or DESC; any case' })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: 'Legacy name of page_params.page_size' })),
  page_number: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_NUMBER, description: 'Legacy name of page_params.page_number' })),
  order_key: Type.Optional(StringEnum(ORDER_KEYS, { description: 'Legacy name of order_params.order_key' })),
  order_direction: Type.Optional(StringEnum(ORDER_DIRECTIONS, { description: 'Legacy name of order_params.order_direction' })),
  // https://docs.passportfintech.com/EN/query-parameters "Date Filtering Parameters"; read by core/pagination.ts.
  created_at: TimeFilter('Rows created within the span this value names (a date: that UTC day; a time: that second or millisecond)'),
  created_from: TimeFilter('Rows created at or after the start of this date or time'),
  created_to: TimeFilter('Rows created at or before the end of this date or time (a date: the whole day)'),
  updated_at: TimeFilter('Rows last updated within the span this value names'),
  updated_from: TimeFilter('Rows last updated at or after the start of this date or time'),
  updated_to: TimeFilter('Rows last updated at or before the end of this date or time'),
}
