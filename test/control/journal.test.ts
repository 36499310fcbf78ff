import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { accessToken, CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import type { JournalEntry } from '../../src/testing-types.js'

const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

type Entry = JournalEntry

async function journal(app: FastifyInstance, query = ''): Promise<Entry[]> {
  const res = await app.inject({ url: `/_mock/requests${query}` })
  if (res.statusCode !== 200) throw new Error(`GET /_mock/requests answered ${res.statusCode}: ${res.body}`)
  return res.json().requests
}

t.test('records /v1 requests newest first: trace id, method, url, status, time taken, time, body', async (t) => {
  const { app, time } = await buildTestApp(t)
  const tokenRes = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: CLIENTS.admin.client_id, client_secret: CLIENTS.admin.client_secret, grant_type: 'client_credentials' } })
  const headers = { authorization: `Bearer ${tokenRes.json().access_token}` }
  time.advance(1000)
  const get = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}?x=1`, headers })
  time.advance(1000)
  const missing = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: DOCS_ACCOUNT } })
  time.advance(1000)
  const unknown = await app.inject({ method: 'DELETE', url: '/v1/nowhere', headers })
  const wrongMethod = await app.inject({ method: 'PUT', url: '/v1/accounts', headers })

  const res = await app.inject({ url: '/_mock/requests' })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  const entries = res.json().requests as Entry[]
  t.same(
    entries.map(({ duration_ms: _, request_headers: __, response: ___, ...rest }) => rest),
    [
      { trace_id: wrongMethod.headers['x-trace-id'], method: 'PUT', url: '/v1/accounts', status: 405, at: '2026-01-15T12:00:03.000Z', request_body: null },
      { trace_id: unknown.headers['x-trace-id'], method: 'DELETE', url: '/v1/nowhere', status: 404, at: '2026-01-15T12:00:03.000Z', request_body: null },
      { trace_id: missing.headers['x-trace-id'], method: 'POST', url: '/v1/keys', status: 400, at: '2026-01-15T12:00:02.000Z', request_body: { account_id: DOCS_ACCOUNT } },
      { trace_id: get.headers['x-trace-id'], method: 'GET', url: `/v1/accounts/${DOCS_ACCOUNT}?x=1`, status: 200, at: '2026-01-15T12:00:01.000Z', request_body: null },
      {
        trace_id: tokenRes.headers['x-trace-id'],
        method: 'POST',
        url: '/v1/iam/oauth/tokens',
        status: 200,
        at: NOW,
        request_body: { client_id: CLIENTS.admin.client_id, client_secret: '[REDACTED]', grant_type: 'client_credentials' },
      },
    ],
  )
  for (const entry of entries) t.ok(typeof entry.duration_ms === 'number' && entry.duration_ms >= 0, 'duration_ms is a number of milliseconds')
})

t.test('records the status a fault rule answered with', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await accessToken(app)
  await app.inject({ method: 'POST', url: '/_mock/faults', payload: { account_id: DOCS_ACCOUNT, status: 503, times: 1 } })
  await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: { authorization: `Bearer ${token}` } })
  await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: { authorization: `Bearer ${token}` } })
  t.same(
    (await journal(app, '?path=/v1/accounts')).map((entry) => entry.status),
    [200, 503],
  )
})

t.test('never records /_mock requests', async (t) => {
  const { app } = await buildTestApp(t)
  await app.inject({ url: '/_mock/health' })
  await app.inject({ url: '/_mock/faults' })
  await app.inject({ method: 'POST', url: '/_mock/clock', payload: { advance_seconds: 1 } })
  await app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url: 'http://127.0.0.1:9/hooks', secret: 'whsec-never-stored', mode: 'once' } })
  await app.inject({ url: '/_mock/requests' })
  await app.inject({ url: '/v1x/accounts' })
  t.same(await journal(app), [], 'nor paths that only start with /v1')
})

t.test('never stores a client secret, an access token, an Authorization header or the admin token', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'admin-token-never-stored' })
  const admin = { 'x-mock-admin-token': 'admin-token-never-stored' }
  const json = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...CLIENTS.admin, grant_type: 'client_credentials' } })
  const form = await app.inject({
    method: 'POST',
    url: '/v1/iam/oauth/tokens',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `client_id=${CLIENTS.readonly.client_id}&client_secret=${CLIENTS.readonly.client_secret}&grant_type=client_credentials`,
  })
  const basic = await app.inject({
    method: 'POST',
    url: '/v1/iam/oauth/tokens',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENTS.other.client_id}:${CLIENTS.other.client_secret}`).toString('base64')}`, ...admin },
    payload: { grant_type: 'client_credentials' },
  })
  const wrong = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: CLIENTS.admin.client_id, client_secret: 'a-wrong-secret-never-stored', grant_type: 'client_credentials' } })
  t.same([json.statusCode, form.statusCode, basic.statusCode, wrong.statusCode], [200, 200, 200, 401])
  const tokens = [json, form, basic].map((res) => res.json().access_token as string)
  const headers = { authorization: `Bearer ${tokens[0]}`, ...admin }
  await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers })
  await app.inject({ url: `/v1/accounts?access_token=${tokens[1]}&client_secret=query-secret-never-stored&page_size=2`, headers })
  // Secret-named fields at any depth of a JSON body (a 400, and journaled all the same).
  const nested = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers,
    payload: {
      business_name: 'Tienda QA',
      metadata: { secret: 'nested-secret-never-stored', list: [{ access_token: tokens[2], clientSecret: 'camel-secret-never-stored' }], kept: 'visible' },
    },
  })
  t.equal(nested.statusCode, 400)

  const res = await app.inject({ url: '/_mock/requests', headers: admin })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  const raw = res.body
  const secrets = [
    CLIENTS.admin.client_secret,
    CLIENTS.readonly.client_secret,
    CLIENTS.other.client_secret,
    'a-wrong-secret-never-stored',
    'query-secret-never-stored',
    'nested-secret-never-stored',
    'camel-secret-never-stored',
    'admin-token-never-stored',
    Buffer.from(`${CLIENTS.other.client_id}:${CLIENTS.other.client_secret}`).toString('base64'),
    ...tokens,
  ]
  secrets.forEach((secret, i) => t.notOk(raw.includes(secret), `the journal does not contain secrets[${i}]`))
  t.notOk(/(Bearer|Basic) [A-Za-z0-9]/.test(raw), 'no credential of an Authorization header')
  for (const entry of res.json().requests as Entry[]) {
    for (const name of ['authorization', 'x-mock-admin-token']) {
      if (name in entry.request_headers) t.equal(entry.request_headers[name], '[REDACTED]', `${entry.url}: ${name} is redacted`)
    }
  }

  const entries = res.json().requests as Entry[]
  t.equal(entries.length, 7, 'every /v1 request is there all the same')
  t.same(entries[0]?.request_body, {
    business_name: 'Tienda QA',
    metadata: { secret: '[REDACTED]', list: [{ access_token: '[REDACTED]', clientSecret: '[REDACTED]' }], kept: 'visible' },
  })
  t.equal(entries[1]?.url, '/v1/accounts?access_token=%5BREDACTED%5D&client_secret=%5BREDACTED%5D&page_size=2')
  t.same(entries[5]?.request_body, { client_id: CLIENTS.readonly.client_id, client_secret: '[REDACTED]', grant_type: 'client_credentials' }, 'a form body too')
  t.same(entries[4]?.request_body, { grant_type: 'client_credentials' }, 'Basic credentials left no trace')
})

t.test('keeps at most JOURNAL_SIZE requests: the newest', async (t) => {
  const { app } = await buildTestApp(t, { journalSize: 5 })
  const traceIds: string[] = []
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ url: `/v1/accounts?n=${i}` })
    traceIds.push(res.headers['x-trace-id'] as string)
  }
  const res = await app.inject({ url: '/_mock/requests?limit=100' })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  const entries = res.json().requests as Entry[]
  t.equal(entries.length, 5)
  t.same(
    entries.map((entry) => entry.url),
    ['/v1/accounts?n=19', '/v1/accounts?n=18', '/v1/accounts?n=17', '/v1/accounts?n=16', '/v1/accounts?n=15'],
  )
  t.same(
    entries.map((entry) => entry.trace_id),
    traceIds.slice(15).reverse(),
  )
  t.equal(app.services.journal.list({ limit: 1000 }).length, 5, 'the ring holds exactly five')
})

t.test('records nothing, and adds no hook, with JOURNAL_SIZE 0', async (t) => {
  const { app } = await buildTestApp(t, { journalSize: 0 })
  await accessToken(app)
  await app.inject({ url: '/v1/accounts' })
  const res = await app.inject({ url: '/_mock/requests' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { requests: [] })
  await expectMatchesSpec(t, app, res)
  t.notOk(app.hasRequestDecorator('journalAt'), 'the journal plugin left the request path alone')
  const cleared = await app.inject({ method: 'DELETE', url: '/_mock/requests' })
  t.equal(cleared.statusCode, 204)
})

t.test('filters by method, path prefix, exact status or status class, and limit', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { authorization: `Bearer ${await accessToken(app)}` }
  await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers }) // 200
  await app.inject({ url: '/v1/accounts/not-a-uuid', headers }) // 400
  await app.inject({ url: '/v1/customers', headers }) // 200
  await app.inject({ url: '/v1/accounts' }) // 401
  await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { customer_id: DOCS_CUSTOMER, account_type: 'ORDINARY', account_number: '5550001' } }) // 200
  await app.inject({ url: '/v1/nowhere', headers }) // 404

  const cases: [string, [string, string, number][]][] = [
    ['?method=post', [['POST', '/v1/accounts/link', 200], ['POST', '/v1/iam/oauth/tokens', 200]]],
    ['?path=/v1/accounts', [['POST', '/v1/accounts/link', 200], ['GET', '/v1/accounts', 401], ['GET', '/v1/accounts/not-a-uuid', 400], ['GET', `/v1/accounts/${DOCS_ACCOUNT}`, 200]]],
    ['?path=/v1/acc&method=GET', [['GET', '/v1/accounts', 401], ['GET', '/v1/accounts/not-a-uuid', 400], ['GET', `/v1/accounts/${DOCS_ACCOUNT}`, 200]]],
    ['?status=4xx', [['GET', '/v1/nowhere', 404], ['GET', '/v1/accounts', 401], ['GET', '/v1/accounts/not-a-uuid', 400]]],
    ['?status=4XX&limit=1', [['GET', '/v1/nowhere', 404]]],
    ['?status=404', [['GET', '/v1/nowhere', 404]]],
    ['?status=2xx&path=/v1/customers', [['GET', '/v1/customers', 200]]],
    ['?status=500', []],
    ['?limit=2', [['GET', '/v1/nowhere', 404], ['POST', '/v1/accounts/link', 200]]],
  ]
  for (const [query, expected] of cases) {
    const res = await app.inject({ url: `/_mock/requests${query}` })
    t.equal(res.statusCode, 200)
    t.same(
      (res.json().requests as Entry[]).map((entry) => [entry.method, entry.url, entry.status]),
      expected,
      query,
    )
    await expectMatchesSpec(t, app, res)
  }
})

t.test('answers 400 for filters it cannot read', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: [string, string][] = [
    ['?status=4x', "Field 'status' must match ^[1-5]([0-9]{2}|[xX]{2})$"],
    ['?status=600', "Field 'status' must match ^[1-5]([0-9]{2}|[xX]{2})$"],
    ['?limit=0', "Field 'limit' must be at least 1"],
    ['?limit=ten', "Field 'limit' must be an integer"],
    ['?method=G1', "Field 'method' must match ^[A-Za-z]+$"],
    ['?path=v1', "Field 'path' must match ^/"],
  ]
  for (const [query, message] of cases) {
    const res = await app.inject({ url: `/_mock/requests${query}` })
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('keeps a large body out: request_body null, request_body_omitted true', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { authorization: `Bearer ${await accessToken(app)}` }
  const res = await app.inject({ method: 'POST', url: '/v1/customers/business/link', headers, payload: { business_name: 'x'.repeat(70 * 1024) } })
  t.equal(res.statusCode, 400)
  const [entry] = await journal(app, '?limit=1')
  t.match(entry, { method: 'POST', url: '/v1/customers/business/link', status: 400, request_body: null, request_body_omitted: true })
  const list = await app.inject({ url: '/_mock/requests?limit=1' })
  await expectMatchesSpec(t, app, list)
})

t.test('empties the journal: 204, then an empty list', async (t) => {
  const { app } = await buildTestApp(t)
  await accessToken(app)
  t.equal((await journal(app)).length, 1)
  const res = await app.inject({ method: 'DELETE', url: '/_mock/requests' })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)
  t.same(await journal(app), [])
  await app.inject({ url: '/v1/accounts' })
  t.equal((await journal(app)).length, 1, 'and records again afterwards')
})

t.test('is emptied by POST /_mock/reset', async (t) => {
  const { app } = await buildTestApp(t)
  await accessToken(app)
  t.equal((await journal(app)).length, 1)
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.same(await journal(app), [])
})

t.test('needs the admin token on both journal routes when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'qa-admin' })
  await accessToken(app)
  for (const method of ['GET', 'DELETE'] as const) {
    const missing = await app.inject({ method, url: '/_mock/requests' })
    expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, missing)
    const wrong = await app.inject({ method, url: '/_mock/requests', headers: { 'x-mock-admin-token': 'nope' } })
    expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
    await expectMatchesSpec(t, app, wrong)
  }
  t.equal(app.services.journal.list({ limit: 10 }).length, 1, 'the DELETE without a token cleared nothing')
  const ok = await app.inject({ url: '/_mock/requests', headers: { 'x-mock-admin-token': 'qa-admin' } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().requests.length, 1)
  t.equal((await app.inject({ method: 'DELETE', url: '/_mock/requests', headers: { 'x-mock-admin-token': 'qa-admin' } })).statusCode, 204)
})

t.test('records the response: status, headers and the body as sent, with request headers (issue 13 §5)', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { client_id: CLIENTS.admin.client_id, client_secret: CLIENTS.admin.client_secret, grant_type: 'client_credentials' } })
  const access = token.json().access_token as string
  const get = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: { authorization: `Bearer ${access}`, 'accept-language': 'es', 'x-correlation': 'qa-1' } })
  const bad = await app.inject({ url: '/v1/accounts/not-a-uuid', headers: { authorization: `Bearer ${access}` } })

  const res = await app.inject({ url: '/_mock/requests' })
  await expectMatchesSpec(t, app, res)
  t.notOk(res.body.includes(access), 'the access token is in no answer kept, nor in a header')
  const [badEntry, getEntry, tokenEntry] = res.json().requests as Entry[]

  t.same(getEntry?.response.body, get.json(), 'the account as answered, parsed')
  t.equal(getEntry?.response.status, 200)
  t.equal(getEntry?.response.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(getEntry?.response.headers['x-trace-id'], get.headers['x-trace-id'])
  t.equal(getEntry?.response.headers['content-length'], String(get.body.length))
  t.notOk('body_truncated' in (getEntry?.response ?? {}), 'not marked when whole')
  t.equal(getEntry?.request_headers.authorization, '[REDACTED]')
  t.equal(getEntry?.request_headers['accept-language'], 'es', 'other request headers as sent')
  t.equal(getEntry?.request_headers['x-correlation'], 'qa-1')

  t.same(badEntry?.response.body, bad.json(), 'an error body too, in the contract’s shape')
  t.equal(badEntry?.response.status, 400)

  const kept = tokenEntry?.response.body as Record<string, unknown>
  t.equal(kept.access_token, '[REDACTED]', 'the token endpoint’s access_token is redacted')
  t.equal(kept.token_type, token.json().token_type, 'the rest of the token answer is kept')
  t.equal(kept.expires_in, token.json().expires_in)
})

t.test('a 204 keeps no response body', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = { authorization: `Bearer ${await accessToken(app, 'admin')}` }
  const created = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: 'f1dce2ff-7413-4fab-91e4-ca84489cf74c', key: { key_type: 'ALPHA', key_value: '@journal204' } } })
  t.equal(created.statusCode, 200, created.body)
  const deleted = await app.inject({ method: 'DELETE', url: `/v1/keys/${created.json().id}`, headers })
  const [entry] = await journal(app, '?limit=1')
  t.equal(deleted.statusCode, 204)
  t.equal(entry?.response.status, 204)
  t.equal(entry?.response.body, null, 'null when nothing was sent')
})

t.test('a response body over the limit is cut to its first 65,536 characters, as text, and marked (issue 13 §5)', async (t) => {
  const { JournalService, MAX_JOURNAL_RESPONSE_CHARS } = await import('../../src/control/journal/journal.service.js')
  const { JournalStore } = await import('../../src/control/journal/journal.store.js')
  const { serializeJournalEntry } = await import('../../src/control/journal/journal.serializer.js')
  const service = new JournalService(new JournalStore(3))
  const big = JSON.stringify({ data: 'x'.repeat(MAX_JOURNAL_RESPONSE_CHARS) })
  const base = { traceId: '00000000-0000-4000-8000-000000000001', method: 'GET', url: '/v1/accounts', durationMs: 1, at: new Date(NOW), body: null, bodyBytes: undefined, requestHeaders: {} }
  service.record({ ...base, status: 200, responseHeaders: { 'content-type': 'application/json; charset=utf-8' }, responsePayload: big })
  service.record({ ...base, status: 200, responseHeaders: { 'content-type': 'application/json' }, responsePayload: Buffer.from('{"a":1}') })
  service.record({ ...base, status: 200, responseHeaders: { 'content-type': 'application/json' }, responsePayload: '{"access_token":"tok-never-kept"' })
  const [cutSecret, buffer, cut] = service.list({ limit: 10 }).map(serializeJournalEntry)
  t.equal(cut?.response.body, big.slice(0, MAX_JOURNAL_RESPONSE_CHARS))
  t.equal(cut?.response.body_truncated, true)
  t.same(buffer?.response.body, { a: 1 }, 'a Buffer payload is read as text')
  t.equal(cutSecret?.response.body, '[REDACTED]', 'a body naming a secret that is not whole JSON is not kept at all')
})
