import type { Scope } from './scopes.js'

/** Who is calling: the entity and client behind a valid access token. */
export interface Principal {
  entityId: string
  clientId: string
  tokenId: string
  scopes: readonly Scope[]
}
