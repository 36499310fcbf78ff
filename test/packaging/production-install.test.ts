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

  const port = new URL(url).port
  const healthy = spawnSync(healthcheck[0]!, healthcheck.slice(1), { env: { ...process.env, PORT: port }, timeout: 10000 })
  t.equal(healthy.status, 0, 'the HEALTHCHECK command passes against the running server')

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM closes the server cleanly')
  const unhealthy = spawnSync(healthcheck[0]!, healthcheck.slice(1), { env: { ...process.env, PORT: port }, timeout: 10000 })
  t.equal(unhealthy.status, 1, 'the HEALTHCHECK command fails when the server is down')
})
