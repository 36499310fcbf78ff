import { invalidField } from './errors.js'
import { parseMoneyValue } from './money.js'

/**
 * A payment amount in minor units: a money string greater than zero (CONTRACT §4), else a 400
 * naming the field. The schema has checked the pattern; this adds "more than nothing".
 */
export function positiveAmountMinor(value: string, field = 'amount.value'): bigint {
  const minor = parseMoneyValue(value)
  if (minor === undefined || minor <= 0n) {
    throw invalidField({ en: `Field '${field}' must be greater than 0`, es: `El campo '${field}' debe ser mayor que 0` })
  }
  return minor
}
