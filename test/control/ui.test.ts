import { readdirSync } from 'node:fs'
import t from 'tap'
import { UI_DIR } from '../../src/control/ui/ui.routes.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// The QA console's static files (issue 6): served from dist/ui by the mock itself, outside the
// OpenAPI rule (CONTRACT §5: the console's files need no admin token). `npm test` builds first.

t.test('answers the console page at /_mock/ui and /_mock/ui/ as HTML that revalidates', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/_mock/ui', '/_mock/ui/', '/_mock/ui/index.html']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], 'text/html; charset=utf-8', url)
    t.equal(res.headers['cache-control'], 'no-cache', url)
    t.match(res.body, /^<!doctype html>/i)
    t.match(res.body, /<title>passport-mock · QA console<\/title>/)
  }
})

t.test('answers the stylesheet and scripts with their content types, and every file the page names exists', async (t) => {
  const { app } = await buildTestApp(t)
  const page = (await app.inject({ url: '/_mock/ui' })).body
  const named = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
  t.ok(named.includes('/_mock/ui/console.css') && named.includes('/_mock/ui/console.js'), 'the page loads its stylesheet and script by absolute path')
  for (const url of named) t.notMatch(url, /^(https?:)?\/\//, `${url} is served by the mock itself (no CDN: works offline)`)

  const css = await app.inject({ url: '/_mock/ui/console.css' })
  t.equal(css.statusCode, 200)
  t.equal(css.headers['content-type'], 'text/css; charset=utf-8')
  t.equal(css.headers['cache-control'], 'no-cache')
  t.notMatch(css.body, /@import|url\(\s*['"]?https?:/, 'no external fonts or images')

  const js = await app.inject({ url: '/_mock/ui/console.js' })
  t.equal(js.statusCode, 200)
  t.equal(js.headers['content-type'], 'text/javascript; charset=utf-8')
  const imports = [...js.body.matchAll(/from '(\.\/[^']+)'/g)].map((m) => m[1]!)
  t.same(imports, ['./logic.js'], 'the script imports its logic module relatively')
  const logic = await app.inject({ url: '/_mock/ui/logic.js' })
  t.equal(logic.statusCode, 200)
  t.equal(logic.headers['content-type'], 'text/javascript; charset=utf-8')
  t.match(logic.body, /export function statusClass/)
})

t.test('serves exactly the built html, css and js files of dist/ui', async (t) => {
  const { app } = await buildTestApp(t)
  const built = readdirSync(UI_DIR).filter((name) => /\.(html|css|js)$/.test(name)).sort()
  t.same(built, ['console.css', 'console.js', 'index.html', 'logic.js'])
  for (const name of built) t.equal((await app.inject({ url: `/_mock/ui/${name}` })).statusCode, 200, name)
})

t.test('answers 404 route_not_found for an unknown file and for paths that leave dist/ui', async (t) => {
  const { app } = await buildTestApp(t)
  const urls = [
    '/_mock/ui/nope.js',
    '/_mock/ui/console.ts',
    '/_mock/ui/logic.js.map',
    '/_mock/ui/..%2Fapp.js',
    '/_mock/ui/..%2F..%2Fpackage.json',
    '/_mock/ui/%2e%2e%2fserver.js',
    '/_mock/ui/..%5Capp.js',
    '/_mock/ui/index.html%00.js',
    '/_mock/ui/../app.js',
    '/_mock/ui/x/../../app.js',
    '/_mock/ui/__proto__',
    '/_mock/ui/constructor',
  ]
  for (const url of urls) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 404, url)
    t.notMatch(res.body, /createServices|"name":\s*"passport-mock"/, `${url} leaks no file`)
    expectError(t, res, 404, 'route_not_found', 'NOT_FOUND', 'No route matches this path', res.raw.req.url?.startsWith('/_mock') ? '_mock' : '')
  }
})

t.test('needs no admin token, while the other control routes still do', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'the-admin-token-6' })
  for (const url of ['/_mock/ui', '/_mock/ui/console.js', '/_mock/ui/console.css']) {
    t.equal((await app.inject({ url })).statusCode, 200, `${url} is served without the token`)
  }
  const unknown = await app.inject({ url: '/_mock/ui/missing.js' })
  expectError(t, unknown, 404, 'route_not_found', 'NOT_FOUND', 'No route matches this path', '_mock')

  const accounts = await app.inject({ url: '/_mock/accounts' })
  expectError(t, accounts, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
  await expectMatchesSpec(t, app, accounts)
  const allowed = await app.inject({ url: '/_mock/accounts', headers: { 'x-mock-admin-token': 'the-admin-token-6' } })
  t.equal(allowed.statusCode, 200)
  await expectMatchesSpec(t, app, allowed)
})

t.test('keeps the console out of the OpenAPI document, which links to it', async (t) => {
  const { app } = await buildTestApp(t)
  const doc = (await app.inject({ url: '/documentation/json' })).json() as { info: { description: string }; paths: Record<string, unknown> }
  t.same(
    Object.keys(doc.paths).filter((p) => p.startsWith('/_mock/ui')),
    [],
    'static files are outside the OpenAPI rule',
  )
  t.match(doc.info.description, /\(\/_mock\/ui\)/, 'the Swagger UI description links to the console')
})
