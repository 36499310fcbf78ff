import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { PACKAGE_ROOT } from '../../src/config.js'

// Issue 13 §2: the typed control client as a consumer gets it, from the packed tarball: a scratch
// project runs a node:test file against it, and type-checks a TypeScript test with strict options
// and skipLibCheck false (the published declarations must stand on their own).

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string }

/** A scratch project with the packed package installed, its dependencies linked from ours. */
function consumerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-consumer-'))
  // --ignore-scripts: the build is there already, and a prepare run would rewrite dist/ under other tests.
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: PACKAGE_ROOT, encoding: 'utf8' })
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`)
  const tarball = (JSON.parse(packed.stdout) as { filename: string }[])[0]?.filename as string
  const target = join(dir, 'node_modules', ...pkg.name.split('/'))
  mkdirSync(target, { recursive: true })
  const unpacked = spawnSync('tar', ['-xzf', join(dir, tarball), '-C', target, '--strip-components=1'])
  if (unpacked.status !== 0) throw new Error(`tar failed: ${unpacked.stderr}`)
  for (const name of readdirSync(join(PACKAGE_ROOT, 'node_modules'))) {
    if (name.startsWith('.') || name === pkg.name) continue
    symlinkSync(join(PACKAGE_ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  return dir
}

t.test('a node:test suite uses the packed package’s typed control client', async (t) => {
  const dir = consumerProject()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(
    join(dir, 'mock.test.js'),
    `import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startPassportMock } from '${pkg.name}/testing'

test('a 503 once, then the account', async (t) => {
  const mock = await startPassportMock()
  t.after(() => mock.close())
  const token = await mock.token()
  await mock.faults.add({ path: '/v1/accounts/:account_id', status: 503, times: 1 })
  const url = mock.url + '/v1/accounts/6c23f053-0e1a-46b4-b902-97ba47e351bc'
  const headers = { authorization: 'Bearer ' + token }
  assert.equal((await fetch(url, { headers })).status, 503)
  assert.equal((await (await fetch(url, { headers })).json()).available_balance.value, '90000000000000000')
  const [entry] = await mock.requests({ status: '503' })
  assert.equal(entry.url, '/v1/accounts/6c23f053-0e1a-46b4-b902-97ba47e351bc')
})
`,
  )
  const run = spawnSync(process.execPath, ['--test', 'mock.test.js'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })
  t.equal(run.status, 0, run.stdout + run.stderr)
  t.match(run.stdout, /# pass 1\n# fail 0/)
})

t.test('its declarations type-check in a strict TypeScript project with skipLibCheck off', async (t) => {
  const dir = consumerProject()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'] }, files: ['consumer.ts'] }),
  )
  writeFileSync(
    join(dir, 'consumer.ts'),
    `import { type FaultRule, type Payment, type PassportMock, connectPassportMock, startPassportMock } from '${pkg.name}/testing'

export async function flow(): Promise<string> {
  const mock: PassportMock = await startPassportMock({ tokenTtlSeconds: 60 })
  const rule: FaultRule = await mock.faults.add({ status: 503, times: 1 })
  const inbound: Payment = await mock.simulateInboundPayment({ account_id: rule.id, amount: { value: '1', currency: 'COP' } })
  await mock.clock.advance(61)
  const remote = await connectPassportMock(mock.url, { adminToken: 'x' })
  await remote.close()
  await mock.close()
  return inbound.status
}

// @ts-expect-error: amounts are strings, never numbers
export const wrong = (m: PassportMock) => m.simulateInboundPayment({ account_id: 'x', amount: { value: 1, currency: 'COP' } })
`,
  )
  const tsc = (project: string) => {
    const started = performance.now()
    const run = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, '--listFiles'], { cwd: dir, encoding: 'utf8' })
    return { run, seconds: (performance.now() - started) / 1000, files: run.stdout.split('\n').filter((l) => l.endsWith('.ts')) }
  }
  // The floor on this machine now: the same options on a file that imports nothing of ours.
  writeFileSync(join(dir, 'empty.ts'), 'export const nothing = 0\n')
  writeFileSync(join(dir, 'tsconfig.empty.json'), JSON.stringify({ extends: './tsconfig.json', files: ['empty.ts'] }))
  const floor = tsc('tsconfig.empty.json')
  const ours = tsc('tsconfig.json')
  t.equal(ours.run.status, 0, ours.run.stdout + ours.run.stderr)
  // Fast because small: beyond the floor's files (TypeScript's lib, @types/node), only our own few declarations.
  const extra = ours.files.filter((f) => !floor.files.includes(f)).map((f) => f.replace(/.*\/dist\//, 'dist/').replace(dir, '.'))
  t.same(extra.sort(), ['./consumer.ts', 'dist/config.d.ts', 'dist/core/target-policy.d.ts', 'dist/testing-types.d.ts', 'dist/testing.d.ts'], 'no schema library, no fastify types')
  t.comment(`type-check ${ours.seconds.toFixed(1)} s, the floor ${floor.seconds.toFixed(1)} s`)
})

t.test('a vitest suite uses it the same way', async (t) => {
  const dir = consumerProject()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(
    join(dir, 'mock.test.js'),
    `import { afterAll, beforeAll, expect, test } from 'vitest'
import { startPassportMock } from '${pkg.name}/testing'

let mock
beforeAll(async () => {
  mock = await startPassportMock({ tokenTtlSeconds: 60 })
})
afterAll(() => mock.close())

test('a token expires when the mock clock moves past its lifetime', async () => {
  const token = await mock.token()
  const read = () => fetch(mock.url + '/v1/accounts', { headers: { authorization: 'Bearer ' + token } }).then((r) => r.json())
  expect((await read()).accounts.length).toBeGreaterThan(0)
  await mock.clock.advance(61)
  expect((await read()).code).toBe('token_expired')
})
`,
  )
  const vitest = join(PACKAGE_ROOT, 'node_modules', 'vitest', 'vitest.mjs')
  const run = spawnSync(process.execPath, [vitest, 'run', '--root', dir, '--reporter', 'verbose'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', CI: 'true', NO_COLOR: '1' } })
  t.equal(run.status, 0, run.stdout + run.stderr)
  t.match(run.stdout, /Tests\s+1 passed/)
})
