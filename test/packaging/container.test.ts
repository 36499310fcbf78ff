import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { parse } from 'yaml'
import { PACKAGE_ROOT } from '../../src/config.js'

// The image built from the Dockerfile and run for real (issue 13 §1), with podman as root:
// Docker's engine does not run on the CI machines, podman with runc does. The base image cannot
// be pulled there, so scripts/container-base.sh first builds a stand-in under the Dockerfile's
// tag from Debian's mirror and the npm registry (kept between runs). scripts/containers.conf
// holds the two settings podman needs on these machines.
const run = promisify(execFile)
const CONTAINERS_CONF = process.env.CONTAINERS_CONF ?? join(PACKAGE_ROOT, 'scripts', 'containers.conf')
const ENV = { ...process.env, CONTAINERS_CONF }
const IMAGE = 'localhost/passport-paas-mock:container-test'
const ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const suffix = `${process.pid}-${Date.now().toString(36)}`

async function podman(args: string[], timeoutMs = 60_000): Promise<string> {
  try {
    const { stdout } = await run('podman', args, { env: ENV, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 })
    return stdout.trim()
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`podman ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.slice(0, 8000))
  }
}

async function havePodman(): Promise<boolean> {
  try {
    await run('podman', ['--version'])
    return true
  } catch {
    return false
  }
}

if (!(await havePodman()) && !process.env.CI) {
  t.plan(0, 'podman is not installed (apt-get install podman runc debootstrap, as .ci/run does) and CI is not set: the image is not built here')
} else {
  // A cold run builds the stand-in base (~1.5 min) and compiles better-sqlite3 (~4 min).
  t.setTimeout(25 * 60_000)
  await containerTests()
}

interface ComposeService {
  build: string
  ports: string[]
  environment: Record<string, string>
  volumes: string[]
  healthcheck?: unknown
}

/** The container's port 8080 as published on a host port of podman's choosing. */
async function startContainer(name: string, extra: string[]): Promise<string> {
  await podman(['run', '--detach', '--runtime', 'runc', '--name', name, '--publish', '127.0.0.1::8080', ...extra, IMAGE])
  const published = await podman(['port', name, '8080/tcp'])
  const port = /:(\d+)\s*$/.exec(published.split('\n')[0]!)?.[1]
  if (!port) throw new Error(`no host port for ${name}: ${published}`)
  return `http://127.0.0.1:${port}`
}

async function removeContainer(name: string) {
  await podman(['rm', '--force', '--time', '2', name]).catch(() => undefined)
}

/**
 * Runs the image's own HEALTHCHECK until it reports healthy. podman schedules healthchecks with
 * systemd timers, and the CI machines have no systemd: `podman healthcheck run` runs the same
 * command on demand and records its result in the container's health status.
 */
async function waitHealthy(name: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    try {
      last = await podman(['healthcheck', 'run', name])
      return await podman(['inspect', '--format', '{{.State.Health.Status}}', name])
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const logs = await podman(['logs', name]).catch((e: Error) => e.message)
  throw new Error(`${name} never reported healthy: ${last}\n${logs}`)
}

async function token(base: string) {
  const res = await fetch(`${base}/v1/iam/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }),
  })
  return { status: res.status, body: (await res.json()) as { access_token: string; expires_in: number } }
}

async function containerTests() {
  const compose = parse(readFileSync(join(PACKAGE_ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>
    volumes: Record<string, unknown>
  }
  const service = Object.values(compose.services)[0]!
  const volume = `passport-mock-test-${suffix}`
  const names = { first: `pm-first-${suffix}`, second: `pm-second-${suffix}`, bind: `pm-bind-${suffix}`, user: `pm-user-${suffix}` }
  t.teardown(async () => {
    for (const name of Object.values(names)) await removeContainer(name)
    await podman(['volume', 'rm', '--force', volume]).catch(() => undefined)
  })

  await t.test('builds exactly the Dockerfile', async (t) => {
    await run('bash', [join(PACKAGE_ROOT, 'scripts', 'container-base.sh')], { env: ENV, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 })
    // --format docker keeps HEALTHCHECK (the OCI format drops it); --pull=never uses the base
    // built above; --network host lets the build reach the registries through the host's setup.
    await podman(['build', '--format', 'docker', '--runtime', 'runc', '--network', 'host', '--pull=never', '--file', 'Dockerfile', '--tag', IMAGE, PACKAGE_ROOT], 15 * 60_000)
    const healthcheck = JSON.parse(await podman(['image', 'inspect', '--format', '{{json .HealthCheck}}', IMAGE])) as { Test: string[] } | null
    t.match(healthcheck?.Test, ['CMD', 'node', '-e', /\/_mock\/health/], 'the image carries the Dockerfile’s HEALTHCHECK')
    t.equal(await podman(['image', 'inspect', '--format', '{{.Config.User}}', IMAGE]), 'node')
  })

  await t.test('runs with the compose service’s settings, healthy, serving a token and the docs’ account', async (t) => {
    // podman cannot read the compose file without podman-compose: its settings are applied as
    // compose would, on a port of podman's choosing instead of 8080.
    t.equal(service.healthcheck, undefined, 'compose uses the image’s healthcheck (one definition)')
    t.same(service.ports, ['127.0.0.1:8080:8080'], 'compose publishes the container’s 8080 on loopback')
    const dataMount = service.volumes.find((v) => v.endsWith(':/data'))
    t.ok(dataMount && compose.volumes[dataMount.split(':')[0]!] !== undefined, 'compose keeps /data on a named volume')
    const env = Object.entries(service.environment).flatMap(([k, v]) => ['--env', `${k}=${v}`])
    const base = await startContainer(names.first, [...env, '--volume', `${volume}:/data`])
    t.equal(await waitHealthy(names.first), 'healthy')

    const { status, body } = await token(base)
    t.equal(status, 200)
    t.equal(body.expires_in, Number(service.environment.TOKEN_TTL_SECONDS), 'compose’s TOKEN_TTL_SECONDS reaches the server')
    const account = await fetch(`${base}/v1/accounts/${ACCOUNT}`, { headers: { authorization: `Bearer ${body.access_token}` } })
    t.equal(account.status, 200)
    t.match(await account.json(), { id: ACCOUNT, available_balance: { value: '90000000000000000', currency: 'COP' } })

    const uid = await podman(['exec', names.first, 'sh', '-c', "awk '/^Uid:/ { print $2 }' /proc/1/status"])
    t.equal(uid, '1000', 'the server process runs as uid 1000')
    t.equal(await podman(['exec', names.first, 'id', '-un']), 'node', 'as the node user')
  })

  await t.test('keeps what was written on its volume across a new container', async (t) => {
    const base = `http://127.0.0.1:${/:(\d+)$/.exec(await podman(['port', names.first, '8080/tcp']))![1]}`
    const { body } = await token(base)
    const headers = { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' }
    const customer = await fetch(`${base}/v1/customers/business/link`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        business_name: 'Tienda Contenedor S.A.S.', email: 'contenedor@example.com', mobile_phone_number: '+573001112244',
        identification_type: 'NIT', identification_number: '901234568', merchant_category_code: '5411',
        address: { line_1: 'Calle 100 # 10-20', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
      }),
    })
    t.equal(customer.status, 200, 'a customer is linked')
    const { id: customerId } = (await customer.json()) as { id: string }
    const linked = await fetch(`${base}/v1/accounts/link`, { method: 'POST', headers, body: JSON.stringify({ customer_id: customerId, account_type: 'ORDINARY', account_number: '123456780' }) })
    t.equal(linked.status, 200, 'an account is linked')
    const { id: accountId } = (await linked.json()) as { id: string }

    await removeContainer(names.first)
    const again = await startContainer(names.second, ['--volume', `${volume}:/data`])
    t.equal(await waitHealthy(names.second), 'healthy')
    const second = await token(again)
    const account = await fetch(`${again}/v1/accounts/${accountId}`, { headers: { authorization: `Bearer ${second.body.access_token}` } })
    t.equal(account.status, 200, 'the account linked before is still there')
    t.match(await account.json(), { id: accountId, account_number: '123456780' })
  })

  await t.test('writes its database to a bind-mounted host folder owned by uid 1000', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'passport-mock-bind-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    // The README's recipe: the image runs as node (1000:1000), so the folder must be its.
    chownSync(dir, 1000, 1000)
    const base = await startContainer(names.bind, ['--volume', `${dir}:/data`])
    t.equal(await waitHealthy(names.bind), 'healthy')
    t.equal((await token(base)).status, 200)
    const file = join(dir, 'passport-mock.sqlite')
    t.ok(existsSync(file), 'the database is in the host folder')
    t.equal(statSync(file).uid, 1000, 'owned by the container’s node user')
  })

  await t.test('runs as another user given --user, on a folder that user owns', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'passport-mock-user-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    // The README's other recipe: keep the host folder's owner and run the image as that owner.
    chownSync(dir, 4321, 4321)
    const base = await startContainer(names.user, ['--user', '4321:4321', '--volume', `${dir}:/data`])
    t.equal(await waitHealthy(names.user), 'healthy')
    t.equal((await token(base)).status, 200)
    t.equal(statSync(join(dir, 'passport-mock.sqlite')).uid, 4321, 'the database belongs to that user')
  })

  await t.test('ships no compiler, build tools or better-sqlite3 build leftovers', async (t) => {
    const check = (script: string) => podman(['run', '--rm', '--runtime', 'runc', '--entrypoint', 'sh', IMAGE, '-c', script])
    t.equal(await check('for c in gcc g++ cc make python3; do command -v $c; done; true'), '', 'no compiler, make or python')
    const leftovers = await check("find /app/node_modules \\( -name '*.o' -o -name '*.a' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.gyp' -o -name '*.gypi' -o -name '*.mk' -o -name 'Makefile' -o -name '*.target.mk' \\) -print | head -n 20")
    t.equal(leftovers, '', 'no object files, archives, C sources or makefiles under node_modules')
    const addon = await check('cd /app/node_modules/better-sqlite3 && find build deps src -type f 2>/dev/null | sort')
    t.equal(addon, 'build/Release/better_sqlite3.node', 'better-sqlite3 keeps only its compiled addon')
    // The final stage adds the app on top of the base: ~38 MB once the 28 MB of leftovers went.
    const size = (ref: string) => podman(['image', 'inspect', '--format', '{{.Size}}', ref]).then(Number)
    const from = /^FROM (\S+)/m.exec(readFileSync(join(PACKAGE_ROOT, 'Dockerfile'), 'utf8'))![1]!
    const added = (await size(IMAGE)) - (await size(`docker.io/library/${from}`))
    t.ok(added < 50_000_000, `the app adds ${(added / 1e6).toFixed(1)} MB to the base (under 50 MB)`)
  })
}
