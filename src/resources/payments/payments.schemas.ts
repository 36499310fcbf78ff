import Type from 'typebox'
import { ListQueryProperties, MoneyInputSchema, MoneySchema, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'
import { BrebKeySchema } from '../keys/keys.schemas.js'

export const CreatePaymentBodySchema = Type.Object({
  account_id: Type.String({ format: 'uuid', description: 'The paying account: an ACTIVE account of the entity' }),
  resolution_id: Type.String({ format: 'uuid', description: 'From POST /v1/resolve-key or /v1/recipients/{id}/resolve; at most one payment per resolution' }),
  amount: MoneyInputSchema,
})

export const ConfirmPaymentBodySchema = Type.Object({ id: UuidSchema })

const PartyAccount = Type.Object({ account_number: Type.String(), account_type: Type.String() }, { additionalProperties: false })
const PartyParticipant = Type.Object({ name: Type.String(), identification_number: Type.String() }, { additionalProperties: false })
const PartyOwner = Type.Object(
  { identification_number: Type.String(), identification_type: Type.String(), type: Type.String(), name: Type.String() },
  { additionalProperties: false },
)

/** A Bre-B payment's receiver: the key paid and what the directory said of it. */
const BrebReceiverSchema = Type.Object(
  { account: PartyAccount, key: BrebKeySchema, participant: PartyParticipant, owner: PartyOwner },
  { additionalProperties: false, title: 'BrebPaymentReceiver' },
)

/** An ACH payment's receiver: the ACH recipient's bank account (with its bank) and owner. */
const AchReceiverSchema = Type.Object(
  {
    account: Type.Object({ account_number: Type.String(), account_type: Type.String(), bank_name: Type.String({ examples: ['BANCO DE BOGOTA'] }) }, { additionalProperties: false }),
    owner: PartyOwner,
  },
  { additionalProperties: false, title: 'AchPaymentReceiver' },
)

export const PaymentSchema = Type.Object(
  {
    id: UuidSchema,
    status: StringEnum(['PENDING', 'PROCESSING', 'SETTLED', 'REJECTED'] as const, {
      description: 'A Bre-B payment starts PROCESSING, an ACH payment PENDING; both end SETTLED or REJECTED',
    }),
    direction: StringEnum(['OUTBOUND', 'INBOUND'] as const),
    type: StringEnum(['BREB', 'ACH'] as const),
    account_id: UuidSchema,
    resolution_id: Type.String({ description: 'The resolution paid; "" on INBOUND records and ACH payments' }),
    recipient_id: Type.Optional(Type.String({ format: 'uuid', description: 'ACH payments only: the ACH recipient paid' })),
    amount: MoneySchema,
    description: Type.Optional(Type.String({ description: 'ACH payments only: the payment reference the payer sent ("" when none)' })),
    qr_code_reference: Type.String({ description: '"" when none' }),
    end_to_end_identification: Type.String({ pattern: '^[A-Z0-9]{32}$' }),
    receiver: Type.Union([BrebReceiverSchema, AchReceiverSchema], { description: 'Bre-B: account, key, participant, owner. ACH: account (with bank_name) and owner' }),
    sender: Type.Object({ account: PartyAccount, participant: PartyParticipant, owner: PartyOwner }, { additionalProperties: false }),
    error: Type.Optional(
      Type.Object(
        { error_code: Type.String({ examples: ['AM04', 'B002', 'AC06', 'AC04', 'R03'] }), error_description: Type.String() },
        { additionalProperties: false, description: 'Only when REJECTED' },
      ),
    ),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const PaymentListSchema = listEnvelope('payments', PaymentSchema)

const Text = Type.Optional(Type.String({ minLength: 1, maxLength: 140 }))
export const PaymentListQuerySchema = Type.Object({
  ...ListQueryProperties,
  payment_id: Type.Optional(UuidSchema),
  customer_id: Type.Optional(UuidSchema),
  account_id: Type.Optional(UuidSchema),
  direction: Type.Optional(StringEnum(['OUTBOUND', 'INBOUND'] as const, { description: 'Any case' })),
  key_value: Text,
  status: Type.Optional(StringEnum(['PENDING', 'PROCESSING', 'SETTLED', 'REJECTED'] as const, { description: 'Any case' })),
  qr_code_reference: Text,
  type: Type.Optional(StringEnum(['BREB', 'ACH'] as const, { description: 'Any case' })),
  end_to_end_identification: Text,
  sender_type: Type.Optional(StringEnum(['BUSINESS', 'INDIVIDUAL'] as const)),
  sender_name: Text,
  sender_identification_type: Text,
  sender_identification_number: Text,
  sender_account_type: Text,
  sender_account_number: Text,
  // The List Payments page names sender_participant_name, then is cut at "sender_part…": the
  // participant's other field is identification_number (payment objects' participant block).
  sender_participant_name: Text,
  sender_participant_identification_number: Text,
})

export const PaymentIdParamsSchema = Type.Object({ payment_id: UuidSchema })
