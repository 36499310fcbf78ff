import { randomUUID } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import { fieldRequired, invalidField, PassportError } from '../../core/errors.js'
import type { PageRequest } from '../../core/pagination.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import { expandScopes, rolesFor } from '../../core/scopes.js'
import { newAccessToken, secretsEqual, sha256Hex } from '../../core/secrets.js'
import type { IdentityStore } from '../../identity/identity.store.js'
import type { Token, TokensStore } from './tokens.store.js'

export const GRANT_FLOW = 'GRANT_FLOW_CLIENT_CREDENTIALS'
const ACCESS_TOKEN = /^[0-9a-f]{64}$/

/** The token of an `Authorization: Bearer …` header (scheme in any case, spaces around), or 401 missing_token. */
function bearerToken(authorization: string | undefined): string {
  // What clients send, read without a regular expression; anything else takes the general path.
  if (authorization !== undefined && authorization.length === 71 && authorization.startsWith('Bearer ')) return authorization.slice(7)
  const match = authorization && /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim())
  if (!match) throw new PassportError('missing_token')
  return (match[1] ?? '').trim()
}
// Compared against when the client is unknown, so both failures take the same work (CONTRACT §3).
const DUMMY_SECRET = 'passport-mock-no-such-client-secret'

export interface TokenRequest {
  client_id?: string
  client_secret?: string
  grant_type?: string
}

export interface IssuedToken {
  accessToken: string
  token: Token
}

export type TokenStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED'

export interface TokenListFilters {
  grant_flow?: string
  role?: string
  account_id?: string
  user_id?: string
}

/** Reads `Authorization: Basic base64(id:secret)` as generic OAuth2 libraries send it (RFC 6749 §2.3.1). */
export function basicCredentials(header: string | undefined): { client_id?: string; client_secret?: string } {
  const match = header && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (!match?.[1]) return {}
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return {}
  const unescape = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '))
    } catch {
      return s
    }
  }
  return { client_id: unescape(decoded.slice(0, colon)), client_secret: unescape(decoded.slice(colon + 1)) }
}

/** OAuth2 client-credentials tokens (CONTRACT §3). */
export class TokensService {
  constructor(
    private readonly tokens: TokensStore,
    private readonly identity: IdentityStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    /** The constant-time comparison; injectable so a test can watch the call path. */
    private readonly compareSecrets: (given: string, expected: string) => boolean = secretsEqual,
  ) {}

  get ttl(): number {
    return this.ttlSeconds
  }

  /** Checks in contract order: missing fields (400) → grant_type (400) → client (401). */
  issue(request: TokenRequest): IssuedToken {
    for (const field of ['client_id', 'client_secret', 'grant_type'] as const) {
      if (request[field] === undefined || request[field] === '') throw fieldRequired(field)
    }
    if (request.grant_type !== 'client_credentials') throw new PassportError('unsupported_grant_type')
    const client = this.identity.findClient(request.client_id as string)
    const secretOk = this.compareSecrets(request.client_secret as string, client?.clientSecret ?? DUMMY_SECRET)
    if (!client || !secretOk) throw new PassportError('invalid_client')

    const accessToken = newAccessToken()
    const now = this.clock.now()
    const scopes = expandScopes(client.scopes)
    const token: Token = {
      id: randomUUID(),
      entityId: client.entityId,
      clientId: client.clientId,
      tokenHash: sha256Hex(accessToken),
      scopes,
      roles: rolesFor(scopes),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000).toISOString(),
      revokedAt: null,
    }
    this.tokens.insert(token)
    return { accessToken, token }
  }

  /** The principal behind a bearer token, or the 401 that says why there is none. */
  authenticate(authorization: string | undefined): Principal {
    const accessToken = bearerToken(authorization)
    if (!ACCESS_TOKEN.test(accessToken)) throw new PassportError('invalid_token')
    const token = this.tokens.findByHash(sha256Hex(accessToken))
    if (!token) throw new PassportError('invalid_token')
    if (token.revokedAt !== null) throw new PassportError('token_revoked')
    // In milliseconds: formatting the clock as text on every request cost more than the rest (issue 15).
    if (this.clock.now().getTime() >= Date.parse(token.expiresAt)) throw new PassportError('token_expired')
    return { entityId: token.entityId, clientId: token.clientId, tokenId: token.id, scopes: token.scopes }
  }

  /**
   * `expires_in` of a token read back: the seconds it has left (0 once expired or revoked), so a
   * client can "track token lifetime and refresh before expiration" as the Retrieve Token page
   * advises; at issue it equals the lifetime, as the token answer's `expires_in` does.
   */
  expiresIn(token: Token): number {
    if (token.revokedAt !== null) return 0
    const left = Date.parse(token.expiresAt) - this.clock.now().getTime()
    return left > 0 ? Math.floor(left / 1000) : 0
  }

  status(token: Token): TokenStatus {
    if (token.revokedAt !== null) return 'REVOKED'
    return this.clock.now().toISOString() >= token.expiresAt ? 'EXPIRED' : 'ACTIVE'
  }

  list(principal: Principal, filters: TokenListFilters, page: PageRequest): { rows: Token[]; total: number } {
    // Every token here is a client-credentials token of its entity, with no user behind it.
    const impossible =
      (filters.grant_flow !== undefined && filters.grant_flow !== GRANT_FLOW) ||
      (filters.account_id !== undefined && filters.account_id !== principal.entityId) ||
      filters.user_id !== undefined
    if (impossible) return { rows: [], total: 0 }
    return this.tokens.list(principal.entityId, { role: filters.role }, page)
  }

  get(principal: Principal, tokenId: string): Token {
    return requireOwned(principal, 'token', this.tokens.findById(tokenId))
  }

  /**
   * Revokes an active or expired token (200). Unknown or already revoked: 404 `token_not_found`,
   * as https://docs.passportfintech.com/EN/revoke-access-token says ("does not exist or was
   * already revoked"; Contract 2).
   */
  revoke(principal: Principal, tokenId: string, bodyTokenId: string | undefined): void {
    if (bodyTokenId !== undefined && bodyTokenId !== tokenId) {
      throw invalidField({
        en: "Field 'token_id' in the body must match the token_id in the path",
        es: "El campo 'token_id' del cuerpo debe coincidir con el token_id de la ruta",
      })
    }
    const token = this.get(principal, tokenId)
    if (!this.tokens.revoke(token.id, this.clock.now().toISOString())) {
      throw new PassportError('token_not_found', { en: 'The token does not exist or was already revoked', es: 'El token no existe o ya fue revocado' })
    }
  }
}
