import Type from 'typebox'
import { UuidSchema } from '../../plugins/common-schemas.js'

const HeadersSchema = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
  description: 'Header names in lower case; `authorization`, `cookie`, `x-mock-admin-token` and any header named like a secret or token are "[REDACTED]"',
  examples: [{ 'content-type': 'application/json', authorization: '[REDACTED]' }],
})

export const JournalEntrySchema = Type.Object(
  {
    trace_id: UuidSchema,
    method: Type.String({ examples: ['GET'] }),
    url: Type.String({ description: 'Path and query as sent (secret query values redacted)', examples: ['/v1/accounts?page_size=5'] }),
    status: Type.Integer({ description: 'The response’s HTTP status', examples: [200] }),
    duration_ms: Type.Number({ minimum: 0, description: 'Time taken, fault-rule delays included (real time)' }),
    at: Type.String({ format: 'date-time', description: 'When it came in, on the mock’s clock', examples: ['2026-01-15T12:00:00.000Z'] }),
    request_body: Type.Unknown({
      description: 'The JSON or form body as parsed, with `client_secret`, `secret` and `access_token` values replaced by "[REDACTED]" at any depth; null when none was read. Headers are never kept.',
    }),
    request_body_omitted: Type.Optional(Type.Boolean({ description: 'Present (true) when the body was over 64 KiB and not kept' })),
    request_body_truncated: Type.Optional(
      Type.Boolean({ description: 'Present (true) when the body nested deeper than 32 levels: it is kept down to there, and "[TRUNCATED: nested deeper than 32]" stands where it was cut' }),
    ),
    request_headers: HeadersSchema,
    response: Type.Object(
      {
        status: Type.Integer({ description: 'The HTTP status (the same as `status`)', examples: [200] }),
        headers: HeadersSchema,
        body: Type.Unknown({
          description:
            'The body as sent: parsed JSON when the answer was JSON and is kept whole; the text when it is not JSON or was cut; null when there was none (204, a stream). `access_token`, `client_secret` and `secret` values are "[REDACTED]".',
        }),
        body_truncated: Type.Optional(Type.Boolean({ description: 'Present (true) when the body was longer than 65,536 characters: `body` is then its first 65,536 characters, as text' })),
      },
      { additionalProperties: false, required: ['status', 'headers', 'body'] },
    ),
  },
  { additionalProperties: false, required: ['trace_id', 'method', 'url', 'status', 'duration_ms', 'at', 'request_body', 'request_headers', 'response'] },
)

export const JournalListSchema = Type.Object({ requests: Type.Array(JournalEntrySchema, { description: 'Newest first' }) }, { additionalProperties: false })

export const JournalQuerySchema = Type.Object({
  method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$', maxLength: 16, description: 'Only this HTTP method (any case)', examples: ['POST'] })),
  path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048, description: 'Only paths that start with this text', examples: ['/v1/payments'] })),
  status: Type.Optional(Type.String({ pattern: '^[1-5]([0-9]{2}|[xX]{2})$', description: 'Only this status (`404`) or class (`4xx`)', examples: ['404', '4xx'] })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000000, default: 100, description: 'Newest entries to answer (default 100)' })),
})
