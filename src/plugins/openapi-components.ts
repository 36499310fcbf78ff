import { ClockSchema, MoveClockBodySchema } from '../control/clock/clock.schemas.js'
import { FaultRuleBodySchema, FaultRuleListSchema, FaultRuleSchema } from '../control/faults/faults.schemas.js'
import { HealthSchema } from '../control/health/health.routes.js'
import { canonicalKeyType, KEY_TYPE_INPUTS, keyFormat, type KeyTypeInput } from '../core/key-formats.js'
import { JournalEntrySchema, JournalListSchema } from '../control/journal/journal.schemas.js'
import {
  AuthorizationAttemptListSchema,
  AuthorizationAttemptSchema,
  PaymentAuthorizationListSchema,
  PaymentAuthorizationSchema,
  PutPaymentAuthorizationBodySchema,
} from '../control/payment-authorization/payment-authorization.schemas.js'
import { InboundPaymentBodySchema, SenderInputSchema } from '../control/simulations/simulations.schemas.js'
import { ResetBodySchema, SeedDocumentSchema, SeedResultSchema, StateDocumentSchema } from '../control/state/state.schemas.js'
import {
  AccountViewListSchema,
  AccountViewSchema,
  EntityViewListSchema,
  EntityViewSchema,
  KeyViewListSchema,
  KeyViewSchema,
  PaymentViewListSchema,
  PaymentViewSchema,
  QrCodeViewListSchema,
  QrCodeViewSchema,
  RecipientViewListSchema,
  RecipientViewSchema,
  TokenViewListSchema,
  TokenViewSchema,
} from '../control/views/views.schemas.js'
import { AddWebhookBodySchema, DeliveryListSchema, DeliverySchema, WebhookEndpointListSchema, WebhookEndpointSchema } from '../control/webhooks/webhooks.schemas.js'
import { AccountListSchema, AccountSchema, LinkAccountBodySchema } from '../resources/accounts/accounts.schemas.js'
import { CustomerListSchema, CustomerSchema, LinkBusinessBodySchema, UpdateCustomerBodySchema } from '../resources/customers/customers.schemas.js'
import { BrebKeyInputSchema, BrebKeySchema, CreateKeyBodySchema, KeyListSchema, KeySchema } from '../resources/keys/keys.schemas.js'
import { CreateAchPaymentBodySchema } from '../resources/payments/ach.schemas.js'
import { ConfirmPaymentBodySchema, CreatePaymentBodySchema, PaymentListSchema, PaymentSchema } from '../resources/payments/payments.schemas.js'
import { CreateQrCodeBodySchema, DecodedQrCodeSchema, DecodeQrCodeBodySchema, QrCodeListSchema, QrCodeSchema } from '../resources/qrcodes/qrcodes.schemas.js'
import {
  AchRecipientSchema,
  BrebRecipientSchema,
  CreateAchRecipientBodySchema,
  CreateBrebRecipientBodySchema,
  RecipientListSchema,
} from '../resources/recipients/recipients.schemas.js'
import { ResolutionSchema, ResolveKeyBodySchema, ValidateKeyBodySchema, ValidationSchema } from '../resources/resolutions/resolutions.schemas.js'
import { IssuedTokenSchema, RevokeTokenBodySchema, TokenInfoSchema, TokenListSchema, TokenRequestSchema } from '../resources/tokens/tokens.schemas.js'
import { ErrorBodySchema, MoneyInputSchema, MoneySchema, PaginationInfoSchema } from './common-schemas.js'
import type { Component } from './openapi-refs.js'

/** A subschema of a schema, by property names (`items`, `anyOf` and an index for the rest). */
function part(schema: object, ...path: string[]): object {
  let at: unknown = schema
  for (const name of path) {
    const here = at as Record<string, unknown>
    at = Array.isArray(at) ? at[Number(name)] : name === 'items' || name === 'anyOf' ? here[name] : (here.properties as Record<string, unknown> | undefined)?.[name]
    if (typeof at !== 'object' || at === null) throw new Error(`no subschema ${path.join('.')}`)
  }
  return at as object
}

const c = (name: string, schema: object, description: string, documented?: object): Component => ({ name, schema, description, ...(documented && { documented }) })

const KEY_INPUT_NAMES: Record<KeyTypeInput, string> = { ID: 'IdKeyInput', PHONE: 'PhoneKeyInput', MOBILE: 'MobileKeyInput', EMAIL: 'EmailKeyInput', ALPHA: 'AlphaKeyInput', BCODE: 'BcodeKeyInput' }

/**
 * One shape per key type, its value's format as a pattern (core/key-formats.ts): what the service
 * checks after the schema, so the validator and its messages are unchanged; the document only
 * says it, where a generated client and Swagger UI show it.
 */
const KEY_INPUT_VARIANTS = KEY_TYPE_INPUTS.map((type) => {
  const { pattern, rule } = keyFormat(canonicalKeyType(type))
  return c(
    KEY_INPUT_NAMES[type],
    {
      type: 'object',
      properties: {
        key_type: { type: 'string', const: type },
        key_value: { type: 'string', pattern, description: `The value ${rule.en}${type === 'EMAIL' ? ' (stored lower-case)' : ''}` },
      },
      required: ['key_type', 'key_value'],
    },
    type === 'MOBILE' ? 'A PHONE key under its older name: accepted, answered as PHONE' : `${/^[AEIOU]/.test(type) ? 'An' : 'A'} ${type} key`,
  )
})

const BREB_KEY_INPUT_DOCUMENTED = {
  oneOf: KEY_TYPE_INPUTS.map((type) => ({ $ref: `#/components/schemas/${KEY_INPUT_NAMES[type]}` })),
  discriminator: { propertyName: 'key_type', mapping: Object.fromEntries(KEY_TYPE_INPUTS.map((type) => [type, `#/components/schemas/${KEY_INPUT_NAMES[type]}`])) },
}

/**
 * Every shape the OpenAPI document names (issue 13 §3), so generated clients and Swagger UI show
 * `Account`, `Money`, `Error`, not anonymous objects (STYLE rule 5). The names follow the docs'
 * nouns; request bodies are `<Operation>Request`. Order: as `components.schemas` lists them.
 */
export const OPENAPI_COMPONENTS: readonly Component[] = [
  c('Error', ErrorBodySchema, 'The error body: one flat object with all seven fields (CONTRACT §2)'),
  c('Money', MoneySchema, 'An amount as answered: a decimal string (never a JSON number) and COP'),
  c('MoneyInput', MoneyInputSchema, 'An amount as sent: a decimal string with at most two decimals, and COP'),
  c('PaginationInfo', PaginationInfoSchema, 'Where a page sits in its list'),
  // Tokens (https://docs.passportfintech.com/EN/access-tokens)
  c('TokenRequest', TokenRequestSchema, 'Client credentials, as JSON or a form (or in Authorization: Basic)'),
  c('Token', IssuedTokenSchema, 'An issued access token'),
  c('TokenInformation', TokenInfoSchema, 'What the API knows of a token (never the token itself)'),
  c('TokenList', TokenListSchema, 'A page of tokens'),
  c('RevokeTokenRequest', RevokeTokenBodySchema, 'Optional body of a revocation'),
  // Customers
  c('LinkMerchantRequest', LinkBusinessBodySchema, 'A business customer to link'),
  c('UpdateCustomerRequest', UpdateCustomerBodySchema, 'The fields of a customer to change'),
  c('Customer', CustomerSchema, 'A customer of the entity'),
  c('CustomerList', CustomerListSchema, 'A page of customers'),
  // Accounts
  c('LinkAccountRequest', LinkAccountBodySchema, 'An account to link to a customer'),
  c('Account', AccountSchema, 'A linked account with its balances'),
  c('AccountList', AccountListSchema, 'A page of accounts'),
  // Bre-B keys, resolution and validation
  c('BrebKeyInput', BrebKeyInputSchema, 'A Bre-B key as requests send it; the value’s format depends on its type (a 400 names the rule it breaks)', BREB_KEY_INPUT_DOCUMENTED),
  ...KEY_INPUT_VARIANTS,
  c('BrebKey', BrebKeySchema, 'A Bre-B key as answered'),
  c('CreateKeyRequest', CreateKeyBodySchema, 'A key to register on an account: nested in `key` or flat'),
  c('Key', KeySchema, 'A Bre-B key registered on an account'),
  c('KeyList', KeyListSchema, 'A page of keys'),
  c('ResolveKeyRequest', ResolveKeyBodySchema, 'The key to resolve and the paying customer'),
  c('KeyOwner', part(ResolutionSchema, 'owner'), 'Who owns a resolved key'),
  c('Participant', part(ResolutionSchema, 'participant'), 'A participant (bank) of the Bre-B network'),
  c('Resolution', ResolutionSchema, 'A resolved key: its owner and account, payable for 30 minutes'),
  c('ValidateKeyRequest', ValidateKeyBodySchema, 'A key and the data to check against its owner'),
  c('KeyValidation', ValidationSchema, 'Whether each block sent matches'),
  // Recipients
  c('CreateBrebRecipientRequest', CreateBrebRecipientBodySchema, 'A Bre-B key to save for a customer'),
  c('CreateAchRecipientRequest', CreateAchRecipientBodySchema, 'A bank account to save for a customer'),
  c('BrebRecipient', BrebRecipientSchema, 'A saved Bre-B recipient'),
  c('AchOwner', part(AchRecipientSchema, 'owner'), 'The owner of an ACH recipient’s account'),
  c('AchRecipient', AchRecipientSchema, 'A saved ACH recipient'),
  c('Recipient', part(RecipientListSchema, 'recipients', 'items'), 'A saved recipient: Bre-B or ACH'),
  c('RecipientList', RecipientListSchema, 'A page of recipients'),
  // Payments
  c('InitiateBrebPaymentRequest', CreatePaymentBodySchema, 'The resolution to pay, from which account, how much'),
  c('ConfirmPaymentRequest', ConfirmPaymentBodySchema, 'The payment to confirm'),
  c('InitiateAchPaymentRequest', CreateAchPaymentBodySchema, 'The ACH recipient to pay, from which account, how much'),
  c('PartyAccount', part(PaymentSchema, 'sender', 'account'), 'An account as a payment names it'),
  c('PartyOwner', part(PaymentSchema, 'sender', 'owner'), 'An account owner as a payment names it'),
  c('BrebPaymentReceiver', part(PaymentSchema, 'receiver', 'anyOf', '0'), 'A Bre-B payment’s receiver: the key paid and what the directory said of it'),
  c('AchPaymentReceiver', part(PaymentSchema, 'receiver', 'anyOf', '1'), 'An ACH payment’s receiver: the bank account and its owner'),
  c('PaymentSender', part(PaymentSchema, 'sender'), 'Who paid'),
  c('Payment', PaymentSchema, 'A Bre-B or ACH payment, OUTBOUND or INBOUND'),
  c('PaymentList', PaymentListSchema, 'A page of payments'),
  // QR codes
  c('CreateQrCodeRequest', CreateQrCodeBodySchema, 'A STATIC or DYNAMIC QR code to create'),
  c('QrCode', QrCodeSchema, 'A Bre-B QR code: its EMVCo payload and a PNG of it'),
  c('QrCodeList', QrCodeListSchema, 'A page of QR codes'),
  c('DecodeQrCodeRequest', DecodeQrCodeBodySchema, 'An EMVCo payload to decode'),
  c('DecodedQrCode', DecodedQrCodeSchema, 'The fields an EMVCo payload carries'),
  // Control plane (/_mock)
  c('MockHealth', HealthSchema, 'The mock is up, its database open and migrated'),
  c('MockResetRequest', ResetBodySchema, 'How far a reset goes'),
  c('MockStateDocument', StateDocumentSchema, 'The whole state: every table as rows'),
  c('MockSeedDocument', SeedDocumentSchema, 'Partial objects to create; faker fills the rest'),
  c('MockSeedResult', SeedResultSchema, 'Every object a seed created'),
  c('MockWebhookEndpoint', WebhookEndpointSchema, 'A webhook endpoint (never its secret)'),
  c('MockWebhookEndpointList', WebhookEndpointListSchema, 'Every webhook endpoint'),
  c('MockAddWebhookRequest', AddWebhookBodySchema, 'A webhook endpoint to add'),
  c('MockWebhookDelivery', DeliverySchema, 'One webhook delivery attempt'),
  c('MockWebhookDeliveryList', DeliveryListSchema, 'Webhook delivery attempts, newest first'),
  c('MockPaymentAuthorizationRequest', PutPaymentAuthorizationBodySchema, 'An entity’s payment-authorization callback'),
  c('MockPaymentAuthorization', PaymentAuthorizationSchema, 'An entity’s payment-authorization callback (never its secret)'),
  c('MockPaymentAuthorizationList', PaymentAuthorizationListSchema, 'Every entity’s payment-authorization callback'),
  c('MockAuthorizationAttempt', AuthorizationAttemptSchema, 'One payment-authorization callback attempt'),
  c('MockAuthorizationAttemptList', AuthorizationAttemptListSchema, 'Payment-authorization callback attempts, newest first'),
  c('MockFaultRuleRequest', FaultRuleBodySchema, 'A fault rule to add'),
  c('MockFaultRule', FaultRuleSchema, 'A fault rule'),
  c('MockFaultRuleList', FaultRuleListSchema, 'Every fault rule, oldest first'),
  c('MockClock', ClockSchema, 'The mock’s clock'),
  c('MockClockMove', MoveClockBodySchema, 'One move of the mock’s clock'),
  c('MockJournalEntry', JournalEntrySchema, 'One /v1 request as the journal keeps it'),
  c('MockJournal', JournalListSchema, 'The recent /v1 requests, newest first'),
  c('MockEntity', EntityViewSchema, 'An entity with its clients (no secrets) and row counts'),
  c('MockEntityList', EntityViewListSchema, 'A page of entities'),
  c('MockAccount', AccountViewSchema, 'An account of any entity: the /v1 account plus entity_id'),
  c('MockAccountList', AccountViewListSchema, 'A page of every entity’s accounts'),
  c('MockPayment', PaymentViewSchema, 'A payment of any entity: the /v1 payment plus entity_id, the account’s number and its customer’s name'),
  c('MockPaymentList', PaymentViewListSchema, 'A page of every entity’s payments'),
  c('MockKey', KeyViewSchema, 'A Bre-B key of any entity: the /v1 key plus its owners and their names'),
  c('MockKeyList', KeyViewListSchema, 'A page of every entity’s keys'),
  c('MockToken', TokenViewSchema, 'An access token of any entity: its state and a hash prefix, never the token'),
  c('MockTokenList', TokenViewListSchema, 'A page of every entity’s tokens'),
  c('MockRecipient', RecipientViewSchema, 'A recipient of any entity: the /v1 recipient plus entity_id and the customer’s name'),
  c('MockRecipientList', RecipientViewListSchema, 'A page of every entity’s recipients'),
  c('MockQrCode', QrCodeViewSchema, 'A QR code of any entity: the /v1 QR code plus its payload decoded'),
  c('MockQrCodeList', QrCodeViewListSchema, 'A page of every entity’s QR codes'),
  c('MockInboundPaymentSender', SenderInputSchema, 'Who paid, as far as the test says; the rest is generated'),
  c('MockInboundPaymentRequest', InboundPaymentBodySchema, 'A Bre-B payment from an outside bank to receive'),
]
