import type { Database, Statement } from 'better-sqlite3'
import type { PageRequest } from '../../core/pagination.js'
import type { Scope } from '../../core/scopes.js'
import { PagedLister } from '../../database/list-query.js'
import { RowCache } from '../../database/row-cache.js'

export interface Token {
  id: string
  entityId: string
  clientId: string
  tokenHash: string
  /** Expanded: no families. */
  scopes: Scope[]
  roles: string[]
  createdAt: string
  updatedAt: string
  expiresAt: string
  revokedAt: string | null
}

interface TokenRow {
  id: string
  entity_id: string
  client_id: string
  token_hash: string
  scopes: string
  roles: string
  created_at: string
  updated_at: string
  expires_at: string
  revoked_at: string | null
}

function fromRow(row: TokenRow): Token {
  return {
    id: row.id,
    entityId: row.entity_id,
    clientId: row.client_id,
    tokenHash: row.token_hash,
    scopes: JSON.parse(row.scopes) as Scope[],
    roles: JSON.parse(row.roles) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  }
}

export interface TokenFilters {
  /** Tokens carry one role each, stored as a one-element JSON array. */
  role?: string
}

/** How many tokens the store remembers by hash before it starts over (each is a few hundred bytes). */
const CACHE_LIMIT = 10_000

/**
 * Access tokens: only a SHA-256 of each is kept (CONTRACT §3). Every authenticated request looks
 * its token up by hash, so the store remembers the tokens it has read (a RowCache: the SQLite
 * lookup was about a tenth of a GET's time); a revoke clears them.
 */
export class TokensStore {
  readonly #cache: RowCache<Token>
  readonly #insert: Statement
  readonly #byHash: Statement
  readonly #byId: Statement
  readonly #revoke: Statement
  readonly #lister: PagedLister

  constructor(db: Database) {
    this.#cache = new RowCache(db, CACHE_LIMIT)
    this.#insert = db.prepare(
      `INSERT INTO tokens (id, entity_id, client_id, token_hash, scopes, roles, created_at, updated_at, expires_at, revoked_at)
       VALUES (@id, @entityId, @clientId, @tokenHash, @scopes, @roles, @createdAt, @updatedAt, @expiresAt, @revokedAt)`,
    )
    this.#byHash = db.prepare('SELECT * FROM tokens WHERE token_hash = ?')
    this.#byId = db.prepare('SELECT * FROM tokens WHERE id = ?')
    this.#revoke = db.prepare('UPDATE tokens SET revoked_at = @at, updated_at = @at WHERE id = @id AND revoked_at IS NULL')
    this.#lister = new PagedLister(db, 'tokens')
  }

  insert(token: Token): void {
    this.#insert.run({ ...token, scopes: JSON.stringify(token.scopes), roles: JSON.stringify(token.roles) })
  }

  findByHash(hash: string): Token | undefined {
    const cached = this.#cache.get(hash)
    if (cached) return cached
    const row = this.#byHash.get(hash) as TokenRow | undefined
    if (!row) return undefined
    const token = fromRow(row)
    this.#cache.remember(hash, token)
    return token
  }

  findById(id: string): Token | undefined {
    const row = this.#byId.get(id) as TokenRow | undefined
    return row && fromRow(row)
  }

  /** Marks the token revoked; false when it already was. */
  revoke(id: string, at: string): boolean {
    this.#cache.clear()
    return this.#revoke.run({ id, at }).changes === 1
  }

  /** Forgets every remembered token after the table changed underneath (reset, import). */
  invalidate(): void {
    this.#cache.clear()
  }

  /** Every entity's tokens, for the control plane's cross-entity view (issue 14); `entity_id` and `client_id` narrow it. */
  listAll(filters: { entity_id?: string; client_id?: string }, page: PageRequest): { rows: Token[]; total: number } {
    const { rows, total } = this.#lister.list<TokenRow>(undefined, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  list(entityId: string, filters: TokenFilters, page: PageRequest): { rows: Token[]; total: number } {
    const { rows, total } = this.#lister.list<TokenRow>(entityId, { roles: filters.role === undefined ? undefined : JSON.stringify([filters.role]) }, page)
    return { rows: rows.map(fromRow), total }
  }
}
