import { join } from 'node:path'
import t from 'tap'
import { PACKAGE_ROOT } from '../../src/config.js'
import { Redactor } from '../../src/parity/redact.js'
import { recordScenario } from '../../src/parity/run-parity.js'
import { SCENARIO } from '../../src/parity/scenario.js'
import { checkSnapshot, loadSnapshots } from '../../src/parity/snapshots.js'
import { startPassportMock } from '../../src/testing.js'

// Issue 12 §3: what the real sandbox is known to answer (reference/clients.md), kept as snapshot
// files with their source, run against the mock. A snapshot written by `passport-mock parity`
// can be added to test/sandbox-snapshots/ as it is (README: "Contribute a sandbox snapshot").
const DIR = join(PACKAGE_ROOT, 'test', 'sandbox-snapshots')
const snapshots = loadSnapshots(DIR)

t.test('every snapshot names its source and a step of the parity scenario', async (t) => {
  t.ok(snapshots.length >= 12, `${snapshots.length} snapshots`)
  const steps = new Set(SCENARIO.map((s) => s.name))
  for (const { file, snapshot } of snapshots) {
    t.ok(snapshot.source.length > 20, `${file} names its source`)
    t.ok(steps.has(snapshot.step), `${file}: step ${snapshot.step} is in the scenario`)
    t.equal(typeof snapshot.response.status, 'number', `${file} has a status`)
  }
})

t.test('the mock answers every step as the sandbox did', async (t) => {
  const mock = await startPassportMock()
  t.teardown(() => mock.close())
  const answers = await recordScenario({ baseUrl: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret }, { includePayments: false, timeoutMs: 10_000, redactor: new Redactor() })
  for (const { file, snapshot } of snapshots) {
    const answer = answers.get(snapshot.step)
    if (!answer) {
      t.fail(`${file}: the scenario did not run ${snapshot.step}`)
      continue
    }
    t.same(checkSnapshot(snapshot, answer), [], `${file} (${snapshot.source.slice(0, 90)}…)`)
  }
})

t.test('a snapshot check fails on each kind of drift', async (t) => {
  const decode = snapshots.find((s) => s.file === 'qrcodes.decode.json')?.snapshot
  const vat = snapshots.find((s) => s.file === 'qrcodes.create.static_without_vat.json')?.snapshot
  if (!decode || !vat) throw new Error('the QR snapshots are missing')
  const body = { status: 'ACTIVE', type: 'STATIC', channel: 'MPOS', acquirer_network_identifier: 'VISI', key: { key_type: 'BCODE', key_value: '0012345678' }, merchant: { merchant_country: 'CO' }, vat: {} }
  t.same(checkSnapshot(decode, { status: 200, body }), [], 'fields the sandbox did not show are not compared')
  t.match(checkSnapshot(decode, { status: 200, body: { ...body, additional_info: { transaction_purpose: 'PURCHASE' } } }), [{ path: 'body.additional_info', kind: 'extra_in_mock' }])
  t.match(checkSnapshot(decode, { status: 200, body: { ...body, channel: 'POS' } }), [{ path: 'body.channel', kind: 'value' }])
  t.match(checkSnapshot(decode, { status: 200, body: { ...body, merchant: {} } }), [{ path: 'body.merchant.merchant_country', kind: 'missing_in_mock' }])
  t.match(checkSnapshot(vat, { status: 400, body: { code: 'invalid_parameter_value', message: "Field 'vat' is missing" } }), [{ path: 'body.message', kind: 'value' }])
  t.match(checkSnapshot(vat, { status: 422, body: { code: 'invalid_parameter_value', message: "Field 'vat' is required" } }), [{ path: 'status', kind: 'status' }])
})
