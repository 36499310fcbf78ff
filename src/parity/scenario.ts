import { randomInt, randomUUID } from 'node:crypto'

/**
 * The built-in scenario of `passport-mock parity` (issue 12): the same requests, in the same
 * order, for the target (a real sandbox) and for the mock. It only calls routes that are safe
 * on a sandbox, creates only what it names with a recognisable prefix (`parity-<run>`), and
 * deletes what can be deleted. Text in `{{name}}` is filled from the run's own values (the same
 * on both sides: NIT, account number, key value…) or from what each side answered before (ids,
 * tokens: each side's own), so the steps never know which side they talk to.
 */
export interface Step {
  /** `<resource>.<action>[.<case>]`, stable across versions: snapshots are named after it. */
  name: string
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  /** A JSON body (templates filled in every string), or `raw` with its own content type. */
  body?: unknown
  raw?: { contentType: string; text: string }
  /** The bearer token to send: the side's first token (default), its second, none, or a bad one. */
  auth?: 'token' | 'token2' | 'none' | 'bad'
  /** Values to keep from the answer: variable name → dotted path in the body (`id`, `access_token`). */
  capture?: Record<string, string>
  /** Steps that move money run only with `--include payments`. */
  group?: 'payments'
}

/** What the scenario creates and how to delete it; what has no DELETE is listed in the report. */
export const CREATED: { variable: string; what: string; deletePath?: string }[] = [
  { variable: 'qr_static_id', what: 'QR code', deletePath: '/v1/qrcodes/{{qr_static_id}}' },
  { variable: 'qr_dynamic_id', what: 'QR code', deletePath: '/v1/qrcodes/{{qr_dynamic_id}}' },
  { variable: 'recipient_id', what: 'recipient', deletePath: '/v1/recipients/{{recipient_id}}' },
  { variable: 'key_id', what: 'key', deletePath: '/v1/keys/{{key_id}}' },
  { variable: 'token2_id', what: 'token', deletePath: '/v1/iam/oauth/tokens/{{token2_id}}' },
  { variable: 'customer_id', what: 'customer (no DELETE route)' },
  { variable: 'account_id', what: 'account (no DELETE route)' },
  { variable: 'payment_id', what: 'payment (no DELETE route)' },
]

/** The run's own values, the same on both sides. */
export function runValues(): Record<string, string> {
  const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('')
  const run = randomUUID().slice(0, 8)
  return {
    run,
    nit: `9${digits(8)}`,
    account_number: `77${digits(9)}`,
    bcode: `00${digits(8)}`,
    reference: `R${digits(12)}`,
    unknown_uuid: randomUUID(),
  }
}

const merchant = {
  type: 'BUSINESS',
  business_name: 'parity-{{run}} S.A.S.',
  email: 'parity-{{run}}@example.com',
  mobile_phone_number: '+573001112233',
  identification_type: 'NIT',
  identification_number: '{{nit}}',
  merchant_category_code: '5411',
  address: { line_1: 'Calle 100 # 10-20', city: 'Bogota', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
}
const { address: _address, ...merchantWithoutAddress } = merchant
const bcode = { key_type: 'BCODE', key_value: '{{bcode}}' }
// The STATIC request the real sandbox certified (reference/clients.md §3).
const staticQr = {
  key_id: '{{key_id}}',
  customer_id: '{{customer_id}}',
  type: 'STATIC',
  channel: 'MPOS',
  vat: { vat_type: 'FIXED', vat_value: '100.00', vat_base_value: '100.00' },
  inc: { inc_type: 'FIXED', inc_value: '10.00' },
  tip: { tip_type: 'FIXED', tip_value: '100.00' },
  qr_code_reference: '{{reference}}',
}
const { vat: _vat, ...staticQrWithoutVat } = staticQr
const { inc: _inc, ...staticQrWithoutInc } = staticQr

export const SCENARIO: Step[] = [
  // Tokens (reference A §2)
  { name: 'tokens.create', method: 'POST', path: '/v1/iam/oauth/tokens', auth: 'none', body: { client_id: '{{client_id}}', client_secret: '{{client_secret}}', grant_type: 'client_credentials' }, capture: { token: 'access_token', token_id: 'token_id' } },
  { name: 'tokens.create.wrong_secret', method: 'POST', path: '/v1/iam/oauth/tokens', auth: 'none', body: { client_id: '{{client_id}}', client_secret: 'parity-wrong-secret', grant_type: 'client_credentials' } },
  { name: 'tokens.create.bad_grant', method: 'POST', path: '/v1/iam/oauth/tokens', auth: 'none', body: { client_id: '{{client_id}}', client_secret: '{{client_secret}}', grant_type: 'password' } },
  { name: 'tokens.create.second', method: 'POST', path: '/v1/iam/oauth/tokens', auth: 'none', body: { client_id: '{{client_id}}', client_secret: '{{client_secret}}', grant_type: 'client_credentials' }, capture: { token2: 'access_token', token2_id: 'token_id' } },
  { name: 'tokens.get', method: 'GET', path: '/v1/iam/oauth/tokens/{{token_id}}' },
  { name: 'tokens.list', method: 'GET', path: '/v1/iam/oauth/tokens' },
  // What every client meets
  { name: 'errors.no_token', method: 'GET', path: '/v1/accounts', auth: 'none' },
  { name: 'errors.bad_token', method: 'GET', path: '/v1/accounts', auth: 'bad' },
  { name: 'errors.malformed_id', method: 'GET', path: '/v1/accounts/not-a-uuid' },
  { name: 'errors.unknown_id', method: 'GET', path: '/v1/accounts/{{unknown_uuid}}' },
  { name: 'errors.unknown_route', method: 'GET', path: '/v1/parity-no-such-route' },
  // Merchants (reference A §3)
  { name: 'customers.link', method: 'POST', path: '/v1/customers/business/link', body: merchant, capture: { customer_id: 'id' } },
  { name: 'customers.link.duplicate', method: 'POST', path: '/v1/customers/business/link', body: merchant },
  { name: 'customers.link.missing_field', method: 'POST', path: '/v1/customers/business/link', body: merchantWithoutAddress },
  { name: 'customers.link.wrong_content_type', method: 'POST', path: '/v1/customers/business/link', raw: { contentType: 'text/plain', text: 'business_name=parity' } },
  { name: 'customers.link.malformed_json', method: 'POST', path: '/v1/customers/business/link', raw: { contentType: 'application/json', text: '{"business_name":' } },
  { name: 'customers.get', method: 'GET', path: '/v1/customers/{{customer_id}}' },
  { name: 'customers.get.unknown', method: 'GET', path: '/v1/customers/{{unknown_uuid}}' },
  { name: 'customers.list', method: 'GET', path: '/v1/customers?identification_number={{nit}}' },
  { name: 'customers.patch', method: 'PATCH', path: '/v1/customers/{{customer_id}}', body: { business_name: 'parity-{{run}} Renamed' } },
  // Accounts (reference A §4)
  { name: 'accounts.link', method: 'POST', path: '/v1/accounts/link', body: { customer_id: '{{customer_id}}', account_type: 'ORDINARY', account_number: '{{account_number}}' }, capture: { account_id: 'id' } },
  { name: 'accounts.link.duplicate', method: 'POST', path: '/v1/accounts/link', body: { customer_id: '{{customer_id}}', account_type: 'ORDINARY', account_number: '{{account_number}}' } },
  { name: 'accounts.link.unknown_customer', method: 'POST', path: '/v1/accounts/link', body: { customer_id: '{{unknown_uuid}}', account_type: 'ORDINARY', account_number: '{{account_number}}9' } },
  { name: 'accounts.get', method: 'GET', path: '/v1/accounts/{{account_id}}' },
  { name: 'accounts.list', method: 'GET', path: '/v1/accounts?customer_id={{customer_id}}' },
  // Bre-B keys (reference B §2–4)
  { name: 'keys.create', method: 'POST', path: '/v1/keys', body: { account_id: '{{account_id}}', key: bcode }, capture: { key_id: 'id' } },
  { name: 'keys.create.duplicate', method: 'POST', path: '/v1/keys', body: { account_id: '{{account_id}}', key: bcode } },
  { name: 'keys.create.malformed_bcode', method: 'POST', path: '/v1/keys', body: { account_id: '{{account_id}}', key: { key_type: 'BCODE', key_value: '12345' } } },
  { name: 'keys.get', method: 'GET', path: '/v1/keys/{{key_id}}' },
  { name: 'keys.list', method: 'GET', path: '/v1/keys?account_id={{account_id}}' },
  { name: 'keys.suspend', method: 'PATCH', path: '/v1/keys/{{key_id}}/suspend' },
  { name: 'keys.suspend.again', method: 'PATCH', path: '/v1/keys/{{key_id}}/suspend' },
  { name: 'keys.activate', method: 'PATCH', path: '/v1/keys/{{key_id}}/activate' },
  { name: 'keys.resolve', method: 'POST', path: '/v1/resolve-key', body: { customer_id: '{{customer_id}}', key: bcode }, capture: { resolution_id: 'id' } },
  { name: 'keys.validate', method: 'POST', path: '/v1/validate-key', body: { key: bcode } },
  // Recipients (reference B §5)
  { name: 'recipients.create', method: 'POST', path: '/v1/recipients/breb', body: { customer_id: '{{customer_id}}', key: bcode, alias: 'parity-{{run}}' }, capture: { recipient_id: 'id' } },
  { name: 'recipients.get', method: 'GET', path: '/v1/recipients/breb/{{recipient_id}}' },
  { name: 'recipients.list', method: 'GET', path: '/v1/recipients?customer_id={{customer_id}}' },
  { name: 'recipients.resolve', method: 'POST', path: '/v1/recipients/{{recipient_id}}/resolve' },
  { name: 'recipients.delete', method: 'DELETE', path: '/v1/recipients/{{recipient_id}}' },
  // QR codes (reference B §7)
  { name: 'qrcodes.create.static', method: 'POST', path: '/v1/qrcodes', body: staticQr, capture: { qr_static_id: 'id', qr_static_data: 'qr_code_data' } },
  { name: 'qrcodes.create.static_without_vat', method: 'POST', path: '/v1/qrcodes', body: staticQrWithoutVat },
  { name: 'qrcodes.create.static_without_inc', method: 'POST', path: '/v1/qrcodes', body: staticQrWithoutInc },
  {
    name: 'qrcodes.create.dynamic',
    method: 'POST',
    path: '/v1/qrcodes',
    body: {
      key_id: '{{key_id}}',
      customer_id: '{{customer_id}}',
      type: 'DYNAMIC',
      channel: 'POS',
      amount: { value: '14907', currency: 'COP' },
      vat: { vat_type: 'FIXED', vat_value: '0', vat_base_value: '0' },
      inc: { inc_type: 'FIXED', inc_value: '0' },
      additional_info: { transaction_purpose: '00' },
    },
    capture: { qr_dynamic_id: 'id' },
  },
  { name: 'qrcodes.get', method: 'GET', path: '/v1/qrcodes/{{qr_static_id}}' },
  { name: 'qrcodes.list', method: 'GET', path: '/v1/qrcodes?customer_id={{customer_id}}' },
  { name: 'qrcodes.decode', method: 'POST', path: '/v1/qrcodes/decode', body: { customer_id: '{{customer_id}}', qr_code_data: '{{qr_static_data}}' } },
  { name: 'qrcodes.delete', method: 'DELETE', path: '/v1/qrcodes/{{qr_static_id}}' },
  { name: 'qrcodes.get.deleted', method: 'GET', path: '/v1/qrcodes/{{qr_static_id}}' },
  { name: 'qrcodes.delete.dynamic', method: 'DELETE', path: '/v1/qrcodes/{{qr_dynamic_id}}' },
  // Payments: they move sandbox money (a new account has none, so this one should be refused)
  { name: 'payments.create', method: 'POST', path: '/v1/payments/breb', group: 'payments', body: { account_id: '{{account_id}}', resolution_id: '{{resolution_id}}', amount: { value: '1', currency: 'COP' } }, capture: { payment_id: 'id' } },
  { name: 'payments.get', method: 'GET', path: '/v1/payments/{{payment_id}}', group: 'payments' },
  { name: 'payments.list', method: 'GET', path: '/v1/payments?account_id={{account_id}}', group: 'payments' },
  // Deletes last: the key served the QR codes and the resolution
  { name: 'keys.delete', method: 'DELETE', path: '/v1/keys/{{key_id}}' },
  { name: 'keys.delete.again', method: 'DELETE', path: '/v1/keys/{{key_id}}' },
  { name: 'tokens.revoke', method: 'DELETE', path: '/v1/iam/oauth/tokens/{{token2_id}}', body: { token_id: '{{token2_id}}' } },
  { name: 'tokens.revoke.again', method: 'DELETE', path: '/v1/iam/oauth/tokens/{{token2_id}}', body: { token_id: '{{token2_id}}' } },
  { name: 'tokens.use_revoked', method: 'GET', path: '/v1/accounts', auth: 'token2' },
]

/** `{{name}}` in a string → the variable's value; an unknown name stays visible as `{{name}}`. */
export function fill(template: string, vars: ReadonlyMap<string, string>): string {
  return template.replace(/\{\{([a-z0-9_]+)\}\}/g, (whole, name: string) => vars.get(name) ?? whole)
}

/** A body with every string filled. */
export function fillBody(body: unknown, vars: ReadonlyMap<string, string>): unknown {
  if (typeof body === 'string') return fill(body, vars)
  if (Array.isArray(body)) return body.map((item) => fillBody(item, vars))
  if (body !== null && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, vars)]))
  return body
}

/** The value at a dotted path of a JSON body, when it is a string. */
export function pick(body: unknown, path: string): string | undefined {
  let node: unknown = body
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return typeof node === 'string' ? node : undefined
}
