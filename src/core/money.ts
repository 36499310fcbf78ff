/**
 * Money on the wire is `{"value": "<decimal string>", "currency": "COP"}` (CONTRACT §1);
 * in code it is bigint minor units (cents), in SQLite TEXT minor units. This file is the only
 * place the two meet, and no value on this path ever passes through a JavaScript `number`.
 */

/** An accepted wire value: no sign, exponent, leading zeros or third decimal (CONTRACT §1). */
export const MONEY_VALUE_PATTERN = '^(0|[1-9][0-9]{0,29})(\\.[0-9]{1,2})?$'
const MONEY_VALUE = new RegExp(MONEY_VALUE_PATTERN)
const MINOR_TEXT = /^(0|[1-9][0-9]*)$/

export const CURRENCY = 'COP'

export interface Money {
  value: string
  currency: typeof CURRENCY
}

/** Parses a wire decimal string into minor units; `undefined` when it is not an accepted value. */
export function parseMoneyValue(value: string): bigint | undefined {
  if (!MONEY_VALUE.test(value)) return undefined
  const [units = '0', cents = ''] = value.split('.')
  return BigInt(units) * 100n + BigInt(cents.padEnd(2, '0'))
}

/** Canonical wire form: an integer when there are no cents (`1000`), else two digits (`5.50`). */
export function formatMinor(minor: bigint): string {
  const negative = minor < 0n
  const abs = negative ? -minor : minor
  const units = abs / 100n
  const cents = abs % 100n
  const text = cents === 0n ? units.toString() : `${units}.${cents.toString().padStart(2, '0')}`
  return negative ? `-${text}` : text
}

export function toMoney(minor: bigint): Money {
  return { value: formatMinor(minor), currency: CURRENCY }
}

/** Reads minor units stored as TEXT; anything else is a corrupt row and throws. */
export function minorFromText(text: string): bigint {
  if (!MINOR_TEXT.test(text)) throw new Error(`stored money is not minor units: ${JSON.stringify(text)}`)
  return BigInt(text)
}

export function minorToText(minor: bigint): string {
  if (minor < 0n) throw new Error('a stored balance can never be negative')
  return minor.toString()
}
