import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer, CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { DEFAULT_ENTITY, DOCS_ACCOUNT, makePayment, OTHER_ACCOUNT, OTHER_ENTITY } from '../helpers/webhooks.js'

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'

type Row = { id: string; entity_id: string; created_at: string; [field: string]: unknown }

/** Every row of a /_mock view, page by page (page_size 3, so paging is exercised). */
async function allRows(app: FastifyInstance, path: string, collection: string): Promise<Row[]> {
  const rows: Row[] = []
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?'
    const res = await app.inject({ url: `${path}${sep}page_params.page_size=3&page_params.page_number=${page}` })
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`)
    const body = res.json()
    rows.push(...(body[collection] as Row[]))
    if (page >= body.pagination_info.total_pages) return rows
  }
}

/** The row without the view's `entity_id`: what /v1 answers. */
function withoutEntity({ entity_id: _entity, customer_name: _name, ...rest }: Row) {
  return rest
}

t.test('lists every entity with its clients’ ids and scopes, never a secret, and row counts', async (t) => {
  const { app } = await buildTestApp(t)
  await makePayment(app)
  const res = await app.inject({ url: '/_mock/entities' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    entities: [
      {
        id: OTHER_ENTITY,
        name: 'Other Entity',
        created_at: '2025-10-09T00:00:00.000Z',
        clients: [{ client_id: 'passport-mock-other', scopes: ['iam.*', 'paas.core.*'] }],
        counts: { customers: 1, accounts: 1, keys: 0, payments: 1 },
      },
      {
        id: DEFAULT_ENTITY,
        name: 'Passport Mock Default Entity',
        created_at: '2025-10-09T00:00:00.000Z',
        clients: [
          { client_id: 'passport-mock-client', scopes: ['iam.*', 'paas.core.*'] },
          { client_id: 'passport-mock-readonly', scopes: res.json().entities[1].clients[1].scopes },
        ],
        counts: { customers: 2, accounts: 9, keys: 0, payments: 0 },
      },
    ],
    pagination_info: { total_elements: 2, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:00:00.000Z' },
  })
  t.ok(res.json().entities[1].clients[1].scopes.every((s: string) => s.endsWith('.get')), 'the read-only client’s scopes are all reads')
  for (const client of Object.values(CLIENTS)) t.notOk(res.body.includes(client.client_secret), `${client.client_id}'s secret is not shown`)
  t.notOk(res.body.includes('client_secret'))
  await expectMatchesSpec(t, app, res)
})

t.test('filters and pages entities like a /v1 list', async (t) => {
  const { app } = await buildTestApp(t)
  const byName = await app.inject({ url: '/_mock/entities?name=Other%20Entity' })
  t.same(
    byName.json().entities.map((e: Row) => e.id),
    [OTHER_ENTITY],
  )
  const byId = await app.inject({ url: `/_mock/entities?entity_id=${DEFAULT_ENTITY}` })
  t.same(
    byId.json().entities.map((e: Row) => e.id),
    [DEFAULT_ENTITY],
  )
  await expectMatchesSpec(t, app, byId)

  const second = await app.inject({ url: '/_mock/entities?page_size=1&page_number=2' })
  t.same(
    second.json().entities.map((e: Row) => e.id),
    [DEFAULT_ENTITY],
    'ties on created_at break on id',
  )
  t.match(second.json().pagination_info, { total_elements: 2, total_pages: 2, current_page: 2 })
  const desc = await app.inject({ url: '/_mock/entities?order_params.order_direction=desc&order_params.order_key=updated_at' })
  t.same(
    desc.json().entities.map((e: Row) => e.id),
    [DEFAULT_ENTITY, OTHER_ENTITY],
    'DESC, with updated_at read as created_at',
  )
  await expectMatchesSpec(t, app, desc)

  const none = await app.inject({ url: '/_mock/entities?name=ci-job-42' })
  t.equal(none.statusCode, 200)
  t.same(none.json(), { entities: [], pagination_info: { total_elements: 0, total_pages: 0, current_page: 1, first_request_timestamp: '2026-01-15T12:00:00.000Z' } })
  await expectMatchesSpec(t, app, none)
  const past = await app.inject({ url: '/_mock/entities?page_number=5' })
  t.same(past.json().entities, [], 'a page past the end is empty')
})

t.test('lists every entity’s accounts as the /v1 account object plus entity_id, in /v1 order', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/_mock/accounts' })
  t.equal(res.statusCode, 200)
  t.match(res.json().pagination_info, { total_elements: 10, total_pages: 1, current_page: 1 })
  await expectMatchesSpec(t, app, res)
  const rows = res.json().accounts as Row[]
  const keys = rows.map((r) => `${r.created_at} ${r.id}`)
  t.same(keys, [...keys].sort(), 'ordered by created_at, then id')
  t.same(rows.find((r) => r.id === OTHER_ACCOUNT)?.entity_id, OTHER_ENTITY)
  t.equal(rows.filter((r) => r.entity_id === DEFAULT_ENTITY).length, 9)

  const headers = await bearer(app)
  const v1 = (await app.inject({ url: '/v1/accounts?page_size=100', headers })).json().accounts
  const view = await allRows(app, `/_mock/accounts?entity_id=${DEFAULT_ENTITY}`, 'accounts')
  t.same(view.map(withoutEntity), v1, 'one entity’s view is its /v1 list, page after page')
  t.ok(
    view.every((r) => r.entity_id === DEFAULT_ENTITY),
    'every row names its entity',
  )

  const desc = await allRows(app, '/_mock/accounts?order_direction=DESC', 'accounts')
  t.same(
    desc.map((r) => r.id),
    rows.map((r) => r.id).reverse(),
    'DESC reverses it',
  )
})

t.test('filters accounts by entity, customer, status, type and number', async (t) => {
  const { app } = await buildTestApp(t)
  const ids = async (query: string) => {
    const res = await app.inject({ url: `/_mock/accounts?${query}` })
    t.equal(res.statusCode, 200, query)
    await expectMatchesSpec(t, app, res)
    return (res.json().accounts as Row[]).map((r) => r.id)
  }
  t.same(await ids(`entity_id=${OTHER_ENTITY}`), [OTHER_ACCOUNT])
  t.same(await ids(`customer_id=${SECOND_CUSTOMER}`), ['f1dce2ff-7413-4fab-91e4-ca84489cf74c'])
  t.same(await ids('status=blocked'), ['00000000-0000-4000-8000-000000000002'], 'enum values in any case')
  t.same(await ids('account_number=88827643001'), [DOCS_ACCOUNT])
  t.same(await ids(`status=ACTIVE&entity_id=${OTHER_ENTITY}`), [OTHER_ACCOUNT])
  t.same(await ids(`customer_id=${DOCS_CUSTOMER}&entity_id=${OTHER_ENTITY}`), [], 'no match is 200 []')
  t.equal((await ids('account_type=ORDINARY')).length > 0, true)
})

t.test('lists every entity’s payments, OUTBOUND and INBOUND, as /v1 answers them plus entity_id', async (t) => {
  const { app, time } = await buildTestApp(t)
  const empty = await app.inject({ url: '/_mock/payments' })
  t.equal(empty.statusCode, 200, 'no payments at all is 200 [], not the 404 of /v1')
  t.same(empty.json().payments, [])
  await expectMatchesSpec(t, app, empty)

  const outbound = (await makePayment(app, '3001112222', '10.50')).json()
  t.equal(outbound.status, 'PROCESSING')
  time.advance(1)
  const inbound = (await app.inject({ method: 'POST', url: '/_mock/simulations/inbound-payment', payload: { account_id: DOCS_ACCOUNT, amount: { value: '99', currency: 'COP' } } })).json()

  const res = await app.inject({ url: '/_mock/payments' })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  t.same(res.json().payments, [
    { ...outbound, entity_id: OTHER_ENTITY, account_number: '88751010127', customer_name: res.json().payments[0].customer_name },
    { ...inbound, entity_id: DEFAULT_ENTITY, account_number: '88827643001', customer_name: 'changing' },
  ])
  t.match(res.json().pagination_info, { total_elements: 2, total_pages: 1 })
  const asV1 = (await app.inject({ url: `/v1/payments/${outbound.id}`, headers: await bearer(app, 'other') })).json()
  const { account_number: _number, ...payment } = res.json().payments[0]
  t.same(withoutEntity(payment), asV1, 'the same object /v1 answers its owner')
})

t.test('filters payments by entity, account, direction and status', async (t) => {
  const { app, time } = await buildTestApp(t)
  const outbound = (await makePayment(app)).json()
  time.advance(1)
  const inbound = (await app.inject({ method: 'POST', url: '/_mock/simulations/inbound-payment', payload: { account_id: OTHER_ACCOUNT, amount: { value: '5', currency: 'COP' } } })).json()
  const ids = async (query: string) => {
    const res = await app.inject({ url: `/_mock/payments?${query}` })
    t.equal(res.statusCode, 200, query)
    await expectMatchesSpec(t, app, res)
    return (res.json().payments as Row[]).map((r) => r.id)
  }
  t.same(await ids(`entity_id=${OTHER_ENTITY}`), [outbound.id, inbound.id])
  t.same(await ids(`entity_id=${DEFAULT_ENTITY}`), [])
  t.same(await ids('direction=inbound'), [inbound.id])
  t.same(await ids('direction=OUTBOUND&status=processing'), [outbound.id])
  t.same(await ids(`account_id=${OTHER_ACCOUNT}&status=SETTLED`), [inbound.id])
  t.same(await ids(`account_id=${DOCS_ACCOUNT}`), [])
  t.same(await ids(`end_to_end_identification=${inbound.end_to_end_identification}&direction=INBOUND`), [inbound.id])

  time.advance(2000)
  await app.services.sweeper.runDue()
  t.same(await ids('status=SETTLED&direction=OUTBOUND'), [outbound.id], 'the view follows settlement')
})

t.test('leaves out rows created after the snapshot time of the first page', async (t) => {
  const { app, time } = await buildTestApp(t)
  const first = (await makePayment(app)).json()
  const seconds = Math.floor(Date.parse('2026-01-15T12:00:00.000Z') / 1000)
  time.advance(60_000)
  await makePayment(app, '3001112223')
  const res = await app.inject({ url: `/_mock/payments?page_params.first_request_timestamp.seconds=${seconds}` })
  t.same(
    res.json().payments.map((p: Row) => p.id),
    [first.id],
  )
  t.equal(res.json().pagination_info.first_request_timestamp, '2026-01-15T12:00:00.000Z')
  await expectMatchesSpec(t, app, res)
  const all = await app.inject({ url: '/_mock/payments' })
  t.equal(all.json().pagination_info.total_elements, 2)
})

t.test('answers 400 naming the parameter for a bad filter or page', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[string, string]> = [
    ['/_mock/accounts?entity_id=nope', "Field 'entity_id' must be a UUID"],
    ['/_mock/accounts?status=OPEN', "Field 'status' must be one of: ACTIVE, INACTIVE, BLOCKED, CLOSED"],
    ['/_mock/payments?direction=SIDEWAYS', "Field 'direction' must be one of: OUTBOUND, INBOUND"],
    ['/_mock/payments?account_id=123', "Field 'account_id' must be a UUID"],
    ['/_mock/entities?page_size=0', "Field 'page_size' must be at least 1"],
    ['/_mock/entities?page_params.page_size=101', "Field 'page_params.page_size' must be at most 100"],
  ]
  for (const [url, message] of cases) {
    const res = await app.inject({ url })
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message, '_mock')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('needs the admin token when MOCK_ADMIN_TOKEN is set', async (t) => {
  const { app } = await buildTestApp(t, { mockAdminToken: 'qa-secret' })
  for (const url of ['/_mock/entities', '/_mock/accounts', '/_mock/customers', '/_mock/payments']) {
    const missing = await app.inject({ url })
    expectError(t, missing, 401, 'admin_token_required', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is required', '_mock')
    await expectMatchesSpec(t, app, missing)
    const wrong = await app.inject({ url, headers: { 'x-mock-admin-token': 'qa-secreT' } })
    expectError(t, wrong, 401, 'invalid_admin_token', 'UNAUTHENTICATED', 'The X-Mock-Admin-Token header is wrong', '_mock')
    const right = await app.inject({ url, headers: { 'x-mock-admin-token': 'qa-secret' } })
    t.equal(right.statusCode, 200, url)
    await expectMatchesSpec(t, app, right)
  }
})

// Issue 14: the console's Find box searches on the server, over every row, through indexes (migration 0009).
t.test('q finds an account among 100,000 by number, number prefix, id, customer id or customer name, fast', async (t) => {
  const { app } = await buildTestApp(t)
  const customerId = 'c0ffee00-0000-4000-8000-0000000014a1'
  const accounts = Array.from({ length: 100_000 }, (_, i) => ({ account_number: String(7_000_000_000 + i) }))
  const seeded = await app.inject({
    method: 'POST',
    url: '/_mock/seed',
    payload: {
      customers: [{ id: customerId, business_name: 'Ferretería Quindío Ltda' }],
      accounts: [...accounts, { customer_id: customerId, account_number: '5550001' }, { customer_id: customerId, account_number: '5550002' }],
    },
  })
  t.equal(seeded.statusCode, 200, seeded.statusCode === 200 ? 'seeded 100,002 accounts' : seeded.body.slice(0, 300))
  const all = await app.inject({ url: '/_mock/accounts?page_size=1' })
  t.ok(all.json().pagination_info.total_elements > 100_000, 'more than 100,000 accounts in all')

  const search = async (q: string, extra = '') => {
    const started = performance.now()
    const res = await app.inject({ url: `/_mock/accounts?q=${encodeURIComponent(q)}&page_size=50${extra}` })
    const ms = performance.now() - started
    t.equal(res.statusCode, 200, `q=${q}`)
    await expectMatchesSpec(t, app, res)
    return { body: res.json() as { accounts: Row[]; pagination_info: { total_elements: number; total_pages: number } }, ms }
  }

  const exact = await search('7000054321')
  t.same(
    exact.body.accounts.map((a) => a.account_number),
    ['7000054321'],
    'an account number finds its account',
  )
  t.equal(exact.body.pagination_info.total_elements, 1, 'the pager counts the matches, not every account')

  const prefix = await search('700005432')
  t.same(prefix.body.accounts.map((a) => a.account_number).sort(), Array.from({ length: 10 }, (_, i) => `700005432${i}`), 'a number prefix finds every number that starts with it')

  const broad = await search('70000', '&page_params.page_number=2')
  t.equal(broad.body.pagination_info.total_elements, 100_000, 'a broad prefix counts every match')
  t.equal(broad.body.accounts.length, 50, 'and pages them')
  t.ok(
    broad.body.accounts.every((a) => String(a.account_number).startsWith('70000')),
    'every row on page 2 matches',
  )

  const byId = await search(exact.body.accounts[0]!.id)
  t.same(byId.body.accounts.map((a) => a.account_number), ['7000054321'], 'an account id finds its account')

  const byCustomer = await search(customerId)
  t.same(byCustomer.body.accounts.map((a) => a.account_number).sort(), ['5550001', '5550002'], 'a customer id finds its accounts')
  const byName = await search('ferretería quin')
  t.same(byName.body.accounts.map((a) => a.account_number).sort(), ['5550001', '5550002'], 'the start of the customer’s name finds its accounts, in any case')
  t.same(byName.body.accounts.map((a) => a.customer_name), ['Ferretería Quindío Ltda', 'Ferretería Quindío Ltda'], 'each account names its customer')
  const withStatus = await search('ferretería', '&status=BLOCKED')
  t.equal(withStatus.body.pagination_info.total_elements, 0, 'q combines with the other filters')
  const none = await search('7000054321x')
  t.equal(none.body.pagination_info.total_elements, 0, 'no match is 200 with []')
  t.same(none.body.accounts, [])

  // The README's figure: an exact search over 100,000 accounts. Repeated (the first may prepare the statement); the median is kept.
  const times: number[] = []
  for (let i = 0; i < 5; i++) times.push((await search(String(7_000_000_000 + 1000 * i))).ms)
  const median = times.sort((a, b) => a - b)[2]!
  t.ok(median < 200, `an exact search over 100,000 accounts answers in ${median.toFixed(1)} ms (under 200 ms)`)
})

t.test('q must be 1 to 200 characters', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [q, message] of [
    ['', "Field 'q' must not be empty"],
    ['x'.repeat(201), "Field 'q' must be at most 200 characters long"],
  ]) {
    const res = await app.inject({ url: `/_mock/accounts?q=${q}` })
    expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', message!, '_mock')
    await expectMatchesSpec(t, app, res)
  }
})

t.test('lists every entity’s customers as /v1 shows them, plus entity_id; q finds one by id or name prefix', async (t) => {
  const { app } = await buildTestApp(t)
  const all = await app.inject({ url: '/_mock/customers?page_size=100' })
  t.equal(all.statusCode, 200)
  await expectMatchesSpec(t, app, all)
  const customers = all.json().customers as Row[]
  t.equal(customers.length, 3, 'both entities’ customers (2 + 1 in the fixtures)')
  t.same(new Set(customers.map((c) => c.entity_id)), new Set([DEFAULT_ENTITY, OTHER_ENTITY]))
  const docs = customers.find((c) => c.id === DOCS_CUSTOMER)!
  const v1 = await app.inject({ url: `/v1/customers/${DOCS_CUSTOMER}`, headers: await bearer(app) })
  t.same(withoutEntity(docs), v1.json(), 'the same object /v1 answers its owner')

  const seeded = await app.inject({ method: 'POST', url: '/_mock/seed', payload: { customers: [{ business_name: 'Ferretería Quindío Ltda' }, { business_name: 'Ferrocarriles SAS' }] } })
  t.equal(seeded.statusCode, 200)
  const byName = await app.inject({ url: `/_mock/customers?q=${encodeURIComponent('ferretería')}` })
  await expectMatchesSpec(t, app, byName)
  t.same(byName.json().customers.map((c: Row) => c.business_name), ['Ferretería Quindío Ltda'], 'a name prefix, any case')
  t.equal((await app.inject({ url: '/_mock/customers?q=Ferr' })).json().pagination_info.total_elements, 2, 'a shorter prefix finds both')
  const byId = await app.inject({ url: `/_mock/customers?q=${DOCS_CUSTOMER}` })
  t.same(byId.json().customers.map((c: Row) => c.id), [DOCS_CUSTOMER], 'an id exactly')
  const other = await app.inject({ url: `/_mock/customers?entity_id=${OTHER_ENTITY}` })
  t.ok(other.json().customers.every((c: Row) => c.entity_id === OTHER_ENTITY), 'entity_id narrows it to one entity')
  const bad = await app.inject({ url: '/_mock/customers?status=GONE' })
  expectError(t, bad, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'status' must be one of: ACTIVE, INACTIVE", '_mock')
  await expectMatchesSpec(t, app, bad)
})
