import { fieldRequired, invalidField } from './errors.js'
import { type BrebKey, canonicalKeyType, canonicalKeyValue, type KeyTypeInput, keyFormatError } from './key-formats.js'

/**
 * A key as a request sends it, checked and made canonical (`MOBILE` → `PHONE`, e-mail
 * lower-case): 400 naming `<field>.key_value` when the value does not fit its type.
 */
export function readKey(input: { key_type: KeyTypeInput; key_value: string }, field = 'key'): BrebKey {
  const keyType = canonicalKeyType(input.key_type)
  const rule = keyFormatError(keyType, input.key_value)
  const name = field === '' ? 'key_value' : `${field}.key_value`
  if (rule) throw invalidField({ en: `Field '${name}' ${rule.en}`, es: `El campo '${name}' ${rule.es}` })
  return { key_type: keyType, key_value: canonicalKeyValue(keyType, input.key_value) }
}

/** A create body that carries a key nested (the docs' examples) or flat (the docs' parameter tables). */
export interface KeyBody {
  key?: { key_type: KeyTypeInput; key_value: string }
  key_type?: KeyTypeInput
  key_value?: string
}

/**
 * The key of a Create Key or Create Recipient body. The docs' examples nest it in `key{}`; their
 * parameter tables list `key_type` and `key_value` at the top level
 * (https://docs.passportfintech.com/EN/create-keys, https://docs.passportfintech.com/EN/create-recipient):
 * both are taken, `key` first when a body has both. Neither: 400 `Field 'key' is required`.
 */
export function readBodyKey(body: KeyBody): BrebKey {
  if (body.key !== undefined) return readKey(body.key)
  if (body.key_type === undefined && body.key_value === undefined) throw fieldRequired('key')
  if (body.key_type === undefined) throw fieldRequired('key_type')
  if (body.key_value === undefined) throw fieldRequired('key_value')
  return readKey({ key_type: body.key_type, key_value: body.key_value }, '')
}
