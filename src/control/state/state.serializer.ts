import { expandScopes } from '../../core/scopes.js'
import { serializeAccount } from '../../resources/accounts/accounts.serializer.js'
import { serializeCustomer } from '../../resources/customers/customers.serializer.js'
import { serializeKey } from '../../resources/keys/keys.serializer.js'
import { serializeFaultRule } from '../faults/faults.serializer.js'
import type { SeedResult } from './seed.service.js'

/** What a seed created, in the wire shapes of `/v1` and `/_mock/faults`; a new entity's client with its secret and expanded scopes. */
export function serializeSeedResult(result: SeedResult) {
  return {
    ...(result.entity && { entity: { id: result.entity.id, name: result.entity.name, created_at: result.entity.createdAt } }),
    ...(result.client && { client: { client_id: result.client.clientId, client_secret: result.client.clientSecret, scopes: expandScopes(result.client.scopes) } }),
    customers: result.customers.map(serializeCustomer),
    accounts: result.accounts.map(serializeAccount),
    keys: result.keys.map(serializeKey),
    faults: result.faults.map(serializeFaultRule),
  }
}
