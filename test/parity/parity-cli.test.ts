import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startPassportMock } from '../../src/testing.js'
import { runCli } from '../helpers/run-cli.js'

// Issue 12: `passport-mock parity` against a mock (no difference), against a deliberately drifted
// upstream (each drift reported once), and with nothing secret in what it writes. Every request
// goes to 127.0.0.1: the "sandbox" here is another mock, behind a small proxy when it must drift.

const SECRET = 'passport-mock-secret'

/** `passport-mock parity …` */
const run = (args: string[]) => runCli(['parity', ...args])

function tempDir(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-parity-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function mock(t: { teardown(fn: () => unknown): void }) {
  const m = await startPassportMock()
  t.teardown(() => m.close())
  return m
}

type Drift = (req: { method: string; path: string }, res: { status: number; body: Record<string, unknown> | undefined }) => void

/** A proxy in front of `upstream` that applies `drift` to JSON answers and remembers every token it saw. */
async function proxy(t: { teardown(fn: () => unknown): void }, upstream: string, drift: Drift, answerFirst?: (n: number) => number | undefined) {
  const tokens = new Set<string>()
  let n = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      n++
      const early = answerFirst?.(n)
      if (early !== undefined) {
        res.writeHead(early, { 'content-type': 'application/json' }).end('{}')
        return
      }
      const auth = req.headers.authorization
      if (auth?.startsWith('Bearer ')) tokens.add(auth.slice(7))
      const headers: Record<string, string> = {}
      for (const name of ['authorization', 'content-type']) if (req.headers[name]) headers[name] = req.headers[name] as string
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined
      const upstreamRes = await fetch(upstream + (req.url ?? '/'), { method: req.method, headers, body })
      const text = await upstreamRes.text()
      let json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>)
      if (typeof json?.access_token === 'string') tokens.add(json.access_token)
      const answer = { status: upstreamRes.status, body: json }
      drift({ method: req.method ?? 'GET', path: req.url ?? '/' }, answer)
      json = answer.body
      res.writeHead(answer.status, { 'content-type': upstreamRes.headers.get('content-type') ?? 'application/json', 'x-trace-id': upstreamRes.headers.get('x-trace-id') ?? '' })
      res.end(json === undefined ? '' : JSON.stringify(json))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens }
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? allFiles(path) : [path]
  })
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

t.test('parity of a mock against another mock finds no difference and exits 0', async (t) => {
  const target = await mock(t)
  const out = tempDir(t)
  const res = await run(['--target', target.url, '--client-id', target.clientId, '--client-secret', target.clientSecret, '--out', out, '--rate', '1000', '--include', 'payments'])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /^\d+ steps, 0 differences; report in /)
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { differences: unknown[]; steps: { name: string; verdict: string; target: { status: number } }[]; left_on_target: string[] }
  t.same(report.differences, [])
  t.ok(report.steps.length >= 50, `${report.steps.length} steps`)
  t.ok(report.steps.every((s) => s.verdict === 'same'))
  for (const name of ['tokens.create', 'customers.link', 'keys.delete.again', 'qrcodes.decode', 'payments.create', 'tokens.use_revoked']) {
    t.ok(report.steps.some((s) => s.name === name), `runs ${name}`)
  }
  t.equal(report.steps.find((s) => s.name === 'keys.delete.again')?.target.status, 404)
  t.same(
    report.left_on_target.map((l) => l.replace(new RegExp(UUID), '<id>')),
    ['customer (no DELETE route) <id>', 'account (no DELETE route) <id>', 'payment (no DELETE route) <id>'],
    'deletes what it can and lists the rest',
  )
  t.equal(readdirSync(join(out, 'snapshots')).length, report.steps.length, 'one snapshot per step')
  t.match(readFileSync(join(out, 'report.md'), 'utf8'), /\| 1 \| tokens\.create \| `POST \/v1\/iam\/oauth\/tokens` \| 200 \| 200 \| same \|/)
})

t.test('parity against a running mock (--mock) compares with that one', async (t) => {
  const [target, other] = [await mock(t), await mock(t)]
  const out = tempDir(t)
  const res = await run(['--target', target.url, '--client-id', target.clientId, '--client-secret', target.clientSecret, '--out', out, '--rate', '1000', '--mock', other.url])
  t.equal(res.code, 0, res.stderr)
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { mock: string; steps: { name: string }[] }
  t.equal(report.mock, other.url)
  t.notOk(report.steps.some((s) => s.name.startsWith('payments.')), 'no payment without --include payments')
})

t.test('parity against a drifted upstream reports each drift once and exits 1, writing no secret', async (t) => {
  const upstream = await mock(t)
  const uuid = new RegExp(`^/v1/accounts/${UUID}$`)
  const drifted = await proxy(t, upstream.url, (req, res) => {
    if (req.method === 'GET' && uuid.test(req.path) && res.status === 200 && res.body) {
      // a renamed field
      res.body.number = res.body.account_number
      delete res.body.account_number
    }
    if (req.method === 'GET' && uuid.test(req.path) && res.status === 404 && res.body) res.body.code = 'not_found' // an error code
    if (req.method === 'PATCH' && req.path.endsWith('/suspend') && res.status === 200) res.status = 202 // a status
    if (req.method === 'GET' && new RegExp(`^/v1/customers/${UUID}$`).test(req.path) && res.status === 200 && res.body) {
      res.body.merchant_category_code = Number(res.body.merchant_category_code) // a type
    }
    if (req.method === 'GET' && req.path.startsWith('/v1/recipients/breb/') && res.body) delete res.body.alias // a dropped field
  })
  const out = tempDir(t)
  const res = await run(['--target', drifted.url, '--client-id', upstream.clientId, '--client-secret', SECRET, '--out', out, '--rate', '1000'])
  t.equal(res.code, 1, res.stderr)
  t.match(res.stdout, /, 5 differences; report in /)
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { differences: { step: string; path: string; kind: string; target: string; mock: string }[] }
  t.same(
    report.differences.map((d) => [d.step, d.path, d.kind, d.target, d.mock]),
    [
      ['errors.unknown_id', 'body.code', 'value', '"not_found"', '"account_not_found"'],
      ['customers.get', 'body.merchant_category_code', 'type', 'number(integer)', 'string(integer)'],
      ['accounts.get', 'body.number', 'renamed', 'number', 'account_number'],
      ['keys.suspend', 'status', 'status', '202', '200'],
      ['recipients.get', 'body.alias', 'extra_in_mock', '(absent)', 'string'],
    ],
  )
  const md = readFileSync(join(out, 'report.md'), 'utf8')
  t.match(md, /\| keys\.suspend \| `PATCH \/v1\/keys\/\{\{key_id\}\}\/suspend` \| 202 \| 200 \| \*\*1 different\*\* \|/)

  // Redaction: the client secret and every token the proxy saw appear in no file and on no terminal line.
  t.ok(drifted.tokens.size >= 2, `the proxy saw ${drifted.tokens.size} tokens`)
  const files = allFiles(out)
  t.ok(files.length > 50)
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    t.notOk(text.includes(SECRET), `${file} has no client secret`)
    for (const token of drifted.tokens) if (text.includes(token)) t.fail(`${file} holds an access token`)
    t.notOk(/Bearer [0-9a-f]{16}/i.test(text), `${file} has no Authorization header`)
  }
  t.notOk(res.stdout.includes(SECRET) || res.stderr.includes(SECRET))
  const link = JSON.parse(readFileSync(join(out, 'snapshots', '12-customers.link.json'), 'utf8')) as { response: { body: Record<string, string> }; request: { body: Record<string, string> } }
  t.match(link.response.body.identification_number, /^[0-9]{9}$/, 'a NIT stays nine digits')
  t.equal(link.response.body.identification_number, link.request.body.identification_number, 'the same placeholder in request and answer')
  t.match(link.response.body.email, /^x{6}-[x0-9]{8}@x{7}\.x{3}$/, 'an e-mail keeps its form, not its letters')
  const token = JSON.parse(readFileSync(join(out, 'snapshots', '01-tokens.create.json'), 'utf8')) as { request: { body: Record<string, string> }; response: { body: Record<string, string> } }
  t.equal(token.request.body.client_secret, '<redacted>')
  t.match(token.response.body.access_token, /^[0-9a-f]{64}$/, 'a token becomes another of its form')
})

t.test('exits 2 with one line when the target cannot be reached, answers 429 or times out', async (t) => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  const out = tempDir(t)
  const args = ['--client-id', 'x', '--client-secret', SECRET, '--rate', '1000']
  const unreachable = await run(['--target', `http://127.0.0.1:${port}`, '--out', out, ...args])
  t.equal(unreachable.code, 2)
  t.match(unreachable.stderr, /^passport-mock parity: cannot reach the target at http:\/\/127\.0\.0\.1:\d+ \(POST \/v1\/iam\/oauth\/tokens\): ECONNREFUSED/)

  const upstream = await mock(t)
  const limited = await proxy(t, upstream.url, () => undefined, (n) => (n === 3 ? 429 : undefined))
  const res = await run(['--target', limited.url, '--out', out, ...args])
  t.equal(res.code, 2)
  t.match(res.stderr, /the target answered 429 \(rate limited\): try again later with a lower --rate/)
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { stopped: string; steps: unknown[] }
  t.equal(report.steps.length, 2, 'the report shows how far it got')
  t.match(report.stopped, /429/)

  const hanging = createServer(() => undefined)
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    hanging.closeAllConnections()
    return new Promise((resolve) => hanging.close(resolve))
  })
  const slow = await run(['--target', `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, '--out', out, '--timeout-ms', '300', ...args])
  t.equal(slow.code, 2)
  t.match(slow.stderr, /cannot reach the target .*TimeoutError/)
})

t.test('refuses bad usage with exit 2', async (t) => {
  const out = tempDir(t)
  t.match(await run(['--out', out, '--client-id', 'x', '--client-secret', 'y']), { code: 2, stderr: /missing --target/ })
  t.match(await run(['--target', 'ftp://x', '--out', out, '--client-id', 'x', '--client-secret', 'y']), { code: 2, stderr: /must be an http\(s\) URL/ })
  t.match(await run(['--target', 'http://u:p@127.0.0.1:1', '--out', out, '--client-id', 'x', '--client-secret', 'y']), { code: 2, stderr: /must not carry credentials/ })
  t.match(await run(['--target', 'http://127.0.0.1:1', '--out', out, '--client-id', 'x', '--client-secret', 'y', '--rate', '0']), { code: 2, stderr: /--rate must be a positive number/ })
  t.match(await run(['--target', 'http://127.0.0.1:1', '--out', out, '--client-id', 'x', '--client-secret', 'y', '--include', 'everything']), { code: 2, stderr: /--include takes only "payments"/ })
})
