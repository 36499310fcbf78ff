import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import semver from 'semver'
import { parse } from 'yaml'
import { PACKAGE_ROOT, SETTINGS, loadConfig } from '../../src/config.js'
import { execForm, readDockerfile, stageEnv } from '../helpers/dockerfile.js'
import { buildTestApp } from '../helpers/build-test-app.js'

// These tests keep the image files correct by construction, checking them against the code they
// package (issue 2), in a second; test/packaging/container.test.ts builds and runs the image for
// real with podman (issue 13 §1).
const stages = readDockerfile(PACKAGE_ROOT)
const final = stages.at(-1)!
const build = stages[0]!
const finalEnv = stageEnv(final)
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } }
const compose = parse(readFileSync(join(PACKAGE_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { build: string; ports: string[]; environment: Record<string, string>; volumes: string[]; healthcheck?: unknown }>
  volumes: Record<string, unknown>
}
const service = Object.values(compose.services)[0]!
const betterSqlite3 = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version
const KNOWN_VARIABLES = new Set([...SETTINGS.map((s) => s.env), 'NODE_ENV'])

function instructions(keyword: string) {
  return final.instructions.filter((i) => i.keyword === keyword)
}

t.test('builds in stages on one supported Node LTS image, pinned to a minor', async (t) => {
  t.ok(stages.length >= 2, 'a build stage and a final stage')
  for (const stage of stages) t.match(stage.from, /^node:(20|22|24)\.\d+-bookworm-slim$/, `${stage.from} is a supported LTS, pinned to a minor`)
  t.equal(new Set(stages.map((s) => s.from)).size, 1, 'the native addon is built on the image it runs on')
  const minor = /^node:(\d+\.\d+)/.exec(final.from)?.[1]
  t.ok(semver.satisfies(`${minor}.0`, pkg.engines.node), `node ${minor} satisfies engines ${pkg.engines.node}`)
  // better-sqlite3 12 compiled against Node >= 24.19's headers aborts the process when the GC
  // finalizes a statement (https://github.com/nodejs/node/issues/65446); the image compiles it.
  if (semver.major(betterSqlite3) < 13) t.ok(semver.lt(`${minor}.0`, '24.19.0'), `node ${minor} is older than 24.19 (better-sqlite3 ${betterSqlite3} aborts there)`)
})

t.test('compiles natively and prunes dev dependencies in the build stage only', async (t) => {
  const runs = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n')
  t.match(runs, /npm ci/)
  t.match(runs, /npm rebuild better-sqlite3/)
  t.match(runs, /npm run build/)
  t.match(runs, /npm prune --omit=dev/)
  // Issue 13 §1: better-sqlite3's SQLite sources and compiler intermediates stay in the build stage.
  t.match(runs, /rm -rf build deps src/, 'better-sqlite3’s build/, deps/ and src/ are removed...')
  t.match(runs, /mv \/tmp\/better_sqlite3\.node build\/Release\//, '...after its compiled addon is set aside and put back')
  const finalRuns = instructions('RUN').map((i) => i.args).join('\n')
  t.notMatch(finalRuns, /npm (ci|install|rebuild)/, 'no second install or compile in the final stage')
  const copies = instructions('COPY').map((i) => i.args)
  t.ok(copies.some((c) => /--from=build \/app\/node_modules/.test(c)), 'node_modules comes from the build stage')
  t.ok(copies.some((c) => /--from=build \/app\/dist/.test(c)), 'dist comes from the build stage')
  t.ok(copies.some((c) => /^db\/migrations /.test(c)), 'migrations are in the image')
  t.ok(copies.some((c) => /^fixtures /.test(c)), 'fixtures are in the image')
})

t.test('copies every tsconfig the build script compiles, and the console sources with src', async (t) => {
  const projects = [...pkg.scripts.build!.matchAll(/tsc -p (\S+)/g)].map((m) => m[1]!)
  t.ok(projects.includes('tsconfig.ui.json'), 'the build compiles the QA console (issue 6)')
  const copied = build.instructions.filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1))
  for (const project of [...projects, 'tsconfig.json']) t.ok(copied.includes(project), `${project} is copied before the build`)
  t.ok(copied.includes('src'), 'src (with src/ui’s html and css) is copied')
  // The build's last step bundles dist/server.js (issue 5): its script must be there too.
  for (const script of pkg.scripts.build!.matchAll(/node (scripts\/\S+)/g)) {
    t.ok(copied.includes(script[1]!) || copied.includes('scripts'), `${script[1]} is copied before the build`)
  }
  t.match(pkg.scripts.build, /node scripts\/build\.mjs/, 'the build runs scripts/build.mjs')
})

t.test('runs as a non-root user with the container defaults of CONTRACT §7', async (t) => {
  const user = instructions('USER').at(-1)?.args
  t.ok(user && user !== 'root' && user !== '0', `runs as ${user}`)
  t.equal(finalEnv.HOST, '0.0.0.0')
  t.equal(finalEnv.PORT, '8080')
  t.equal(finalEnv.DATABASE_PATH, '/data/passport-mock.sqlite')
  t.equal(finalEnv.NODE_ENV, 'production')
  t.match(instructions('VOLUME').map((i) => i.args).join(' '), /\/data/)
  t.same(instructions('EXPOSE').map((i) => i.args), [finalEnv.PORT])
  for (const name of Object.keys(finalEnv)) t.ok(KNOWN_VARIABLES.has(name), `${name} is a variable the server reads`)
  const config = loadConfig(finalEnv)
  t.equal(config.port, 8080)
  t.equal(config.databasePath, '/data/passport-mock.sqlite')
})

t.test('starts with the same plain node command as npm start', async (t) => {
  const cmd = execForm(instructions('CMD').at(-1)!.args)
  t.same(cmd, pkg.scripts.start!.split(' '))
  t.equal(cmd[0], 'node', 'nothing is compiled at start')
})

t.test('ships the code cache of the bundle, made under the CMD’s node flags, after the build it caches', async (t) => {
  // Issue 15: a cache made under other V8 flags is rejected, and the image's user cannot write dist/.
  const runs = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)
  const warm = runs.findIndex((r) => /node scripts\/warm-code-cache\.mjs/.test(r))
  t.ok(warm !== -1, 'the build stage writes it')
  t.ok(warm > runs.findIndex((r) => /npm run build/.test(r)), 'after the build it caches')
  const cmd = execForm(instructions('CMD').at(-1)!.args)
  const flags = cmd.slice(1, cmd.indexOf('dist/server.js'))
  t.same(runs[warm]!.replace(/^.*node scripts\/warm-code-cache\.mjs/, '').trim().split(/\s+/).filter(Boolean), flags, 'with the CMD’s node flags')
  t.ok(final.instructions.some((i) => i.keyword === 'COPY' && /--from=build \/app\/dist \.\/dist/.test(i.args)), 'dist, and the cache with it, goes into the final stage')
  // The start that writes it opens a database: the migrations and fixtures must be in the build stage by then.
  const before = build.instructions.slice(0, build.instructions.findIndex((i) => i.keyword === 'RUN' && /warm-code-cache/.test(i.args)))
  const copied = before.filter((i) => i.keyword === 'COPY').map((i) => i.args)
  t.ok(copied.some((c) => /^db\/migrations /.test(c)), 'the migrations are copied before')
  t.ok(copied.some((c) => /^fixtures /.test(c)), 'the fixtures are copied before')
})

t.test('checks health with node against the real health route, without curl', async (t) => {
  const healthcheck = instructions('HEALTHCHECK').at(-1)!.args
  const cmd = execForm(healthcheck)
  t.equal(cmd[0], 'node')
  t.notMatch(JSON.stringify(final.instructions), /curl|wget/)
  const path = /\/_mock\/health/.exec(cmd.join(' '))?.[0]
  t.equal(path, '/_mock/health')
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: path! })
  t.equal(res.statusCode, 200, 'the route the healthcheck asks exists and answers 200')
})

t.test('compose runs the same image, port, volume and variables, with the image’s one healthcheck', async (t) => {
  t.equal(service.build, '.')
  t.same(service.ports, [`127.0.0.1:8080:${finalEnv.PORT}`], 'published on loopback only')
  const dataMount = service.volumes.find((v) => v.endsWith(':/data'))
  t.ok(dataMount, 'the database folder is a volume')
  t.ok(compose.volumes[dataMount!.split(':')[0]!] !== undefined, 'the named volume is declared')
  for (const name of Object.keys(service.environment)) t.ok(KNOWN_VARIABLES.has(name), `${name} is a variable the server reads`)
  t.doesNotThrow(() => loadConfig(service.environment), 'the environment values are valid')
  t.equal(service.healthcheck, undefined, 'no second healthcheck: compose uses the Dockerfile’s')
  t.equal(instructions('HEALTHCHECK').length, 1, 'the Dockerfile defines it once')
})

t.test('keeps build output and local databases out of the build context', async (t) => {
  const ignored = readFileSync(join(PACKAGE_ROOT, '.dockerignore'), 'utf8').split('\n')
  for (const entry of ['node_modules', 'dist', 'db/*.sqlite']) t.ok(ignored.includes(entry), `${entry} is ignored`)
})
