import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { CLI, runCli } from '../helpers/run-cli.js'
import { RECORDING_FILE, startRecordProxy } from '../../src/parity/record-proxy.js'
import { Redactor } from '../../src/parity/redact.js'
import { startPassportMock } from '../../src/testing.js'

// Issue 12 §2: a client talks to the "sandbox" (a mock here, on 127.0.0.1) through the recording
// proxy; the recording, replayed against a fresh mock, gives no difference; a changed recording does.

const CUSTOMER = '11111111-2222-4333-8444-555555555555'
const ACCOUNT = '11111111-2222-4333-8444-666666666666'

const cli = runCli

function tempDir(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-record-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** What a Passport integrator's client does, against `base`; answers the tokens it used. */
async function clientSession(base: string, clientId: string, clientSecret: string): Promise<string[]> {
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, any> }
  }
  const tokenBody = { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }
  const token = (await call('POST', '/v1/iam/oauth/tokens', undefined, tokenBody)).body.access_token as string
  const second = (await call('POST', '/v1/iam/oauth/tokens', undefined, tokenBody)).body
  await call('GET', `/v1/accounts/${ACCOUNT}`, token) // existed before the recording
  await call('GET', `/v1/customers/${CUSTOMER}`, token)
  const phone = `3${String(Date.now() % 1e9).padStart(9, '0')}`
  const customer = (
    await call('POST', '/v1/customers/business/link', token, {
      business_name: 'Tienda Grabada S.A.S.',
      email: 'grabada@example.com',
      mobile_phone_number: '+573001112233',
      identification_type: 'NIT',
      identification_number: '901234567',
      merchant_category_code: '5411',
      address: { line_1: 'Calle 1', city: 'Bogota', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
    })
  ).body
  const account = (await call('POST', '/v1/accounts/link', token, { customer_id: customer.id, account_type: 'ORDINARY', account_number: '5550001' })).body
  const key = (await call('POST', '/v1/keys', token, { account_id: account.id, key: { key_type: 'PHONE', key_value: phone } })).body
  await call('GET', `/v1/keys?account_id=${account.id}`, token)
  await call('PATCH', `/v1/keys/${key.id}/suspend`, token)
  await call('PATCH', `/v1/keys/${key.id}/activate`, token)
  const resolution = (await call('POST', '/v1/resolve-key', token, { customer_id: customer.id, key: { key_type: 'PHONE', key_value: phone } })).body
  await call('POST', '/v1/payments/breb', token, { account_id: ACCOUNT, resolution_id: resolution.id, amount: { value: '100.50', currency: 'COP' } })
  await call('GET', `/v1/accounts/${ACCOUNT}`, second.access_token)
  await call('DELETE', `/v1/iam/oauth/tokens/${second.token_id}`, token, { token_id: second.token_id })
  await call('GET', `/v1/accounts/${ACCOUNT}`, second.access_token)
  await call('GET', '/v1/accounts/not-a-uuid', token)
  await call('DELETE', `/v1/keys/${key.id}`, token)
  await call('DELETE', `/v1/keys/${key.id}`, token)
  return [token, second.access_token as string]
}

t.test('a recorded session replayed against a fresh mock gives no difference; a changed one does', async (t) => {
  const upstream = await startPassportMock()
  t.teardown(() => upstream.close())
  await upstream.seed({ customers: [{ id: CUSTOMER, business_name: 'Cliente Previo' }], accounts: [{ id: ACCOUNT, customer_id: CUSTOMER, available_balance: '1234.56', pending_balance: '10' }] })
  const dir = tempDir(t)
  const proxy = await startRecordProxy({ upstream: upstream.url, port: 0, dir, redactor: new Redactor() })
  t.teardown(() => proxy.close())

  const tokens = await clientSession(proxy.url, upstream.clientId, upstream.clientSecret)
  t.equal(proxy.count(), 18)
  const recording = readFileSync(join(dir, RECORDING_FILE), 'utf8')
  t.equal(recording.trim().split('\n').length, 18, 'one line per exchange')
  t.notOk(recording.includes(upstream.clientSecret), 'no client secret')
  for (const token of tokens) t.notOk(recording.includes(token), 'no access token')
  t.notOk(recording.includes('901234567') || recording.includes('Tienda Grabada') || recording.includes('grabada@example.com'), 'no personal data')
  t.match(recording, /"auth":"[0-9a-f]{64}"/, 'requests say which token they used, by its stand-in')

  const out = tempDir(t)
  const res = await cli(['replay', dir, '--out', out])
  if (res.code !== 0) t.comment(readFileSync(join(out, 'report.md'), 'utf8').split('## Differences')[1] ?? '')
  t.equal(res.code, 0, `${res.stdout}${res.stderr}`)
  t.match(res.stdout, /^18 exchanges replayed, 0 differences; report in /)
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { steps: { name: string; target: { status: number }; mock: { status: number } }[] }
  t.same(
    report.steps.map((s) => s.mock.status),
    report.steps.map((s) => s.target.status),
  )
  t.equal(report.steps[2]?.name, 'GET /v1/accounts/{id}')
  t.equal(report.steps[2]?.mock.status, 200, 'the account that existed before the recording was seeded')
  t.equal(report.steps[14]?.mock.status, 401, 'the revoked token is refused')

  // A recording that says something else: the mock no longer matches it.
  const changed = recording.replace('"status":401', '"status":403')
  writeFileSync(join(dir, RECORDING_FILE), changed)
  const out2 = tempDir(t)
  const drift = await cli(['replay', dir, '--out', out2])
  t.equal(drift.code, 1)
  t.match(drift.stdout, /18 exchanges replayed, 1 difference;/)
})

t.test('record runs as a command until stopped, and replay refuses a folder without a recording', async (t) => {
  const upstream = await startPassportMock()
  t.teardown(() => upstream.close())
  const dir = tempDir(t)
  const child = spawn(process.execPath, [CLI, 'record', '--upstream', upstream.url, '--out', dir, '--port', '0'], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  const url = await new Promise<string>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      const m = / through (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)
      if (m) resolve(m[1] as string)
    })
  })
  const res = await fetch(`${url}/_mock/health`)
  t.equal(res.status, 200)
  t.same(await res.json(), { status: 'ok' })
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
  child.kill('SIGINT')
  t.equal(await closed, 0)
  t.match(stdout, /Recorded 1 exchanges/)
  t.match(readFileSync(join(dir, RECORDING_FILE), 'utf8'), /"url":"\/_mock\/health"/)

  const empty = tempDir(t)
  const refused = await cli(['replay', empty, '--out', tempDir(t)])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /^passport-mock: cannot read the recording in /)
})
