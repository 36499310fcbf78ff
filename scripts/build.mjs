#!/usr/bin/env node
// The build's last step (`npm run build`, after tsc has written dist/): the CLI made executable,
// the QA console's page and stylesheet copied next to its compiled script, and `dist/server.js`
// (what `npm start` and the image run) rebuilt as one bundled file.
//
// Why the bundle (issue 5): Node 20 loads ES modules file by file, and typebox alone is ~700
// files; loading the app's ~1,400 modules was ~290 ms of a ~600 ms cold start, the bundle ~95 ms.
// The library entry points (dist/app.js, dist/testing.js, dist/cli.js) stay plain tsc output.
import { chmodSync, cpSync, rmSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'

chmodSync('dist/cli.js', 0o755)
for (const file of ['index.html', 'console.css']) cpSync(`src/ui/${file}`, `dist/ui/${file}`)

await build({
  entryPoints: ['dist/server.js'],
  outfile: 'dist/server.js',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // Loaded from node_modules at run time: a native addon (better-sqlite3); packages that find
  // their own files by path (pino's transport worker, pino-pretty, Swagger UI's static files);
  // and those only some runs need, imported when needed (faker, qrcode, the CLI's progress bar,
  // selfsigned for a first HTTPS start). Not yaml: @fastify/swagger requires it at start, and
  // its 72 files loaded one by one from node_modules were a cold start's largest package (issue 15).
  external: ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream', '@fastify/swagger-ui', '@fastify/static', '@faker-js/faker', 'qrcode', 'cli-progress', 'selfsigned'],
  // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
})
// tsc's map and declarations describe the file the bundle replaced.
rmSync('dist/server.js.map', { force: true })
// The build's last write: scripts/build-if-stale.mjs (npm test's pretest) compares src/ with it.
writeFileSync('dist/.build-stamp', `${new Date().toISOString()}\n`)
