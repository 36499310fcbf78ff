import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { DOCS_ACCOUNT } from '../helpers/webhooks.js'

// Issue 5: accounts read by id are remembered in memory. Each test reads an account first (so it
// is cached), changes it through a route, and checks the next read through /v1 sees the change.

/** The account's available balance as GET /v1/accounts/{id} answers it (which must be a 200). */
async function available(app: FastifyInstance, accountId = DOCS_ACCOUNT): Promise<string> {
  const res = await app.inject({ url: `/v1/accounts/${accountId}`, headers: await bearer(app) })
  if (res.statusCode !== 200) throw new Error(`GET account: ${res.statusCode} ${res.body}`)
  return (res.json() as { available_balance: { value: string } }).available_balance.value
}

t.test('an inbound payment credits an account that was just read', async (t) => {
  const { app } = await buildTestApp(t)
  const before = await available(app)
  const res = await app.inject({ method: 'POST', url: '/_mock/simulations/inbound-payment', payload: { account_id: DOCS_ACCOUNT, amount: { value: '100.25', currency: 'COP' } } })
  t.equal(res.statusCode, 200, res.body)
  t.equal(await available(app), (BigInt(before) + 100n).toString() + '.25')
})

t.test('a payment holds funds of an account that was just read', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const before = await available(app)
  // A well-formed key registered nowhere resolves to an owner at an outside bank (README).
  const resolution = await app.inject({
    method: 'POST',
    url: '/v1/resolve-key',
    headers,
    payload: { customer_id: 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e', key: { key_type: 'PHONE', key_value: '3157770001' } },
  })
  t.equal(resolution.statusCode, 200, resolution.body)
  const pay = await app.inject({
    method: 'POST',
    url: '/v1/payments/breb',
    headers,
    payload: { account_id: DOCS_ACCOUNT, resolution_id: (resolution.json() as { id: string }).id, amount: { value: '10', currency: 'COP' } },
  })
  t.equal(pay.statusCode, 200, pay.body)
  t.equal(await available(app), (BigInt(before) - 10n).toString(), 'the hold shows at once')
})

t.test('a reset brings back the balance of an account that was just read', async (t) => {
  const { app } = await buildTestApp(t)
  const before = await available(app)
  await app.inject({ method: 'POST', url: '/_mock/simulations/inbound-payment', payload: { account_id: DOCS_ACCOUNT, amount: { value: '5', currency: 'COP' } } })
  t.not(await available(app), before)
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204)
  t.equal(await available(app), before)
})

t.test('a state import changes the balance of an account that was just read', async (t) => {
  const { app } = await buildTestApp(t)
  await available(app)
  const exported = (await app.inject({ url: '/_mock/state' })).json() as { accounts: Array<Record<string, unknown>> }
  const changed = { ...exported, accounts: exported.accounts.map((row) => (row.id === DOCS_ACCOUNT ? { ...row, available_minor: '123456' } : row)) }
  const res = await app.inject({ method: 'PUT', url: '/_mock/state', payload: changed })
  t.equal(res.statusCode, 204, res.body)
  t.equal(await available(app), '1234.56')
})

t.test('an account changed by a transaction that rolls back reads as it was', async (t) => {
  const { app } = await buildTestApp(t)
  const before = await available(app)
  const { accounts } = app.services.stores
  t.throws(() =>
    app.services.db.transaction(() => {
      accounts.setBalances(DOCS_ACCOUNT, 1n, 0n, '2026-01-15T12:00:00.000Z')
      t.equal(accounts.findById(DOCS_ACCOUNT)?.availableMinor, 1n, 'inside the transaction, the new balance')
      throw new Error('roll back')
    })(),
  )
  t.equal(await available(app), before)
})
