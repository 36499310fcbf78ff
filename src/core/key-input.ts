import { invalidField } from './errors.js'
import { type BrebKey, canonicalKeyType, canonicalKeyValue, type KeyTypeInput, keyFormatError } from './key-formats.js'

/**
 * A key as a request sends it, checked and made canonical (`MOBILE` → `PHONE`, e-mail
 * lower-case): 400 naming `<field>.key_value` when the value does not fit its type.
 */
export function readKey(input: { key_type: KeyTypeInput; key_value: string }, field = 'key'): BrebKey {
  const keyType = canonicalKeyType(input.key_type)
  const rule = keyFormatError(keyType, input.key_value)
  if (rule) throw invalidField({ en: `Field '${field}.key_value' ${rule.en}`, es: `El campo '${field}.key_value' ${rule.es}` })
  return { key_type: keyType, key_value: canonicalKeyValue(keyType, input.key_value) }
}
