import t from 'tap'
import { accessToken, CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError } from '../helpers/errors.js'
import { DOCS_ACCOUNT } from '../helpers/webhooks.js'

// Issue 5: tokens are remembered in memory once read. Each test uses a token first (so it is
// cached), changes the table through a route, and checks the next request sees the change.

const TOKENS = '/v1/iam/oauth/tokens'
const MESSAGES = {
  token_revoked: 'The access token has been revoked',
  token_expired: 'The access token has expired',
  invalid_token: /access token/,
}

async function use(app: Awaited<ReturnType<typeof buildTestApp>>['app'], token: string) {
  return app.inject({ url: `/v1/accounts/${DOCS_ACCOUNT}`, headers: { authorization: `Bearer ${token}` } })
}

t.test('a revoked token is refused on the next request although it was just used', async (t) => {
  const { app } = await buildTestApp(t)
  const issued = await app.inject({ method: 'POST', url: TOKENS, payload: { ...CLIENTS.admin, grant_type: 'client_credentials' } })
  const { access_token: token, token_id: id } = issued.json() as { access_token: string; token_id: string }
  t.equal((await use(app, token)).statusCode, 200)
  const revoked = await app.inject({ method: 'DELETE', url: `${TOKENS}/${id}`, headers: { authorization: `Bearer ${token}` } })
  t.equal(revoked.statusCode, 200, revoked.body)
  expectError(t, await use(app, token), 401, 'token_revoked', 'UNAUTHENTICATED', MESSAGES['token_revoked'])
})

t.test('a reset with {"tokens": true} refuses a token that was just used', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await accessToken(app)
  t.equal((await use(app, token)).statusCode, 200)
  const reset = await app.inject({ method: 'POST', url: '/_mock/reset', payload: { tokens: true } })
  t.equal(reset.statusCode, 204, reset.body)
  expectError(t, await use(app, token), 401, 'invalid_token', 'UNAUTHENTICATED', MESSAGES['invalid_token'])
})

t.test('a state import without the token refuses it, and one with it revoked says so', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await accessToken(app)
  t.equal((await use(app, token)).statusCode, 200)
  const exported = (await app.inject({ url: '/_mock/state' })).json() as { tokens: Array<Record<string, unknown>> }
  t.equal(exported.tokens.length, 1)

  const revokedDoc = { ...exported, tokens: exported.tokens.map((row) => ({ ...row, revoked_at: '2026-01-15T12:00:00.000Z' })) }
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: revokedDoc })).statusCode, 204)
  expectError(t, await use(app, token), 401, 'token_revoked', 'UNAUTHENTICATED', MESSAGES['token_revoked'])

  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: { ...exported, tokens: [] } })).statusCode, 204)
  expectError(t, await use(app, token), 401, 'invalid_token', 'UNAUTHENTICATED', MESSAGES['invalid_token'])
})

t.test('a remembered token still expires with the mock clock', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await accessToken(app)
  t.equal((await use(app, token)).statusCode, 200)
  const advanced = await app.inject({ method: 'POST', url: '/_mock/clock', payload: { advance_seconds: 86_400 } })
  t.equal(advanced.statusCode, 200, advanced.body)
  expectError(t, await use(app, token), 401, 'token_expired', 'UNAUTHENTICATED', MESSAGES['token_expired'])
})
