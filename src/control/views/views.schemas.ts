import Type from 'typebox'
import { ListQueryProperties, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'
import { AccountSchema } from '../../resources/accounts/accounts.schemas.js'
import { CustomerSchema } from '../../resources/customers/customers.schemas.js'
import { ACCOUNT_STATUSES, ACCOUNT_TYPES } from '../../resources/accounts/accounts.store.js'
import { PaymentSchema } from '../../resources/payments/payments.schemas.js'

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

export const PaymentViewSchema = Type.Object({ ...PaymentSchema.properties, entity_id: UuidSchema }, { additionalProperties: false })

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
