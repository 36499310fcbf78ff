import Type from 'typebox'
import { ListQueryProperties, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'
import { AccountSchema } from '../../resources/accounts/accounts.schemas.js'
import { CustomerSchema } from '../../resources/customers/customers.schemas.js'
import { ACCOUNT_STATUSES, ACCOUNT_TYPES } from '../../resources/accounts/accounts.store.js'
import { PaymentSchema } from '../../resources/payments/payments.schemas.js'
import { KeySchema } from '../../resources/keys/keys.schemas.js'
import { TokenInfoSchema } from '../../resources/tokens/tokens.schemas.js'
import { AchRecipientSchema, BrebRecipientSchema } from '../../resources/recipients/recipients.schemas.js'
import { DecodedQrCodeSchema, QrCodeSchema, QR_TYPES } from '../../resources/qrcodes/qrcodes.schemas.js'

const EntityIdFilter = Type.Optional(Type.String({ format: 'uuid', description: 'Only this entity’s rows' }))

export const EntityViewSchema = Type.Object(
  {
    id: UuidSchema,
    name: Type.String({ examples: ['Passport Mock Default Entity'] }),
    created_at: TimestampSchema,
    clients: Type.Array(
      Type.Object(
        {
          client_id: Type.String({ examples: ['passport-mock-client'] }),
          scopes: Type.Array(Type.String(), { description: 'As granted (families such as `paas.core.*` unexpanded)', examples: [['iam.*', 'paas.core.*']] }),
        },
        { additionalProperties: false },
      ),
      { description: 'The entity’s API clients; secrets are never shown (GET /_mock/state exports them)' },
    ),
    counts: Type.Object(
      { customers: Type.Integer({ minimum: 0 }), accounts: Type.Integer({ minimum: 0 }), keys: Type.Integer({ minimum: 0 }), payments: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false, description: 'How many rows of each kind the entity owns' },
    ),
  },
  { additionalProperties: false },
)

export const EntityViewListSchema = listEnvelope('entities', EntityViewSchema)

export const EntityViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Exact name, e.g. the one a seed document gave' })),
})

export const AccountViewSchema = Type.Object(
  {
    ...AccountSchema.properties,
    entity_id: UuidSchema,
    customer_name: Type.Union([Type.String(), Type.Null()], {
      description: 'The customer’s business_name, so a reader sees a name beside the id (null only if the customer row is missing)',
      examples: ['Comercializadora Andina SAS'],
    }),
  },
  { additionalProperties: false },
)

export const AccountViewListSchema = listEnvelope('accounts', AccountViewSchema)

export const AccountViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  customer_id: Type.Optional(UuidSchema),
  status: Type.Optional(StringEnum(ACCOUNT_STATUSES, { description: 'Any case' })),
  account_type: Type.Optional(StringEnum(ACCOUNT_TYPES, { description: 'Any case' })),
  account_number: Type.Optional(Type.String({ minLength: 1, maxLength: 35 })),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Search (the QA console’s Find box): an account id or customer id exactly, or the start of an account number or of the customer’s name (any case)',
      examples: ['88827643', 'Comercializadora'],
    }),
  ),
})

const CustomerName = Type.Union([Type.String(), Type.Null()], {
  description: 'The customer’s business_name, so a reader sees a name beside the id (null only if the customer row is missing)',
  examples: ['Comercializadora Andina SAS'],
})

export const PaymentViewSchema = Type.Object(
  {
    ...PaymentSchema.properties,
    entity_id: UuidSchema,
    account_number: Type.Union([Type.String(), Type.Null()], { description: 'The number of the mock account that paid or was paid (null only if the account row is missing)', examples: ['88827643'] }),
    customer_name: CustomerName,
  },
  { additionalProperties: false },
)

export const PaymentViewListSchema = listEnvelope('payments', PaymentViewSchema)

export const PaymentViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  account_id: Type.Optional(UuidSchema),
  customer_id: Type.Optional(UuidSchema),
  status: Type.Optional(StringEnum(['PENDING', 'PROCESSING', 'SETTLED', 'REJECTED'] as const, { description: 'Any case' })),
  direction: Type.Optional(StringEnum(['OUTBOUND', 'INBOUND'] as const, { description: 'Any case' })),
  type: Type.Optional(StringEnum(['BREB', 'ACH'] as const, { description: 'Any case' })),
  end_to_end_identification: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
  key_value: Type.Optional(Type.String({ minLength: 1, maxLength: 140, description: 'The receiver’s key value' })),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Search (the QA console’s Find box): a payment id exactly, or the start of an end-to-end id, of the receiver’s key value or of the number of the mock account that paid or was paid',
      examples: ['3001112222', '88827643'],
    }),
  ),
})

export const CustomerViewSchema = Type.Object({ ...CustomerSchema.properties, entity_id: UuidSchema }, { additionalProperties: false })

export const CustomerViewListSchema = listEnvelope('customers', CustomerViewSchema)

export const CustomerViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  status: Type.Optional(StringEnum(['ACTIVE', 'INACTIVE'] as const, { description: 'Any case' })),
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Search (the QA console’s Find box): a customer id exactly, or the start of the name (any case)', examples: ['Ferretería'] }),
  ),
})

export const KeyViewSchema = Type.Object(
  {
    ...KeySchema.properties,
    entity_id: UuidSchema,
    customer_id: UuidSchema,
    account_number: Type.Union([Type.String(), Type.Null()], { description: 'The number of the account the key points to (null only if the account row is missing)', examples: ['88827643'] }),
    customer_name: CustomerName,
  },
  { additionalProperties: false },
)

export const KeyViewListSchema = listEnvelope('keys', KeyViewSchema)

export const KeyViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  status: Type.Optional(StringEnum(['ACTIVE', 'SUSPENDED'] as const, { description: 'Any case' })),
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Search (the QA console’s Find box): a key, account or customer id exactly, or the start of a key value', examples: ['3001112222'] }),
  ),
})

export const KeyIdParamsSchema = Type.Object({ key_id: UuidSchema })

export const TokenViewSchema = Type.Object(
  {
    ...TokenInfoSchema.properties,
    entity_id: UuidSchema,
    client_id: Type.String({ examples: ['passport-mock-client'] }),
    token_hash_prefix: Type.String({
      pattern: '^[0-9a-f]{12}$',
      description: 'The first 12 hex digits of the SHA-256 of the access token: enough to tell tokens apart; the token itself is never stored (CONTRACT §3)',
      examples: ['9f86d081884c'],
    }),
    revoked_at: Type.Union([TimestampSchema, Type.Null()]),
  },
  { additionalProperties: false },
)

export const TokenViewListSchema = listEnvelope('tokens', TokenViewSchema)

export const TokenViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
})

export const TokenIdParamsSchema = Type.Object({ token_id: UuidSchema })

const RecipientViewExtras = { entity_id: UuidSchema, customer_name: CustomerName }

export const RecipientViewSchema = Type.Union([
  Type.Object({ ...BrebRecipientSchema.properties, ...RecipientViewExtras }, { additionalProperties: false }),
  Type.Object({ ...AchRecipientSchema.properties, ...RecipientViewExtras }, { additionalProperties: false }),
])

export const RecipientViewListSchema = listEnvelope('recipients', RecipientViewSchema)

export const RecipientViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  customer_id: Type.Optional(UuidSchema),
  type: Type.Optional(StringEnum(['BREB', 'ACH'] as const, { description: 'Any case' })),
})

export const QrCodeViewSchema = Type.Object(
  {
    ...QrCodeSchema.properties,
    entity_id: UuidSchema,
    customer_name: CustomerName,
    decoded: Type.Union([DecodedQrCodeSchema, Type.Null()], { description: 'qr_code_data decoded as POST /v1/qrcodes/decode answers it (null if the payload does not decode)' }),
    data_objects: Type.Array(
      Type.Object({ id: Type.String({ pattern: '^[0-9]{2}$' }), value: Type.String() }, { additionalProperties: false }),
      { description: 'The payload’s top-level EMVCo data objects (tag, value), in order; templates keep their nested TLV text' },
    ),
  },
  { additionalProperties: false },
)

export const QrCodeViewListSchema = listEnvelope('qr_codes', QrCodeViewSchema)

export const QrCodeViewListQuerySchema = Type.Object({
  ...ListQueryProperties,
  entity_id: EntityIdFilter,
  customer_id: Type.Optional(UuidSchema),
  type: Type.Optional(StringEnum(QR_TYPES, { description: 'Any case' })),
})
