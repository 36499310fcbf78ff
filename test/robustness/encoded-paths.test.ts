import t from 'tap'
import { TRUNCATED } from '../../src/core/redact-secrets.js'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

// Issue 11 item 13: `/v1/%61ccounts/…` and `/%761/accounts/…` reached the accounts route but
// slipped past a fault rule on /v1/accounts, and were journaled as sent (the second not at all);
// a body nested past the journal's depth was cut with "[REDACTED]", as if it held a secret.

const ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const ENCODED = [`/v1/%61ccounts/${ACCOUNT}`, `/%761/accounts/${ACCOUNT}`, `/v1/acc%6Funts/${ACCOUNT}`, `/%76%31/%61%63%63%6f%75%6e%74%73/${ACCOUNT}`]

interface Entry {
  url: string
  status: number
  request_body: unknown
  request_body_truncated?: boolean
}

t.test('a fault rule on a path matches its percent-encoded forms, and the journal records the decoded path', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const rule = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { path: '/v1/accounts', status: 503, times: 100 } })
  t.equal(rule.statusCode, 201)
  for (const url of [`/v1/accounts/${ACCOUNT}`, ...ENCODED]) {
    const res = await app.inject({ url: `${url}?page_size=1`, headers })
    t.equal(res.statusCode, 503, `${url}: the rule answers`)
    t.equal(res.json().code, 'service_unavailable')
  }
  const rulePattern = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { method: 'GET', path: '/v1/keys/:key_id', status: 418, times: 100 } })
  t.equal(rulePattern.statusCode, 201)
  const key = await app.inject({ url: '/v1/%6beys/11111111-2222-4333-8444-555555555555', headers })
  t.equal(key.statusCode, 418, 'a route-pattern rule too')

  const journal = await app.inject({ url: '/_mock/requests?limit=10' })
  await expectMatchesSpec(t, app, journal)
  const urls = (journal.json().requests as Entry[]).filter((e) => e.status === 503).map((e) => e.url)
  t.same(urls, Array.from({ length: 5 }, () => `/v1/accounts/${ACCOUNT}?page_size=1`), 'each journaled as the decoded path, query kept')
  const filtered = await app.inject({ url: '/_mock/requests?path=/v1/accounts' })
  t.equal((filtered.json().requests as Entry[]).length, 5, 'and found by the decoded path')
  // Reserved characters stay encoded, as the router leaves them.
  const slash = await app.inject({ url: '/v1/accounts%2F' + ACCOUNT, headers })
  t.not(slash.statusCode, 503, '%2F is not a path separator')
})

t.test('a body nested deeper than the journal copies is kept down to there, cut with a marker, and flagged', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { ...(await bearer(app)), 'content-type': 'application/json' }
  for (const depth of [40, 5000]) {
    const payload = `{"business_name":${'['.repeat(depth)}${']'.repeat(depth)},"client_secret":"s3cret"}`
    const res = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers, payload })
    t.equal(res.statusCode, 400)
    const journal = await app.inject({ url: '/_mock/requests?limit=1' })
    await expectMatchesSpec(t, app, journal)
    const [entry] = journal.json().requests as Entry[]
    t.equal(entry?.request_body_truncated, true, `${depth} deep: flagged`)
    let node = (entry?.request_body as { business_name: unknown; client_secret: unknown }).business_name
    t.equal((entry?.request_body as { client_secret: unknown }).client_secret, '[REDACTED]')
    let levels = 1
    while (Array.isArray(node)) {
      node = node[0]
      levels++
    }
    t.equal(node, TRUNCATED, `${depth} deep: the marker stands where it was cut`)
    t.equal(levels, 32, 'kept down to 32 levels')
  }
  const shallow = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers, payload: '{"business_name":[[1]]}' })
  t.equal(shallow.statusCode, 400)
  const [entry] = (await app.inject({ url: '/_mock/requests?limit=1' })).json().requests as Entry[]
  t.same(entry?.request_body, { business_name: [[1]] })
  t.notOk('request_body_truncated' in (entry as object), 'no flag when nothing was cut')
})
