import { existsSync } from 'node:fs'
import t, { type Test } from 'tap'
import { bannerFields, bannerText, reachableHost } from '../src/banner.js'
import { loadConfig } from '../src/config.js'
import { CLI_JS, SERVER_JS, spawnServer } from './helpers/spawn-server.js'

t.before(() => {
  if (!existsSync(SERVER_JS) || !existsSync(CLI_JS)) throw new Error('dist/ is missing: run npm run build first')
})

/** The banner's curl, run as written (with fetch): it must get a token from the server it names. */
async function tokenFromBanner(t: Test, banner: { token_curl: string | null; base_url: string }) {
  const match = /^curl -s (\S+) -H 'Content-Type: application\/json' -d '(.*)'$/.exec(banner.token_curl ?? '')
  t.ok(match, 'the curl line has the URL and the JSON body')
  t.equal(match?.[1], `${banner.base_url}/v1/iam/oauth/tokens`)
  const res = await fetch(match?.[1] as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: match?.[2] })
  t.equal(res.status, 200, 'the curl gets a token')
  t.type(((await res.json()) as { access_token?: unknown }).access_token, 'string')
}

for (const [name, script, args] of [
  ['npm start (dist/server.js)', SERVER_JS, []],
  ['passport-mock serve (dist/cli.js)', CLI_JS, ['serve']],
] as const) {
  t.test(`${name}: one structured "passport-mock ready" line with every URL, the default client and a curl that works`, async (t) => {
    const server = await spawnServer(t, script, [...args], { DATABASE_PATH: ':memory:' })
    const { banner } = server
    const listening = server.lines.find((l) => typeof (l as { msg?: unknown }).msg === 'string' && /^Server listening at http:\/\/127\.0\.0\.1:\d+$/.test((l as { msg: string }).msg))
    t.ok(listening, 'Fastify’s "Server listening at" line is still there (tools wait for it)')
    t.match(banner.base_url, /^http:\/\/127\.0\.0\.1:\d+$/)
    t.equal((listening as { msg: string }).msg, `Server listening at ${banner.base_url}`, 'the banner names the port really bound (PORT=0)')
    t.equal(banner.level, 30, 'an info line')
    t.equal(banner.openapi_url, `${banner.base_url}/documentation/json`)
    t.equal(banner.swagger_ui_url, `${banner.base_url}/documentation`)
    t.equal(banner.console_url, `${banner.base_url}/_mock/ui`)
    t.equal(banner.client_id, 'passport-mock-client')
    t.equal(banner.client_secret, 'passport-mock-secret')
    t.notOk('https_url' in banner, 'no HTTPS fields without TLS_PORT')
    const [openapi, swagger, consolePage] = await Promise.all([fetch(banner.openapi_url), fetch(banner.swagger_ui_url), fetch(banner.console_url)])
    t.equal(openapi.status, 200, 'the OpenAPI URL answers')
    t.equal(((await openapi.json()) as { openapi?: string }).openapi?.slice(0, 2), '3.')
    t.equal(swagger.status, 200, 'the Swagger UI URL answers')
    t.equal(consolePage.status, 200, 'the console URL answers')
    await tokenFromBanner(t, banner)
    t.equal((await server.stop()).code, 0)
  })
}

t.test('the text banner (a terminal) carries the same fields', async (t) => {
  const fields = bannerFields({ ...loadConfig({}), host: '0.0.0.0' }, 8080)
  t.equal(fields.base_url, 'http://127.0.0.1:8080', 'a wildcard listen address is shown as 127.0.0.1')
  const text = bannerText(fields)
  for (const value of [fields.base_url, fields.openapi_url, fields.swagger_ui_url, fields.console_url, 'passport-mock-client', 'passport-mock-secret', fields.token_curl as string]) {
    t.ok(text.includes(value), `shows ${value}`)
  }
  const tls = bannerFields(loadConfig({}), 8080, { port: 8443, caCertPath: '/data/passport-mock-ca.crt' })
  t.equal(tls.https_url, 'https://127.0.0.1:8443')
  t.match(bannerText(tls), 'NODE_EXTRA_CA_CERTS=/data/passport-mock-ca.crt')
  t.match(bannerText(tls), 'curl --cacert /data/passport-mock-ca.crt')
  t.equal(reachableHost('::1'), '[::1]')
  t.equal(reachableHost('localhost'), 'localhost')
})

t.test('fixtures without a client: the banner has no client and no curl, and says so in neither form', async (t) => {
  const fields = bannerFields({ ...loadConfig({}), fixturesPath: '/nonexistent/fixtures.json' }, 8080)
  t.equal(fields.client_id, null)
  t.equal(fields.token_curl, null)
  t.notMatch(bannerText(fields), 'A token')
})
