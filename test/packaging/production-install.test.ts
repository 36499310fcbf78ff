import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { PACKAGE_ROOT } from '../../src/config.js'
import { execForm, readDockerfile, stageEnv } from '../helpers/dockerfile.js'

// Runs the image's exact start command and healthcheck on a production install: a copy of the
// build with dev dependencies pruned, as the Dockerfile's build stage leaves it (issue 2).
const final = readDockerfile(PACKAGE_ROOT).at(-1)!
const cmd = execForm(final.instructions.filter((i) => i.keyword === 'CMD').at(-1)!.args)
const healthcheck = execForm(final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)!.args)

function productionInstall(): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-prod-'))
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(PACKAGE_ROOT, file), join(dir, file))
  for (const folder of ['dist', 'db/migrations', 'fixtures']) cpSync(join(PACKAGE_ROOT, folder), join(dir, folder), { recursive: true })
  // Hard links make the copy instant; npm's own metadata file is copied for real so prune never writes through a link.
  const linked = spawnSync('cp', ['-al', join(PACKAGE_ROOT, 'node_modules'), join(dir, 'node_modules')])
  if (linked.status !== 0) throw new Error(`cp -al failed: ${linked.stderr}`)
  unlinkSync(join(dir, 'node_modules', '.package-lock.json'))
  copyFileSync(join(PACKAGE_ROOT, 'node_modules', '.package-lock.json'), join(dir, 'node_modules', '.package-lock.json'))
  const pruned = spawnSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' })
  if (pruned.status !== 0) throw new Error(`npm prune failed: ${pruned.stderr}`)
  return dir
}

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`no "listening" line in 15 s:\n${out}`)), 15000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${out}`))
    })
  })
}

t.test('serves the docs example account from a pruned production install with the image command', async (t) => {
  t.ok(existsSync(join(PACKAGE_ROOT, 'dist', 'server.js')), 'the build exists (npm ci runs prepare)')
  const dir = productionInstall()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  t.notOk(existsSync(join(dir, 'node_modules', 'typescript')), 'dev dependencies are pruned')
  t.notOk(existsSync(join(dir, 'node_modules', 'tap')), 'the test runner is pruned')

  const env = { ...process.env, ...stageEnv(final), HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: join(dir, 'data', 'passport-mock.sqlite') }
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const url = await waitForListening(child)

  const tokenRes = await fetch(`${url}/v1/iam/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }),
  })
  t.equal(tokenRes.status, 200)
  const { access_token } = (await tokenRes.json()) as { access_token: string }
  const accountRes = await fetch(`${url}/v1/accounts/6c23f053-0e1a-46b4-b902-97ba47e351bc`, { headers: { authorization: `Bearer ${access_token}` } })
  t.equal(accountRes.status, 200)
  t.match(await accountRes.json(), { available_balance: { value: '90000000000000000', currency: 'COP' }, account_number: '88827643001' })

  // Issue 6: the QA console ships in dist/ui and is served from the package, not the working folder.
  const consolePage = await fetch(`${url}/_mock/ui`)
  t.equal(consolePage.status, 200)
  t.equal(consolePage.headers.get('content-type'), 'text/html; charset=utf-8')
  t.match(await consolePage.text(), /QA console/)
  const consoleScript = await fetch(`${url}/_mock/ui/console.js`)
  t.equal(consoleScript.status, 200)
  t.equal(consoleScript.headers.get('content-type'), 'text/javascript; charset=utf-8')

  // Issue 5: dist/server.js is one bundled file; what it leaves out (Swagger UI, loaded on first
  // use; faker, for a seed with generated fields) must load from the pruned node_modules.
  const docsPage = await fetch(`${url}/documentation`)
  t.equal(docsPage.status, 200)
  t.match(await docsPage.text(), /swagger-ui/)
  const docsCss = await fetch(`${url}/documentation/static/swagger-ui.css`)
  t.equal(docsCss.status, 200)
  t.equal((await docsCss.text()).length > 10_000, true, 'Swagger UI’s stylesheet')
  const seeded = await fetch(`${url}/_mock/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customers: [{}] }) })
  t.equal(seeded.status, 200, 'a seed that generates a customer with faker')
  const bearerJson = { 'content-type': 'application/json', authorization: `Bearer ${access_token}` }
  const key = await fetch(`${url}/v1/keys`, {
    method: 'POST',
    headers: bearerJson,
    body: JSON.stringify({ account_id: '6c23f053-0e1a-46b4-b902-97ba47e351bc', key: { key_type: 'PHONE', key_value: '3157770042' } }),
  })
  t.equal(key.status, 200, 'a key for the QR code')
  const { id: keyId } = (await key.json()) as { id: string }
  const qr = await fetch(`${url}/v1/qrcodes`, {
    method: 'POST',
    headers: bearerJson,
    body: JSON.stringify({ key_id: keyId, customer_id: 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e', type: 'STATIC', channel: 'POS', vat: { vat_type: 'FIXED', vat_value: '0' }, inc: { inc_type: 'FIXED', inc_value: '0' } }),
  })
  t.equal(qr.status, 200, 'a QR code, drawn by qrcode')
  t.match(await qr.json(), { qr_code_image: /^iVBORw0KGgo/ }, 'a PNG')

  const port = new URL(url).port
  const healthy = spawnSync(healthcheck[0]!, healthcheck.slice(1), { env: { ...process.env, PORT: port }, timeout: 10000 })
  t.equal(healthy.status, 0, 'the HEALTHCHECK command passes against the running server')

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM closes the server cleanly')
  const unhealthy = spawnSync(healthcheck[0]!, healthcheck.slice(1), { env: { ...process.env, PORT: port }, timeout: 10000 })
  t.equal(unhealthy.status, 1, 'the HEALTHCHECK command fails when the server is down')
})
