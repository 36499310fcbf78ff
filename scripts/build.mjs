#!/usr/bin/env node
// The build's last step (`npm run build`, after tsc has written dist/): the CLI made executable,
// the QA console's page and stylesheet copied next to its compiled script, and `dist/server.js`
// (what `npm start` and the image run) rebuilt as one bundled file, dist/server.cjs, and a loader.
//
// Why the bundle (issue 5): Node 20 loads ES modules file by file, and typebox alone is ~700
// files; loading the app's ~1,400 modules was ~290 ms of a ~600 ms cold start, the bundle ~95 ms.
// The library entry points (dist/app.js, dist/testing.js, dist/cli.js) stay plain tsc output.
import { chmodSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'

chmodSync('dist/cli.js', 0o755)
for (const file of ['index.html', 'console.css']) cpSync(`src/ui/${file}`, `dist/ui/${file}`)

// Loaded from node_modules at run time: a native addon (better-sqlite3); packages that find
// their own files by path (pino's transport worker, pino-pretty, Swagger UI's static files);
// and those only some runs need, imported when needed (faker, qrcode, the CLI's progress bar,
// selfsigned for a first HTTPS start). Not yaml: @fastify/swagger requires it at start, and
// its 72 files loaded one by one from node_modules were a cold start's largest package (issue 15).
const EXTERNAL = ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream', '@fastify/swagger-ui', '@fastify/static', '@faker-js/faker', 'qrcode', 'cli-progress', 'selfsigned']

/**
 * The bundle's import() of a package (faker, qrcode, Swagger UI, selfsigned: loaded when needed)
 * becomes `__import(…)`, a real import() that src/code-cache.ts hands in. Node 20 cannot call
 * import() from a function V8 read back from a code cache ("A dynamic import callback was not
 * specified"), and its only other way in prints an experimental-feature warning at every start.
 * Relative imports stay: esbuild bundles them.
 */
const dynamicImportsThroughLoader = {
  name: 'dynamic-imports-through-loader',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const contents = source.replace(/(?<![\w$.])import\((['"])([^'"./][^'"]*)\1\)/g, (call, quote, specifier) =>
        EXTERNAL.some((name) => specifier === name || specifier.startsWith(`${name}/`)) ? `__import(${quote}${specifier}${quote})` : call,
      )
      return { contents, loader: 'js' }
    })
  },
}

/**
 * Fastify requires `node:http2` at start (lib/server.js) and uses it only for `http2: true`, which
 * the mock never sets: loading it was ~4 ms of every cold start (issue 15). The two functions it
 * calls load the module when called. The build fails if Fastify's line changes.
 */
const lazyHttp2 = {
  name: 'lazy-http2',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]fastify[\\/]lib[\\/]server\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const line = "const http2 = require('node:http2')"
      if (source.split(line).length !== 2 || (source.match(/\bhttp2\.(\w+)\(/g) ?? []).some((call) => !/^http2\.(createServer|createSecureServer)\($/.test(call))) {
        throw new Error(`${args.path} no longer requires node:http2 as scripts/build.mjs expects: update lazyHttp2`)
      }
      const lazy = "const http2 = { createServer: (...a) => require('node:http2').createServer(...a), createSecureServer: (...a) => require('node:http2').createSecureServer(...a) }"
      return { contents: source.replace(line, lazy), loader: 'js' }
    })
  },
}

// The app as one CommonJS file run through V8's code cache by dist/server.js (src/code-cache.ts):
// Node 20 keeps no code cache for ES modules, and compiling the bundle was the largest single
// cost of a cold start (issue 15). `import.meta.url` becomes the bundle's own file URL.
await build({
  entryPoints: ['dist/bundle.js'],
  outfile: 'dist/server.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  external: EXTERNAL,
  define: { 'import.meta.url': '__bundle_url' },
  banner: { js: "var __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [dynamicImportsThroughLoader, lazyHttp2],
})
// No import() of a package may be left for V8 to resolve: it would fail in a function read from the cache.
const leftover = readFileSync('dist/server.cjs', 'utf8').match(/(?<![\w$.])import\(\s*["'][^"'.]/g)
if (leftover) throw new Error(`dist/server.cjs still calls ${leftover.join(', ')}: route it through __import (scripts/build.mjs)`)
// What `npm start` and the image run: the loader, in place of tsc's unbundled entry.
writeFileSync(
  'dist/server.js',
  `// Written by scripts/build.mjs: runs the bundled server (server.cjs) through V8's code cache.
import { fileURLToPath } from 'node:url'
import { runBundle } from './code-cache.js'

runBundle(fileURLToPath(new URL('./server.cjs', import.meta.url))).main()
`,
)
// A cache of an earlier build's bundle would only be rejected: start without one.
rmSync('dist/server.cjs.v8cache', { force: true })
// tsc's map and declarations describe the file the bundle replaced.
rmSync('dist/server.js.map', { force: true })
// The build's last write: scripts/build-if-stale.mjs (npm test's pretest) compares src/ with it.
writeFileSync('dist/.build-stamp', `${new Date().toISOString()}\n`)
