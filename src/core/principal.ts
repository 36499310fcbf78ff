import type { NotFoundResource } from './error-catalogue.js'
import { forbidden, notFound } from './errors.js'
import type { Scope } from './scopes.js'

/** Who is calling: the entity and client behind a valid access token. */
export interface Principal {
  entityId: string
  clientId: string
  tokenId: string
  scopes: readonly Scope[]
}

/**
 * A single lookup (CONTRACT §3): 404 `<resource>_not_found` when there is no such row,
 * 403 `forbidden` when it is another entity's; the row otherwise.
 */
export function requireOwned<T extends { entityId: string }>(principal: Principal, resource: NotFoundResource, row: T | undefined): T {
  if (!row) throw notFound(resource)
  if (row.entityId !== principal.entityId) throw forbidden()
  return row
}
