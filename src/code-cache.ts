import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import vm from 'node:vm'

/** Where runBundle leaves the function that writes the cache, for the server to call once it has answered. */
const CACHE_WRITER = Symbol.for('passport-mock.code-cache-writer')

type Holder = Record<symbol, (() => void) | undefined>

/**
 * Runs the bundled server (dist/server.cjs) through V8's code cache (issue 15) and returns its
 * exports (src/bundle.ts). Compiling the 2.6 MB bundle was the largest single cost of a cold
 * start; with the cache of an earlier start, V8 reads the compiled functions back instead
 * (measured: compiling the bundle 38 → 6–10 ms, and the functions a start and its first answer
 * compiled lazily come with it). Node 20 has no code
 * cache for ES modules and no `module.enableCompileCache`, hence a CommonJS bundle run here.
 *
 * The cache lives next to the bundle (`<bundle>.v8cache`), written by the server itself after its
 * first answer, never in a shared folder: cached code is trusted like the bundle it stands for.
 * V8 checks that it matches this bundle, this Node and these flags, and compiles as before if
 * not (the server then writes a new one); an install where dist/ is read-only simply compiles at
 * every start, as before this existed.
 */
export function runBundle(bundlePath: string, cachePath = `${bundlePath}.v8cache`): unknown {
  const source = readFileSync(bundlePath, 'utf8')
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cachePath)
  } catch {
    // No cache yet: compile.
  }
  // CommonJS's own wrapper, on the first line: line numbers in stack traces stay the bundle's.
  // `__import`: the bundle's import() of a package (scripts/build.mjs), made here, a plain ES
  // module next to the bundle that resolves packages from the same place.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __import) {${source}\n})`, { filename: bundlePath, cachedData })
  if (cachedData === undefined || script.cachedDataRejected === true) (globalThis as unknown as Holder)[CACHE_WRITER] = () => writeCache(script, cachePath)
  const module = { exports: {} }
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string, load: (specifier: string) => Promise<unknown>) => void
  run(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath), (specifier) => import(specifier))
  return module.exports
}

/** Written whole or not at all (a temporary file renamed), so two servers starting at once never read half a cache. */
function writeCache(script: vm.Script, cachePath: string): void {
  const temporary = `${cachePath}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, script.createCachedData())
    renameSync(temporary, cachePath)
  } catch {
    // A read-only install: no cache, every start compiles.
    rmSync(temporary, { force: true })
  }
}

/**
 * Called by the server once it has sent its first answer: the cache then holds what the start
 * and the first request compiled. Does nothing when the server was not started by runBundle or
 * its cache was accepted.
 */
export function writeCodeCacheOnce(): void {
  const holder = globalThis as unknown as Holder
  const write = holder[CACHE_WRITER]
  holder[CACHE_WRITER] = undefined
  write?.()
}
