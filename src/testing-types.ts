/**
 * The wire shapes of the control plane, as plain TypeScript for `passport-paas-mock/testing`.
 * The server derives the same shapes from its schemas; these are written out so that a consumer's
 * type-check reads a few interfaces, not the schema library (test/testing/testing-types.test.ts
 * fails the build when the two disagree). Money is always a decimal string, never a number.
 */

/** Money as the API answers it: a canonical decimal string and COP. */
export interface Money {
  value: string
  currency: 'COP'
}

/** Money in a seed document: `"500.25"` or `{ value: "500.25", currency: "COP" }`. */
export type MoneyValue = string | Money

export type KeyType = 'ID' | 'PHONE' | 'EMAIL' | 'ALPHA' | 'BCODE'

/** A fault rule to add: match with `method`, `path`, `account_id`, `key_value`; answer with `status`, `code`, `message`, `delay_ms`; `times` uses it up. */
export interface FaultRuleInput {
  id?: string
  method?: string
  /** With a `:` segment a route pattern (`/v1/accounts/:account_id`), otherwise a path prefix. */
  path?: string
  account_id?: string
  key_value?: string
  /** 400–599. A rule needs `status` or `delay_ms`. */
  status?: number
  code?: string
  message?: string
  delay_ms?: number
  times?: number
}

/** A fault rule as listed: every field present, null when the rule does not set it. */
export interface FaultRule {
  id: string
  /** From the fixtures: survives `faults.clear()` and comes back on reset. */
  builtin: boolean
  method: string | null
  path: string | null
  account_id: string | null
  key_value: string | null
  status: number | null
  code: string | null
  message: string | null
  delay_ms: number | null
  times_left: number | null
  created_at: string
}

/** The mock's clock: its time (ISO 8601) and whether it stands still. */
export interface ClockState {
  now: string
  frozen: boolean
}

/** One `/v1` request of the journal (secrets redacted, headers never kept). */
export interface JournalEntry {
  trace_id: string
  method: string
  url: string
  status: number
  duration_ms: number
  at: string
  request_body: unknown
  /** True when the body was over 64 KiB and not kept. */
  request_body_omitted?: boolean
  /** True when the body nested deeper than 32 levels and was cut there. */
  request_body_truncated?: boolean
  /** Request headers, credentials redacted. */
  request_headers: Record<string, string | string[]>
  /** What the mock answered: status, headers, and the body (parsed JSON, or text when not JSON or cut; secrets redacted). */
  response: { status: number; headers: Record<string, string | string[]>; body: unknown; body_truncated?: boolean }
}

/** Filters of the journal: `method`, `path` (a prefix), `status` (`'404'` or `'4xx'`), `limit` (newest first). */
export interface JournalFilter {
  method?: string
  path?: string
  status?: string
  limit?: number
}

interface PartyAccount {
  account_number: string
  account_type: string
}
interface PartyParticipant {
  name: string
  identification_number: string
}
interface PartyOwner {
  identification_number: string
  identification_type: string
  type: string
  name: string
}

/** A payment as `GET /v1/payments/{payment_id}` answers it: a Bre-B or an ACH payment. */
export interface Payment {
  id: string
  /** A Bre-B payment starts PROCESSING, an ACH payment PENDING; both end SETTLED or REJECTED. */
  status: 'PENDING' | 'PROCESSING' | 'SETTLED' | 'REJECTED'
  direction: 'OUTBOUND' | 'INBOUND'
  type: 'BREB' | 'ACH'
  account_id: string
  /** The resolution paid; `""` on INBOUND records and ACH payments. */
  resolution_id: string
  /** ACH payments only. */
  recipient_id?: string
  amount: Money
  /** ACH payments only. */
  description?: string
  qr_code_reference: string
  end_to_end_identification: string
  receiver:
    | { account: PartyAccount; key: { key_type: KeyType; key_value: string }; participant: PartyParticipant; owner: PartyOwner }
    | { account: PartyAccount & { bank_name: string }; owner: PartyOwner }
  sender: { account: PartyAccount; participant: PartyParticipant; owner: PartyOwner }
  /** Only when REJECTED. */
  error?: { error_code: string; error_description: string }
  created_at: string
  updated_at: string
}

/** Money arriving from another bank: the receiving account (any entity's, ACTIVE), the amount, optionally who sent it. */
export interface InboundPaymentInput {
  account_id: string
  amount: Money
  sender?: {
    account?: { account_number?: string; account_type?: string }
    participant?: { name?: string; identification_number?: string }
    owner?: { identification_number?: string; identification_type?: string; type?: 'BUSINESS' | 'INDIVIDUAL'; name?: string }
  }
  qr_code_reference?: string
}

export type WebhookEventType =
  | 'payment.outbound.confirmed'
  | 'payment.outbound.settled'
  | 'payment.outbound.rejected'
  | 'payment.inbound.received'
  | 'payment.inbound.confirmed'
  | 'payment.inbound.rejected'

/** A webhook endpoint to add. */
export interface WebhookInput {
  url: string
  /** Key of the HMAC-SHA256 in `X-Passport-Signature`; never shown again. */
  secret: string
  /** `once`: one attempt; `retry`: up to 12 more, base×2^n ms apart. */
  mode: 'once' | 'retry'
  /** Only these event types (absent: every type). */
  events?: WebhookEventType[]
  /** Only this entity's events (absent: every entity's). */
  entity_id?: string
}

/** A webhook endpoint as listed (never its secret); `env` is the environment's `WEBHOOK_URL`. */
export interface WebhookEndpoint {
  id: string
  url: string
  mode: 'once' | 'retry'
  events: WebhookEventType[] | null
  entity_id: string | null
  source: 'environment' | 'control'
  created_at: string | null
}

/** One delivery attempt: the receiver's HTTP status, or null and the error when no answer came. */
export interface WebhookDelivery {
  event_id: string
  type: string
  url: string
  attempt: number
  status: number | null
  error?: string
  at: string
}

/** Filters of the delivery log. */
export interface DeliveryFilter {
  event_id?: string
  type?: WebhookEventType
  limit?: number
}

/** A seed document: every part optional, every object partial; faker fills the rest. One transaction. */
export interface SeedDocument {
  /** A new entity with one all-scope client; the document's objects belong to it. */
  entity?: { id?: string; name?: string; client_id?: string; client_secret?: string }
  customers?: {
    id?: string
    status?: 'ACTIVE' | 'INACTIVE'
    business_name?: string
    email?: string
    mobile_phone_number?: string
    identification_type?: 'NIT'
    identification_number?: string
    merchant_category_code?: string
    address?: { line_1: string; line_2?: string; line_3?: string; city: string; state: string; post_code: string; country: 'CO' }
    created_at?: string
    updated_at?: string
  }[]
  accounts?: {
    id?: string
    customer_id?: string
    account_number?: string
    account_type?: 'ORDINARY' | 'LOW_VALUE'
    status?: 'ACTIVE' | 'INACTIVE' | 'BLOCKED' | 'CLOSED'
    available_balance?: MoneyValue
    pending_balance?: MoneyValue
    created_at?: string
    updated_at?: string
  }[]
  keys?: {
    id?: string
    account_id?: string
    key?: { key_type: KeyType | 'MOBILE'; key_value?: string }
    display_name?: string
    status?: 'ACTIVE' | 'SUSPENDED'
    created_at?: string
    updated_at?: string
  }[]
  faults?: FaultRuleInput[]
}

/** A business customer as `GET /v1/customers/{customer_id}` answers it. */
export interface Customer {
  id: string
  type: 'BUSINESS'
  status: 'ACTIVE' | 'INACTIVE'
  business_name: string
  email: string
  mobile_phone_number: string
  identification_type: string
  identification_number: string
  merchant_category_code: string
  address: { line_1: string; line_2?: string; line_3?: string; city: string; state: string; post_code: string; country: string }
  created_at: string
  updated_at: string
}

/** An account as `GET /v1/accounts/{account_id}` answers it. */
export interface Account {
  id: string
  customer_id: string
  account_number: string
  account_type: 'ORDINARY' | 'LOW_VALUE'
  status: 'ACTIVE' | 'INACTIVE' | 'BLOCKED' | 'CLOSED'
  available_balance: Money
  pending_balance: Money
  created_at: string
  updated_at: string
}

/** A Bre-B key as `GET /v1/keys/{key_id}` answers it. */
export interface Key {
  id: string
  status: 'ACTIVE' | 'SUSPENDED'
  key: { key_type: KeyType; key_value: string }
  account_id: string
  display_name?: string
  created_at: string
  updated_at: string
}

/** What a seed created, as `/v1` and the fault list answer them, and a new entity's client. */
export interface SeedResult {
  entity?: { id: string; name: string; created_at: string }
  client?: { client_id: string; client_secret: string; scopes: string[] }
  customers: Customer[]
  accounts: Account[]
  keys: Key[]
  faults: FaultRule[]
}

/**
 * The whole state, as `state.export()` answers and `state.import()` takes it: every table as rows,
 * secrets included. Treat it as a document to save and restore, not to edit by hand.
 */
export interface StateDocument {
  format_version: 1
  clients: { client_id: string; client_secret: string }[]
  accounts: ({ id: string } & Record<string, unknown>)[]
  [collection: string]: unknown
}

/** An entity's payment-authorization callback to set: the docs' Callback URL, Secret Token and Auto Approve Error. */
export interface PaymentAuthorizationInput {
  url: string
  secret: string
  /** A callback that fails (no answer in 3 s, not 200, not `{"accept": true|false}`) approves the payment when true; rejects it otherwise. */
  auto_approve_error?: boolean
}

/** An entity's payment-authorization setting as answered (never its secret). */
export interface PaymentAuthorization {
  entity_id: string
  url: string
  secret_set: true
  auto_approve_error: boolean
  created_at: string
  updated_at: string
}

/** One question to a payment-authorization callback, with its answer or error and what it decided. */
export interface AuthorizationAttempt {
  payment_id: string
  entity_id: string
  request_id: string
  url: string
  attempt: number
  status: number | null
  response: string | null
  accept: boolean | null
  error?: string
  duration_ms: number
  decision: 'approved' | 'rejected' | null
  at: string
}

/** Filters of the callback attempts: one INBOUND payment's, one entity's, the newest `limit`. */
export interface AuthorizationAttemptFilter {
  payment_id?: string
  entity_id?: string
  limit?: number
}
