import Type from 'typebox'
import { ListQueryProperties, StringEnum, TimestampSchema, UuidSchema, listEnvelope } from '../../plugins/common-schemas.js'

// CONTRACT §4 "Customers and accounts": the formats of the link and update fields.
const BusinessName = Type.String({ minLength: 1, maxLength: 140, examples: ['Mi Negocio S.A.S.'] })
const Email = Type.String({ minLength: 1, maxLength: 35, pattern: '^[^@]+@[^@]+$', examples: ['negocio@example.com'], description: 'Kept as sent; unique within the entity without case' })
const MobilePhone = Type.String({ pattern: '^\\+?[0-9]{7,15}$', examples: ['+573001112233'], description: 'Stored as sent' })
const Nit = Type.String({ pattern: '^[0-9]{9}$', examples: ['903978023'], description: 'NIT without check digit' })
const Mcc = Type.String({ pattern: '^[0-9]{4}$', examples: ['5734'] })
const AddressLine = Type.String({ minLength: 1, maxLength: 64 })
const OptionalAddressLine = Type.String({ maxLength: 64 })

export const LinkBusinessBodySchema = Type.Object({
  type: Type.Optional(StringEnum(['BUSINESS'] as const, { description: 'May be omitted' })),
  business_name: BusinessName,
  email: Email,
  mobile_phone_number: MobilePhone,
  identification_type: StringEnum(['NIT'] as const),
  identification_number: Nit,
  address: Type.Object({
    line_1: AddressLine,
    line_2: Type.Optional(OptionalAddressLine),
    line_3: Type.Optional(OptionalAddressLine),
    city: AddressLine,
    state: AddressLine,
    post_code: AddressLine,
    country: StringEnum(['CO'] as const),
  }),
  merchant_category_code: Mcc,
})

/** Only these fields can change; anything else is a 400 (CONTRACT §4). */
export const UpdateCustomerBodySchema = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid', description: 'Allowed only when equal to the path id' })),
    business_name: Type.Optional(BusinessName),
    email: Type.Optional(Email),
    mobile_phone_number: Type.Optional(MobilePhone),
    identification_number: Type.Optional(Nit),
    merchant_category_code: Type.Optional(Mcc),
  },
  { additionalProperties: false },
)

export const CustomerSchema = Type.Object(
  {
    id: UuidSchema,
    type: StringEnum(['BUSINESS'] as const),
    status: StringEnum(['ACTIVE', 'INACTIVE'] as const),
    business_name: Type.String(),
    email: Type.String(),
    mobile_phone_number: Type.String(),
    identification_type: Type.String({ examples: ['NIT'] }),
    identification_number: Type.String(),
    merchant_category_code: Type.String(),
    address: Type.Object(
      {
        line_1: Type.String(),
        line_2: Type.Optional(Type.String()),
        line_3: Type.Optional(Type.String()),
        city: Type.String(),
        state: Type.String(),
        post_code: Type.String(),
        country: Type.String({ examples: ['CO'] }),
      },
      { additionalProperties: false },
    ),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  },
  { additionalProperties: false },
)

export const CustomerListSchema = listEnvelope('customers', CustomerSchema)

export const CustomerListQuerySchema = Type.Object({
  ...ListQueryProperties,
  identification_number: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  customer_id: Type.Optional(UuidSchema),
  identification_type: Type.Optional(StringEnum(['NIT', 'CC'] as const)),
  // https://docs.passportfintech.com/EN/query-parameters "Filtering Parameters".
  customer_status: Type.Optional(StringEnum(['ACTIVE', 'INACTIVE'] as const, { description: 'Any case (the docs write active, inactive)' })),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'The exact address, compared without case' })),
  mobile: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'The exact mobile_phone_number, as stored' })),
})

export const CustomerIdParamsSchema = Type.Object({ customer_id: UuidSchema })
