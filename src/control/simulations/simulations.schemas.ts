import Type from 'typebox'
import { MoneyInputSchema, StringEnum } from '../../plugins/common-schemas.js'

const Text = (maxLength: number, options: Record<string, unknown> = {}) => Type.Optional(Type.String({ minLength: 1, maxLength, ...options }))

/** The /v1 payment's `sender` block, every field optional; unknown fields are 400, so a typo is never silently ignored. */
export const SenderInputSchema = Type.Object(
  {
    account: Type.Optional(
      Type.Object({ account_number: Text(35, { examples: ['4050607080'] }), account_type: Text(32, { examples: ['ORDINARY'] }) }, { additionalProperties: false }),
    ),
    participant: Type.Optional(
      Type.Object({ name: Text(140, { examples: ['BANCOLOMBIA'] }), identification_number: Text(20, { examples: ['890903938'] }) }, { additionalProperties: false }),
    ),
    owner: Type.Optional(
      Type.Object(
        {
          identification_number: Text(20, { examples: ['1020304050'] }),
          identification_type: Text(10, { examples: ['CC', 'NIT'] }),
          type: Type.Optional(StringEnum(['BUSINESS', 'INDIVIDUAL'] as const, { description: 'Fixes the generated identity’s kind too (NIT or CC)' })),
          name: Text(140, { examples: ['Camila Gómez Rojas'] }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'Who paid, in the shape of the payment’s `sender`; every field left out is generated as a person or business at an outside bank',
  },
)

export const InboundPaymentBodySchema = Type.Object({
  account_id: Type.String({ format: 'uuid', description: 'The receiving account: any entity’s, ACTIVE', examples: ['6c23f053-0e1a-46b4-b902-97ba47e351bc'] }),
  amount: MoneyInputSchema,
  sender: Type.Optional(SenderInputSchema),
  qr_code_reference: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9]{1,25}$', description: 'When the payer scanned one of your QR codes: its reference, carried by the payment and its events', examples: ['P785694784'] }),
  ),
})
