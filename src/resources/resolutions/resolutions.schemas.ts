import Type from 'typebox'
import { StringEnum, TimestampSchema, UuidSchema } from '../../plugins/common-schemas.js'
import { BrebKeyInputSchema, BrebKeySchema } from '../keys/keys.schemas.js'

export const ResolveKeyBodySchema = Type.Object({
  customer_id: Type.String({ format: 'uuid', description: 'The paying customer: one of the entity’s' }),
  key: BrebKeyInputSchema,
})

const OwnerSchema = Type.Object(
  {
    type: StringEnum(['BUSINESS', 'INDIVIDUAL'] as const),
    identification_type: Type.String({ examples: ['NIT'] }),
    identification_number: Type.String(),
    business_name: Type.String(),
    first_name: Type.String(),
    second_name: Type.String(),
    first_last_name: Type.String(),
    second_last_name: Type.String(),
  },
  { additionalProperties: false, description: 'Unused name parts are empty strings, as the docs show' },
)

const ParticipantSchema = Type.Object({ name: Type.String(), identification_number: Type.String() }, { additionalProperties: false })
const ReceiverAccountSchema = Type.Object({ account_type: Type.String({ examples: ['ORDINARY'] }), account_number: Type.String() }, { additionalProperties: false })

export const ResolutionSchema = Type.Object(
  {
    id: UuidSchema,
    resolution_id: Type.String({ format: 'uuid', description: 'The same value as id: pass it to POST /v1/payments/breb' }),
    type: StringEnum(['BREB'] as const, { description: 'As the ES Resolve Recipient example shows' }),
    customer_id: UuidSchema,
    key: BrebKeySchema,
    owner: OwnerSchema,
    participant: ParticipantSchema,
    account: ReceiverAccountSchema,
    receptor_node: Type.String({ examples: ['VIS'], description: 'VIS for the mock’s own keys (the docs’ value), BRB for a key at an outside bank' }),
    resolved_at: TimestampSchema,
    expires_at: Type.String({ format: 'date-time', description: 'resolved_at + 30 minutes, on the mock clock' }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

const Fields = (names: string[]) => Type.Object(Object.fromEntries(names.map((n) => [n, Type.Optional(Type.String({ maxLength: 140 }))])), { additionalProperties: false })

export const ValidateKeyBodySchema = Type.Object({
  key: BrebKeyInputSchema,
  owner: Type.Optional(Fields(['type', 'identification_type', 'identification_number', 'business_name', 'first_name', 'second_name', 'first_last_name', 'second_last_name'])),
  participant: Type.Optional(Fields(['name', 'identification_number'])),
  account: Type.Optional(Fields(['account_type', 'account_number'])),
})

const Match = StringEnum(['MATCH', 'NO_MATCH'] as const)
export const ValidationSchema = Type.Object(
  { key: StringEnum(['MATCH'] as const), owner: Type.Optional(Match), participant: Type.Optional(Match), account: Type.Optional(Match) },
  { additionalProperties: false, description: 'One entry per block sent; no owner data comes back' },
)
