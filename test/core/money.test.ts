import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { formatMinor, minorFromText, minorToText, MONEY_VALUE_PATTERN, parseMoneyValue, toMoney } from '../../src/core/money.js'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

t.test('accepts the decimal strings CONTRACT §1 allows, as exact minor units', async (t) => {
  t.equal(parseMoneyValue('0'), 0n)
  t.equal(parseMoneyValue('1'), 100n)
  t.equal(parseMoneyValue('5.5'), 550n)
  t.equal(parseMoneyValue('5.50'), 550n)
  t.equal(parseMoneyValue('0.01'), 1n)
  t.equal(parseMoneyValue('0.5'), 50n)
  t.equal(parseMoneyValue('1000.00'), 100000n)
  t.equal(parseMoneyValue('90000000000000000'), 9000000000000000000n)
  t.equal(parseMoneyValue('90000000000000001'), 9000000000000000100n)
  const thirtyDigits = '123456789012345678901234567890'
  t.equal(thirtyDigits.length, 30)
  t.equal(parseMoneyValue(thirtyDigits), BigInt(thirtyDigits) * 100n)
  t.equal(parseMoneyValue(`${thirtyDigits}.99`), BigInt(thirtyDigits) * 100n + 99n)
})

t.test('rejects signs, exponents, leading zeros, a third decimal and stray characters', async (t) => {
  const thirtyOneDigits = `1${'0'.repeat(30)}`
  t.equal(thirtyOneDigits.length, 31)
  for (const value of ['-1', '+1', '1e3', '1E3', '01', '00', '00.5', '1.234', '1.', '.5', '', ' 1', '1 ', '1,5', '1.5.0', 'abc', '0x10', 'Infinity', 'NaN', thirtyOneDigits]) {
    t.equal(parseMoneyValue(value), undefined, `rejects ${JSON.stringify(value)}`)
  }
})

t.test('exports the pattern of CONTRACT §1 verbatim', async (t) => {
  t.equal(MONEY_VALUE_PATTERN, '^(0|[1-9][0-9]{0,29})(\\.[0-9]{1,2})?$')
})

t.test('formats minor units canonically: an integer without cents, else two decimals', async (t) => {
  t.equal(formatMinor(parseMoneyValue('1000.00') as bigint), '1000')
  t.equal(formatMinor(parseMoneyValue('5.5') as bigint), '5.50')
  t.equal(formatMinor(parseMoneyValue('0.01') as bigint), '0.01')
  t.equal(formatMinor(0n), '0')
  t.equal(formatMinor(1n), '0.01')
  t.equal(formatMinor(10n), '0.10')
  t.equal(formatMinor(100n), '1')
  t.equal(formatMinor(500050n), '5000.50')
  t.equal(formatMinor(25050n), '250.50')
})

t.test('round-trips huge values exactly, digit for digit', async (t) => {
  const thirtyDigits = '987654321098765432109876543210'
  for (const value of ['90000000000000000', '90000000000000001', '9007199254740993', '9007199254740993.01', thirtyDigits, `${thirtyDigits}.07`]) {
    const minor = parseMoneyValue(value)
    t.type(minor, 'bigint')
    t.equal(formatMinor(minor as bigint), value, `${value} round-trips`)
  }
  // 2^53 + 1 is the first integer a JavaScript number cannot hold: bigint keeps it.
  t.equal(formatMinor(parseMoneyValue('9007199254740993') as bigint), '9007199254740993')
})

t.test('wraps a value as wire money in COP', async (t) => {
  t.same(toMoney(123456n), { value: '1234.56', currency: 'COP' })
  t.same(toMoney(9000000000000000000n), { value: '90000000000000000', currency: 'COP' })
})

t.test('reads stored minor units and refuses anything that is not plain digits', async (t) => {
  t.equal(minorFromText('0'), 0n)
  t.equal(minorFromText('9000000000000000000'), 9000000000000000000n)
  t.equal(minorFromText('12345678901234567890123456789012'), 12345678901234567890123456789012n)
  for (const text of ['', '-1', '+1', '1.5', '01', ' 1', '1 ', '1e3', 'abc', '0x1']) {
    t.throws(() => minorFromText(text), { message: /stored money is not minor units/ }, `refuses ${JSON.stringify(text)}`)
  }
})

t.test('writes minor units as text and refuses a negative balance', async (t) => {
  t.equal(minorToText(0n), '0')
  t.equal(minorToText(9000000000000000100n), '9000000000000000100')
  t.throws(() => minorToText(-1n), { message: /negative/ })
})

t.test('keeps money away from JavaScript numbers in money.ts and the accounts resource', async (t) => {
  const files = ['core/money.ts', ...readdirSync(`${SRC}resources/accounts`).filter((f) => f.endsWith('.ts')).map((f) => `resources/accounts/${f}`)]
  t.ok(files.length >= 6, 'money.ts and the five accounts files are read')
  // `findByNumber(` is a method name, not the Number constructor: only a bare or dotted `Number(` counts.
  const forbidden = /(?<![\w$])Number\(|parseFloat\(|parseInt\(|toFixed\(/
  for (const file of files) {
    const source = readFileSync(`${SRC}${file}`, 'utf8')
    const hit = source.split('\n').findIndex((line) => forbidden.test(line))
    t.equal(hit, -1, `${file} has no Number(, parseFloat(, parseInt( or toFixed(${hit === -1 ? '' : ` (line ${hit + 1})`}`)
  }
  t.ok(forbidden.test('const n = Number(value)'), 'the check catches Number(')
  t.ok(forbidden.test('Number.parseFloat(value)'), 'the check catches Number.parseFloat(')
  t.notOk(forbidden.test('store.findByNumber(id)'), 'the check ignores findByNumber(')
})
