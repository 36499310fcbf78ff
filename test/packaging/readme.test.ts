import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { PACKAGE_ROOT, SETTINGS, loadConfig } from '../../src/config.js'
import { ERROR_CATALOGUE } from '../../src/core/error-catalogue.js'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { closedPortUrl } from '../helpers/webhooks.js'

// The README must be true from its first line to its last (issue 2): its tables are checked
// against the code and the fixtures, and its curl walk-through is run against a real server.
const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8')
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }

/** The body of the section under `## title`. */
function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`)
  if (start === -1) throw new Error(`README has no section "${title}"`)
  const rest = readme.slice(start + title.length + 4)
  const end = rest.search(/\n## /)
  return end === -1 ? rest : rest.slice(0, end)
}

/** The rows of the first markdown table in a text, as arrays of trimmed cells. */
function tableRows(text: string): string[][] {
  const all = text.split('\n')
  const first = all.findIndex((l) => l.startsWith('|'))
  const end = all.findIndex((l, i) => i > first && !l.startsWith('|'))
  const lines = first === -1 ? [] : all.slice(first, end === -1 ? undefined : end)
  return lines.slice(2).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()))
}

function codeBlocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '')
}

const unquote = (cell: string) => cell.replace(/`/g, '')

t.test('opens with the two commands for a fresh clone', async (t) => {
  const first = codeBlocks(readme, 'bash')[0] ?? ''
  t.ok(readme.indexOf('```bash') < readme.indexOf('\n## '), 'the commands come before any section')
  const commands = first.split('\n').filter((l) => l.trim() !== '').map((l) => l.replace(/#.*$/, '').trim())
  t.same(commands, ['npm ci && npm start', 'npm ci && npm test'])
  t.match(pkg.scripts.start, /^node (--[a-z-]+=\S+ )*dist\/server\.js$/, 'plain node on the built server, nothing compiled at start')
  t.ok(pkg.scripts.test, 'npm test exists')
  t.equal(pkg.scripts.prepare, 'npm run build', 'npm ci leaves a runnable build')
})

t.test('lists every configuration variable with its real default', async (t) => {
  const rows = tableRows(section('Configuration'))
  t.same(
    rows.map((r) => [unquote(r[0]!), r[1], r[2]]),
    SETTINGS.map((s) => [s.env, s.defaultText, s.description]),
  )
})

t.test('lists every error code with its status and type', async (t) => {
  const rows = tableRows(section('Errors').slice(section('Errors').indexOf('| status |')))
  t.same(
    rows.map((r) => [Number(r[0]), unquote(r[1]!), r[2], r[3]]),
    Object.entries(ERROR_CATALOGUE).map(([code, e]) => [e.status, code, e.type, e.en]),
  )
})

t.test('its magic values table matches the fixtures', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const rows = tableRows(section('Magic test values'))
  t.ok(rows.length >= 12)
  for (const [what, idCell, customerCell, status, available, pending, behaviour] of rows) {
    const id = unquote(idCell!)
    if (what === 'customer') {
      const res = await app.inject({ url: `/v1/customers/${id}`, headers })
      t.equal(res.statusCode, 200, `customer ${id} exists`)
      t.equal(res.json().status, status)
      continue
    }
    const row = app.services.stores.accounts.findById(id)
    t.ok(row, `account ${id} exists`)
    if (!row) continue
    t.equal(row.status, status, `${id} is ${status}`)
    t.equal(row.availableMinor, BigInt(Math.round(Number(available) * 100)), `${id} has ${available} available`)
    t.equal(row.pendingMinor, BigInt(Math.round(Number(pending) * 100)), `${id} has ${pending} pending`)
    if (customerCell!.includes('other entity')) t.not(row.entityId, '9f1c2b7e-4d3a-4e8b-a5c6-7d8e9f0a1b2c')
    else t.ok(row.customerId.startsWith(unquote(customerCell!).replace('…', '')), `${id} belongs to ${customerCell}`)
    const numberMatch = /number `(\d+)`/.exec(behaviour!)
    if (numberMatch) t.equal(row.accountNumber, numberMatch[1])
    const rule = app.services.faults.list().find((f) => f.accountId === id)
    if (/answers 500/.test(behaviour!)) t.match(rule, { builtin: true, status: 500, code: 'internal_error' })
    else if (/after 5 s/.test(behaviour!)) t.match(rule, { builtin: true, status: null, delayMs: 5000 })
    else t.notOk(rule, `${id} has no fault rule`)
  }
  t.equal(app.services.faults.list().length, 2, 'no fault rule the table does not name')
})

t.test('its magic key values table matches the fixtures and behaves as it says', async (t) => {
  const { app, time } = await buildTestApp(t)
  const headers = await bearer(app, 'other')
  const start = section('Magic test values').indexOf('| key_type |')
  const rows = tableRows(section('Magic test values').slice(start))
  t.equal(rows.length, 3)
  for (const [keyType, valueCell, behaviour] of rows) {
    const keyValue = unquote(valueCell!)
    const magic = app.services.stores.keys.findMagic(keyType as 'PHONE', keyValue)
    const expected = /never resolves/.test(behaviour!) ? 'unresolvable' : /REJECTED/.test(behaviour!) ? 'reject' : 'hold'
    t.equal(magic?.behaviour, expected, `${keyValue} is ${expected} in the fixtures`)
    const resolved = await app.inject({
      method: 'POST',
      url: '/v1/resolve-key',
      headers,
      payload: { customer_id: '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e', key: { key_type: keyType, key_value: keyValue } },
    })
    if (expected === 'unresolvable') {
      t.equal(resolved.statusCode, 404)
      t.equal(resolved.json().code, 'key_not_found')
      continue
    }
    const pay = await app.inject({
      method: 'POST',
      url: '/v1/payments/breb',
      headers,
      payload: { account_id: '00000000-0000-4000-8000-000000000403', resolution_id: resolved.json().id, amount: { value: '1', currency: 'COP' } },
    })
    time.advance(60 * 60 * 1000)
    await app.services.sweeper.runDue()
    const after = await app.inject({ url: `/v1/payments/${pay.json().id}`, headers })
    if (expected === 'reject') t.match(after.json(), { status: 'REJECTED', error: { error_code: /B002/.exec(behaviour!)?.[0] } })
    else t.equal(after.json().status, 'PROCESSING', 'still PROCESSING an hour later')
  }
})

t.test('its reserved ACH account numbers table matches the fixtures and behaves as it says', async (t) => {
  const { app, time } = await buildTestApp(t)
  const headers = await bearer(app)
  const magic = section('Magic test values')
  const rows = tableRows(magic.slice(magic.indexOf('| account_number |')))
  t.equal(rows.length, 4)
  t.equal((app.services.db.prepare('SELECT COUNT(*) AS n FROM magic_ach_accounts').get() as { n: number }).n, rows.length, 'no reserved number the table does not name')
  for (const [numberCell, behaviour] of rows) {
    const accountNumber = unquote(numberCell!)
    const code = /`(R\d\d)`/.exec(behaviour!)?.[1] ?? null
    t.same(app.services.stores.payments.findMagicAchAccount(accountNumber), { accountNumber, behaviour: code ? 'reject' : 'hold', errorCode: code }, `${accountNumber} in the fixtures`)
    const recipient = await app.inject({
      method: 'POST',
      url: '/v1/recipients/ach',
      headers,
      payload: {
        customer_id: 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e',
        owner: { type: 'BUSINESS', business_name: 'Proveedor SAS', identification_type: 'NIT', identification_number: '900123456' },
        account: { account_type: 'CHECKING', account_number: accountNumber, bank_name: 'BANCO DE OCCIDENTE' },
      },
    })
    const pay = await app.inject({
      method: 'POST',
      url: '/v1/payments/ach',
      headers,
      payload: { account_id: '00000000-0000-4000-8000-000000000003', recipient_id: recipient.json().id, amount: { value: '1', currency: 'COP' } },
    })
    t.equal(pay.json().status, 'PENDING')
    time.advance(60 * 60 * 1000)
    await app.services.sweeper.runDue()
    const after = await app.inject({ url: `/v1/payments/${pay.json().id}`, headers })
    if (code) t.match(after.json(), { status: 'REJECTED', error: { error_code: code } })
    else t.equal(after.json().status, 'PENDING', 'still PENDING an hour later')
  }
})

t.test('its credentials work with the roles and entities it names', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [entity, clientId, secret, scopes] of tableRows(section('Credentials'))) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/iam/oauth/tokens',
      payload: { client_id: unquote(clientId!), client_secret: unquote(secret!), grant_type: 'client_credentials' },
    })
    t.equal(res.statusCode, 200, `${clientId} gets a token`)
    const role = /role `([A-Z_]+)`/.exec(scopes!)?.[1]
    t.same(res.json().roles, [role])
    const entityId = /`([0-9a-f-]{36})`/.exec(entity!)?.[1]
    if (entityId) t.equal(res.json().account_id, entityId)
  }
})

t.test('documents every route it lists with the statuses it lists', async (t) => {
  const { app } = await buildTestApp(t)
  const doc = (await app.inject({ url: '/documentation/json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
  const listed = new Set(tableRows(section('What it serves')).map(([route]) => unquote(route!)))
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (path.startsWith('/documentation')) continue
    for (const method of Object.keys(operations)) t.ok(listed.has(`${method.toUpperCase()} ${path}`), `${method.toUpperCase()} ${path} is listed`)
  }
  for (const [route, , answers] of tableRows(section('What it serves'))) {
    const [method, path] = unquote(route!).split(' ')
    const operation = doc.paths[path!]?.[method!.toLowerCase()]
    t.ok(operation, `${method} ${path} is in the OpenAPI document`)
    for (const status of answers!.match(/\b[1-5]\d\d\b/g) ?? []) t.ok(operation?.responses[status], `${method} ${path} documents ${status}`)
  }
})

t.test('its curl walk-through works as written', async (t) => {
  const { app } = await buildTestApp(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const walkthrough = section('Walk-through with curl')
  const [tokenAndAccount = '', more = ''] = codeBlocks(walkthrough, 'bash')
  const [expected = ''] = codeBlocks(walkthrough, 'json')
  // Each curl's output on its own line, as a terminal would show it; the server on a free port.
  const script = `set -euo pipefail\ncurl() { command curl "$@"; echo; }\n${tokenAndAccount}\necho ---\n${more}`.replaceAll('http://127.0.0.1:8080', url)
  // Asynchronously: the server answering the curls runs in this same process.
  const { stdout: output } = await promisify(execFile)('bash', ['-c', script], { encoding: 'utf8', timeout: 90000 })
  const [accountOut = '', moreOut = ''] = output.split('---\n')
  t.equal(accountOut.trim(), expected.trim(), 'the docs example account, byte for byte')
  const answers = moreOut.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
  t.match(answers, [
    { code: 'invalid_parameter_value', http_code: 400 },
    { code: 'forbidden', http_code: 403, message: 'El recurso pertenece a otra entidad' },
    { code: 'internal_error', http_code: 500 },
    { account_type: 'ORDINARY', account_number: '123456789', status: 'ACTIVE', available_balance: { value: '0', currency: 'COP' } },
    { accounts: Array, pagination_info: { current_page: 1 } },
  ])
  t.equal(answers.length, 5)
})

t.test('its payment walk-through works as written, settling on real time', async (t) => {
  // Real time and the sweeper's own timer, as `npm start` runs. On a loaded CI machine the two
  // commands between creating the payment and reading it can take over a second, so the test
  // stretches the settlement delay (1 s → 4 s) and the walk-through's wait by the same 3 s.
  const app = await buildApp({ ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent', settlementDelayMs: 4000 })
  t.teardown(() => app.close())
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const walkthrough = section('A payment, start to end')
  const [script = ''] = codeBlocks(walkthrough, 'bash')
  const [expected = ''] = codeBlocks(walkthrough, 'text')
  t.match(script, /\nsleep 1\.5\n/, 'the walk-through waits 1.5 s for the 1 s settlement')
  const stretched = script.replaceAll('http://127.0.0.1:8080', url).replace('\nsleep 1.5\n', '\nsleep 4.5\n')
  const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${stretched}`], { encoding: 'utf8', timeout: 90000 })
  t.equal(stdout.trim(), expected.trim())
})

t.test('its ACH payment walk-through works as written, moving the mock clock', async (t) => {
  const app = await buildApp({ ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent' })
  t.teardown(() => app.close())
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const walkthrough = section('An ACH payment')
  const [script = ''] = codeBlocks(walkthrough, 'bash')
  const [expected = ''] = codeBlocks(walkthrough, 'text')
  t.match(script, /"advance_seconds":30\}/, 'the walk-through moves the clock by the 30 s default')
  t.equal(app.services.config.achSettlementDelayMs, 30000)
  const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${script.replaceAll('http://127.0.0.1:8080', url)}`], { encoding: 'utf8', timeout: 90000 })
  t.equal(stdout.trim(), expected.trim())
})

t.test('its payment-authorization walk-through works as written: one payment accepted, one refused', async (t) => {
  // Real time and the sweeper's own timer, as `npm start` runs; the callback on a free port
  // instead of 3000, and the wait stretched (1 s → 3 s) for a loaded CI machine.
  const app = await buildApp({ ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent' })
  t.teardown(() => app.close())
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const free = await closedPortUrl()
  const callbackHost = new URL(free).host
  const walkthrough = section('Payment authorization')
  const [script = ''] = codeBlocks(walkthrough, 'bash')
  const [expected = ''] = codeBlocks(walkthrough, 'text')
  t.match(script, /\nsleep 1\n/, 'the walk-through waits 1 s for the callback')
  const adapted = script.replaceAll('http://127.0.0.1:8080', url).replaceAll('127.0.0.1:3000', callbackHost).replace('listen(3000,', `listen(${new URL(free).port},`).replace('\nsleep 1\n', '\nsleep 3\n')
  const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${adapted}`], { encoding: 'utf8', timeout: 90000 })
  t.equal(stdout.trim(), expected.trim())
})

t.test('its QR example works as written and decodes back', async (t) => {
  const { app } = await buildTestApp(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const [script = ''] = codeBlocks(section('QR codes'), 'bash')
  const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${script.replaceAll('http://127.0.0.1:8080', url)}`], { encoding: 'utf8', timeout: 90000 })
  const [payload = '', decoded = ''] = stdout.trim().split('\n')
  t.match(payload, /^000201010212.*6304[0-9A-F]{4}$/, 'a dynamic EMVCo payload with its CRC')
  t.equal(decoded, /The last line prints `([^`]+)`/.exec(section('QR codes'))?.[1])
})

t.test('its QA sequence works as written, each step one curl', async (t) => {
  const app = await buildApp({ ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent' })
  t.teardown(() => app.close())
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const qa = section('QA: any situation in one call')
  const [script = ''] = codeBlocks(qa, 'bash')
  const [expected = ''] = codeBlocks(qa, 'text')
  const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${script.replaceAll('http://127.0.0.1:8080', url)}`], { encoding: 'utf8', timeout: 90000 })
  t.equal(stdout.trim(), expected.trim())
})

t.test('its test-helper example is the example test the suite runs', async (t) => {
  const [example = ''] = codeBlocks(section('In your own tests: `passport-paas-mock/testing`'), 'ts')
  t.equal(example.trim(), readFileSync(join(PACKAGE_ROOT, 'test', 'testing', 'example.test.ts'), 'utf8').trim())
})

t.test('every Known difference and Decision names its source (issue 10: a docs page, a sandbox observation, or our choice)', async (t) => {
  const source = /our choice|docs\.passportfintech\.com|sandbox|reference\/|Contract 2|CONTRACT|RFC \d|ISO 20022|NACHA|EMVCo/i
  for (const title of ['Decisions where the docs and the contract are silent', 'Known differences from the real API']) {
    const entries = section(title).split('\n- ').slice(1)
    t.ok(entries.length > 10, `${title}: ${entries.length} entries`)
    for (const entry of entries) t.match(entry, source, `${title}: "${entry.slice(0, 70).replace(/\s+/g, ' ')}…" names its source`)
  }
})
