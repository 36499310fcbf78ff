import type { Database } from 'better-sqlite3'
import type { MockClock } from './core/clock.js'
import type { Config } from './config.js'
import { FaultsService } from './control/faults/faults.service.js'
import { FaultsStore } from './control/faults/faults.store.js'
import { IdentityStore } from './identity/identity.store.js'
import { KeysService } from './resources/keys/keys.service.js'
import { Directory } from './resources/resolutions/directory.js'
import { ResolutionsService } from './resources/resolutions/resolutions.service.js'
import { ResolutionsStore } from './resources/resolutions/resolutions.store.js'
import { KeysStore } from './resources/keys/keys.store.js'
import { AccountsService } from './resources/accounts/accounts.service.js'
import { AccountsStore } from './resources/accounts/accounts.store.js'
import { CustomersService } from './resources/customers/customers.service.js'
import { CustomersStore } from './resources/customers/customers.store.js'
import { TokensService } from './resources/tokens/tokens.service.js'
import { TokensStore } from './resources/tokens/tokens.store.js'

/** Every store and service, built once per app (STYLE rule 1: no module-level state). */
export function createServices({ db, clock, config }: { db: Database; clock: MockClock; config: Config }): Services {
  const stores = {
    identity: new IdentityStore(db),
    tokens: new TokensStore(db),
    customers: new CustomersStore(db),
    accounts: new AccountsStore(db),
    faults: new FaultsStore(db),
    keys: new KeysStore(db),
    resolutions: new ResolutionsStore(db),
  }
  const customers = new CustomersService(stores.customers, clock)
  const accounts = new AccountsService(stores.accounts, customers, clock)
  return {
    db,
    clock,
    config,
    stores,
    tokens: new TokensService(stores.tokens, stores.identity, clock, config.tokenTtlSeconds),
    customers,
    accounts,
    keys: new KeysService(stores.keys, accounts, clock),
    resolutions: new ResolutionsService(stores.resolutions, new Directory(stores.keys, stores.accounts, stores.customers), customers, clock),
    faults: new FaultsService(db, stores.faults),
  }
}

export interface Services {
  db: Database
  clock: MockClock
  config: Config
  stores: {
    identity: IdentityStore
    tokens: TokensStore
    customers: CustomersStore
    accounts: AccountsStore
    faults: FaultsStore
    keys: KeysStore
    resolutions: ResolutionsStore
  }
  tokens: TokensService
  customers: CustomersService
  accounts: AccountsService
  faults: FaultsService
  keys: KeysService
  resolutions: ResolutionsService
}
