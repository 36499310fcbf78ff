import Type from 'typebox'
import { MoneyInputSchema } from '../../plugins/common-schemas.js'

/**
 * `POST /v1/payments/ach` as https://docs.passportfintech.com/EN/initiate-ach-payment lists it:
 * `account_id`, `recipient_id`, `amount` required; `description` and `type` optional. The page
 * gives `description` no limit and `type` no meaning (only "int"): the limit is our choice, and
 * `type` is accepted when it is an integer and otherwise ignored (README Decisions).
 */
export const CreateAchPaymentBodySchema = Type.Object({
  account_id: Type.String({ format: 'uuid', description: 'The paying account: an ACTIVE account of the entity' }),
  recipient_id: Type.String({ format: 'uuid', description: 'An ACH recipient of the entity (POST /v1/recipients/ach); a BREB recipient is 400' }),
  amount: MoneyInputSchema,
  description: Type.Optional(Type.String({ maxLength: 140, description: 'Payment reference: free text, answered back in `description`', examples: ['Invoice 2025-118'] })),
  type: Type.Optional(Type.Integer({ description: 'Listed by the docs as an int with no meaning given: accepted, not used' })),
})
