import { createHmac, randomBytes } from 'node:crypto'

/**
 * What `passport-mock parity` writes must be shareable (issue 12): secrets never reach the disk
 * or the terminal, and personal data (names, NITs, e-mails, phone numbers, account numbers, key
 * values, QR payloads) is replaced by a placeholder of the same format. A placeholder keeps the
 * value's length and the class of each character (digit, lower, upper, the rest as it is), so a
 * NIT still reads as nine digits and an e-mail as `xxxx@xxxxxxx.xxx`; its digits come from an
 * HMAC keyed per run, so the same value gets the same placeholder everywhere in one report while
 * nothing of the original can be read back.
 */
export class Redactor {
  readonly #key = randomBytes(32)
  readonly #secrets = new Set<string>()

  /** A value that must never be written, wherever it appears (client secret, access tokens). */
  addSecret(value: string | undefined): void {
    if (value !== undefined && value.length >= 4) this.#secrets.add(value)
  }

  /** A deep copy of a JSON value with secrets and personal data replaced. */
  value(value: unknown, field = ''): unknown {
    if (Array.isArray(value)) return value.map((item) => this.value(item, field))
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, this.value(child, key)]))
    }
    if (typeof value !== 'string') return value
    if (field === 'access_token') return this.tokenLabel(value)
    if (SECRET_FIELDS.test(field)) return '<redacted>'
    if (field === 'qr_code_image') return `<base64 PNG, ${value.length} characters>`
    if (PERSONAL_FIELDS.has(field)) return this.#placeholder(value, KEPT_PREFIX[field] ?? 0)
    return this.text(value)
  }

  /**
   * An access token's stand-in: the same token gets the same one, so a recording still says which
   * token each request used (`record`/`replay`), and nothing of the token can be read back. A
   * token of 64 hex digits (the sandbox's form, reference/clients.md) becomes 64 other hex digits,
   * so its format is still compared; any other becomes `<token:1a2b3c4d>`.
   */
  tokenLabel(token: string): string {
    const digest = createHmac('sha256', this.#key).update(`token:${token}`).digest('hex')
    return /^[0-9a-f]{64}$/.test(token) ? digest : `<token:${digest.slice(0, 8)}>`
  }

  /** A free text (a message, a URL) with every known secret cut out. */
  text(value: string): string {
    let out = value
    for (const secret of this.#secrets) out = out.split(secret).join('<redacted>')
    return out
  }

  #placeholder(value: string, kept: number): string {
    if (value === '') return value
    const digest = createHmac('sha256', this.#key).update(value).digest()
    let i = 0
    return [...value]
      .map((c, n) => {
        if (n < kept) return c
        if (/[0-9]/.test(c)) return String((digest[i++ % digest.length] ?? 0) % 10)
        if (/\p{Ll}/u.test(c)) return 'x'
        if (/\p{Lu}/u.test(c)) return 'X'
        if (/\p{L}/u.test(c)) return 'x'
        return c
      })
      .join('')
  }
}

/** Fields whose values are secrets: never written, whatever their form. */
const SECRET_FIELDS = /^(client_secret|refresh_token|secret|webhook_secret|authorization|password)$/i

/**
 * Leading characters a placeholder keeps, because the format depends on them: a PHONE key is
 * `3` + 9 digits and a BCODE `00` + 8 (reference B §2), so a replayed request stays well-formed.
 */
const KEPT_PREFIX: Record<string, number> = { key_value: 2, mobile_phone_number: 3 }

/** Fields that carry a person's or a business's data (reference A and B field names). */
const PERSONAL_FIELDS = new Set([
  'business_name',
  'first_name',
  'second_name',
  'first_last_name',
  'second_last_name',
  'name',
  'alias',
  'display_name',
  'merchant_name',
  'email',
  'mobile_phone_number',
  'identification_number',
  'account_number',
  'key_value',
  'line_1',
  'line_2',
  'line_3',
  'qr_code_data',
  'invoice_number',
  'customer_label',
  'reference_label',
  'store_label',
  'loyalty_label',
  'terminal_label',
])
