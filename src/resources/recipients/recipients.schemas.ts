import Type from 'typebox'
import { ListQueryProperties, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'
import { BrebKeySchema, FlatKeyInputProperties } from '../keys/keys.schemas.js'
import { ACH_ACCOUNT_TYPES, IDENTIFICATION_TYPES, OWNER_TYPES, RECIPIENT_TYPES } from './recipients.store.js'

const Alias = Type.String({ minLength: 0, maxLength: 128, description: 'A friendly name, 0–128 characters', examples: ['Pepito SAS5'] })
const NamePart = (description: string) => Type.String({ maxLength: 140, description })

export const CreateBrebRecipientBodySchema = Type.Object({
  customer_id: UuidSchema,
  ...FlatKeyInputProperties,
  alias: Type.Optional(Alias),
})

const AchOwnerInputSchema = Type.Object({
  type: StringEnum(OWNER_TYPES),
  first_name: Type.Optional(NamePart('Required for INDIVIDUAL')),
  second_name: Type.Optional(NamePart('Optional')),
  first_last_name: Type.Optional(NamePart('Required for INDIVIDUAL')),
  second_last_name: Type.Optional(NamePart('Optional')),
  business_name: Type.Optional(NamePart('Required for BUSINESS')),
  identification_type: StringEnum(IDENTIFICATION_TYPES),
  identification_number: Type.String({ minLength: 1, maxLength: 30, examples: ['1020304050'] }),
})

const achAccountProperties = {
  account_type: StringEnum(ACH_ACCOUNT_TYPES),
  account_number: Type.String({ minLength: 1, maxLength: 18, examples: ['0550123456789'] }),
  bank_name: Type.String({ minLength: 1, maxLength: 64, description: 'Any bank name (the docs list Colombian banks)', examples: ['BANCO DE BOGOTA'] }),
}

export const CreateAchRecipientBodySchema = Type.Object({
  customer_id: UuidSchema,
  alias: Type.Optional(Alias),
  owner: AchOwnerInputSchema,
  account: Type.Object(achAccountProperties),
})

export const BrebRecipientSchema = Type.Object(
  {
    id: UuidSchema,
    customer_id: UuidSchema,
    type: Type.Literal('BREB'),
    key: BrebKeySchema,
    alias: Type.Optional(Type.String()),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

const AchOwnerSchema = Type.Object(
  {
    type: StringEnum(OWNER_TYPES),
    first_name: Type.Optional(Type.String()),
    second_name: Type.Optional(Type.String()),
    first_last_name: Type.Optional(Type.String()),
    second_last_name: Type.Optional(Type.String()),
    business_name: Type.Optional(Type.String()),
    identification_type: StringEnum(IDENTIFICATION_TYPES),
    identification_number: Type.String(),
  },
  { additionalProperties: false, description: 'As sent: name parts appear only when given' },
)

export const AchRecipientSchema = Type.Object(
  {
    id: UuidSchema,
    customer_id: UuidSchema,
    type: Type.Literal('ACH'),
    alias: Type.Optional(Type.String()),
    owner: AchOwnerSchema,
    account: Type.Object(achAccountProperties, { additionalProperties: false }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const RecipientListSchema = listEnvelope('recipients', Type.Union([BrebRecipientSchema, AchRecipientSchema]))

export const RecipientListQuerySchema = Type.Object({
  ...ListQueryProperties,
  customer_id: Type.Optional(UuidSchema),
  type: Type.Optional(
    StringEnum([...RECIPIENT_TYPES, ...OWNER_TYPES], {
      description: 'Any case. BREB or ACH: the recipient’s type; INDIVIDUAL or BUSINESS (the docs’ examples): the owner’s type, which only ACH recipients have until a Bre-B one is resolved',
    }),
  ),
  recipient_id: Type.Optional(UuidSchema),
  identification_number: Type.Optional(Type.String({ minLength: 1, maxLength: 30, description: "The ACH owner's" })),
  account_number: Type.Optional(Type.String({ minLength: 1, maxLength: 18, description: "The ACH recipient's" })),
  account_type: Type.Optional(StringEnum(ACH_ACCOUNT_TYPES, { description: "The ACH recipient's; any case" })),
})

export const RecipientIdParamsSchema = Type.Object({ recipient_id: UuidSchema })
