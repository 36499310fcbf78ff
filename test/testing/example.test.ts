import { startPassportMock } from 'passport-paas-mock/testing'
import t from 'tap'

// The README's example: what a Passport integrator writes, against the package as published.
t.test('an inbound payment shows in the account balance', async (t) => {
  const mock = await startPassportMock()
  t.teardown(() => mock.close())
  const call = async (path: string, body?: object, token?: string) => {
    const headers = { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }
    const res = await fetch(mock.url + path, { method: body ? 'POST' : 'GET', headers, body: JSON.stringify(body) })
    return (await res.json()) as Record<string, any>
  }
  const { access_token } = await call('/v1/iam/oauth/tokens', { client_id: mock.clientId, client_secret: mock.clientSecret, grant_type: 'client_credentials' })
  const accountId = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
  await call('/_mock/simulations/inbound-payment', { account_id: accountId, amount: { value: '1500.50', currency: 'COP' } })
  const account = await call(`/v1/accounts/${accountId}`, undefined, access_token)
  t.equal(account.available_balance.value, '90000000000001500.50')
})
