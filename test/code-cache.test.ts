import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'

// `npm start` runs the bundled server through V8's code cache (src/code-cache.ts, issue 15).
// Each run here is a fresh node process, as a start is: V8 keeps compiled code per process.
const LOADER = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'code-cache.js')).href

/** A stand-in bundle: CommonJS, a package imported by a function called late (as faker is), and the writer left for the server. */
const BUNDLE = `
const path = require('node:path')
async function later() { const { cpus } = await __import('node:os'); return typeof cpus }
later().then((kind) => {
  const writer = globalThis[Symbol.for('passport-mock.code-cache-writer')]
  console.log(JSON.stringify({ kind, dirname: __dirname === path.dirname(__filename), willWrite: typeof writer === 'function' }))
  globalThis.__written = writer
})
`

/** Runs the bundle with runBundle in a new process, then (like the server after its first answer) writeCodeCacheOnce. */
function start(bundle: string): { kind: string; dirname: boolean; willWrite: boolean } {
  const code = `import { runBundle, writeCodeCacheOnce } from '${LOADER}'; runBundle(${JSON.stringify(bundle)}); setTimeout(() => writeCodeCacheOnce(), 50)`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`)
  t.equal(r.stderr, '', 'nothing on stderr (no experimental-feature warning)')
  return JSON.parse(r.stdout.trim()) as { kind: string; dirname: boolean; willWrite: boolean }
}

t.test('the first start writes the cache next to the bundle, the next one reads it and import() still works', async (t) => {
  const dir = mkdtempSync(join(os.tmpdir(), 'code-cache-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const bundle = join(dir, 'server.cjs')
  writeFileSync(bundle, BUNDLE)

  t.same(start(bundle), { kind: 'function', dirname: true, willWrite: true }, 'no cache: compiled, and the server will write one')
  t.ok(existsSync(`${bundle}.v8cache`), 'written once the server has answered')
  t.same(readdirSync(dir).sort(), ['server.cjs', 'server.cjs.v8cache'], 'no temporary file left')

  t.same(start(bundle), { kind: 'function', dirname: true, willWrite: false }, 'cache accepted: nothing to write, and import() from cached code works')

  writeFileSync(`${bundle}.v8cache`, Buffer.from('not a V8 code cache at all'))
  t.same(start(bundle), { kind: 'function', dirname: true, willWrite: true }, 'a cache V8 rejects: compiled as before, and written anew')
  t.not(readFileSync(`${bundle}.v8cache`, 'utf8'), 'not a V8 code cache at all')

  writeFileSync(bundle, `${BUNDLE}\n// another build`)
  t.same(start(bundle), { kind: 'function', dirname: true, willWrite: true }, 'another bundle: the old cache is not used')
})

t.test('a folder the cache cannot be written to: the server runs without one', async (t) => {
  const dir = mkdtempSync(join(os.tmpdir(), 'code-cache-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const bundle = join(dir, 'server.cjs')
  writeFileSync(bundle, BUNDLE)
  // The cache's path is a folder: writing it fails as on a read-only install (root may write anywhere).
  const code = `import { runBundle, writeCodeCacheOnce } from '${LOADER}'; runBundle(${JSON.stringify(bundle)}, ${JSON.stringify(join(dir, 'missing', 'x.v8cache'))}); setTimeout(() => { writeCodeCacheOnce(); console.log('still running') }, 50)`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /still running/)
  t.same(readdirSync(dir), ['server.cjs'], 'nothing written, no temporary file left')
})

t.test('the build leaves no import() of a package in the bundle, and dist/server.js runs it through the loader', async (t) => {
  const dist = join(import.meta.dirname, '..', 'dist')
  const bundled = readFileSync(join(dist, 'server.cjs'), 'utf8')
  t.notMatch(bundled, /(?<![\w$.])import\(\s*["'][^"'.]/, 'every import() of a package goes through __import')
  t.match(bundled, /__import\("@faker-js\/faker\/locale\/es"\)/, 'faker, imported when a seed needs it')
  t.match(readFileSync(join(dist, 'server.js'), 'utf8'), /runBundle\(/)
})
