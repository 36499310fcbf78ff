import { randomUUID } from 'node:crypto'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

t.test('answers the docs example account exactly as CONTRACT §6 says', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    id: DOCS_ACCOUNT,
    customer_id: 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e',
    account_number: '88827643001',
    account_type: 'ORDINARY',
    status: 'ACTIVE',
    available_balance: { value: '90000000000000000', currency: 'COP' },
    pending_balance: { value: '0', currency: 'COP' },
    created_at: '2025-10-09T10:40:29.966Z',
    updated_at: '2025-10-09T17:41:23.179Z',
  })
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 account_not_found for an unknown account', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: `/v1/accounts/${randomUUID()}`, headers: await bearer(app) })
  t.equal(res.statusCode, 404)
  t.match(res.json(), { code: 'account_not_found', type: 'NOT_FOUND', http_code: 404, resource: 'accounts' })
  await expectMatchesSpec(t, app, res)
})
