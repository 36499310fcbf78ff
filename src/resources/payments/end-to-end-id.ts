import { randomBytes } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** A Bre-B network id for a payment: 32 upper-case letters and digits (CONTRACT §4). */
export function newEndToEndId(): string {
  let id = ''
  for (const byte of randomBytes(32)) id += ALPHABET[byte % ALPHABET.length]
  return id
}
