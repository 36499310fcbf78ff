import { randomUUID } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import type { BrebKey, KeyTypeInput } from '../../core/key-formats.js'
import { readKey } from '../../core/key-input.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { CustomersService } from '../customers/customers.service.js'
import type { Directory, DirectoryEntry } from './directory.js'
import type { Resolution, ResolutionsStore } from './resolutions.store.js'

/** CONTRACT §4: a resolution is valid 30 minutes on the mock's clock. */
export const RESOLUTION_TTL_MS = 30 * 60 * 1000

export interface ResolveInput {
  customer_id: string
  key: { key_type: KeyTypeInput; key_value: string }
}

export interface ValidateInput {
  key: { key_type: KeyTypeInput; key_value: string }
  owner?: Record<string, string>
  participant?: Record<string, string>
  account?: Record<string, string>
}

export type MatchResult = 'MATCH' | 'NO_MATCH'

export interface Validation {
  key: 'MATCH'
  owner?: MatchResult
  participant?: MatchResult
  account?: MatchResult
}

function normalise(text: string): string {
  return text.normalize('NFC').trim().toLowerCase()
}

/** Every field the caller sent equals the directory's (case and spacing aside). */
function matches(sent: Record<string, string>, actual: object): MatchResult {
  const known = actual as Record<string, unknown>
  const ok = Object.entries(sent).every(([field, value]) => typeof known[field] === 'string' && normalise(known[field] as string) === normalise(value))
  return ok ? 'MATCH' : 'NO_MATCH'
}

/** Key resolution and validation (CONTRACT §4 "resolution, validation"). */
export class ResolutionsService {
  constructor(
    private readonly resolutions: ResolutionsStore,
    private readonly directory: Directory,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
  ) {}

  require(principal: Principal, resolutionId: string): Resolution {
    return requireOwned(principal, 'resolution', this.resolutions.findById(resolutionId))
  }

  isExpired(resolution: Resolution): boolean {
    return this.clock.now().toISOString() >= resolution.expiresAt
  }

  /** Validation → the customer (404/403) → the directory (404 key_not_found). */
  resolveKey(principal: Principal, input: ResolveInput): Resolution {
    const key = readKey(input.key)
    const customer = this.customers.require(principal, input.customer_id)
    return this.resolve(principal, customer.id, key, null)
  }

  /** A resolution of the entity for a checked key (also used by recipients). */
  resolve(principal: Principal, customerId: string, key: BrebKey, recipientId: string | null): Resolution {
    const entry: DirectoryEntry = this.directory.lookup(key)
    const now = this.clock.now()
    const at = now.toISOString()
    const resolution: Resolution = {
      id: randomUUID(),
      entityId: principal.entityId,
      customerId,
      recipientId,
      key,
      receiverAccountId: entry.accountId,
      owner: entry.owner,
      participant: entry.participant,
      account: entry.account,
      receptorNode: entry.receptorNode,
      resolvedAt: at,
      expiresAt: new Date(now.getTime() + RESOLUTION_TTL_MS).toISOString(),
      createdAt: at,
      updatedAt: at,
    }
    this.resolutions.insert(resolution)
    return resolution
  }

  /** MATCH / NO_MATCH per block sent; no owner data comes back (CONTRACT §4). */
  validate(input: ValidateInput): Validation {
    const entry = this.directory.lookup(readKey(input.key))
    const result: Validation = { key: 'MATCH' }
    if (input.owner) result.owner = matches(input.owner, entry.owner)
    if (input.participant) result.participant = matches(input.participant, entry.participant)
    if (input.account) result.account = matches(input.account, entry.account)
    return result
  }
}
