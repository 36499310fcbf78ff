import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { applyScenarioFile, fieldPath, ScenarioFileError } from '../../src/control/scenario/scenario-file.js'
import { ScenarioService } from '../../src/control/scenario/scenario.service.js'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { DEFAULT_ENTITY, DOCS_ACCOUNT } from '../helpers/webhooks.js'

const ACCOUNT_ID = '3d7f2a10-8c4b-4e2f-9a61-5b0c7e9d1f24'

/** A scenario using every part (issue 13 §6). */
const SCENARIO = {
  seed: { accounts: [{ id: ACCOUNT_ID, status: 'BLOCKED', available_balance: '500.25' }] },
  faults: [{ method: 'GET', path: '/v1/accounts/:account_id', account_id: DOCS_ACCOUNT, status: 503, times: 1 }],
  webhooks: [{ url: 'http://127.0.0.1:9/hooks', secret: 'whsec-scenario', mode: 'once', events: ['payment.outbound.settled'] }],
  payment_authorizations: [{ entity_id: DEFAULT_ENTITY, url: 'http://127.0.0.1:9/authorize', secret: 'auth-scenario', auto_approve_error: true }],
  clock: { set: '2030-05-01T08:00:00.000Z', frozen: true },
}

function put(app: FastifyInstance, document: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'PUT', url: '/_mock/scenario', headers, payload: document as object })
}

async function stateOf(app: FastifyInstance): Promise<string> {
  return (await app.inject({ url: '/_mock/state' })).body
}

t.test('PUT /_mock/scenario applies seed, fault rules, webhooks, payment authorization and the clock, in order', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await put(app, SCENARIO)
  t.equal(res.statusCode, 200, res.body)
  await expectMatchesSpec(t, app, res)
  const body = res.json()
  t.equal(body.reset, true, 'back to the fixtures first')
  t.equal(body.state, false)
  t.equal(body.seed.accounts[0].id, ACCOUNT_ID)
  t.equal(body.faults.length, 1)
  t.equal(body.webhooks[0].url, 'http://127.0.0.1:9/hooks')
  t.same(body.clock, { now: '2030-05-01T08:00:00.000Z', frozen: true })

  const headers = await bearer(app)
  const account = await app.inject({ url: `/v1/accounts/${ACCOUNT_ID}`, headers })
  t.equal(account.json().status, 'BLOCKED', 'the seeded account is served')
  t.equal(account.json().available_balance.value, '500.25')
  const failing = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  t.equal(failing.statusCode, 503, 'the fault rule answers')
  const again = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  t.equal(again.statusCode, 200, 'once')
  const callback = await app.inject({ url: `/_mock/entities/${DEFAULT_ENTITY}/payment-authorization` })
  t.match(callback.json(), { url: 'http://127.0.0.1:9/authorize', auto_approve_error: true })
  const clock = await app.inject({ url: '/_mock/clock' })
  t.same(clock.json(), { now: '2030-05-01T08:00:00.000Z', frozen: true })
})

t.test('a second scenario starts again from the fixtures; reset: false applies on top', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await put(app, { seed: { accounts: [{ id: ACCOUNT_ID }] } })).statusCode, 200)
  const fresh = await put(app, { faults: [{ path: '/v1/customers', status: 500 }] })
  t.equal(fresh.statusCode, 200)
  t.notMatch(await stateOf(app), ACCOUNT_ID, 'the earlier scenario’s account is gone')
  t.equal((await put(app, { seed: { accounts: [{ id: ACCOUNT_ID }] } })).statusCode, 200)
  const onTop = await put(app, { reset: false, faults: [{ path: '/v1/customers', delay_ms: 5 }] })
  t.equal(onTop.json().reset, false)
  t.match(await stateOf(app), ACCOUNT_ID, 'kept with reset: false')
})

t.test('GET /_mock/scenario exports the situation; PUT takes it back, in another app too', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await put(app, SCENARIO)).statusCode, 200)
  const exported = await app.inject({ url: '/_mock/scenario' })
  t.equal(exported.statusCode, 200)
  await expectMatchesSpec(t, app, exported)
  const doc = exported.json()
  t.same(doc.clock, { set: '2030-05-01T08:00:00.000Z', frozen: true })

  const { app: other } = await buildTestApp(t)
  const replayed = await put(other, doc)
  t.equal(replayed.statusCode, 200, replayed.body)
  t.equal(replayed.json().state, true)
  t.equal(await stateOf(other), await stateOf(app), 'the same rows: accounts, fault rules, webhooks, callbacks')
  t.same((await other.inject({ url: '/_mock/clock' })).json(), { now: '2030-05-01T08:00:00.000Z', frozen: true }, 'the same clock')
})

t.test('a bad scenario is 400 naming the field within the scenario, and changes nothing', async (t) => {
  const { app } = await buildTestApp(t)
  await put(app, { reset: false, faults: [{ path: '/v1/customers', status: 500 }] })
  const before = await stateOf(app)
  const clockBefore = (await app.inject({ url: '/_mock/clock' })).json()

  expectError(t, await put(app, { seed: { accounts: [{ status: 'ASLEEP' }] } }), 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /Field 'seed\.accounts\[0\]\.status' must be one of/, '_mock')
  expectError(t, await put(app, { webhooks: [{ url: 'http://127.0.0.1:9/h', secret: 's' }] }), 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /webhooks\[0\]\.mode/, '_mock')
  expectError(t, await put(app, { colour: 'blue' }), 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /colour/, '_mock')
  // Fails after the reset, the seed and the fault rules have been applied: all of it is put back.
  const late = await put(app, {
    seed: { accounts: [{ id: ACCOUNT_ID }] },
    faults: [{ path: '/v1/keys', status: 500 }],
    clock: { set: '2031-01-01T00:00:00.000Z' },
    payment_authorizations: [{ entity_id: '00000000-0000-4000-8000-00000000dead', url: 'http://127.0.0.1:9/a', secret: 's' }],
  })
  expectError(t, late, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'payment_authorizations[0].entity_id' names no entity", '_mock')
  await expectMatchesSpec(t, app, late)
  t.equal(await stateOf(app), before, 'nothing stored changed')
  t.same((await app.inject({ url: '/_mock/clock' })).json().frozen, clockBefore.frozen)
  t.ok(Math.abs(Date.parse((await app.inject({ url: '/_mock/clock' })).json().now) - Date.parse(clockBefore.now)) < 60_000, 'the clock is where it was')
})

// Issue 14: the QA console loads a scenario file and sends its text as YAML (JSON is YAML too).
t.test('PUT /_mock/scenario takes YAML text; a 400 says the line and column of the field or of the syntax error', async (t) => {
  const { app } = await buildTestApp(t)
  const yaml = (text: string, type = 'application/yaml') => app.inject({ method: 'PUT', url: '/_mock/scenario', headers: { 'content-type': type }, payload: text })
  const applied = await yaml(`seed:\n  accounts:\n    - id: ${ACCOUNT_ID}\n      status: BLOCKED\n      available_balance: "500.25"\nclock:\n  set: 2030-05-01T08:00:00.000Z\n  frozen: true\n`)
  t.equal(applied.statusCode, 200, applied.body)
  await expectMatchesSpec(t, app, applied)
  t.match((await app.inject({ url: `/v1/accounts/${ACCOUNT_ID}`, headers: await bearer(app) })).json(), { status: 'BLOCKED', available_balance: { value: '500.25' } })
  t.equal((await app.inject({ url: '/_mock/clock' })).json().now, '2030-05-01T08:00:00.000Z')

  const json = await yaml(JSON.stringify({ reset: false, faults: [{ path: '/v1/keys', status: 503 }] }, null, 2), 'text/yaml')
  t.equal(json.statusCode, 200, 'JSON text sent as YAML applies too')
  const before = await stateOf(app)

  const badField = await yaml('reset: false\nseed:\n  accounts:\n    - status: ASLEEP\n')
  expectError(t, badField, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', /^line 4, column 15: Field 'seed\.accounts\[0\]\.status' must be one of/, '_mock')
  await expectMatchesSpec(t, app, badField)
  const badJson = await yaml('{\n  "reset": false,\n  "colour": "blue"\n}', 'application/x-yaml')
  expectError(t, badJson, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "line 3, column 13: Field 'colour' is not allowed", '_mock')
  const badSyntax = await yaml('seed:\n  accounts: [\n')
  expectError(t, badSyntax, 400, 'invalid_json', 'INVALID_ARGUMENT', /^The scenario is not valid YAML or JSON: line \d+, column \d+: /, '_mock')
  await expectMatchesSpec(t, app, badSyntax)
  t.equal(await stateOf(app), before, 'nothing stored changed')
  const other = await app.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/yaml' }, payload: 'reset: true' })
  t.equal(other.statusCode, 415, 'other routes still take JSON only')
})

t.test('needs the admin token on both routes when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'admin-scenario' })
  expectError(t, await app.inject({ url: '/_mock/scenario' }), 401, 'admin_token_required', 'UNAUTHENTICATED', /./, '_mock')
  expectError(t, await put(app, {}), 401, 'admin_token_required', 'UNAUTHENTICATED', /./, '_mock')
  t.equal((await put(app, {}, { 'x-mock-admin-token': 'admin-scenario' })).statusCode, 200)
})

t.test('scenario files: YAML or JSON; errors name the file, the line and the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-scenario-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { app } = await buildTestApp(t)
  const scenarios = new ScenarioService(app.services)
  const apply = (path: string) => applyScenarioFile(path, (doc) => scenarios.apply(doc))

  const good = join(dir, 'good.yaml')
  writeFileSync(good, `# A blocked account and a slow customers list\nseed:\n  accounts:\n    - id: ${ACCOUNT_ID}\n      status: BLOCKED\nfaults:\n  - path: /v1/customers\n    delay_ms: 5\nclock:\n  set: 2030-05-01T08:00:00.000Z\n`)
  const outcome = await apply(good)
  t.equal(outcome.seed?.accounts[0]?.id, ACCOUNT_ID)
  t.equal(outcome.clock.now.toISOString(), '2030-05-01T08:00:00.000Z', 'a YAML timestamp is read as the text it is')

  const badYaml = join(dir, 'bad.yaml')
  writeFileSync(badYaml, 'seed:\n  accounts:\n    - available_balance: "1"\n      status: ASLEEP\n')
  await t.rejects(apply(badYaml), new ScenarioFileError(`${badYaml}:4:15: Field 'seed.accounts[0].status' must be one of: ACTIVE, INACTIVE, BLOCKED, CLOSED`))

  // A missing field: the line of the object that lacks it.
  const badJson = join(dir, 'bad.json')
  writeFileSync(badJson, JSON.stringify({ faults: [{ path: '/v1/customers' }] }, null, 2))
  await t.rejects(apply(badJson), { message: new RegExp(`^${badJson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:5: Field 'faults\\[0\\]\\.status' or 'faults\\[0\\]\\.delay_ms' is required$`) })

  const broken = join(dir, 'broken.yaml')
  writeFileSync(broken, 'seed:\n  accounts: [\n')
  await t.rejects(apply(broken), { name: 'ScenarioFileError', message: new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: not valid YAML or JSON`) })
  await t.rejects(apply(join(dir, 'missing.yaml')), { message: `cannot read scenario ${join(dir, 'missing.yaml')}: no such file` })
  t.same(fieldPath('seed.accounts[0].status'), ['seed', 'accounts', 0, 'status'])
})

t.test('the README’s scenario file applies as written', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { PACKAGE_ROOT } = await import('../../src/config.js')
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8')
  const block = /```yaml\n(# qa\/blocked\.yaml\n[\s\S]*?)```/.exec(readme)?.[1]
  t.ok(block, 'the README has it')
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-scenario-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'blocked.yaml'), block ?? '')
  const { app } = await buildTestApp(t)
  const outcome = await applyScenarioFile(join(dir, 'blocked.yaml'), (doc) => new ScenarioService(app.services).apply(doc))
  t.equal(outcome.seed?.accounts[0]?.status, 'BLOCKED')
  t.equal(outcome.faults.length, 1)
  t.equal(outcome.webhooks.length, 1)
  t.equal(outcome.paymentAuthorizations.length, 1)
  t.same(outcome.clock, { now: new Date('2026-03-01T09:00:00.000Z'), frozen: true })
})
