import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { PACKAGE_ROOT } from '../../src/config.js'

// The image build's step that ships V8's code cache (Dockerfile, issue 15), run as the build runs it.
t.test('warm-code-cache starts the built server once and leaves the cache it wrote after its first answer', async (t) => {
  const cache = join(PACKAGE_ROOT, 'dist', 'server.cjs.v8cache')
  const before = Date.now()
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'warm-code-cache.mjs'), '--max-semi-space-size=4'], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NODE_OPTIONS: '' } })
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /server\.cjs\.v8cache written/)
  t.ok(existsSync(cache), 'the cache is there')
  t.ok(statSync(cache).mtimeMs >= before - 1000, 'written by this run')
  t.ok(statSync(cache).size > 100_000, 'and holds compiled code')
})
