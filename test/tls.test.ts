import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import t, { type Test } from 'tap'
import { CA_CERT_FILE, generateTlsFiles, TLS_CERT_FILE, TLS_KEY_FILE } from '../src/tls.js'
import { CLI_JS, SERVER_JS, spawnServer } from './helpers/spawn-server.js'

const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const CLIENT = { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }

interface Answer {
  status: number
  body: string
}

/** One HTTPS request that trusts only `ca` (certificate checks on: no rejectUnauthorized:false). */
function httpsRequest(url: string, ca: string | undefined, options: { method?: string; body?: string; headers?: Record<string, string>; servername?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', ca, headers: options.headers, servername: options.servername, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

function tempDir(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-tls-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The docs' account over HTTPS and over HTTP from the same server, trace ids aside. */
async function sameAnswerBothWays(t: Test, httpsUrl: string, httpUrl: string, ca: string) {
  const token = await httpsRequest(`${httpsUrl}/v1/iam/oauth/tokens`, ca, { method: 'POST', body: JSON.stringify(CLIENT), headers: { 'content-type': 'application/json' } })
  t.equal(token.status, 200, 'a token over HTTPS')
  const auth = { authorization: `Bearer ${(JSON.parse(token.body) as { access_token: string }).access_token}` }
  const overHttps = await httpsRequest(`${httpsUrl}/v1/accounts/${DOCS_ACCOUNT}`, ca, { headers: auth })
  const overHttp = await fetch(`${httpUrl}/v1/accounts/${DOCS_ACCOUNT}`, { headers: auth })
  t.equal(overHttps.status, 200)
  t.equal(overHttps.body, await overHttp.text(), 'the same account, byte for byte, over HTTPS and HTTP (one token serves both: one app)')
  const bad = await httpsRequest(`${httpsUrl}/v1/accounts/not-a-uuid`, ca, { headers: auth })
  t.equal(bad.status, 400)
  t.match(JSON.parse(bad.body), { code: 'invalid_parameter_value', http_code: 400, url: '/v1/accounts/not-a-uuid' }, 'errors in the contract’s body')
}


t.before(() => {
  if (!existsSync(SERVER_JS)) throw new Error('dist/ is missing: run npm run build first')
})

t.test('TLS_PORT: HTTPS beside HTTP with a certificate made at first start beside the database, trusted through its CA file (issue 13 §4)', async (t) => {
  const dir = tempDir(t)
  const env = { DATABASE_PATH: join(dir, 'mock.sqlite'), TLS_PORT: '0' }
  const server = await spawnServer(t, SERVER_JS, [], env)
  const { banner } = server
  t.match(banner.https_url, /^https:\/\/127\.0\.0\.1:\d+$/)
  t.equal(banner.ca_cert, join(dir, CA_CERT_FILE), 'the banner names the CA file beside the database')
  for (const file of [CA_CERT_FILE, TLS_CERT_FILE, TLS_KEY_FILE]) t.ok(existsSync(join(dir, file)), `${file} is kept`)
  const ca = readFileSync(banner.ca_cert as string, 'utf8')

  const leaf = new X509Certificate(readFileSync(join(dir, TLS_CERT_FILE)))
  t.equal(leaf.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1', 'for localhost, 127.0.0.1 and ::1')
  t.ok(leaf.checkIssued(new X509Certificate(ca)), 'signed by the CA')

  await sameAnswerBothWays(t, banner.https_url as string, banner.base_url, ca)
  const port = new URL(banner.https_url as string).port
  const byName = await httpsRequest(`https://127.0.0.1:${port}/_mock/health`, ca, { servername: 'localhost' })
  t.equal(byName.status, 200, 'the name localhost is in the certificate too')
  await t.rejects(httpsRequest(`${banner.https_url}/_mock/health`, undefined), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }, 'without the CA a client refuses it: the check above is real')
  t.equal((await server.stop()).code, 0, 'SIGTERM closes both servers cleanly')

  // A restart keeps the files: a client trusts the CA once.
  const again = await spawnServer(t, SERVER_JS, [], env)
  t.equal(readFileSync(join(dir, CA_CERT_FILE), 'utf8'), ca, 'the same CA after a restart')
  const health = await httpsRequest(`${again.banner.https_url}/_mock/health`, ca)
  t.equal(health.status, 200)
  await again.stop()
})

t.test('passport-mock serve --tls-port with a :memory: database: the files live in a temporary folder, removed at close', async (t) => {
  const server = await spawnServer(t, CLI_JS, ['serve', '--tls-port', '0', '--database-path', ':memory:'])
  const caPath = server.banner.ca_cert as string
  t.ok(caPath.startsWith(tmpdir()), 'in the temporary folder')
  const ca = readFileSync(caPath, 'utf8')
  await sameAnswerBothWays(t, server.banner.https_url as string, server.banner.base_url, ca)
  t.equal((await server.stop()).code, 0)
  t.notOk(existsSync(caPath), 'removed at close')
})

t.test('TLS_CERT and TLS_KEY given: served as they are; the banner names TLS_CERT', async (t) => {
  const dir = tempDir(t)
  await generateTlsFiles(dir)
  const server = await spawnServer(t, SERVER_JS, [], { DATABASE_PATH: ':memory:', TLS_PORT: '0', TLS_CERT: join(dir, TLS_CERT_FILE), TLS_KEY: join(dir, TLS_KEY_FILE) })
  t.equal(server.banner.ca_cert, join(dir, TLS_CERT_FILE))
  await sameAnswerBothWays(t, server.banner.https_url as string, server.banner.base_url, readFileSync(join(dir, CA_CERT_FILE), 'utf8'))
  await server.stop()
  t.ok(existsSync(join(dir, TLS_CERT_FILE)), 'given files are never removed')
})

t.test('an unreadable TLS_CERT stops the start with one line naming the port, exit 1', async (t) => {
  const { spawnSync } = await import('node:child_process')
  const run = spawnSync(process.execPath, [SERVER_JS], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', DATABASE_PATH: ':memory:', LOG_LEVEL: 'warn', TLS_PORT: '0', TLS_CERT: '/nonexistent/mock.crt', TLS_KEY: '/nonexistent/mock.key' },
    encoding: 'utf8',
    timeout: 15000,
  })
  t.equal(run.status, 1)
  t.match(run.stderr, /^passport-mock: cannot serve HTTPS on 127\.0\.0\.1:0: .*nonexistent\/mock\.(crt|key)/)
  t.notMatch(run.stderr, '    at ', 'no stack trace')
})
