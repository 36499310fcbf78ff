/**
 * The QA console's logic without the DOM (issue 6): what the page sends to `/_mock` and `/v1`
 * and how it shows what comes back. Type-checked by the server's tsconfig and the browser's,
 * and unit-tested in Node (test/ui/logic.test.ts); src/ui/console.ts only wires it to the page.
 *
 * Money never passes through a JavaScript `number` here (STYLE rule 7): values stay decimal
 * strings, and arithmetic, where any is needed, is BigInt on minor units.
 */

// ---------------------------------------------------------------------------------------------
// Money

/** A wire amount (CONTRACT §1): no sign, exponent, leading zeros or third decimal. */
const MONEY_VALUE = /^(0|[1-9][0-9]{0,29})(\.[0-9]{1,2})?$/

/** An id as the API writes it. */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

export interface Money {
  value: string
  currency: string
}

/** An amount exactly as the API gave it, with its currency: `500.25 COP`. */
export function formatMoney(money: Money | undefined | null): string {
  if (!money || typeof money.value !== 'string') return '—'
  return `${money.value} ${money.currency}`
}

/** Minor units (cents, a digit string) as the API's decimal form: `50025` → `500.25`, `100000` → `1000`. */
export function decimalFromMinor(minor: string): string {
  if (!/^[0-9]+$/.test(minor)) throw new Error(`not minor units: ${JSON.stringify(minor)}`)
  const digits = minor.replace(/^0+(?=[0-9])/, '').padStart(3, '0')
  const units = digits.slice(0, -2).replace(/^0+(?=[0-9])/, '')
  const cents = digits.slice(-2)
  return cents === '00' ? units : `${units}.${cents}`
}

/** A decimal amount as minor units (a digit string), or undefined when it is not an amount. */
export function minorFromDecimal(value: string): string | undefined {
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(value)) return undefined
  const [units = '0', cents = ''] = value.split('.')
  return (BigInt(units) * 100n + BigInt(cents.padEnd(2, '0'))).toString()
}

/**
 * What a person typed in an amount field, in the API's canonical form (`0500.5` → `500.50`,
 * `12.00` → `12`), or an error message naming the field. Spaces are ignored; a comma or a
 * third decimal is refused rather than guessed at.
 */
export function parseAmount(input: string, field: string): { value: string } | { error: string } {
  const text = input.replace(/\s+/g, '')
  const minor = minorFromDecimal(text)
  if (minor === undefined) return { error: `${field} must be an amount such as 500.25 (digits, at most two decimals after a point)` }
  const value = decimalFromMinor(minor)
  if (!MONEY_VALUE.test(value)) return { error: `${field} is too large` }
  return { value }
}

// ---------------------------------------------------------------------------------------------
// Statuses

export type StatusClass = 's2xx' | 's3xx' | 's4xx' | 's5xx' | 'sother'

/** The CSS class of an HTTP status, by its class (2xx green, 3xx blue, 4xx amber, 5xx red). */
export function statusClass(status: number): StatusClass {
  if (status >= 200 && status < 300) return 's2xx'
  if (status >= 300 && status < 400) return 's3xx'
  if (status >= 400 && status < 500) return 's4xx'
  if (status >= 500 && status < 600) return 's5xx'
  return 'sother'
}

/** Time taken as the journal gives it (ms, fractional), for a table cell: `0.8 ms`, `5003 ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}

/** A value for a `<pre>`: JSON indented, `null` and absent bodies said in words. */
export function formatBody(body: unknown): string {
  if (body === null || body === undefined) return '(no body)'
  return JSON.stringify(body, null, 2)
}

// ---------------------------------------------------------------------------------------------
// Admin token (CONTRACT §5: X-Mock-Admin-Token when MOCK_ADMIN_TOKEN is set)

export const ADMIN_TOKEN_HEADER = 'X-Mock-Admin-Token'
/** The sessionStorage key: the token is kept for the tab only. */
export const ADMIN_TOKEN_STORAGE_KEY = 'passport-mock.admin-token'

/** The headers of a control call: the admin token when the page has one. */
export function adminHeaders(token: string | null | undefined): Record<string, string> {
  return token ? { [ADMIN_TOKEN_HEADER]: token } : {}
}

/** Whether an answer asks for the admin token: 401 `admin_token_required` or `invalid_admin_token`. */
export function asksForAdminToken(status: number, body: unknown): boolean {
  if (status !== 401 || typeof body !== 'object' || body === null) return false
  const code = (body as { code?: unknown }).code
  return code === 'admin_token_required' || code === 'invalid_admin_token'
}

/** The contract's error body (CONTRACT §2) in one line: `409 invalid_state: The account is BLOCKED`. */
export function describeError(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const { code, message } = body as { code?: unknown; message?: unknown }
    if (typeof code === 'string') return `${status} ${code}${typeof message === 'string' ? `: ${message}` : ''}`
  }
  return `HTTP ${status}`
}

// ---------------------------------------------------------------------------------------------
// Entities and accounts

export interface EntityView {
  id: string
  name: string
  clients: { client_id: string }[]
}

export interface AccountView {
  id: string
  entity_id: string
  customer_id: string
  /** The customer's name (GET /_mock/accounts adds it; issue 14). */
  customer_name?: string | null
  account_number: string
  account_type: string
  status: string
  available_balance: Money
  pending_balance: Money
  created_at: string
  updated_at: string
}

export const DEFAULT_ENTITY_NAME = 'Passport Mock Default Entity'
export const DEFAULT_CLIENT_ID = 'passport-mock-client'

/**
 * The entity a seed document without `entity` fills (CONTRACT §5): the fixtures' default
 * entity, found by its name, else by its client, else the first one listed.
 */
export function pickDefaultEntity(entities: readonly EntityView[]): EntityView | undefined {
  return (
    entities.find((e) => e.name === DEFAULT_ENTITY_NAME) ?? entities.find((e) => e.clients.some((c) => c.client_id === DEFAULT_CLIENT_ID)) ?? entities[0]
  )
}

/** The distinct customers of an entity's accounts, in the order the accounts come. */
export function customersOf(accounts: readonly AccountView[], entityId: string): string[] {
  const seen = new Set<string>()
  for (const a of accounts) if (a.entity_id === entityId) seen.add(a.customer_id)
  return [...seen]
}

/**
 * The Find box as `GET /_mock/accounts?q=` (issue 14: the server searches every row, not the page
 * shown): surrounding spaces go, and it is cut to the parameter's 200 characters; '' means no search.
 */
export function accountSearch(text: string): string {
  return text.trim().slice(0, 200)
}

/** The query of `GET /_mock/accounts` or `/_mock/payments`: newest first, one page of filters. */
export function listQuery(filters: Record<string, string | undefined>, pageNumber: number, pageSize: number): string {
  const parts = [`page_size=${pageSize}`, `page_number=${pageNumber}`, 'order_key=created_at', 'order_direction=DESC']
  for (const [name, value] of Object.entries(filters)) if (value) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
  return parts.join('&')
}

// ---------------------------------------------------------------------------------------------
// Seed documents (CONTRACT §5 "Seed document", §6 edge cases)

export interface SeedAccount {
  customer_id?: string
  account_type?: string
  status?: string
  available_balance?: string
  pending_balance?: string
}

export interface SeedKeyPart {
  key: { key_type: string; key_value?: string }
}

export interface SeedDocument {
  entity?: { name: string }
  accounts?: SeedAccount[]
  keys?: SeedKeyPart[]
}

export type EdgeCase = 'empty' | 'inactive' | 'blocked' | 'closed' | 'pending' | 'balance'

/** The one-click edge cases of CONTRACT §6, as the buttons show them. */
export const EDGE_CASES: readonly { kind: EdgeCase; label: string; account: SeedAccount }[] = [
  { kind: 'empty', label: 'Empty (ACTIVE, 0)', account: { status: 'ACTIVE', available_balance: '0', pending_balance: '0' } },
  { kind: 'inactive', label: 'INACTIVE', account: { status: 'INACTIVE' } },
  { kind: 'blocked', label: 'BLOCKED (500.25)', account: { status: 'BLOCKED', available_balance: '500.25' } },
  { kind: 'closed', label: 'CLOSED', account: { status: 'CLOSED' } },
  { kind: 'pending', label: 'Pending funds (1000 + 250.50 pending)', account: { status: 'ACTIVE', available_balance: '1000', pending_balance: '250.50' } },
  { kind: 'balance', label: 'Custom balance', account: { status: 'ACTIVE' } },
]

/**
 * The seed document of one edge case: one account of the default entity, under `customerId`
 * when given (absent: a new customer that faker fills). `balance` takes the amount typed beside
 * its button.
 */
export function edgeCaseDocument(kind: EdgeCase, customerId: string | undefined, customBalance?: string): { document: SeedDocument } | { error: string } {
  const edge = EDGE_CASES.find((e) => e.kind === kind)
  if (!edge) return { error: `unknown edge case ${kind}` }
  const account: SeedAccount = { ...edge.account }
  if (kind === 'balance') {
    const amount = parseAmount(customBalance ?? '', 'The custom balance')
    if ('error' in amount) return amount
    account.available_balance = amount.value
  }
  if (customerId) account.customer_id = customerId
  return { document: { accounts: [account] } }
}

export interface CustomSeedFields {
  status: string
  accountType: string
  available: string
  pending: string
  customerId: string
  keyType: string
  keyValue: string
  entityName: string
}

export const ACCOUNT_STATUSES = ['ACTIVE', 'INACTIVE', 'BLOCKED', 'CLOSED'] as const
export const ACCOUNT_TYPES = ['ORDINARY', 'LOW_VALUE'] as const
export const KEY_TYPES = ['PHONE', 'EMAIL', 'ID', 'ALPHA', 'BCODE'] as const

/**
 * The custom seed form as a document: one account, optionally a Bre-B key on it and a new
 * entity. Empty fields are left out, so the mock's defaults and faker fill them.
 */
export function customSeedDocument(f: CustomSeedFields): { document: SeedDocument } | { error: string } {
  const account: SeedAccount = {}
  if (f.status) {
    if (!(ACCOUNT_STATUSES as readonly string[]).includes(f.status)) return { error: `Status must be one of ${ACCOUNT_STATUSES.join(', ')}` }
    account.status = f.status
  }
  if (f.accountType) {
    if (!(ACCOUNT_TYPES as readonly string[]).includes(f.accountType)) return { error: `Account type must be one of ${ACCOUNT_TYPES.join(', ')}` }
    account.account_type = f.accountType
  }
  for (const [input, field, label] of [
    [f.available, 'available_balance', 'Available balance'],
    [f.pending, 'pending_balance', 'Pending balance'],
  ] as const) {
    if (input.trim() === '') continue
    const amount = parseAmount(input, label)
    if ('error' in amount) return amount
    account[field] = amount.value
  }
  const entityName = f.entityName.trim()
  const customerId = f.customerId.trim()
  // A new entity owns the document's objects; a customer of the default entity would be a 400.
  if (customerId && !entityName) {
    if (!UUID.test(customerId)) return { error: 'Customer must be a customer id (a UUID)' }
    account.customer_id = customerId
  }
  const document: SeedDocument = { accounts: [account] }
  if (entityName) {
    if (entityName.length > 140) return { error: 'Entity name is at most 140 characters' }
    document.entity = { name: entityName }
  }
  if (f.keyType) {
    if (!(KEY_TYPES as readonly string[]).includes(f.keyType)) return { error: `Key type must be one of ${KEY_TYPES.join(', ')}` }
    const keyValue = f.keyValue.trim()
    document.keys = [{ key: keyValue ? { key_type: f.keyType, key_value: keyValue } : { key_type: f.keyType } }]
  } else if (f.keyValue.trim() !== '') {
    return { error: 'Choose a key type for the key value' }
  }
  return { document }
}

export interface CreatedObject {
  kind: string
  id: string
  detail: string
}

interface SeedResult {
  entity?: { id: string; name: string }
  client?: { client_id: string; client_secret: string }
  customers?: { id: string; business_name?: string }[]
  accounts?: { id: string; status: string; account_number: string; available_balance: Money; pending_balance: Money }[]
  keys?: { id: string; key?: { key_type: string; key_value: string } }[]
}

/** What `POST /_mock/seed` created, one line per object, ids first so they can be copied. */
export function createdObjects(result: SeedResult): CreatedObject[] {
  const out: CreatedObject[] = []
  if (result.entity) out.push({ kind: 'entity', id: result.entity.id, detail: result.entity.name })
  if (result.client) out.push({ kind: 'client', id: result.client.client_id, detail: `client_secret ${result.client.client_secret}` })
  for (const c of result.customers ?? []) out.push({ kind: 'customer', id: c.id, detail: c.business_name ?? '' })
  for (const a of result.accounts ?? []) {
    out.push({ kind: 'account', id: a.id, detail: `${a.status} · ${a.account_number} · available ${formatMoney(a.available_balance)} · pending ${formatMoney(a.pending_balance)}` })
  }
  for (const k of result.keys ?? []) out.push({ kind: 'key', id: k.id, detail: k.key ? `${k.key.key_type} ${k.key.key_value}` : '' })
  return out
}

// ---------------------------------------------------------------------------------------------
// Payments

export interface PaymentView {
  id: string
  status: string
  direction: string
  type?: string
  account_id: string
  amount: Money
  entity_id: string
  /** The mock account's number and its customer's name (GET /_mock/payments adds them; issue 14). */
  account_number?: string | null
  customer_name?: string | null
  receiver?: { key?: { key_type?: string; key_value?: string }; account?: { account_number?: string; bank_name?: string } }
  error?: { error_code: string; error_description: string }
  created_at: string
  updated_at: string
}

/** Whether `/_mock/payments/{id}/settle|reject` can still move it: PROCESSING (Bre-B) or PENDING (ACH). */
export function canSettle(status: string): boolean {
  return status === 'PROCESSING' || status === 'PENDING'
}

/** Who a payment goes to: the Bre-B key paid, or an ACH recipient's bank and account number. */
export function receiverLabel(payment: Pick<PaymentView, 'receiver'>): string {
  const key = payment.receiver?.key
  if (key?.key_value) return `${key.key_type ?? ''} ${key.key_value}`.trim()
  const account = payment.receiver?.account
  if (account?.bank_name) return `${account.bank_name} ${account.account_number ?? ''}`.trim()
  return ''
}

/**
 * The payments whose status differs from the last poll's (new ones are not "changes": a page
 * that just loaded highlights nothing). Updates `previous` to the current statuses.
 */
export function statusChanges(previous: Map<string, string>, payments: readonly { id: string; status: string }[]): string[] {
  const changed: string[] = []
  for (const p of payments) {
    const before = previous.get(p.id)
    if (before !== undefined && before !== p.status) changed.push(p.id)
    previous.set(p.id, p.status)
  }
  return changed
}

export interface InboundFields {
  accountId: string
  amount: string
  senderName: string
}

/** The body of `POST /_mock/simulations/inbound-payment` from its form. */
export function inboundPaymentBody(f: InboundFields): { body: { account_id: string; amount: Money; sender?: { owner: { name: string } } } } | { error: string } {
  const accountId = f.accountId.trim()
  if (!UUID.test(accountId)) return { error: 'Account must be an account id (a UUID)' }
  const amount = parseAmount(f.amount, 'Amount')
  if ('error' in amount) return amount
  const body: { account_id: string; amount: Money; sender?: { owner: { name: string } } } = { account_id: accountId, amount: { value: amount.value, currency: 'COP' } }
  const name = f.senderName.trim()
  if (name) body.sender = { owner: { name } }
  return { body }
}

// ---------------------------------------------------------------------------------------------
// Requests (the journal)

export interface JournalFilter {
  path: string
  status: string
  method: string
}

/** The query of `GET /_mock/requests` for the filter fields, or an error naming the field. */
export function journalQuery(f: JournalFilter, limit = 100): { query: string } | { error: string } {
  const parts = [`limit=${limit}`]
  const path = f.path.trim()
  if (path) {
    if (!path.startsWith('/')) return { error: 'Path must start with / (it is a prefix, e.g. /v1/payments)' }
    parts.push(`path=${encodeURIComponent(path)}`)
  }
  const status = f.status.trim().toLowerCase()
  if (status) {
    if (!/^[1-5]([0-9]{2}|xx)$/.test(status)) return { error: 'Status must be a status such as 404 or a class such as 4xx' }
    parts.push(`status=${status}`)
  }
  const method = f.method.trim().toUpperCase()
  if (method) {
    if (!/^[A-Z]+$/.test(method)) return { error: 'Method must be a word such as GET' }
    parts.push(`method=${method}`)
  }
  return { query: parts.join('&') }
}

// ---------------------------------------------------------------------------------------------
// Faults and clock

export interface FaultFields {
  method: string
  path: string
  accountId: string
  keyValue: string
  status: string
  code: string
  message: string
  delayMs: string
  times: string
}

export interface FaultRuleBody {
  method?: string
  path?: string
  account_id?: string
  key_value?: string
  status?: number
  code?: string
  message?: string
  delay_ms?: number
  times?: number
}

function wholeNumber(input: string, label: string, min: number, max: number): { n?: number; error?: string } {
  const text = input.trim()
  if (text === '') return {}
  if (!/^[0-9]+$/.test(text)) return { error: `${label} must be a whole number` }
  const n = Number(text)
  if (n < min || n > max) return { error: `${label} must be between ${min} and ${max}` }
  return { n }
}

/** The body of `POST /_mock/faults` from its form (CONTRACT §5 "Fault rules"): a rule needs a status or a delay. */
export function faultRuleBody(f: FaultFields): { body: FaultRuleBody } | { error: string } {
  const body: FaultRuleBody = {}
  const method = f.method.trim().toUpperCase()
  if (method) body.method = method
  const path = f.path.trim()
  if (path) {
    if (!path.startsWith('/')) return { error: 'Path must start with / (e.g. /v1/accounts/:account_id)' }
    body.path = path
  }
  if (f.accountId.trim()) body.account_id = f.accountId.trim()
  if (f.keyValue.trim()) body.key_value = f.keyValue.trim()
  const status = wholeNumber(f.status, 'Status', 400, 599)
  if (status.error) return { error: status.error }
  if (status.n !== undefined) body.status = status.n
  const code = f.code.trim()
  if (code) {
    if (!/^[a-z][a-z0-9_]*$/.test(code)) return { error: 'Code must be lower_snake_case, e.g. service_unavailable' }
    body.code = code
  }
  if (f.message.trim()) body.message = f.message.trim()
  const delay = wholeNumber(f.delayMs, 'Delay', 0, 60000)
  if (delay.error) return { error: delay.error }
  if (delay.n !== undefined) body.delay_ms = delay.n
  const times = wholeNumber(f.times, 'Times', 1, 1000000000)
  if (times.error) return { error: times.error }
  if (times.n !== undefined) body.times = times.n
  if (body.status === undefined && body.delay_ms === undefined) return { error: 'A rule needs a status or a delay' }
  return { body }
}

export interface FaultRule {
  id: string
  builtin: boolean
  method: string | null
  path: string | null
  account_id: string | null
  key_value: string | null
  status: number | null
  code: string | null
  delay_ms: number | null
  times_left: number | null
  /** The custom message of the rule's error body (null: the catalogue's). */
  message?: string | null
}

/** What a rule matches, in words: `GET /v1/accounts/:account_id`, `any request naming account …`. */
export function describeFaultMatch(rule: FaultRule): string {
  const parts = [rule.method ?? 'any method', rule.path ?? 'any path']
  if (rule.account_id) parts.push(`account ${rule.account_id}`)
  if (rule.key_value) parts.push(`key ${rule.key_value}`)
  return parts.join(' · ')
}

/** What a rule does: `503 service_unavailable`, `+5000 ms`, `once more` / `3 more times`. */
export function describeFaultEffect(rule: FaultRule): string {
  const parts: string[] = []
  if (rule.status !== null) parts.push(`${rule.status}${rule.code ? ` ${rule.code}` : ''}${rule.message ? ` “${rule.message}”` : ''}`)
  if (rule.delay_ms !== null) parts.push(`+${rule.delay_ms} ms`)
  parts.push(rule.times_left === null ? 'always' : rule.times_left === 1 ? 'once more' : `${rule.times_left} more times`)
  return parts.join(' · ')
}

/**
 * TOKEN_TTL_SECONDS' default (CONTRACT §7). No route tells a running mock its configured value
 * without a client secret, so the step assumes the default.
 */
export const DEFAULT_TOKEN_TTL_SECONDS = 86400

/** The clock's advance buttons: the token step goes one second past the lifetime, so a token issued now has expired. */
export const CLOCK_STEPS: readonly { label: string; seconds: number }[] = [
  { label: '+1 hour', seconds: 3600 },
  { label: '+1 day', seconds: 86400 },
  { label: '+token lifetime (TOKEN_TTL_SECONDS default, 24 h + 1 s)', seconds: DEFAULT_TOKEN_TTL_SECONDS + 1 },
]

// ---------------------------------------------------------------------------------------------
// Webhooks

export interface Delivery {
  event_id: string
  type: string
  url: string
  attempt: number
  status: number | null
  error?: string
  at: string
}

/** A delivery attempt's outcome in a cell: the receiver's status, or why none came. */
export function deliveryOutcome(d: Delivery): { text: string; cls: StatusClass } {
  if (d.status === null) return { text: d.error ? `no answer: ${d.error}` : 'no answer', cls: 's5xx' }
  return { text: String(d.status), cls: statusClass(d.status) }
}

/** One payment-authorization callback attempt, as `GET /_mock/webhooks/authorizations` lists it. */
export interface AuthorizationAttempt {
  payment_id: string
  entity_id: string
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

/**
 * A callback attempt's answer in a cell: `200 accept: true`, or the status and why it did not
 * count, or why no answer came; coloured like a status (a failure is red even under 200).
 */
export function authorizationAnswer(a: AuthorizationAttempt): { text: string; cls: StatusClass } {
  if (a.status === null) return { text: a.error ? `no answer: ${a.error}` : 'no answer', cls: 's5xx' }
  if (a.accept !== null) return { text: `${a.status} accept: ${a.accept}`, cls: statusClass(a.status) }
  return { text: a.error ? `${a.status}: ${a.error}` : String(a.status), cls: a.status >= 500 ? 's5xx' : 's4xx' }
}

/** What an attempt decided, in words: `null` means the payment had been decided meanwhile. */
export function authorizationDecision(a: AuthorizationAttempt): string {
  return a.decision ?? 'already decided'
}

/**
 * The clock's "Set to" box as the `set` of `POST /_mock/clock` (issue 14): a full timestamp with
 * its zone passes as it is; what a date picker gives, a date (`2026-03-01`) or a local date-time
 * (`2026-03-01T09:30`, seconds optional), is read in the browser's time zone, as the picker
 * showed it, and sent as UTC.
 */
export function clockSetValue(text: string): { value: string } | { error: string } {
  const value = text.trim()
  if (value === '') return { error: 'Set to: enter a date, a date and time, or an ISO timestamp' }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return { value }
  const local = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value) ? value : undefined
  if (local === undefined) return { error: `Set to: "${value}" is not a date (2026-03-01), a date and time (2026-03-01T09:30) or an ISO timestamp` }
  // Without a zone, Date reads a date-time as local time (ECMA-262 Date Time String Format).
  const at = new Date(local)
  if (Number.isNaN(at.getTime())) return { error: `Set to: "${value}" is not a real date` }
  return { value: at.toISOString() }
}

// ---------------------------------------------------------------------------------------------
// Keys and tokens (issue 14)

/** What the console offers on a key: the state change the API allows from its status, and delete (allowed from either). */
export function keyActions(status: string): ('suspend' | 'activate' | 'delete')[] {
  if (status === 'ACTIVE') return ['suspend', 'delete']
  if (status === 'SUSPENDED') return ['activate', 'delete']
  return ['delete']
}

/** Whether a token can still be revoked: the API revokes an ACTIVE or EXPIRED token; a revoked one is 404 (Contract 2). */
export function canRevoke(status: string): boolean {
  return status === 'ACTIVE' || status === 'EXPIRED'
}

/** A token's lifetime in a cell: `in 23 h 59 min`, `in 45 s`, or when it ended. */
export function tokenExpiry(t: { status: string; expires_in: number; expires_at: string; revoked_at?: string | null }): string {
  if (t.status === 'REVOKED') return `revoked ${t.revoked_at ?? ''}`.trim()
  if (t.status === 'EXPIRED') return `expired ${t.expires_at}`
  const s = Math.max(0, Math.floor(t.expires_in))
  if (s < 60) return `in ${s} s`
  const h = Math.floor(s / 3600)
  const min = Math.floor((s % 3600) / 60)
  return h > 0 ? `in ${h} h ${min} min` : `in ${min} min`
}

// ---------------------------------------------------------------------------------------------
// QR codes (issue 14): the payload is decoded by the server (core/emvco.ts, the decoder of
// POST /v1/qrcodes/decode); the page only lays out what it answers.

/**
 * The names of EMVCo's top-level data object ids (EMV QR Code Specification for Payment Systems,
 * Merchant-Presented Mode: 02–51 merchant account information, 65–79 reserved, 80–99
 * unreserved templates), so a data object reads as more than a number.
 */
export function emvTagName(id: string): string {
  const n = Number(id)
  const names: Record<string, string> = {
    '00': 'Payload format indicator',
    '01': 'Point of initiation (11 static, 12 dynamic)',
    '52': 'Merchant category code',
    '53': 'Currency (170: COP)',
    '54': 'Amount',
    '55': 'Tip or convenience indicator',
    '56': 'Convenience fee (fixed)',
    '57': 'Convenience fee (percentage)',
    '58': 'Country',
    '59': 'Merchant name',
    '60': 'Merchant city',
    '61': 'Postal code',
    '62': 'Additional data',
    '63': 'CRC',
    '64': 'Merchant information, another language',
  }
  const name = names[id]
  if (name) return name
  if (n >= 2 && n <= 51) return 'Merchant account information'
  if (n >= 65 && n <= 79) return 'Reserved for future use'
  if (n >= 80 && n <= 99) return 'Unreserved template'
  return 'Unknown'
}

/**
 * A decoded payload as label/value rows, nested objects flattened with dots
 * (`merchant.merchant_name`), money as the API writes it (`14907 COP`); `qr_code_data` is left
 * out (the payload is shown whole beside it).
 */
export function decodedFields(decoded: unknown, prefix = ''): [string, string][] {
  if (typeof decoded !== 'object' || decoded === null) return []
  const rows: [string, string][] = []
  for (const [name, value] of Object.entries(decoded as Record<string, unknown>)) {
    if (name === 'qr_code_data') continue
    const label = prefix ? `${prefix}.${name}` : name
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const money = value as { value?: unknown; currency?: unknown }
      if (typeof money.value === 'string' && typeof money.currency === 'string' && Object.keys(value).length === 2) rows.push([label, formatMoney(money as Money)])
      else rows.push(...decodedFields(value, label))
    } else {
      rows.push([label, Array.isArray(value) ? value.join(', ') : String(value)])
    }
  }
  return rows
}

/** The `src` of an `<img>` for the API's plain-base64 PNG; undefined when it is not base64 (nothing is drawn then). */
export function pngDataUrl(base64: string | null | undefined): string | undefined {
  if (typeof base64 !== 'string' || base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined
  return `data:image/png;base64,${base64}`
}

// ---------------------------------------------------------------------------------------------
// The journal's "copy as curl" (issue 14)

/** One shell word, single-quoted (POSIX sh: a quote inside becomes '\''). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** Headers curl sets itself, or that only describe one connection: left out of the command. */
const CURL_SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding', 'keep-alive'])

export interface JournalRequest {
  method: string
  url: string
  request_headers?: Record<string, string | string[]>
  request_body: unknown
  request_body_omitted?: boolean
}

/**
 * A journal entry's request as a curl command against `origin` (the mock the page came from).
 * Headers and body are as the journal stored them: secrets stay `[REDACTED]`, so the command
 * must be given a real token before it runs. A form body (the token route) goes out as a form.
 */
export function curlCommand(entry: JournalRequest, origin: string): string {
  const parts = ['curl', '-X', entry.method, shellQuote(`${origin}${entry.url}`)]
  const headers = entry.request_headers ?? {}
  for (const [name, value] of Object.entries(headers)) {
    // sec-fetch-* describe the browser's context of one request, not the request.
    if (CURL_SKIPPED_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('sec-')) continue
    for (const one of Array.isArray(value) ? value : [value]) parts.push('-H', shellQuote(`${name}: ${one}`))
  }
  if (entry.request_body_omitted) {
    parts.push('--data-binary', shellQuote('(body over 64 KiB: not kept by the journal)'))
  } else if (entry.request_body !== null && entry.request_body !== undefined) {
    const type = String(Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '')
    const body =
      type.startsWith('application/x-www-form-urlencoded') && typeof entry.request_body === 'object'
        ? new URLSearchParams(Object.entries(entry.request_body as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])).toString()
        : JSON.stringify(entry.request_body)
    parts.push('--data-raw', shellQuote(body))
  }
  return parts.join(' ')
}

/** A response's headers as lines, `name: value`, in the order they were kept. */
export function headerLines(headers: Record<string, string | string[]> | undefined): string {
  return Object.entries(headers ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one) => `${name}: ${one}`))
    .join('\n')
}
