import Type from 'typebox'
import { TAX_TYPES, TRANSACTION_PURPOSE_CODES, TRANSACTION_PURPOSE_WORDS } from '../../core/emvco.js'
import { KEY_TYPE_INPUTS } from '../../core/key-formats.js'
import { ListQueryProperties, MoneyInputSchema, MoneySchema, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'
import { BrebKeySchema } from '../keys/keys.schemas.js'

export const QR_TYPES = ['STATIC', 'DYNAMIC'] as const
export const QR_CHANNELS = ['IM', 'POS', 'APP', 'ECOMM', 'MPOS', 'CB', 'OFC', 'ATM'] as const

const TaxTypeSchema = StringEnum(TAX_TYPES)
/** Checked by the service against the type: money for FIXED and WALLET, a rate for PERCENTAGE. */
const TaxValueInput = (description: string) => Type.String({ minLength: 1, maxLength: 40, description, examples: ['100.00', '19'] })
const Label = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 25, description }))

const AdditionalInfoLabels = {
  invoice_number: Label('Tag 62-01'),
  mobile_phone_number: Label('Tag 62-02'),
  store_label: Label('Tag 62-03'),
  loyalty_label: Label('Tag 62-04'),
  reference_label: Label('Tag 62-05'),
  customer_label: Label('Tag 62-06'),
  terminal_label: Label('Tag 62-07'),
  customer_info: Label('Tag 62-09, e.g. EMAIL'),
  channel_presentation: Label('Tag 62-11, e.g. 400'),
}

export const CreateQrCodeBodySchema = Type.Object(
  {
    key_id: UuidSchema,
    customer_id: UuidSchema,
    type: StringEnum(QR_TYPES),
    channel: StringEnum(QR_CHANNELS),
    amount: Type.Optional(Type.Object(MoneyInputSchema.properties, { description: 'Optional for STATIC and DYNAMIC (tag 54 when given): greater than zero, at most 9999999999.99' })),
    vat: Type.Object(
      {
        vat_type: TaxTypeSchema,
        vat_value: Type.Optional(TaxValueInput('FIXED: money ("100.00"); PERCENTAGE: a rate 0–100 with up to 5 decimals ("19"); WALLET: optional')),
        vat_base_value: Type.Optional(TaxValueInput('Money: the amount the VAT is computed on')),
      },
      { description: 'Required for STATIC and DYNAMIC alike' },
    ),
    inc: Type.Object(
      {
        inc_type: TaxTypeSchema,
        inc_value: Type.Optional(TaxValueInput('FIXED: money; PERCENTAGE: a rate 0–100 with up to 5 decimals; WALLET: optional')),
      },
      { description: 'Required for STATIC and DYNAMIC alike' },
    ),
    tip: Type.Optional(
      Type.Object({
        tip_type: TaxTypeSchema,
        tip_value: Type.Optional(TaxValueInput('FIXED: money (EMVCo tag 56); PERCENTAGE: 0–99.99 with up to 2 decimals (tag 57); WALLET: the payer enters it (no value)')),
      }),
    ),
    additional_info: Type.Optional(
      Type.Object(
        {
          transaction_purpose: Type.Optional(StringEnum(TRANSACTION_PURPOSE_CODES, { description: '00 purchase (default), 02 void, 03 transfer, 04 withdrawal, 05 collection, 06 top-up, 07 deposit' })),
          ...AdditionalInfoLabels,
        },
        { description: 'Tag 62; the fields together must fit its 99 characters' },
      ),
    ),
    qr_code_reference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 17, description: 'Up to 17 letters and digits, no P (reserved for generated references); tag 90. Generated (P + digits) when absent', examples: ['ORDER12345'] }),
    ),
  },
)

const VatSchema = Type.Object(
  { vat_type: TaxTypeSchema, vat_value: Type.Optional(Type.String({ examples: ['100'] })), vat_base_value: Type.Optional(Type.String({ examples: ['100'] })) },
  { additionalProperties: false, description: 'FIXED and WALLET values are money in canonical form; PERCENTAGE values are rates' },
)
const IncSchema = Type.Object({ inc_type: TaxTypeSchema, inc_value: Type.Optional(Type.String({ examples: ['10'] })) }, { additionalProperties: false })
const TipSchema = Type.Object({ tip_type: TaxTypeSchema, tip_value: Type.Optional(Type.String()) }, { additionalProperties: false })

const additionalInfoSchema = (purpose: ReturnType<typeof Type.String> | ReturnType<typeof StringEnum>) =>
  Type.Object(
    {
      transaction_purpose: purpose,
      ...Object.fromEntries(Object.keys(AdditionalInfoLabels).map((name) => [name, Type.Optional(Type.String())])),
    },
    { additionalProperties: false },
  )

const MerchantSchema = Type.Object(
  {
    merchant_category_code: Type.String({ examples: ['0412'] }),
    merchant_country: Type.String({ examples: ['CO'] }),
    merchant_name: Type.String({ maxLength: 25, examples: ['Merchant CWSPZ'] }),
    merchant_city: Type.String({ maxLength: 15, examples: ['Bogota'] }),
    merchant_post_code: Type.String({ maxLength: 10, examples: ['101010'] }),
  },
  { additionalProperties: false, description: "The customer's data as the payload carries it: ASCII, cut to the EMVCo maxima" },
)

export const QrCodeSchema = Type.Object(
  {
    id: UuidSchema,
    customer_id: UuidSchema,
    key_id: UuidSchema,
    key: BrebKeySchema,
    type: StringEnum(QR_TYPES),
    status: StringEnum(['ACTIVE'] as const),
    channel: StringEnum(QR_CHANNELS),
    amount: Type.Optional(MoneySchema),
    vat: VatSchema,
    inc: IncSchema,
    tip: Type.Optional(TipSchema),
    additional_info: Type.Optional(additionalInfoSchema(StringEnum(TRANSACTION_PURPOSE_WORDS))),
    qr_code_reference: Type.String({ examples: ['P785694784'] }),
    qr_code_data: Type.String({ description: 'The EMVCo payload (reference B §7.5)' }),
    qr_code_image: Type.String({ contentEncoding: 'base64', contentMediaType: 'image/png', description: 'A PNG of qr_code_data, plain base64' }),
    acquirer_network_identifier: Type.String({ examples: ['VISI'] }),
    merchant: MerchantSchema,
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const QrCodeListSchema = listEnvelope('qr_codes', QrCodeSchema)

export const QrCodeListQuerySchema = Type.Object({
  ...ListQueryProperties,
  qr_code_id: Type.Optional(UuidSchema),
  customer_id: Type.Optional(UuidSchema),
  key_id: Type.Optional(UuidSchema),
  type: Type.Optional(StringEnum(QR_TYPES, { description: 'Any case' })),
  key_value: Type.Optional(Type.String({ minLength: 1, maxLength: 92 })),
  key_type: Type.Optional(StringEnum(KEY_TYPE_INPUTS, { description: 'Any case; MOBILE means PHONE' })),
})

export const QrCodeIdParamsSchema = Type.Object({ qr_code_id: UuidSchema })

export const DecodeQrCodeBodySchema = Type.Object({
  customer_id: UuidSchema,
  // Real Bre-B payloads pass EMVCo's 512 characters (the docs' dynamic ones carry a 64-hex tag 91); 2953 is the most a QR code holds.
  qr_code_data: Type.String({ minLength: 1, maxLength: 2953, description: 'An EMVCo merchant-presented payload with a CO.COM.VISI.LLA key template' }),
})

/** What decode answers: the payload's fields; no id, no image (reference B §7.3). Absent tags are absent fields. */
export const DecodedQrCodeSchema = Type.Object(
  {
    type: StringEnum(QR_TYPES),
    status: StringEnum(['ACTIVE'] as const),
    key: BrebKeySchema,
    amount: Type.Optional(MoneySchema),
    vat: Type.Optional(VatSchema),
    inc: Type.Optional(IncSchema),
    tip: Type.Optional(TipSchema),
    additional_info: Type.Optional(additionalInfoSchema(Type.String({ description: 'The word for a known code (PURCHASE…); other text as it stands', examples: ['PURCHASE'] }))),
    channel: Type.Optional(Type.String({ examples: ['POS'] })),
    acquirer_network_identifier: Type.Optional(Type.String({ examples: ['VISI'] })),
    merchant: Type.Object(
      Object.fromEntries(Object.entries(MerchantSchema.properties).map(([name]) => [name, Type.Optional(Type.String())])),
      { additionalProperties: false },
    ),
    qr_code_reference: Type.Optional(Type.String({ examples: ['000000'] })),
    qr_code_data: Type.String(),
  },
  { additionalProperties: false },
)
