import { randomUUID } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import { alreadyExists, invalidState } from '../../core/errors.js'
import { type KeyBody, readBodyKey } from '../../core/key-input.js'
import type { PageRequest } from '../../core/pagination.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { AccountsService } from '../accounts/accounts.service.js'
import type { Key, KeyFilters, KeysStore, KeyStatus } from './keys.store.js'

export interface CreateKeyInput extends KeyBody {
  account_id: string
  display_name?: string
}

/** Bre-B key management (CONTRACT §4 "Bre-B keys"). */
export class KeysService {
  constructor(
    private readonly keys: KeysStore,
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
  ) {}

  require(principal: Principal, keyId: string): Key {
    return requireOwned(principal, 'key', this.keys.findById(keyId))
  }

  /** Validation → account 404/403 → account ACTIVE (409) → value free in the directory (409). */
  create(principal: Principal, input: CreateKeyInput): Key {
    const key = readBodyKey(input)
    const account = this.accounts.require(principal, input.account_id)
    if (account.status !== 'ACTIVE') {
      throw invalidState({ en: `The account is ${account.status}: keys can only be registered on ACTIVE accounts`, es: `La cuenta está ${account.status}: solo se registran llaves en cuentas ACTIVE` })
    }
    if (this.keys.findByValue(key.key_value)) {
      throw alreadyExists({ en: 'This key value is already registered in the Bre-B directory', es: 'Este valor de llave ya está registrado en el directorio Bre-B' })
    }
    const now = this.clock.now().toISOString()
    const created: Key = {
      id: randomUUID(),
      entityId: principal.entityId,
      accountId: account.id,
      customerId: account.customerId,
      keyType: key.key_type,
      keyValue: key.key_value,
      displayName: input.display_name ?? null,
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
    }
    this.keys.insert(created)
    return created
  }

  list(principal: Principal, filters: KeyFilters, page: PageRequest): { rows: Key[]; total: number } {
    return this.keys.list(principal.entityId, filters, page)
  }

  /** ACTIVE → SUSPENDED, SUSPENDED → ACTIVE; a repeat is 409 invalid_state. */
  setStatus(principal: Principal, keyId: string, status: KeyStatus): Key {
    const key = this.require(principal, keyId)
    if (key.status === status) {
      throw invalidState({ en: `The key is already ${status}`, es: `La llave ya está ${status}` })
    }
    const updatedAt = this.clock.now().toISOString()
    this.keys.setStatus(key.id, status, updatedAt)
    return { ...key, status, updatedAt }
  }

  /** From either status; afterwards 404, and the value can be registered again. */
  delete(principal: Principal, keyId: string): void {
    this.keys.delete(this.require(principal, keyId).id)
  }
}
