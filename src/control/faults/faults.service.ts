import type { Database } from 'better-sqlite3'
import type { FaultRule, FaultsStore } from './faults.store.js'

/** What a request names, for matching fault rules against it. */
export interface RequestFacts {
  method: string
  /** The matched route's pattern, e.g. `/v1/accounts/:account_id`. */
  routePattern: string
  path: string
  accountIds: string[]
  keyValues: string[]
}

export interface FaultOutcome {
  /** The delays of every matching rule, added up. */
  delayMs: number
  /** The oldest matching rule with a status: it answers. */
  answer: FaultRule | undefined
}

function prefixMatches(prefix: string, path: string): boolean {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return path === p || path.startsWith(`${p}/`)
}

export function ruleMatches(rule: FaultRule, facts: RequestFacts): boolean {
  if (rule.method !== null && rule.method.toUpperCase() !== facts.method) return false
  if (rule.path !== null) {
    const isPattern = rule.path.split('/').some((segment) => segment.startsWith(':'))
    if (isPattern ? rule.path !== facts.routePattern : !prefixMatches(rule.path, facts.path)) return false
  }
  if (rule.accountId !== null && !facts.accountIds.includes(rule.accountId)) return false
  if (rule.keyValue !== null && !facts.keyValues.includes(rule.keyValue)) return false
  return true
}

/**
 * Fault rules (CONTRACT §5 "Fault rules"): the oldest matching rule with a status answers, the
 * delays of all matching rules add up, and each match uses one of a rule's `times`. The rules
 * are cached in memory, since every `/v1` request consults them.
 */
export class FaultsService {
  #cache: FaultRule[] | undefined

  constructor(
    private readonly db: Database,
    private readonly store: FaultsStore,
  ) {}

  list(): FaultRule[] {
    this.#cache ??= this.store.all()
    return this.#cache
  }

  add(rule: FaultRule): void {
    this.store.insert(rule)
    this.#cache = undefined
  }

  remove(id: string): boolean {
    const removed = this.store.delete(id)
    this.#cache = undefined
    return removed
  }

  /** Forgets the cache after the table changed underneath (reset, import). */
  invalidate(): void {
    this.#cache = undefined
  }

  apply(facts: RequestFacts): FaultOutcome {
    const rules = this.list()
    if (rules.length === 0) return { delayMs: 0, answer: undefined }
    const matching = rules.filter((rule) => ruleMatches(rule, facts))
    if (matching.length === 0) return { delayMs: 0, answer: undefined }
    const counted = matching.filter((rule) => rule.timesLeft !== null).map((rule) => rule.id)
    if (counted.length > 0) {
      this.db.transaction(() => this.store.consume(counted))()
      this.#cache = undefined
    }
    return {
      delayMs: matching.reduce((sum, rule) => sum + (rule.delayMs ?? 0), 0),
      answer: matching.find((rule) => rule.status !== null),
    }
  }
}
