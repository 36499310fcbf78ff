import Type from 'typebox'
import { KEY_TYPE_INPUTS, KEY_TYPES } from '../../core/key-formats.js'
import { ListQueryProperties, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'

/** A key as requests send it; the value's format per type is checked by the service. */
export const BrebKeyInputSchema = Type.Object({
  key_type: StringEnum(KEY_TYPE_INPUTS, { description: 'MOBILE is accepted for PHONE and answered as PHONE' }),
  key_value: Type.String({ minLength: 1, maxLength: 92, examples: ['3001234567'] }),
})

/** A key as answered. */
export const BrebKeySchema = Type.Object(
  { key_type: StringEnum(KEY_TYPES), key_value: Type.String({ examples: ['3001234567'] }) },
  { additionalProperties: false },
)

/**
 * The flat form of the docs' parameter tables (`key_type`, `key_value` at the top level), taken
 * when `key` is absent; `key` (the examples' form) is needed otherwise (core/key-input.ts).
 */
export const FlatKeyInputProperties = {
  key: Type.Optional(Type.Object(BrebKeyInputSchema.properties, { description: 'Required unless key_type and key_value are sent at the top level (the docs’ tables)' })),
  key_type: Type.Optional(StringEnum(KEY_TYPE_INPUTS, { description: 'The docs’ table form of key.key_type; used only when key is absent' })),
  key_value: Type.Optional(Type.String({ minLength: 1, maxLength: 92, description: 'The docs’ table form of key.key_value; used only when key is absent' })),
}

export const CreateKeyBodySchema = Type.Object({
  account_id: UuidSchema,
  ...FlatKeyInputProperties,
  display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 140, description: 'Shown to payers when they resolve the key' })),
})

export const KeySchema = Type.Object(
  {
    id: UuidSchema,
    status: StringEnum(['ACTIVE', 'SUSPENDED'] as const),
    key: BrebKeySchema,
    account_id: UuidSchema,
    display_name: Type.Optional(Type.String()),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const KeyListSchema = listEnvelope('keys', KeySchema)

export const KeyListQuerySchema = Type.Object({
  ...ListQueryProperties,
  customer_id: Type.Optional(UuidSchema),
  account_id: Type.Optional(UuidSchema),
  key_type: Type.Optional(StringEnum(KEY_TYPE_INPUTS, { description: 'Any case; MOBILE means PHONE' })),
  key_id: Type.Optional(UuidSchema),
  status: Type.Optional(StringEnum(['ACTIVE', 'SUSPENDED'] as const, { description: 'Any case' })),
  key_value: Type.Optional(Type.String({ minLength: 1, maxLength: 92 })),
})

export const KeyIdParamsSchema = Type.Object({ key_id: UuidSchema })
