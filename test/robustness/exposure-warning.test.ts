import t, { type Test } from 'tap'
import { exposureWarning, isLoopback } from '../../src/run-server.js'
import { startChildServer, stopChildServer } from './child-server.js'

// Issue 11 item 6: listening on a non-loopback address without MOCK_ADMIN_TOKEN said nothing,
// while anyone reaching the port could export every secret and rewrite the state.

const WARNING = /^HOST=0\.0\.0\.0 is not a loopback address and MOCK_ADMIN_TOKEN is unset: anyone who reaches this port can export the state with every client secret \(GET \/_mock\/state\), reset or replace it, seed objects, add fault rules and send webhooks anywhere; set MOCK_ADMIN_TOKEN$/

t.test('loopback hosts are told apart from the rest', async (t) => {
  for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3', '::ffff:127.0.0.1']) t.ok(isLoopback(host), host)
  for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com']) t.notOk(isLoopback(host), host)
  t.equal(exposureWarning({ host: '127.0.0.1', mockAdminToken: undefined }), undefined)
  t.equal(exposureWarning({ host: '0.0.0.0', mockAdminToken: 'secret' }), undefined)
  t.match(exposureWarning({ host: '0.0.0.0', mockAdminToken: undefined }), WARNING)
})

/** The warn-level lines a child server logged by the time it listened. */
async function warnings(t: Test, env: Record<string, string>): Promise<string[]> {
  const server = await startChildServer(t, { LOG_LEVEL: 'info', ...env })
  const found = server.stdoutLines().flatMap((line) => {
    const entry = JSON.parse(line) as { level: number; msg: string }
    return entry.level === 40 ? [entry.msg] : []
  })
  await stopChildServer(server)
  return found
}

t.test('a server on 0.0.0.0 without MOCK_ADMIN_TOKEN logs one warning naming what is exposed; with a token or on loopback, none', async (t) => {
  // Bound to every interface on a random port for a moment; the test's own traffic is none.
  const exposed = await warnings(t, { HOST: '0.0.0.0', DATABASE_PATH: ':memory:' })
  t.equal(exposed.length, 1, 'one warning line')
  t.match(exposed[0], WARNING)
  t.same(await warnings(t, { HOST: '0.0.0.0', DATABASE_PATH: ':memory:', MOCK_ADMIN_TOKEN: 'the-admin-token' }), [], 'none with an admin token')
  t.same(await warnings(t, { HOST: '127.0.0.1', DATABASE_PATH: ':memory:' }), [], 'none on loopback')
})
