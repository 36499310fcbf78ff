import Type from 'typebox'
import { ListQueryProperties, MoneySchema, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'
import { ACCOUNT_STATUSES, ACCOUNT_TYPES } from './accounts.store.js'

export const LinkAccountBodySchema = Type.Object({
  customer_id: UuidSchema,
  account_type: StringEnum(ACCOUNT_TYPES),
  account_number: Type.String({ minLength: 1, maxLength: 35, examples: ['88827643001'] }),
})

export const AccountSchema = Type.Object(
  {
    id: UuidSchema,
    customer_id: UuidSchema,
    account_number: Type.String(),
    account_type: StringEnum(ACCOUNT_TYPES),
    status: StringEnum(ACCOUNT_STATUSES),
    available_balance: MoneySchema,
    pending_balance: MoneySchema,
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const AccountListSchema = listEnvelope('accounts', AccountSchema)

export const AccountListQuerySchema = Type.Object({
  ...ListQueryProperties,
  customer_id: Type.Optional(UuidSchema),
  account_id: Type.Optional(UuidSchema),
  status: Type.Optional(StringEnum(ACCOUNT_STATUSES, { description: 'Any case' })),
  account_type: Type.Optional(StringEnum(ACCOUNT_TYPES, { description: 'Any case' })),
  account_number: Type.Optional(Type.String({ minLength: 1, maxLength: 35 })),
})

export const AccountIdParamsSchema = Type.Object({ account_id: UuidSchema })
