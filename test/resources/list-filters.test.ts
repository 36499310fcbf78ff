import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectInvalid } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

/*
 * Contract 2: the date filters of https://docs.passportfintech.com/EN/query-parameters
 * (created_at/from/to, updated_at/from/to) apply to every list, and the List Payments page's
 * sender participant filters are applied, never silently ignored.
 */

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const LISTS = [
  ['/v1/iam/oauth/tokens', 'tokens'],
  ['/v1/customers', 'customers'],
  ['/v1/accounts', 'accounts'],
  ['/v1/keys', 'keys'],
  ['/v1/recipients', 'recipients'],
  ['/v1/payments', 'payments'],
  ['/v1/qrcodes', 'qr_codes'],
] as const

/** One row of every kind for the default entity, made at the clock's present time. */
async function oneOfEach(app: FastifyInstance, headers: { authorization: string }): Promise<void> {
  const customer = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers,
    payload: {
      business_name: 'Filtros S.A.S.',
      email: 'filtros@example.com',
      mobile_phone_number: '3001112233',
      identification_type: 'NIT',
      identification_number: '800100200',
      address: { line_1: 'Calle 1', city: 'Bogota', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
      merchant_category_code: '5411',
    },
  })
  const customerId = (customer.json() as { id: string }).id
  const account = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { customer_id: customerId, account_type: 'ORDINARY', account_number: '770011' } })
  const key = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3123185778' } } })
  const keyId = (key.json() as { id: string }).id
  const made = [
    customer,
    account,
    key,
    await app.inject({ method: 'POST', url: '/v1/recipients/breb', headers, payload: { customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3975999158' } } }),
    await app.inject({
      method: 'POST',
      url: '/v1/qrcodes',
      headers,
      payload: { key_id: keyId, customer_id: DOCS_CUSTOMER, type: 'STATIC', channel: 'POS', vat: { vat_type: 'FIXED', vat_value: '0' }, inc: { inc_type: 'FIXED', inc_value: '0' } },
    }),
    await app.inject({
      method: 'POST',
      url: '/_mock/simulations/inbound-payment',
      payload: { account_id: DOCS_ACCOUNT, amount: { value: '100', currency: 'COP' }, sender: { participant: { name: 'NEQUI', identification_number: '900123456' } } },
    }),
  ]
  for (const res of made) if (res.statusCode !== 200) throw new Error(`setup failed: ${res.statusCode} ${res.body}`)
}

async function list(app: FastifyInstance, url: string, query: string, headers?: { authorization: string }) {
  return app.inject({ url: `${url}${query}`, headers: headers ?? (await bearer(app)) })
}

t.test('applies created_from/created_to and updated_from/updated_to on every list, bounds inclusive', async (t) => {
  const { app, time } = await buildTestApp(t)
  time.set('2026-03-01T09:00:00.000Z')
  const headers = await bearer(app) // one token, made at 09:00 too
  await oneOfEach(app, headers)
  for (const [url, collection] of LISTS) {
    const rows = async (query: string) => {
      const res = await list(app, url, query, headers)
      t.equal(res.statusCode, 200, `${url}${query}`)
      await expectMatchesSpec(t, app, res)
      return (res.json() as Record<string, Array<{ created_at: string; updated_at?: string }>>)[collection] ?? []
    }
    const all = await rows('?page_params.page_size=100')
    const madeNow = all.filter((r) => r.created_at >= '2026-03-01T09:00:00.000Z').length
    const touchedNow = all.filter((r) => (r.updated_at ?? r.created_at) >= '2026-03-01T09:00:00.000Z').length
    t.ok(madeNow >= 1, `${url}: a row made at 09:00`)
    t.equal((await rows('?page_params.page_size=100&created_from=2026-03-01T09:00:00.000Z')).length, madeNow, `${url}: created_from includes its own instant`)
    t.equal((await rows('?page_params.page_size=100&created_from=2026-03-01T09:00:00.001Z')).length, 0, `${url}: and nothing later`)
    t.equal((await rows('?page_params.page_size=100&created_to=2026-03-01T08:59:59.999Z')).length, all.length - madeNow, `${url}: created_to leaves out the 09:00 rows`)
    t.equal((await rows('?page_params.page_size=100&created_at=2026-03-01')).length, madeNow, `${url}: a date is its whole UTC day`)
    t.equal((await rows('?page_params.page_size=100&updated_from=2026-03-01T04:00:00-05:00')).length, touchedNow, `${url}: an offset is read as such (09:00Z)`)
    t.equal((await rows('?page_params.page_size=100&updated_to=2000-01-01')).length, 0, `${url}: updated_to`)
  }
})

t.test('answers 400 naming the field for a date filter that is not ISO 8601, on every list', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [url] of LISTS) {
    for (const [field, value] of [
      ['created_from', 'not-a-date'],
      ['created_to', '2026-13-01'],
      ['updated_at', '2026-02-29'],
      ['updated_from', '09/10/2025'],
      ['updated_to', '2026-01-01T10:00:00+25:00'],
      ['created_at', '2026-01-01T10:61:00Z'],
    ] as const) {
      const res = await list(app, url, `?${field}=${encodeURIComponent(value)}`)
      expectInvalid(t, res, `Field '${field}' must be an ISO 8601 date or date-time, such as 2025-10-09 or 2025-10-09T10:40:29.966Z`)
      await expectMatchesSpec(t, app, res)
    }
  }
})

t.test('filters payments by the sender participant’s name and identification number', async (t) => {
  const { app } = await buildTestApp(t)
  await oneOfEach(app, await bearer(app))
  for (const [query, count] of [
    ['?sender_participant_name=NEQUI', 1],
    ['?sender_participant_name=nequi', 0],
    ['?sender_participant_name=BANCOLOMBIA', 0],
    ['?sender_participant_identification_number=900123456', 1],
    ['?sender_participant_identification_number=900123456&sender_participant_name=DAVIPLATA', 0],
  ] as const) {
    const res = await list(app, '/v1/payments', query)
    t.equal(res.statusCode, 200, query)
    t.equal((res.json() as { payments: unknown[] }).payments.length, count, query)
    await expectMatchesSpec(t, app, res)
  }
  const bad = await list(app, '/v1/payments', '?sender_participant_name=')
  expectInvalid(t, bad, "Field 'sender_participant_name' must not be empty")
  await expectMatchesSpec(t, app, bad)
})
