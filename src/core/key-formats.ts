import type { LocalizedText } from './errors.js'

/** The five Bre-B key types (CONTRACT §4; reference B §3.2). */
export const KEY_TYPES = ['ID', 'PHONE', 'EMAIL', 'ALPHA', 'BCODE'] as const
export type KeyType = (typeof KEY_TYPES)[number]

/** What requests may send: `MOBILE` is accepted for `PHONE` and answered as `PHONE`. */
export const KEY_TYPE_INPUTS = [...KEY_TYPES, 'MOBILE'] as const
export type KeyTypeInput = (typeof KEY_TYPE_INPUTS)[number]

export interface BrebKey {
  key_type: KeyType
  key_value: string
}

/**
 * Each type's rule: `test` is what the service checks; `pattern` says the same as a regular
 * expression for the OpenAPI document (issue 13 §3), where generated clients and Swagger UI show
 * it (test/core/key-formats.test.ts checks that the two agree).
 */
const FORMATS: Record<KeyType, { test: (value: string) => boolean; pattern: string; rule: LocalizedText }> = {
  ID: {
    test: (v) => /^[A-Za-z0-9]{1,18}$/.test(v),
    pattern: '^[A-Za-z0-9]{1,18}$',
    rule: { en: 'must be 1 to 18 letters or digits', es: 'debe tener de 1 a 18 letras o dígitos' },
  },
  PHONE: {
    test: (v) => /^3[0-9]{9}$/.test(v),
    pattern: '^3[0-9]{9}$',
    rule: { en: 'must be a 10-digit mobile number starting with 3, without +57', es: 'debe ser un celular de 10 dígitos que empiece por 3, sin +57' },
  },
  EMAIL: {
    test: (v) => {
      const parts = v.split('@')
      return v.length <= 92 && parts.length === 2 && /^[^\s@]{1,30}$/.test(parts[0] ?? '') && /^[^\s@]{1,61}$/.test(parts[1] ?? '')
    },
    // 30 + 1 + 61 = 92, so the length limit needs no lookahead.
    pattern: '^[^\\s@]{1,30}@[^\\s@]{1,61}$',
    rule: {
      en: 'must be an email of at most 92 characters, with at most 30 before the @ and 61 after it',
      es: 'debe ser un correo de máximo 92 caracteres, con máximo 30 antes de la @ y 61 después',
    },
  },
  ALPHA: {
    test: (v) => /^@(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9]{5,20}$/.test(v),
    pattern: '^@(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9]{5,20}$',
    rule: { en: 'must be @ followed by 5 to 20 letters and digits, with at least one of each', es: 'debe ser @ seguida de 5 a 20 letras y dígitos, con al menos uno de cada uno' },
  },
  BCODE: {
    test: (v) => /^00[0-9]{8}$/.test(v),
    pattern: '^00[0-9]{8}$',
    rule: { en: 'must be 10 digits starting with 00', es: 'debe tener 10 dígitos y empezar por 00' },
  },
}

/** `MOBILE` → `PHONE`; the others as they are. */
export function canonicalKeyType(type: KeyTypeInput): KeyType {
  return type === 'MOBILE' ? 'PHONE' : type
}

/** The stored form of a key value: e-mails lower-case, the rest as sent. */
export function canonicalKeyValue(type: KeyType, value: string): string {
  return type === 'EMAIL' ? value.toLowerCase() : value
}

/** The rule a value breaks, or undefined when it is well formed for its type. */
export function keyFormatError(type: KeyType, value: string): LocalizedText | undefined {
  const format = FORMATS[type]
  return format.test(value) ? undefined : format.rule
}

/** A key type's rule as a regular expression and in words, for the OpenAPI document. */
export function keyFormat(type: KeyType): { pattern: string; rule: LocalizedText } {
  const { pattern, rule } = FORMATS[type]
  return { pattern, rule }
}
