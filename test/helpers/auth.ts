import type { FastifyInstance } from 'fastify'

/** The fixtures' clients (CONTRACT §6). */
export const CLIENTS = {
  admin: { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret' },
  readonly: { client_id: 'passport-mock-readonly', client_secret: 'passport-mock-readonly-secret' },
  other: { client_id: 'passport-mock-other', client_secret: 'passport-mock-other-secret' },
} as const

export type ClientName = keyof typeof CLIENTS

/** A fresh access token for one of the fixtures' clients. */
export async function accessToken(app: FastifyInstance, client: ClientName = 'admin'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...CLIENTS[client], grant_type: 'client_credentials' } })
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { access_token: string }).access_token
}

/** `{ authorization: 'Bearer …' }` for one of the fixtures' clients. */
export async function bearer(app: FastifyInstance, client: ClientName = 'admin'): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await accessToken(app, client)}` }
}
