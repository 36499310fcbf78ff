import Type, { type Static, type TSchema } from 'typebox'
import { KEY_TYPE_INPUTS, KEY_TYPES } from '../../core/key-formats.js'
import { StringEnum, UuidSchema } from '../../plugins/common-schemas.js'
import { FixtureAccountSchema, FixtureCustomerSchema } from '../../fixtures/fixtures.schemas.js'
import { AccountSchema } from '../../resources/accounts/accounts.schemas.js'
import { ACCOUNT_STATUSES, ACCOUNT_TYPES } from '../../resources/accounts/accounts.store.js'
import { CustomerSchema } from '../../resources/customers/customers.schemas.js'
import { KeySchema } from '../../resources/keys/keys.schemas.js'
import { FaultRuleBodySchema, FaultRuleSchema, MAX_FAULT_DELAY_MS } from '../faults/faults.schemas.js'

// ---------------------------------------------------------------------------------------------
// POST /_mock/reset

export const ResetBodySchema = Type.Object(
  { tokens: Type.Optional(Type.Boolean({ description: 'Also revoke every issued token by deleting it (default false: tokens of clients the fixtures keep stay valid)' })) },
  { additionalProperties: false },
)

// ---------------------------------------------------------------------------------------------
// GET and PUT /_mock/state: every table as rows (src/database/state.ts)

/** Stored timestamps: ISO 8601 UTC with milliseconds and `Z`, fixed width so they sort as text. */
const StoredTime = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$', examples: ['2025-10-09T10:40:29.966Z'] })
/** Money as stored: minor units (cents) in a string, never a JSON number. */
const MinorUnits = Type.String({ pattern: '^(0|[1-9][0-9]*)$', description: 'Minor units (cents) as a decimal string', examples: ['9000000000000000000'] })
const Text = Type.String()
const NonEmpty = Type.String({ minLength: 1 })

function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}

function Row<T extends Record<string, TSchema>>(properties: T, description: string) {
  return Type.Object(properties, { additionalProperties: false, description })
}

/** A JSON snapshot column (owner, participant, sender…): the app's own object, taken as it is. */
const Snapshot = Type.Object({}, { additionalProperties: true })
const StringList = Type.Array(Type.String())

const TaxLineStored = Type.Object(
  { type: StringEnum(['WALLET', 'FIXED', 'PERCENTAGE'] as const), value_minor: Type.Optional(MinorUnits), rate: Type.Optional(Text), base_minor: Type.Optional(MinorUnits) },
  { additionalProperties: false },
)

export const StateRowSchemas = {
  entities: Row({ id: UuidSchema, name: Type.String({ minLength: 1, maxLength: 140 }), created_at: StoredTime }, 'An entity: one platform customer of Passport'),
  clients: Row(
    { client_id: Type.String({ minLength: 1, maxLength: 128 }), entity_id: UuidSchema, client_secret: Type.String({ minLength: 1, maxLength: 256 }), scopes: Type.Array(NonEmpty, { minItems: 1 }), created_at: StoredTime },
    'An API client, with its secret; scopes as granted (`x.*` families allowed)',
  ),
  tokens: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      client_id: NonEmpty,
      token_hash: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 hex of the access token (the token itself is never stored)' }),
      scopes: StringList,
      roles: StringList,
      created_at: StoredTime,
      updated_at: StoredTime,
      expires_at: StoredTime,
      revoked_at: Nullable(StoredTime),
    },
    'An issued access token, by its hash',
  ),
  customers: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      type: StringEnum(['BUSINESS'] as const),
      status: StringEnum(['ACTIVE', 'INACTIVE'] as const),
      business_name: NonEmpty,
      email: NonEmpty,
      mobile_phone_number: NonEmpty,
      identification_type: NonEmpty,
      identification_number: NonEmpty,
      merchant_category_code: NonEmpty,
      address_line_1: NonEmpty,
      address_line_2: Nullable(Text),
      address_line_3: Nullable(Text),
      address_city: NonEmpty,
      address_state: NonEmpty,
      address_post_code: NonEmpty,
      address_country: NonEmpty,
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'A business customer',
  ),
  accounts: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      customer_id: UuidSchema,
      account_number: Type.String({ minLength: 1, maxLength: 35 }),
      account_type: StringEnum(ACCOUNT_TYPES),
      status: StringEnum(ACCOUNT_STATUSES),
      available_minor: MinorUnits,
      pending_minor: MinorUnits,
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'An account; balances in minor units',
  ),
  keys: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      account_id: UuidSchema,
      customer_id: UuidSchema,
      key_type: StringEnum(KEY_TYPES),
      key_value: Type.String({ minLength: 1, maxLength: 92 }),
      display_name: Nullable(Text),
      status: StringEnum(['ACTIVE', 'SUSPENDED'] as const),
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'A Bre-B key',
  ),
  magic_keys: Row(
    {
      key_type: StringEnum(KEY_TYPES),
      key_value: NonEmpty,
      behaviour: StringEnum(['unresolvable', 'reject', 'hold'] as const),
      error_code: Nullable(Type.String({ pattern: '^[A-Z0-9]{2,8}$' })),
    },
    'A reserved key value and what it does (CONTRACT §6)',
  ),
  magic_ach_accounts: Row(
    {
      account_number: Type.String({ minLength: 1, maxLength: 18 }),
      behaviour: StringEnum(['reject', 'hold'] as const),
      error_code: Nullable(Type.String({ pattern: '^R[0-9]{2}$' })),
    },
    'A reserved ACH recipient account number and what a payment to it does (null error_code: hold)',
  ),
  resolutions: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      customer_id: UuidSchema,
      recipient_id: Nullable(UuidSchema),
      key_type: StringEnum(KEY_TYPES),
      key_value: NonEmpty,
      receiver_account_id: Nullable(UuidSchema),
      owner: Snapshot,
      participant: Snapshot,
      account: Snapshot,
      receptor_node: Text,
      resolved_at: StoredTime,
      expires_at: StoredTime,
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'A key resolution with the directory’s answer as it was',
  ),
  recipients: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      customer_id: UuidSchema,
      type: StringEnum(['BREB', 'ACH'] as const),
      alias: Nullable(Text),
      key_type: Nullable(StringEnum(KEY_TYPES)),
      key_value: Nullable(NonEmpty),
      owner: Nullable(Snapshot),
      identification_number: Nullable(Text),
      account_type: Nullable(Text),
      account_number: Nullable(Text),
      bank_name: Nullable(Text),
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'A saved payee: BREB rows carry the key, ACH rows the owner and account',
  ),
  payments: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      account_id: UuidSchema,
      customer_id: UuidSchema,
      direction: StringEnum(['OUTBOUND', 'INBOUND'] as const),
      type: StringEnum(['BREB', 'ACH'] as const),
      status: StringEnum(['PENDING', 'PROCESSING', 'SETTLED', 'REJECTED'] as const),
      resolution_id: Nullable(UuidSchema),
      recipient_id: Nullable(UuidSchema),
      description: Nullable(Text),
      amount_minor: MinorUnits,
      qr_code_reference: Text,
      end_to_end_identification: NonEmpty,
      receiver: Snapshot,
      sender: Snapshot,
      key_type: Nullable(Text),
      key_value: Nullable(Text),
      sender_type: Nullable(Text),
      sender_name: Nullable(Text),
      sender_identification_type: Nullable(Text),
      sender_identification_number: Nullable(Text),
      sender_account_type: Nullable(Text),
      sender_account_number: Nullable(Text),
      receiver_account_id: Nullable(UuidSchema),
      outcome: StringEnum(['settle', 'reject', 'hold'] as const),
      outcome_error_code: Nullable(Text),
      settle_at: Nullable(StoredTime),
      error_code: Nullable(Text),
      error_description: Nullable(Text),
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'A payment with what settlement needs (due time, outcome, internal receiver)',
  ),
  qr_codes: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      customer_id: UuidSchema,
      key_id: UuidSchema,
      key_type: StringEnum(KEY_TYPES),
      key_value: NonEmpty,
      type: StringEnum(['STATIC', 'DYNAMIC'] as const),
      status: NonEmpty,
      channel: NonEmpty,
      qr_code_reference: Text,
      body: Type.Object(
        {
          amount_minor: Nullable(MinorUnits),
          vat: TaxLineStored,
          inc: TaxLineStored,
          tip: Nullable(TaxLineStored),
          additional_info: Nullable(Snapshot),
          merchant: Snapshot,
        },
        { additionalProperties: false },
      ),
      qr_code_data: NonEmpty,
      qr_code_image: Nullable(Type.String({ description: 'Base64 PNG; null: drawn on the next read' })),
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'A QR code: its EMVCo payload and the fields it was made from',
  ),
  webhooks: Row(
    {
      id: UuidSchema,
      url: NonEmpty,
      secret: NonEmpty,
      mode: StringEnum(['once', 'retry'] as const),
      events: Nullable(StringList),
      entity_id: Nullable(UuidSchema),
      created_at: StoredTime,
    },
    'A webhook endpoint added through /_mock/webhooks, with its secret (the environment’s is not state)',
  ),
  payment_authorizations: Row(
    {
      entity_id: UuidSchema,
      url: NonEmpty,
      secret: NonEmpty,
      auto_approve_error: Type.Boolean(),
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'An entity’s payment-authorization callback, with its secret',
  ),
  payment_authorization_requests: Row(
    {
      id: UuidSchema,
      entity_id: UuidSchema,
      payment_id: UuidSchema,
      outbound_payment_id: Nullable(UuidSchema),
      attempts: Type.Integer({ minimum: 0 }),
      next_attempt_ms: Type.Integer({ minimum: 0, description: 'Real time (ms since 1970) of the next ask' }),
      state: StringEnum(['pending', 'approved', 'rejected'] as const),
      decided_by: Nullable(StringEnum(['callback', 'auto_approve_error', 'error', 'control', 'no_configuration'] as const)),
      created_at: StoredTime,
      updated_at: StoredTime,
    },
    'An INBOUND payment’s question to its entity’s callback; a pending one is asked again after an import',
  ),
  faults: Row(
    {
      id: UuidSchema,
      builtin: Type.Boolean(),
      method: Nullable(Type.String({ pattern: '^[A-Z]+$' })),
      path: Nullable(Type.String({ pattern: '^/' })),
      account_id: Nullable(NonEmpty),
      key_value: Nullable(NonEmpty),
      status: Nullable(Type.Integer({ minimum: 400, maximum: 599 })),
      code: Nullable(Type.String({ pattern: '^[a-z][a-z0-9_]*$' })),
      message: Nullable(NonEmpty),
      delay_ms: Nullable(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS })),
      times_left: Nullable(Type.Integer({ minimum: 1 })),
      created_at: StoredTime,
    },
    'A fault rule, in the order rules are tried',
  ),
}

/**
 * The whole state (CONTRACT §5): every table as rows, keyed by its collection. Fault rules and
 * magic keys are part of it, although they come from the fixtures, because they change what
 * `/v1` answers: an import into a server with other fixtures then behaves the same.
 */
export const StateDocumentSchema = Type.Object(
  {
    format_version: Type.Literal(1, { description: 'The layout of this document; an import of another version is 400' }),
    entities: Type.Array(StateRowSchemas.entities),
    clients: Type.Array(StateRowSchemas.clients),
    tokens: Type.Array(StateRowSchemas.tokens),
    customers: Type.Array(StateRowSchemas.customers),
    accounts: Type.Array(StateRowSchemas.accounts),
    keys: Type.Array(StateRowSchemas.keys),
    magic_keys: Type.Array(StateRowSchemas.magic_keys),
    magic_ach_accounts: Type.Array(StateRowSchemas.magic_ach_accounts),
    resolutions: Type.Array(StateRowSchemas.resolutions),
    recipients: Type.Array(StateRowSchemas.recipients),
    payments: Type.Array(StateRowSchemas.payments),
    qr_codes: Type.Array(StateRowSchemas.qr_codes),
    webhooks: Type.Array(StateRowSchemas.webhooks),
    faults: Type.Array(StateRowSchemas.faults),
    payment_authorizations: Type.Optional(Type.Array(StateRowSchemas.payment_authorizations, { description: 'Absent (a document from before the feature): none' })),
    payment_authorization_requests: Type.Optional(Type.Array(StateRowSchemas.payment_authorization_requests, { description: 'Absent: none' })),
  },
  {
    additionalProperties: false,
    description:
      'Every table as rows with its column names: money in minor units as strings (`available_minor`), secrets and token hashes included. Webhook deliveries, callback attempts, the journal and the clock offset are not state.',
  },
)

// ---------------------------------------------------------------------------------------------
// POST /_mock/seed (CONTRACT §5 "Seed document")

const SeedEntitySchema = Type.Object(
  {
    id: Type.Optional(UuidSchema),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 140, examples: ['ci-job-42'] })),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The new client’s id (absent: generated)' })),
    client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'The new client’s secret (absent: generated)' })),
  },
  { additionalProperties: false, description: 'A new entity with one client that has every scope; the document’s objects belong to it' },
)

const SeedCustomerSchema = Type.Object(
  { ...Type.Omit(FixtureCustomerSchema, ['entity_id']).properties },
  { additionalProperties: false, description: 'A partial business customer: faker fills what is absent' },
)

const SeedAccountSchema = Type.Object(
  { ...FixtureAccountSchema.properties },
  {
    additionalProperties: false,
    description:
      'A partial account: ACTIVE, ORDINARY, zero balances unless given; money as "500.25" or {"value": "500.25", "currency": "COP"}. Without customer_id, the accounts of a document share one new customer.',
  },
)

const SeedKeySchema = Type.Object(
  {
    id: Type.Optional(UuidSchema),
    account_id: Type.Optional(Type.String({ format: 'uuid', description: 'Absent: the document’s first account (a new one when it has none)' })),
    key: Type.Optional(
      Type.Object(
        { key_type: StringEnum(KEY_TYPE_INPUTS), key_value: Type.Optional(Type.String({ minLength: 1, maxLength: 92 })) },
        { additionalProperties: false, description: 'Absent: a generated PHONE; a type without a value gets a generated value of that type' },
      ),
    ),
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
    status: Type.Optional(StringEnum(['ACTIVE', 'SUSPENDED'] as const)),
    created_at: Type.Optional(StoredTime),
    updated_at: Type.Optional(StoredTime),
  },
  { additionalProperties: false, description: 'A partial Bre-B key; unlike POST /v1/keys, any account status is allowed' },
)

export const SeedDocumentSchema = Type.Object(
  {
    entity: Type.Optional(SeedEntitySchema),
    customers: Type.Optional(Type.Array(SeedCustomerSchema)),
    accounts: Type.Optional(Type.Array(SeedAccountSchema)),
    keys: Type.Optional(Type.Array(SeedKeySchema)),
    faults: Type.Optional(Type.Array(FaultRuleBodySchema)),
  },
  { additionalProperties: false, description: 'Every part optional, every object partial; one transaction: a 400 or 409 stores nothing' },
)

export type SeedDocument = Static<typeof SeedDocumentSchema>
export type SeedKey = NonNullable<SeedDocument['keys']>[number]

export const SeedEntityResultSchema = Type.Object({ id: UuidSchema, name: Type.String(), created_at: Type.String({ format: 'date-time' }) }, { additionalProperties: false })

export const SeedClientResultSchema = Type.Object(
  {
    client_id: Type.String(),
    client_secret: Type.String(),
    scopes: Type.Array(Type.String(), { description: 'Every scope, expanded' }),
  },
  { additionalProperties: false, description: 'The new entity’s client: POST /v1/iam/oauth/tokens with these' },
)

export const SeedResultSchema = Type.Object(
  {
    entity: Type.Optional(SeedEntityResultSchema),
    client: Type.Optional(SeedClientResultSchema),
    customers: Type.Array(CustomerSchema),
    accounts: Type.Array(AccountSchema),
    keys: Type.Array(KeySchema),
    faults: Type.Array(FaultRuleSchema),
  },
  { additionalProperties: false, description: 'Every object the document created, as /v1 and /_mock/faults answer them' },
)
