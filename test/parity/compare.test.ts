import t from 'tap'
import { compareAnswers } from '../../src/parity/compare.js'
import { Redactor } from '../../src/parity/redact.js'

const account = {
  id: '6c23f053-0e1a-46b4-b902-97ba47e351bc',
  account_number: '88827643001',
  status: 'ACTIVE',
  available_balance: { value: '90000000000000000', currency: 'COP' },
  created_at: '2025-10-09T10:40:29.966Z',
}

t.test('finds no difference between answers of the same shape with other values', async (t) => {
  const other = { ...account, id: 'f1dce2ff-7413-4fab-91e4-ca84489cf74c', account_number: '880310992', available_balance: { value: '5', currency: 'COP' }, created_at: '2026-01-01T00:00:00.000Z' }
  t.same(compareAnswers({ status: 200, body: account }, { status: 200, body: other }), [])
})

t.test('compares enum values, codes and statuses as they are', async (t) => {
  t.same(compareAnswers({ status: 200, body: account }, { status: 200, body: { ...account, status: 'BLOCKED' } }), [{ path: 'body.status', kind: 'value', target: '"ACTIVE"', mock: '"BLOCKED"' }])
  const error = (code: string, http_code: number) => ({ code, message: 'x', http_code, type: 'NOT_FOUND' })
  t.same(compareAnswers({ status: 404, body: error('not_found', 404) }, { status: 404, body: error('account_not_found', 404) }), [
    { path: 'body.code', kind: 'value', target: '"not_found"', mock: '"account_not_found"' },
  ])
  t.same(compareAnswers({ status: 404, body: error('x', 404) }, { status: 400, body: error('x', 400) }), [
    { path: 'status', kind: 'status', target: '404', mock: '400' },
    { path: 'body.http_code', kind: 'value', target: '404', mock: '400' },
  ])
})

t.test('masks generated values that only look like words with digits', async (t) => {
  const a = { end_to_end_identification: 'PEO9I9HITTTY4OPFH3D8CSN9ICU9IS8A', qr_code_reference: 'P853427791' }
  const b = { end_to_end_identification: 'GF5UY1FTCF2ADY8BOS6NQQ61ABR2NN15', qr_code_reference: 'P707167934' }
  t.same(compareAnswers({ status: 200, body: a }, { status: 200, body: b }), [])
})

t.test('reports formats: a timestamp in microseconds, a number for a string, a missing message', async (t) => {
  t.same(compareAnswers({ status: 200, body: { created_at: '2025-10-10T11:47:52.365840Z' } }, { status: 200, body: { created_at: '2025-10-10T11:47:52.365Z' } }), [
    { path: 'body.created_at', kind: 'type', target: 'string(timestamp µs Z)', mock: 'string(timestamp ms Z)' },
  ])
  t.same(compareAnswers({ status: 200, body: { value: 5411 } }, { status: 200, body: { value: '5411' } }), [{ path: 'body.value', kind: 'type', target: 'number(integer)', mock: 'string(integer)' }])
  t.same(compareAnswers({ status: 400, body: { code: 'x', message: 'm' } }, { status: 400, body: { code: 'x' } }), [{ path: 'body.message', kind: 'missing_in_mock', target: 'string', mock: '(absent)' }])
})

t.test('reports a renamed field once, and a dropped or added one as such', async (t) => {
  const { account_number, ...rest } = account
  t.same(compareAnswers({ status: 200, body: { ...rest, number: account_number } }, { status: 200, body: account }), [
    { path: 'body.number', kind: 'renamed', target: 'number', mock: 'account_number' },
  ])
  t.same(compareAnswers({ status: 200, body: rest }, { status: 200, body: account }), [{ path: 'body.account_number', kind: 'extra_in_mock', target: '(absent)', mock: 'string(integer)' }])
  t.same(compareAnswers({ status: 200, body: account }, { status: 200, body: rest }), [{ path: 'body.account_number', kind: 'missing_in_mock', target: 'string(integer)', mock: '(absent)' }])
})

t.test('compares the rows of lists as one merged shape, whatever their number and enum values', async (t) => {
  const target = { accounts: [account, { ...account, status: 'BLOCKED', nickname: 'x' }] }
  const mock = { accounts: [{ ...account, status: 'INACTIVE' }] }
  t.same(compareAnswers({ status: 200, body: target }, { status: 200, body: mock }), [{ path: 'body.accounts[].nickname', kind: 'missing_in_mock', target: 'string', mock: '(absent)' }])
  t.same(compareAnswers({ status: 200, body: { accounts: [] } }, { status: 200, body: mock }), [], 'an empty list says nothing about row shapes')
})

t.test('reports a body on one side only', async (t) => {
  t.same(compareAnswers({ status: 204, body: undefined }, { status: 200, body: {} }), [
    { path: 'status', kind: 'status', target: '204', mock: '200' },
    { path: 'body', kind: 'extra_in_mock', target: '(no body)', mock: 'object' },
  ])
})

t.test('the redactor keeps formats, hides secrets and personal data, and is stable within a run', async (t) => {
  const r = new Redactor()
  r.addSecret('s3cr3t-value')
  const out = r.value({
    client_secret: 'anything',
    access_token: 'a'.repeat(64),
    business_name: 'Merchant CWSPZ',
    identification_number: '903978023',
    email: 'eAqpUh6u@example.com',
    other: { identification_number: '903978023' },
    message: 'the secret s3cr3t-value leaked',
    status: 'ACTIVE',
    qr_code_image: 'iVBORw0KGgo',
  }) as Record<string, unknown>
  t.equal(out.client_secret, '<redacted>')
  t.match(out.access_token, /^[0-9a-f]{64}$/, 'a 64-hex token keeps its form')
  t.not(out.access_token, 'a'.repeat(64))
  t.match((r.value({ access_token: 'opaque.jwt.value' }) as Record<string, unknown>).access_token, /^<token:[0-9a-f]{8}>$/, 'any other token becomes a label')
  t.equal(out.business_name, 'Xxxxxxxx XXXXX')
  t.match(out.identification_number, /^[0-9]{9}$/)
  t.not(out.identification_number, '903978023')
  t.equal((out.other as Record<string, unknown>).identification_number, out.identification_number, 'the same value, the same placeholder')
  t.equal(out.email, 'xXxxXx1x@xxxxxxx.xxx'.replace('1', (out.email as string)[6] ?? ''))
  t.equal(out.message, 'the secret <redacted> leaked')
  t.equal(out.status, 'ACTIVE')
  t.equal(out.qr_code_image, '<base64 PNG, 11 characters>')
})

t.test('the README counts the scenario steps as they are', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { PACKAGE_ROOT } = await import('../../src/config.js')
  const { SCENARIO } = await import('../../src/parity/scenario.js')
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8')
  const base = SCENARIO.filter((s) => s.group === undefined).length
  t.match(readme, `(${base} steps, ${SCENARIO.length} with payments)`)
})
