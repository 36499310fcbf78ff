import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { SERVER_JS, spawnServer } from '../helpers/spawn-server.js'

// What the bundled server (`npm start`) loads before its first answer: scripts/build.mjs keeps
// `node:http2` out of it (Fastify requires it at start and uses it only with `http2: true`;
// loading it was ~4 ms of every cold start, issue 15). The server still serves HTTP/1.1.
t.test('the bundled server answers its first request without loading node:http2', async (t) => {
  const dir = mkdtempSync(join(os.tmpdir(), 'bundle-startup-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const preload = join(dir, 'modules.cjs')
  const out = join(dir, 'modules.json')
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)))\n`)
  const server = await spawnServer(t, SERVER_JS, [], { DATABASE_PATH: ':memory:', NODE_OPTIONS: `--require ${preload}` })
  const res = await fetch(`${server.banner.base_url}/v1/iam/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }),
  })
  t.equal(res.status, 200, 'a token, over HTTP/1.1')
  t.same(await server.stop(), { code: 0, signal: null }, 'a clean stop')
  const loaded = JSON.parse(readFileSync(out, 'utf8')) as string[]
  t.ok(loaded.includes('NativeModule http'), 'the list is the real one: node:http is in it')
  t.notOk(loaded.includes('NativeModule http2'), 'node:http2 was never loaded')
})
