import { startPassportMock } from 'passport-paas-mock/testing'
import t from 'tap'

// The README's example: what a Passport integrator writes, against the package as published.
t.test('an inbound payment shows in the account balance, and a 503 once', async (t) => {
  const mock = await startPassportMock()
  t.teardown(() => mock.close())
  const token = await mock.token()
  const account = (id: string) => fetch(`${mock.url}/v1/accounts/${id}`, { headers: { authorization: `Bearer ${token}` } })
  const accountId = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
  await mock.simulateInboundPayment({ account_id: accountId, amount: { value: '1500.50', currency: 'COP' } })
  await mock.faults.add({ path: '/v1/accounts/:account_id', status: 503, times: 1 })
  t.equal((await account(accountId)).status, 503)
  const body = (await (await account(accountId)).json()) as { available_balance: { value: string } }
  t.equal(body.available_balance.value, '90000000000001500.50')
  t.same((await mock.requests({ status: '503' })).map((r) => r.url), [`/v1/accounts/${accountId}`])
})
