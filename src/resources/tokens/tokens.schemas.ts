import Type from 'typebox'
import { ALL_SCOPES } from '../../core/scopes.js'
import { ListQueryProperties, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'

const ScopeListSchema = Type.Array(StringEnum(ALL_SCOPES), { description: 'Granted scopes, expanded (no wildcards but the docs’ own iam.mfa.*), in the docs’ order' })
const RolesSchema = Type.Array(Type.String({ examples: ['ENTITY_ADMIN'] }))

/** JSON or form body; the client may instead come in `Authorization: Basic` (CONTRACT §3). */
export const TokenRequestSchema = Type.Object({
  client_id: Type.Optional(Type.String({ examples: ['passport-mock-client'] })),
  client_secret: Type.Optional(Type.String({ examples: ['passport-mock-secret'] })),
  grant_type: Type.Optional(Type.String({ examples: ['client_credentials'], description: 'Must be client_credentials' })),
})

export const IssuedTokenSchema = Type.Object(
  {
    access_token: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'Opaque bearer token: 64 lowercase hex characters' }),
    token_type: StringEnum(['Bearer'] as const),
    expires_in: Type.Integer({ minimum: 1, description: 'Seconds until expiry (TOKEN_TTL_SECONDS)', examples: [86400] }),
    token_id: UuidSchema,
    scopes: ScopeListSchema,
    roles: RolesSchema,
    account_id: Type.String({ format: 'uuid', description: "The entity's id" }),
    created_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const TokenInfoSchema = Type.Object(
  {
    token_id: UuidSchema,
    scopes: ScopeListSchema,
    roles: RolesSchema,
    account_id: Type.String({ format: 'uuid', description: "The entity's id" }),
    grant_flow: StringEnum(['GRANT_FLOW_CLIENT_CREDENTIALS'] as const),
    status: StringEnum(['ACTIVE', 'EXPIRED', 'REVOKED'] as const),
    created_at: TimestampSchema,
    expires_in: Type.Integer({ minimum: 0, description: 'Seconds the token has left on the mock’s clock; 0 once expired or revoked', examples: [86400] }),
    expires_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const TokenListSchema = listEnvelope('tokens', TokenInfoSchema)

export const TokenListQuerySchema = Type.Object({
  ...ListQueryProperties,
  grant_flow: Type.Optional(
    StringEnum(['GRANT_FLOW_CLIENT_CREDENTIALS', 'GRANT_FLOW_PASSWORD', 'GRANT_FLOW_ENTITY_SETUP', 'GRANT_FLOW_LOGIN'] as const),
  ),
  role: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  account_id: Type.Optional(UuidSchema),
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Client-credentials tokens have no user: any value matches nothing' })),
})

export const TokenIdParamsSchema = Type.Object({ token_id: UuidSchema })

export const RevokeTokenBodySchema = Type.Object({
  token_id: Type.Optional(Type.String({ format: 'uuid', description: 'Optional; must equal the path id' })),
})
