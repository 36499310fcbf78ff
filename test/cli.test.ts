import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import t from 'tap'
import { PACKAGE_ROOT, SETTINGS } from '../src/config.js'
import { buildTestApp } from './helpers/build-test-app.js'
import { CLI, type CliRun, runCli } from './helpers/run-cli.js'

const run = runCli

function tempDir(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function writeJson(dir: string, name: string, document: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(document))
  return path
}

t.before(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)
})

t.test('the bin is dist/cli.js: a node script with a shebang, executable', async (t) => {
  const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { bin: Record<string, string> }
  t.same(pkg.bin, { 'passport-mock': 'dist/cli.js' })
  const { readFileSync } = await import('node:fs')
  t.match(readFileSync(CLI, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env node$/)
  t.ok((statSync(CLI).mode & 0o111) !== 0, 'executable')
})

t.test('--help lists the commands; each command’s --help its flags, serve’s every setting with its default', async (t) => {
  const [main, help, serve, helpServe, seed, openapi] = await Promise.all([
    run(['--help']),
    run(['help']),
    run(['serve', '--help']),
    run(['help', 'serve']),
    run(['seed', '--help']),
    run(['openapi', '-h']),
  ])
  t.equal(main.code, 0)
  for (const command of ['serve', 'seed FILE --db PATH', 'openapi', 'help [command]']) t.match(main.stdout, command)
  t.equal(main.stderr, '')
  t.equal(help.stdout, main.stdout, '`help` is the same')

  t.equal(serve.code, 0)
  for (const setting of SETTINGS) {
    const flag = `--${setting.env.toLowerCase().replace(/_/g, '-')} <value>`
    const line = serve.stdout.split('\n').find((l) => l.trim().startsWith(flag))
    t.ok(line, `${flag} is listed`)
    t.match(line, `[env ${setting.env}; default: ${setting.defaultText}]`)
  }
  t.equal(helpServe.stdout, serve.stdout, '`help serve` is the same')

  t.equal(seed.code, 0)
  for (const flag of ['--db <path>', '--seed <n>', '--fixtures-path <path>', '--json', '--quiet']) t.match(seed.stdout, flag)
  t.equal(openapi.code, 0)
  t.match(openapi.stdout, /^Usage: passport-mock openapi/)
})

t.test('openapi prints the document the server serves, as JSON, with no server', async (t) => {
  const res = await run(['openapi'])
  t.equal(res.code, 0)
  t.equal(res.stderr, '')
  const printed = JSON.parse(res.stdout) as { openapi: string; paths: Record<string, unknown> }
  t.equal(printed.openapi, '3.1.0')
  t.ok(printed.paths['/_mock/seed'] && printed.paths['/v1/accounts/{account_id}'], 'the control plane and the Passport surface')
  const { app } = await buildTestApp(t)
  // Its servers entry is the configured address, as the server's is when reached there (issue 13 §3).
  t.same(printed, (await app.inject({ url: '/documentation/json', headers: { host: '127.0.0.1:8080' } })).json(), 'the same document as /documentation/json')
  t.same((printed as { servers?: unknown }).servers, [{ url: 'http://127.0.0.1:8080', description: 'This mock' }])
})

t.test('seed applies a document to a database file without a server; a server on that file then sees it', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'nested', 'qa.sqlite')
  const first = await run(['seed', writeJson(dir, 'blocked.json', { accounts: [{ status: 'BLOCKED', available_balance: '500.25' }] }), '--db', db])
  t.equal(first.code, 0, 'exit 0')
  t.match(first.stdout, new RegExp(`^Seeded ${db.replace(/[.]/g, '\\.')} in [0-9.]+ s: 1 customer, 1 account, 0 keys, 0 fault rules\n$`))
  t.equal(first.stderr, '', 'no progress bar for a small document')
  // The seed writes through a rollback journal (src/database/bulk-journal.ts), then puts the WAL back.
  const check = new BetterSqlite3(db, { readonly: true })
  t.equal(check.pragma('journal_mode', { simple: true }), 'wal', 'the file is left in WAL mode')
  check.close()
  t.notOk(existsSync(`${db}-journal`), 'no rollback journal left')

  const second = await run(['seed', writeJson(dir, 'entity.json', { entity: { name: 'ci-job-9' }, accounts: [{ available_balance: '90000000000000001' }] }), '--db', db, '--json'])
  t.equal(second.code, 0, 'exit 0')
  const created = JSON.parse(second.stdout) as { client: { client_id: string; client_secret: string }; accounts: { id: string }[] }

  const { app } = await buildTestApp(t, { databasePath: db })
  const token = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...created.client, grant_type: 'client_credentials' } })
  t.equal(token.statusCode, 200, 'the seeded client authenticates')
  const list = await app.inject({ url: '/v1/accounts', headers: { authorization: `Bearer ${token.json().access_token as string}` } })
  t.match(list.json().accounts, [{ id: created.accounts[0]?.id, available_balance: { value: '90000000000000001', currency: 'COP' } }])
  const admin = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' } })
  const blocked = await app.inject({ url: '/v1/accounts?status=BLOCKED', headers: { authorization: `Bearer ${admin.json().access_token as string}` } })
  t.equal(
    (blocked.json().accounts as { available_balance: { value: string } }[]).filter((a) => a.available_balance.value === '500.25').length,
    1,
    'the fixtures were loaded first, and the BLOCKED account is the default entity’s',
  )
})

t.test('seed shows a progress bar on stderr for a large document', async (t) => {
  const dir = tempDir(t)
  const file = writeJson(dir, 'many.json', { accounts: Array.from({ length: 2000 }, () => ({})) })
  const [res, quiet] = await Promise.all([run(['seed', file, '--db', join(dir, 'many.sqlite')]), run(['seed', file, '--db', join(dir, 'quiet.sqlite'), '--quiet'])])
  t.equal(res.code, 0, 'exit 0')
  const lines = res.stderr.trim().split('\n')
  t.ok(lines.length >= 10, `${lines.length} progress lines off a terminal`)
  t.match(lines[0], /^seeding \[-+\] 0% \| 0\/2000 objects/)
  t.match(lines.at(-1), /^seeding \[=+\] 100% \| 2000\/2000 objects/)
  t.match(res.stdout, /: 1 customer, 2000 accounts, 0 keys, 0 fault rules\n$/)
  t.same([quiet.code, quiet.stdout, quiet.stderr], [0, '', ''])
})

t.test('import loads a state document larger than any body limit from a file; a file nested too deep is refused with one line (issue 11 item 1)', async (t) => {
  const dir = tempDir(t)
  const { app: source } = await buildTestApp(t, { mockBodyLimit: 1024 })
  const seeded = await source.inject({ method: 'POST', url: '/_mock/seed', payload: { accounts: Array.from({ length: 40 }, () => ({ available_balance: '12.34' })) } })
  t.equal(seeded.statusCode, 413, 'the server takes no body over MOCK_BODY_LIMIT (1 KiB here)')
  await source.services.seeds.apply({ accounts: Array.from({ length: 40 }, () => ({ available_balance: '12.34' })) })
  const exported = await source.inject({ url: '/_mock/state' })
  t.ok(exported.body.length > 1024 * 10, `the export is ${exported.body.length} bytes`)
  const put = await source.inject({ method: 'PUT', url: '/_mock/state', headers: { 'content-type': 'application/json' }, payload: exported.body })
  t.equal(put.statusCode, 413, 'too large to PUT back at this limit')
  const file = join(dir, 'state.json')
  writeFileSync(file, exported.body)
  const db = join(dir, 'imported.sqlite')
  const res = await run(['import', file, '--db', db])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, new RegExp(`^Imported ${file.replace(/[.]/g, '\\.')} into .* in [0-9.]+ s: ${(exported.json() as { accounts: unknown[] }).accounts.length} accounts\n$`))
  const { app } = await buildTestApp(t, { databasePath: db })
  t.same((await app.inject({ url: '/_mock/state' })).json(), exported.json(), 'the server on that file exports the same state')

  const deep = join(dir, 'deep.json')
  writeFileSync(deep, '['.repeat(5_000_000))
  for (const command of ['import', 'seed']) {
    const refused = await run([command, deep, '--db', join(dir, 'deep.sqlite')])
    t.equal(refused.code, 1)
    t.equal(refused.stderr, `passport-mock: ${deep} nests arrays and objects more than 16 deep: no seed or state document does\n`)
  }
  const bad = await run(['import', writeJson(dir, 'bad.json', { accounts: [{ id: 'x' }] }), '--db', join(dir, 'other.sqlite')])
  t.equal(bad.code, 1)
  t.match(bad.stderr, /^passport-mock: .*bad\.json: Field 'format_version' is required\n$/)
})

t.test('bad flags and arguments exit 2, a missing or invalid file exits 1, each with one line on stderr', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'db.sqlite')
  const cases: [string[], number, string][] = [
    [['seed', 'x.json', '--bogus'], 2, "passport-mock seed: unknown flag --bogus (see 'passport-mock seed --help')"],
    [['seed'], 2, "passport-mock seed: missing FILE, the seed document (see 'passport-mock seed --help')"],
    [['seed', 'a.json', 'b.json'], 2, 'passport-mock seed: unexpected argument "b.json" (see \'passport-mock seed --help\')'],
    [['seed', 'x.json', '--seed', 'abc'], 2, 'passport-mock seed: --seed must be a whole number, got "abc" (see \'passport-mock seed --help\')'],
    [['serve', '--port', '99999'], 2, "passport-mock serve: --port must be between 0 and 65535, got 99999 (see 'passport-mock serve --help')"],
    [['serve', '--port'], 2, "passport-mock serve: flag --port needs a value (see 'passport-mock serve --help')"],
    [['frobnicate'], 2, 'passport-mock: unknown command "frobnicate" (see \'passport-mock --help\')'],
    [['seed', join(dir, 'nope.json'), '--db', db], 1, `passport-mock: cannot read ${join(dir, 'nope.json')}: no such file`],
  ]
  const runs = await Promise.all(cases.map(([args]) => run(args)))
  for (const [i, [args, code, message]] of cases.entries()) {
    const res = runs[i] as CliRun
    t.equal(res.code, code, `${args.join(' ')} exits ${code}`)
    t.equal(res.stderr, `${message}\n`)
    t.equal(res.stdout, '')
  }
  t.notOk(existsSync(db), 'no database is created for a file that cannot be read')

  const broken = join(dir, 'broken.json')
  writeFileSync(broken, '{"accounts": [')
  const notJson = await run(['seed', broken, '--db', db])
  t.equal(notJson.code, 1)
  t.match(notJson.stderr, new RegExp(`^passport-mock: ${broken.replace(/[.]/g, '\\.')} is not valid JSON: .+\n$`))

  const invalid = writeJson(dir, 'invalid.json', { customers: [{}], accounts: [{ status: 'FROZEN' }] })
  const res = await run(['seed', invalid, '--db', db])
  t.equal(res.code, 1)
  t.equal(res.stderr, `passport-mock: ${invalid}: Field 'accounts[0].status' must be one of: ACTIVE, INACTIVE, BLOCKED, CLOSED\n`)
  const rows = new BetterSqlite3(db, { readonly: true })
  t.teardown(() => rows.close())
  t.equal((rows.prepare('SELECT COUNT(*) AS n FROM customers').get() as { n: number }).n, 3, 'only the fixtures’ customers: nothing of the document was stored')
})

t.test('serve --port 0 starts a server (the flag winning over PORT) that answers health, and SIGTERM stops it', async (t) => {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--database-path', ':memory:', '--log-level', 'info'], {
    env: { PATH: process.env.PATH ?? '', PORT: 'not-a-port' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`no listening line in 10 s: ${out}`)), 10000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /Server listening at (http:\/\/127\.0\.0\.1:[0-9]+)/.exec(out)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)))
  })
  const health = await fetch(`${url}/_mock/health`)
  t.equal(health.status, 200)
  t.same(await health.json(), { status: 'ok' })
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'a clean exit on SIGTERM')
})

t.test('an installed package (inside node_modules): serve and seed default to ./passport-mock.sqlite in the current folder (issue 13 §1)', async (t) => {
  const { cpSync, mkdirSync, symlinkSync } = await import('node:fs')
  const { spawnServer } = await import('./helpers/spawn-server.js')
  const dir = tempDir(t)
  const installed = join(dir, 'node_modules', 'passport-paas-mock')
  mkdirSync(join(installed, 'db'), { recursive: true })
  for (const part of ['dist', 'fixtures', 'package.json']) cpSync(join(PACKAGE_ROOT, part), join(installed, part), { recursive: true })
  cpSync(join(PACKAGE_ROOT, 'db', 'migrations'), join(installed, 'db', 'migrations'), { recursive: true })
  // Its dependencies, found the way an install finds them (a folder up the tree).
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir')
  const project = join(dir, 'project')
  mkdirSync(project)

  const help = spawnSync(process.execPath, [join(installed, 'dist', 'cli.js'), 'serve', '--help'], { encoding: 'utf8' })
  t.match(help.stdout, './passport-mock.sqlite when installed (inside node_modules)', '--help says where the database goes')

  const server = await spawnServer(t, join(installed, 'dist', 'cli.js'), ['serve'], {}, { cwd: project })
  const res = await fetch(`${server.banner.base_url}/_mock/health`)
  t.equal(res.status, 200)
  t.equal((await server.stop()).code, 0)
  t.ok(existsSync(join(project, 'passport-mock.sqlite')), 'the database is in the current folder')
  t.notOk(existsSync(join(installed, 'db', 'passport-mock.sqlite')), 'nothing under node_modules')

  const doc = writeJson(project, 'seed.json', { accounts: [{ status: 'BLOCKED' }] })
  const seeded = spawnSync(process.execPath, [join(installed, 'dist', 'cli.js'), 'seed', doc], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })
  t.equal(seeded.status, 0, seeded.stderr)
  t.match(seeded.stdout, `Seeded ${join(project, 'passport-mock.sqlite')}`, 'seed without --db uses the same file')
})

t.test('serve --scenario FILE applies a YAML scenario before the port opens; a bad one stops the start naming file, line and field (issue 13 §6)', async (t) => {
  const { spawnServer } = await import('./helpers/spawn-server.js')
  const dir = tempDir(t)
  const good = join(dir, 'ci.yaml')
  writeFileSync(good, 'seed:\n  accounts:\n    - id: 3d7f2a10-8c4b-4e2f-9a61-5b0c7e9d1f24\n      status: BLOCKED\nclock:\n  set: 2030-05-01T08:00:00.000Z\n  frozen: true\n')
  const server = await spawnServer(t, CLI, ['serve', '--scenario', good, '--database-path', ':memory:'])
  t.ok(server.lines.some((l) => (l as { msg?: string; scenario?: string }).msg === 'scenario applied' && (l as { scenario?: string }).scenario === good), 'a log line says so')
  const clock = await fetch(`${server.banner.base_url}/_mock/clock`)
  t.same(await clock.json(), { now: '2030-05-01T08:00:00.000Z', frozen: true })
  const exported = (await (await fetch(`${server.banner.base_url}/_mock/scenario`)).json()) as { state: { accounts: { id: string; status: string }[] } }
  t.equal(exported.state.accounts.find((a) => a.id === '3d7f2a10-8c4b-4e2f-9a61-5b0c7e9d1f24')?.status, 'BLOCKED')
  await server.stop()

  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, 'webhooks:\n  - url: http://127.0.0.1:9/h\n    secret: s\n    mode: sometimes\n')
  const failed = spawnSync(process.execPath, [CLI, 'serve', '--scenario', bad, '--database-path', ':memory:', '--port', '0'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 20000 })
  t.equal(failed.status, 1)
  t.equal(failed.stderr, `passport-mock: ${bad}:4:11: Field 'webhooks[0].mode' must be one of: once, retry\n`)
  t.notMatch(failed.stdout, 'Server listening', 'the port never opened')
})
