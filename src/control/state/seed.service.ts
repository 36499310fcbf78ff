import type { Faker } from '@faker-js/faker'
import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import { alreadyExists, invalidField, type PassportError } from '../../core/errors.js'
import { canonicalKeyType } from '../../core/key-formats.js'
import { readKey } from '../../core/key-input.js'
import { dropSecondaryIndexes } from '../../database/bulk-indexes.js'
import type { DatabaseState, SeededTable } from '../../database/state.js'
import { createFaker, fakeBusinessName, fakeClientId, fakeClientSecret, fakeKeyValue, unique } from '../../fixtures/fakers.js'
import { completeAccount, completeCustomer, DEFAULT_ANCHOR, type FixtureStores, type Generation, type UniqueKind } from '../../fixtures/load-fixtures.js'
import type { Client, Entity } from '../../identity/identity.store.js'
import type { Account } from '../../resources/accounts/accounts.store.js'
import type { Customer } from '../../resources/customers/customers.store.js'
import type { Key } from '../../resources/keys/keys.store.js'
import type { FaultsService } from '../faults/faults.service.js'
import type { FaultRule } from '../faults/faults.store.js'
import { type SeedDocument, SeedDocumentSchema, type SeedKey } from './state.schemas.js'
import { validateDocument } from './validate-document.js'

/** Scopes of a seeded entity's one client: every scope (CONTRACT §5). */
export const SEED_CLIENT_SCOPES = ['iam.*', 'paas.core.*']

/**
 * The seed stream is seeded with `[SEED, 2]`, not `SEED` itself: the fixtures draw from a stream
 * seeded with `SEED`, and the same stream would generate the fixtures' ids again.
 */
const SEED_STREAM_SALT = 2

/**
 * A document with at least this many accounts, and at least as many as the table already has,
 * builds the accounts' secondary indexes after its rows (database/bulk-indexes.ts) and answers
 * its "taken" checks on accounts from sets: 1,000,000 accounts into a new file took 56 → 38 s of
 * CPU (issue 15, scripts/measure-seed.mjs). Below it, or into a larger table (rebuilding would
 * sort every row already there), rows go into the indexes one by one as before, and the schema is
 * left alone (a schema change makes every connection prepare its statements again).
 */
export const BULK_INDEX_MIN_ACCOUNTS = 10_000

export interface SeedResult {
  entity?: Entity
  client?: Client
  customers: Customer[]
  accounts: Account[]
  keys: Key[]
  faults: FaultRule[]
}

export interface SeedOptions {
  /** Called after each object is stored, with the count so far and the document's total (the CLI's progress bar). */
  onProgress?: (done: number, total: number) => void
}

type SeedStores = Omit<FixtureStores, 'db'>

/** The set a map keeps under `key`, made empty on first use. */
function setIn(map: Map<string, Set<string>>, key: string): Set<string> {
  let values = map.get(key)
  if (!values) map.set(key, (values = new Set()))
  return values
}

function taken(field: string, what: { en: string; es: string }): PassportError {
  return alreadyExists({ en: `Field '${field}' is taken: ${what.en}`, es: `El campo '${field}' ya está en uso: ${what.es}` })
}

function badReference(field: string, en: string, es: string): PassportError {
  return invalidField({ en: `Field '${field}' ${en}`, es: `El campo '${field}' ${es}` })
}

/**
 * `POST /_mock/seed` and `passport-mock seed` (CONTRACT §5 "Seed document"): partial objects
 * completed by faker, the whole document in one transaction. Generated values come from one
 * faker stream per server, restarted by a reset, so the same documents in the same order give
 * the same objects; generated numbers, ids and key values are unique against the database too.
 */
export class SeedService {
  /** The stream, as a promise: seeds arriving together while faker loads share one stream. */
  #faker: Promise<Faker> | undefined

  constructor(
    private readonly db: Database,
    private readonly stores: SeedStores,
    private readonly state: DatabaseState,
    private readonly faults: FaultsService,
    private readonly clock: Clock,
    private readonly seed: number,
  ) {}

  /** Whether the document's accounts are many, and at least as many as the table has (see BULK_INDEX_MIN_ACCOUNTS). */
  #loadsInBulk(doc: SeedDocument): boolean {
    const count = doc.accounts?.length ?? 0
    if (count < BULK_INDEX_MIN_ACCOUNTS) return false
    return count >= (this.db.prepare('SELECT count(*) FROM accounts').pluck().get() as number)
  }

  /** Starts the stream again from `SEED` (a reset: seeding after it gives what it gave on a fresh start). */
  restartStream(): void {
    this.#faker = undefined
  }

  /** Validates, then completes and stores the whole document in one transaction; a 400 or 409 stores nothing. */
  async apply(document: unknown, options: SeedOptions = {}): Promise<SeedResult> {
    const doc = validateDocument<SeedDocument>(SeedDocumentSchema, document)
    // The only await: faker's import, before the transaction (STYLE rule 8). The promise is
    // kept, not its value, so seeds that arrive while it loads share one stream.
    this.#faker ??= createFaker([this.seed, SEED_STREAM_SALT], new Date(DEFAULT_ANCHOR))
    const faker = await this.#faker
    try {
      return this.db.transaction(() => {
        const bulk = this.#loadsInBulk(doc)
        const rebuildIndexes = bulk ? dropSecondaryIndexes(this.db, 'accounts') : undefined
        const run = new SeedRun(faker, this.stores, this.state, this.faults, this.clock.now().toISOString(), options)
        if (bulk) run.rememberStoredAccounts(this.db)
        const result = run.run(doc)
        rebuildIndexes?.()
        return result
      })()
    } finally {
      // Rules were added (or rolled back) under the cache.
      this.faults.invalidate()
    }
  }
}

/** One document's application: what it has created so far and which values it has claimed. */
class SeedRun {
  /** Values this document claimed, by kind and then scope (an entity): no key string built per lookup (issue 15). */
  readonly #claimed: Record<UniqueKind, Map<string, Set<string>>> = { email: new Map(), nit: new Map(), account: new Map() }
  readonly #ids = new Set<string>()
  readonly #result: SeedResult = { customers: [], accounts: [], keys: [], faults: [] }
  readonly #customers = new Map<string, Customer>()
  /**
   * This document's accounts by id, made when a key first names one: a bulk seed of accounts
   * alone never needs it (a million entries, issue 15).
   */
  #accountsById: Map<string, Account> | undefined
  /** Key values of this document: one directory across key types. */
  readonly #keyValues = new Set<string>()
  readonly #gen: Generation
  /**
   * In a bulk load, the ids and the account numbers (by entity) of the accounts stored before it: the
   * "taken" checks read these sets instead of the table, a lookup per generated value (no more
   * rows than the document has, see BULK_INDEX_MIN_ACCOUNTS). Rows of this document are in
   * #ids and #claimed, as in any seed; nothing else writes during the transaction.
   */
  #storedAccountIds: Set<string> | undefined
  #storedAccountNumbers: Map<string, Set<string>> | undefined
  #entityId = ''
  #sharedCustomer: Customer | undefined
  #done = 0
  #total = 0

  constructor(
    private readonly faker: Faker,
    private readonly stores: SeedStores,
    private readonly state: DatabaseState,
    private readonly faults: FaultsService,
    private readonly now: string,
    private readonly options: SeedOptions,
  ) {
    this.#gen = {
      faker,
      newId: (table) => this.#newId(table),
      // Seeded objects are created now, on the mock's clock (STYLE rule 2).
      times: () => ({ createdAt: now, updatedAt: now }),
      isFree: (kind, scope, value) => this.#isFree(kind, scope, value),
      claim: (kind, scope, value) => void setIn(this.#claimed[kind], scope).add(value),
    }
  }

  /** A bulk load: the accounts already stored, read once (see #storedAccountIds). */
  rememberStoredAccounts(db: Database): void {
    this.#storedAccountIds = new Set(db.prepare('SELECT id FROM accounts').pluck().all() as string[])
    const numbers = new Map<string, Set<string>>()
    for (const [entityId, number] of db.prepare('SELECT entity_id, account_number FROM accounts').raw().iterate() as Iterable<[string, string]>) setIn(numbers, entityId).add(number)
    this.#storedAccountNumbers = numbers
  }

  /** Whether the database has a row with this id (before this document). */
  #stored(table: SeededTable, id: string): boolean {
    return table === 'accounts' && this.#storedAccountIds ? this.#storedAccountIds.has(id) : this.state.exists(table, id)
  }

  run(doc: SeedDocument): SeedResult {
    this.#total = (doc.entity ? 1 : 0) + (doc.customers?.length ?? 0) + (doc.accounts?.length ?? 0) + (doc.keys?.length ?? 0) + (doc.faults?.length ?? 0)
    this.#entityId = doc.entity ? this.#createEntity(doc.entity) : this.state.defaultEntityId()
    doc.customers?.forEach((c, i) => this.#createCustomer(c, i))
    doc.accounts?.forEach((a, i) => this.#createAccount(a, i))
    doc.keys?.forEach((k, i) => this.#createKey(k, i))
    doc.faults?.forEach((f, i) => this.#createFault(f, i))
    return this.#result
  }

  #progress(): void {
    this.#done++
    this.options.onProgress?.(this.#done, this.#total)
  }

  #newId(table: SeededTable): string {
    const id = unique(
      () => this.faker.string.uuid(),
      (v) => !this.#ids.has(v) && !this.#stored(table, v),
    )
    this.#ids.add(id)
    return id
  }

  /** A given id: 409 when the database or the document already has it. */
  #givenId(table: SeededTable, id: string, field: string, what: { en: string; es: string }): string {
    const lower = id.toLowerCase()
    if (this.#ids.has(lower) || this.#stored(table, lower)) throw taken(field, { en: `${what.en} with id ${lower} already exists`, es: `ya existe ${what.es} con id ${lower}` })
    this.#ids.add(lower)
    return lower
  }

  #isFree(kind: UniqueKind, scope: string, value: string): boolean {
    if (this.#claimed[kind].get(scope)?.has(value)) return false
    switch (kind) {
      case 'email':
        return !this.stores.customers.findByEmail(scope, value)
      case 'nit':
        return !this.stores.customers.findByIdentificationNumber(scope, value)
      case 'account':
        return this.#storedAccountNumbers ? !this.#storedAccountNumbers.get(scope)?.has(value) : !this.stores.accounts.findByNumber(scope, value)
    }
  }

  #createEntity(e: NonNullable<SeedDocument['entity']>): string {
    const id = e.id === undefined ? this.#newId('entities') : this.#givenId('entities', e.id, 'entity.id', { en: 'an entity', es: 'una entidad' })
    const name = e.name ?? fakeBusinessName(this.faker)
    if (e.client_id !== undefined && this.stores.identity.findClient(e.client_id)) {
      throw taken('entity.client_id', { en: `a client with id ${e.client_id} already exists`, es: `ya existe un cliente con id ${e.client_id}` })
    }
    const clientId = e.client_id ?? unique(() => fakeClientId(this.faker), (v) => !this.stores.identity.findClient(v))
    const clientSecret = e.client_secret ?? fakeClientSecret(this.faker)
    const entity: Entity = { id, name, createdAt: this.now }
    const client: Client = { clientId, entityId: id, clientSecret, scopes: SEED_CLIENT_SCOPES, createdAt: this.now }
    this.stores.identity.insertEntity(entity)
    this.stores.identity.insertClient(client)
    this.#result.entity = entity
    this.#result.client = client
    this.#progress()
    return id
  }

  #createCustomer(c: NonNullable<SeedDocument['customers']>[number], i: number): void {
    const field = `customers[${i}]`
    const id = c.id === undefined ? undefined : this.#givenId('customers', c.id, `${field}.id`, { en: 'a customer', es: 'un cliente' })
    const email = c.email?.toLowerCase()
    if (email !== undefined && !this.#isFree('email', this.#entityId, email)) {
      throw taken(`${field}.email`, { en: 'a customer of the entity already has this email', es: 'un cliente de la entidad ya tiene este correo' })
    }
    if (c.identification_number !== undefined && !this.#isFree('nit', this.#entityId, c.identification_number)) {
      throw taken(`${field}.identification_number`, { en: 'a customer of the entity already has this NIT', es: 'un cliente de la entidad ya tiene este NIT' })
    }
    this.#insertCustomer(completeCustomer(this.#gen, { ...c, ...(id !== undefined && { id }) }, this.#entityId))
    this.#progress()
  }

  #insertCustomer(customer: Customer): Customer {
    this.stores.customers.insert(customer)
    this.#customers.set(customer.id, customer)
    this.#result.customers.push(customer)
    return customer
  }

  /** CONTRACT §5: accounts without `customer_id` share one new customer per document. */
  #shared(): Customer {
    this.#sharedCustomer ??= this.#insertCustomer(completeCustomer(this.#gen, {}, this.#entityId))
    return this.#sharedCustomer
  }

  #customerFor(customerId: string | undefined, field: string): Customer {
    if (customerId === undefined) return this.#shared()
    const id = customerId.toLowerCase()
    const customer = this.#customers.get(id) ?? this.stores.customers.findById(id)
    if (!customer) throw badReference(field, 'names no customer', 'no corresponde a ningún cliente')
    if (customer.entityId !== this.#entityId) throw badReference(field, 'names a customer of another entity', 'corresponde a un cliente de otra entidad')
    return customer
  }

  #createAccount(a: NonNullable<SeedDocument['accounts']>[number], i: number): void {
    const field = `accounts[${i}]`
    const id = a.id === undefined ? undefined : this.#givenId('accounts', a.id, `${field}.id`, { en: 'an account', es: 'una cuenta' })
    const customer = this.#customerFor(a.customer_id, `${field}.customer_id`)
    if (a.account_number !== undefined && !this.#isFree('account', this.#entityId, a.account_number)) {
      throw taken(`${field}.account_number`, { en: 'an account of the entity already has this number', es: 'una cuenta de la entidad ya tiene este número' })
    }
    this.#insertAccount(completeAccount(this.#gen, { ...a, ...(id !== undefined && { id }) }, customer))
    this.#progress()
  }

  #insertAccount(account: Account): Account {
    this.stores.accounts.insert(account)
    this.#accountsById?.set(account.id, account)
    this.#result.accounts.push(account)
    return account
  }

  #accountFor(accountId: string | undefined, field: string): Account {
    if (accountId === undefined) {
      // The document's first account, else a new one of the shared customer.
      return this.#result.accounts[0] ?? this.#insertAccount(completeAccount(this.#gen, {}, this.#shared()))
    }
    const id = accountId.toLowerCase()
    this.#accountsById ??= new Map(this.#result.accounts.map((a) => [a.id, a]))
    const account = this.#accountsById.get(id) ?? this.stores.accounts.findById(id)
    if (!account) throw badReference(field, 'names no account', 'no corresponde a ninguna cuenta')
    if (account.entityId !== this.#entityId) throw badReference(field, 'names an account of another entity', 'corresponde a una cuenta de otra entidad')
    return account
  }

  #createKey(k: SeedKey, i: number): void {
    const field = `keys[${i}]`
    const id = k.id === undefined ? undefined : this.#givenId('keys', k.id, `${field}.id`, { en: 'a key', es: 'una llave' })
    const account = this.#accountFor(k.account_id, `${field}.account_id`)
    const keyType = canonicalKeyType(k.key?.key_type ?? 'PHONE')
    let keyValue: string
    if (k.key?.key_value !== undefined) {
      keyValue = readKey({ key_type: keyType, key_value: k.key.key_value }, `${field}.key`).key_value
      if (this.#keyValues.has(keyValue) || this.stores.keys.findByValue(keyValue)) {
        throw taken(`${field}.key.key_value`, { en: 'this key value is already registered in the Bre-B directory', es: 'este valor de llave ya está registrado en el directorio Bre-B' })
      }
    } else {
      // One national directory; reserved values (CONTRACT §6) are never generated.
      keyValue = unique(
        () => fakeKeyValue(this.faker, keyType),
        (v) => !this.#keyValues.has(v) && !this.stores.keys.findByValue(v) && !this.stores.keys.findMagic(keyType, v),
      )
    }
    this.#keyValues.add(keyValue)
    const key: Key = {
      id: id ?? this.#newId('keys'),
      entityId: this.#entityId,
      accountId: account.id,
      customerId: account.customerId,
      keyType,
      keyValue,
      displayName: k.display_name ?? null,
      status: k.status ?? 'ACTIVE',
      createdAt: k.created_at ?? this.now,
      updatedAt: k.updated_at ?? k.created_at ?? this.now,
    }
    this.stores.keys.insert(key)
    this.#result.keys.push(key)
    this.#progress()
  }

  #createFault(f: NonNullable<SeedDocument['faults']>[number], i: number): void {
    const field = `faults[${i}]`
    const id = f.id === undefined ? this.#newId('fault_rules') : this.#givenId('fault_rules', f.id, `${field}.id`, { en: 'a fault rule', es: 'una regla de falla' })
    this.#result.faults.push(this.faults.create({ ...f, id }, `${field}.`))
    this.#progress()
  }
}
