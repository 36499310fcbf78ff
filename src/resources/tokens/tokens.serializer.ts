import type { IssuedToken, TokenStatus } from './tokens.service.js'
import type { Token } from './tokens.store.js'

export function serializeIssuedToken({ accessToken, token }: IssuedToken, ttlSeconds: number) {
  return {
    access_token: accessToken,
    token_type: 'Bearer' as const,
    expires_in: ttlSeconds,
    token_id: token.id,
    scopes: token.scopes,
    roles: token.roles,
    account_id: token.entityId,
    created_at: token.createdAt,
  }
}

/** Token metadata: never the access token (CONTRACT §3). */
export function serializeTokenInfo(token: Token, status: TokenStatus, expiresIn: number) {
  return {
    token_id: token.id,
    created_at: token.createdAt,
    scopes: token.scopes,
    roles: token.roles,
    account_id: token.entityId,
    grant_flow: 'GRANT_FLOW_CLIENT_CREDENTIALS' as const,
    status,
    expires_in: expiresIn,
    expires_at: token.expiresAt,
  }
}
