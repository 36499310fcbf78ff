import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { PACKAGE_ROOT } from '../../src/config.js'
import { type PassportMock, PassportMockError, startPassportMock } from '../../src/testing.js'

const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

async function start(t: { teardown(fn: () => unknown): void }, options?: Parameters<typeof startPassportMock>[0]): Promise<PassportMock> {
  const mock = await startPassportMock(options)
  t.teardown(() => mock.close())
  return mock
}

async function token(mock: PassportMock, clientId = mock.clientId, clientSecret = mock.clientSecret): Promise<string> {
  const res = await fetch(`${mock.url}/v1/iam/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }),
  })
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { access_token: string }).access_token
}

async function get(mock: PassportMock, path: string, accessToken: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${mock.url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } })
  return { status: res.status, body: await res.json() }
}

async function available(mock: PassportMock, accessToken: string, accountId = DOCS_ACCOUNT): Promise<string> {
  return (await get(mock, `/v1/accounts/${accountId}`, accessToken)).body.available_balance.value
}

async function inbound(mock: PassportMock, value: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${mock.url}/_mock/simulations/inbound-payment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ account_id: DOCS_ACCOUNT, amount: { value, currency: 'COP' } }),
  })
  await res.arrayBuffer()
  return res.status
}

/** Runs a node script; resolves with its exit code, output and how long it took, or kills it after `limitMs`. */
function runNode(args: string[], cwd: string, limitMs = 15000): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started })
    })
  })
}

t.test('starts on a free port of 127.0.0.1 and serves the docs’ example account to the default client', async (t) => {
  const mock = await start(t)
  t.match(mock.url, /^http:\/\/127\.0\.0\.1:[0-9]+$/)
  t.not(new URL(mock.url).port, '8080', 'a free port, not the default one')
  t.equal(mock.clientId, 'passport-mock-client')
  t.equal(mock.clientSecret, 'passport-mock-secret')
  const health = await fetch(`${mock.url}/_mock/health`)
  t.same(await health.json(), { status: 'ok' })
  const account = await get(mock, `/v1/accounts/${DOCS_ACCOUNT}`, await token(mock))
  t.equal(account.status, 200)
  t.match(account.body, { id: DOCS_ACCOUNT, account_number: '88827643001', status: 'ACTIVE', available_balance: { value: '90000000000000000', currency: 'COP' } })
})

t.test('reset brings the fixtures back and keeps issued tokens unless asked', async (t) => {
  const mock = await start(t)
  const accessToken = await token(mock)
  t.equal(await inbound(mock, '1000.50'), 200)
  t.equal(await available(mock, accessToken), '90000000000001000.50')
  await mock.reset()
  t.equal(await available(mock, accessToken), '90000000000000000', 'the fixture balance is back, and the token still works')
  await mock.reset({ tokens: true })
  const refused = await get(mock, `/v1/accounts/${DOCS_ACCOUNT}`, accessToken)
  t.equal(refused.status, 401)
  t.equal(refused.body.code, 'invalid_token', '{ tokens: true } drops issued tokens')
})

t.test('seed creates an isolated entity whose client works, and a bad document rejects naming the field', async (t) => {
  const mock = await start(t)
  const result = await mock.seed({ entity: { name: 'ci-job-42' }, accounts: [{ status: 'BLOCKED', available_balance: '500.25' }] })
  t.equal(result.entity?.name, 'ci-job-42')
  t.equal(result.accounts.length, 1)
  t.match(result.accounts[0], { status: 'BLOCKED', available_balance: { value: '500.25', currency: 'COP' } })
  const client = result.client
  if (!client) throw new Error('no client for the new entity')
  const own = await get(mock, '/v1/accounts', await token(mock, client.client_id, client.client_secret))
  t.same(
    own.body.accounts.map((a: { id: string }) => a.id),
    [result.accounts[0]?.id],
    'the new entity sees only its own account',
  )
  const fromDefault = await get(mock, `/v1/accounts/${result.accounts[0]?.id}`, await token(mock))
  t.equal(fromDefault.status, 403, 'the default entity cannot read it')

  const bad = await mock.seed({ accounts: [{ status: 'OPEN' }] } as never).then(
    () => undefined,
    (error: unknown) => error,
  )
  t.ok(bad instanceof PassportMockError, 'a refused document rejects with PassportMockError')
  t.equal((bad as PassportMockError).status, 400)
  t.match((bad as PassportMockError).body, { code: 'invalid_parameter_value', message: /accounts/ })
  t.match((bad as PassportMockError).message, /^POST \/_mock\/seed answered 400: .*accounts/)
})

t.test('two mocks in one process are independent', async (t) => {
  const first = await start(t)
  const second = await start(t)
  t.not(first.url, second.url)
  const firstToken = await token(first)
  const secondToken = await token(second)
  t.equal(await inbound(first, '5'), 200)
  t.equal(await available(first, firstToken), '90000000000000005')
  t.equal(await available(second, secondToken), '90000000000000000', 'the other mock’s database is its own')
  const foreign = await get(second, `/v1/accounts/${DOCS_ACCOUNT}`, firstToken)
  t.equal(foreign.status, 401, 'a token of one mock means nothing to the other')
  await first.close()
  t.equal(await available(second, secondToken), '90000000000000000', 'closing one leaves the other serving')
})

t.test('takes the configuration as options: token lifetime, admin token, webhook URL', async (t) => {
  const received: string[] = []
  const receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push(body)
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => receiver.close(() => resolve())))
  const { port } = receiver.address() as { port: number }

  const mock = await start(t, { tokenTtlSeconds: 60, mockAdminToken: 'qa-secret', webhookUrl: `http://127.0.0.1:${port}/hooks`, webhookMode: 'once' })
  const res = await fetch(`${mock.url}/v1/iam/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: mock.clientId, client_secret: mock.clientSecret, grant_type: 'client_credentials' }),
  })
  t.equal(((await res.json()) as { expires_in: number }).expires_in, 60)
  t.equal(await inbound(mock, '1'), 401, 'the control plane needs the admin token')
  t.equal(await inbound(mock, '1', { 'x-mock-admin-token': 'qa-secret' }), 200)

  // The mock's own sweeper sends the events (every 100 ms of real time): wait for them, up to 5 s.
  const deadline = performance.now() + 5000
  while (received.length < 2 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.same(
    received.map((body) => (JSON.parse(body) as { type: string }).type),
    ['payment.inbound.received', 'payment.inbound.confirmed'],
    'WEBHOOK_URL gets the events',
  )
  await mock.reset()
  t.pass('reset() sends the admin token itself')
})

t.test('close is idempotent and frees the port', async (t) => {
  const mock = await startPassportMock()
  await token(mock)
  await Promise.all([mock.close(), mock.close()])
  await mock.close()
  const after = await fetch(`${mock.url}/_mock/health`).then(
    () => 'answered',
    () => 'refused',
  )
  t.equal(after, 'refused', 'nothing listens any more')
})

t.test('after close no handle keeps the process alive', async (t) => {
  const helper = pathToFileURL(join(PACKAGE_ROOT, 'src', 'testing.ts')).href
  // Keep-alive fetches, a webhook send in flight to nowhere, a reset: then close, and no process.exit.
  const script = `
    import { startPassportMock } from ${JSON.stringify(helper)}
    const mock = await startPassportMock({ webhookUrl: 'http://127.0.0.1:9/hooks', webhookMode: 'retry' })
    const res = await fetch(mock.url + '/v1/iam/oauth/tokens', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: mock.clientId, client_secret: mock.clientSecret, grant_type: 'client_credentials' }) })
    const { access_token } = await res.json()
    const account = await fetch(mock.url + '/v1/accounts/${DOCS_ACCOUNT}', { headers: { authorization: 'Bearer ' + access_token } })
    await fetch(mock.url + '/_mock/simulations/inbound-payment', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: '${DOCS_ACCOUNT}', amount: { value: '1', currency: 'COP' } }) }).then((r) => r.arrayBuffer())
    await mock.reset()
    process.stdout.write(JSON.stringify({ status: account.status }))
    await mock.close()
  `
  const run = await runNode(['--import=tsx', '--input-type=module', '--eval', script], PACKAGE_ROOT)
  t.equal(run.stderr, '', 'nothing on stderr')
  t.same(JSON.parse(run.stdout || '{}'), { status: 200 }, 'the child used the mock')
  t.equal(run.signal, null, 'not killed: it exited by itself')
  t.equal(run.code, 0)
  t.ok(run.ms < 10000, `exited within 10 s (${Math.round(run.ms)} ms)`)
})

t.test('a consumer imports it as passport-paas-mock/testing through the package’s exports', async (t) => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string> }
  t.equal(pkg.name, 'passport-paas-mock')
  t.equal(pkg.exports['./testing'], './dist/testing.js')
  t.ok(existsSync(join(PACKAGE_ROOT, 'dist', 'testing.js')), 'the build exists (npm test builds first)')
  t.ok(existsSync(join(PACKAGE_ROOT, 'dist', 'testing.d.ts')), 'with its type declarations')

  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-consumer-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(PACKAGE_ROOT, join(dir, 'node_modules', 'passport-paas-mock'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  writeFileSync(
    join(dir, 'consumer.js'),
    `import { startPassportMock } from 'passport-paas-mock/testing'
const mock = await startPassportMock()
const res = await fetch(mock.url + '/v1/iam/oauth/tokens', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ client_id: mock.clientId, client_secret: mock.clientSecret, grant_type: 'client_credentials' }) })
console.log(JSON.stringify({ status: res.status, token_type: (await res.json()).token_type }))
await mock.close()
`,
  )
  const run = await runNode(['consumer.js'], dir)
  t.equal(run.stderr, '')
  t.same(JSON.parse(run.stdout || '{}'), { status: 200, token_type: 'Bearer' })
  t.equal(run.code, 0, 'and exits by itself')
})
