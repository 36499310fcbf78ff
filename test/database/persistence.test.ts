import { join } from 'node:path'
import t from 'tap'
import { accessToken, CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const START = '2026-01-15T12:00:00.000Z'

const NEW_CUSTOMER = {
  business_name: 'Tienda Persistente S.A.S.',
  email: 'persiste@example.com',
  mobile_phone_number: '+573001112233',
  identification_type: 'NIT',
  identification_number: '900123456',
  merchant_category_code: '5411',
  address: { line_1: 'Calle 1 # 2-3', city: 'Bogotá', state: 'Cundinamarca', post_code: '110111', country: 'CO' },
}

t.test('keeps customers, accounts and token states across a restart on the same file', async (t) => {
  const databasePath = join(t.testdir(), 'passport-mock.sqlite')

  // First run: link a customer and an account, issue two tokens, revoke one.
  const { app: first } = await buildTestApp(t, { databasePath }, START)
  const keptToken = await accessToken(first)
  const issued = await first.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...CLIENTS.admin, grant_type: 'client_credentials' } })
  t.equal(issued.statusCode, 200)
  const { access_token: revokedToken, token_id: revokedId } = issued.json() as { access_token: string; token_id: string }
  const kept = { authorization: `Bearer ${keptToken}` }

  const customerRes = await first.inject({ method: 'POST', url: '/v1/customers/business/link', headers: kept, payload: NEW_CUSTOMER })
  t.equal(customerRes.statusCode, 200)
  await expectMatchesSpec(t, first, customerRes)
  const customer = customerRes.json() as { id: string }

  const accountRes = await first.inject({
    method: 'POST',
    url: '/v1/accounts/link',
    headers: kept,
    payload: { customer_id: customer.id, account_type: 'ORDINARY', account_number: '88800000042' },
  })
  t.equal(accountRes.statusCode, 200)
  await expectMatchesSpec(t, first, accountRes)
  const account = accountRes.json() as { id: string }

  const revoke = await first.inject({ method: 'DELETE', url: `/v1/iam/oauth/tokens/${revokedId}`, headers: kept })
  t.equal(revoke.statusCode, 200, 'revoked: 200 with no body (Contract 2)')
  await expectMatchesSpec(t, first, revoke)
  const refused = await first.inject({ url: '/v1/accounts', headers: { authorization: `Bearer ${revokedToken}` } })
  t.equal(refused.statusCode, 401, 'the revoked token is refused before the restart')
  await first.close()

  // Second run on the same file.
  const { app: second } = await buildTestApp(t, { databasePath }, START)

  const customerAgain = await second.inject({ url: `/v1/customers/${customer.id}`, headers: kept })
  t.equal(customerAgain.statusCode, 200, 'the token issued before the restart is still valid')
  t.same(customerAgain.json(), customerRes.json(), 'the customer is as linked')
  await expectMatchesSpec(t, second, customerAgain)

  const accountAgain = await second.inject({ url: `/v1/accounts/${account.id}`, headers: kept })
  t.equal(accountAgain.statusCode, 200)
  t.same(accountAgain.json(), accountRes.json(), 'the account is as linked')
  await expectMatchesSpec(t, second, accountAgain)

  const docsAccount = await second.inject({ url: '/v1/accounts/6c23f053-0e1a-46b4-b902-97ba47e351bc', headers: kept })
  t.equal(docsAccount.statusCode, 200)
  t.match(docsAccount.json(), { available_balance: { value: '90000000000000000', currency: 'COP' } }, 'a balance of 9×10^18 minor units reads back exactly')
  await expectMatchesSpec(t, second, docsAccount)

  const stillRevoked = await second.inject({ url: `/v1/accounts/${account.id}`, headers: { authorization: `Bearer ${revokedToken}` } })
  t.equal(stillRevoked.statusCode, 401)
  t.match(stillRevoked.json(), { code: 'token_revoked', type: 'UNAUTHENTICATED', http_code: 401 })
  await expectMatchesSpec(t, second, stillRevoked)

  const info = await second.inject({ url: `/v1/iam/oauth/tokens/${revokedId}`, headers: kept })
  t.equal(info.statusCode, 200)
  t.match(info.json(), { token_id: revokedId, status: 'REVOKED' })
  await expectMatchesSpec(t, second, info)

  const again = await second.inject({ method: 'DELETE', url: `/v1/iam/oauth/tokens/${revokedId}`, headers: kept })
  t.equal(again.statusCode, 404, 'revoking it again is token_not_found ("already revoked"): the revocation was kept')
  t.match(again.json(), { code: 'token_not_found' })
  await expectMatchesSpec(t, second, again)
})
