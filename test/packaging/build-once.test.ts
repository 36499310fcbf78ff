import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { PACKAGE_ROOT } from '../../src/config.js'

// `npm ci && npm test` built twice, through prepare and then pretest (issue 13 §1): pretest now
// runs scripts/build-if-stale.mjs, which builds only when src/ or the build's configuration is
// newer than the stamp scripts/build.mjs writes last. Run here in a scratch project whose build
// script only counts its runs and writes the stamp.
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
const buildScript = readFileSync(join(PACKAGE_ROOT, 'scripts', 'build.mjs'), 'utf8')

t.test('npm test builds through a staleness check, npm ci through prepare, and the build stamps last', async (t) => {
  t.equal(pkg.scripts.pretest, 'node scripts/build-if-stale.mjs')
  t.equal(pkg.scripts.prepare, 'npm run build')
  const lastLine = buildScript.trim().split('\n').at(-1)!
  t.match(lastLine, /writeFileSync\('dist\/\.build-stamp'/, 'the stamp is the build’s last write')
})

t.test('builds when the stamp is missing or older than src/, and not otherwise', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-build-once-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'scripts'))
  mkdirSync(join(dir, 'src'))
  writeFileSync(join(dir, 'scripts', 'build-if-stale.mjs'), readFileSync(join(PACKAGE_ROOT, 'scripts', 'build-if-stale.mjs')))
  writeFileSync(join(dir, 'src', 'app.ts'), 'export {}\n')
  const build = "node -e \"const fs=require('fs');fs.mkdirSync('dist',{recursive:true});fs.appendFileSync('builds','x');fs.writeFileSync('dist/.build-stamp','')\""
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, scripts: { build } }))
  const past = new Date(Date.now() - 60_000)
  for (const file of ['src/app.ts', 'package.json', 'scripts/build-if-stale.mjs']) utimesSync(join(dir, file), past, past)
  const builds = () => (existsSync(join(dir, 'builds')) ? readFileSync(join(dir, 'builds'), 'utf8').length : 0)
  const pretest = () => spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: dir, encoding: 'utf8' })

  let run = pretest()
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /building dist\/: dist\/\.build-stamp is missing/)
  t.equal(builds(), 1, 'a checkout without a build builds')

  run = pretest()
  t.match(run.stdout, /dist\/ is up to date/)
  t.equal(builds(), 1, 'right after a build (npm ci’s prepare), npm test does not build again')

  const future = new Date(Date.now() + 60_000)
  utimesSync(join(dir, 'src', 'app.ts'), future, future)
  run = pretest()
  t.match(run.stdout, /building dist\/: src\/ or the build configuration changed/)
  t.equal(builds(), 2, 'an edited source builds again')
})
