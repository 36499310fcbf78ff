import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import { ERROR_CATALOGUE, type ErrorCode } from '../../core/error-catalogue.js'
import { alreadyExists, invalidField, notFound, type LocalizedText } from '../../core/errors.js'
import { FAULT_METHODS, type FaultRuleBody } from './faults.schemas.js'
import type { FaultRule, FaultsStore } from './faults.store.js'

/** What a request names, for matching fault rules against it. */
export interface RequestFacts {
  method: string
  /** The matched route's pattern, e.g. `/v1/accounts/:account_id`. */
  routePattern: string
  path: string
  accountIds: string[]
  keyValues: string[]
  /** A resolution the request pays (POST /v1/payments/breb): its key value counts as named. */
  resolutionId?: string
}

export interface FaultOutcome {
  /** The delays of every matching rule, added up. */
  delayMs: number
  /** The oldest matching rule with a status: it answers. */
  answer: FaultRule | undefined
}

/** The key value behind a resolution id, when there is such a resolution. */
export type ResolutionKeyLookup = (resolutionId: string) => string | undefined

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

function prefixMatches(prefix: string, path: string): boolean {
  const p = trimSlash(prefix)
  if (p === '/') return true
  return path === p || path.startsWith(`${p}/`)
}

/** A route pattern matches the request's route when the literal segments agree; `:name`s match any `:param`. */
function patternMatches(pattern: string, routePattern: string): boolean {
  const want = trimSlash(pattern).split('/')
  const have = trimSlash(routePattern).split('/')
  return want.length === have.length && want.every((segment, i) => (segment.startsWith(':') ? have[i]?.startsWith(':') === true : segment === have[i]))
}

export function isRoutePattern(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith(':'))
}

/** Whether a rule applies to a request, leaving aside the key of a paid resolution (see FaultsService.apply). */
export function ruleMatches(rule: FaultRule, facts: RequestFacts): boolean {
  if (rule.method !== null && rule.method !== facts.method.toUpperCase()) return false
  if (rule.path !== null) {
    if (isRoutePattern(rule.path) ? !patternMatches(rule.path, facts.routePattern) : !prefixMatches(rule.path, facts.path)) return false
  }
  if (rule.accountId !== null && !facts.accountIds.includes(rule.accountId)) return false
  if (rule.keyValue !== null && !facts.keyValues.includes(rule.keyValue)) return false
  return true
}

/**
 * The code a rule answers with when it names none: the catalogue's code for the status, the
 * generic one where several share it (400 invalid_parameter_value, 401 invalid_token, 404
 * route_not_found; 409 already_exists, whose type CONTRACT §2 gives the status); for a status the catalogue lacks, its HTTP reason in
 * snake_case (502 bad_gateway, 504 gateway_timeout, 422 unprocessable_entity).
 */
export function defaultFaultCode(status: number): string {
  const preferred = PREFERRED_CODES.get(status) ?? CATALOGUED_CODES.get(status)
  if (preferred) return preferred
  const reason = STATUS_CODES[status]
  if (reason) return reason.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  return status < 500 ? 'invalid_parameter_value' : 'internal_error'
}

/**
 * The message of a rule's answer: its own (in every language), else the catalogue's for its
 * code, else the catalogue's for the status's default code, else the HTTP reason.
 */
export function faultMessage(rule: { status: number; code: string | null; message: string | null }): LocalizedText {
  if (rule.message !== null) return { en: rule.message, es: rule.message }
  const catalogue = ERROR_CATALOGUE as Record<string, { en: string; es: string } | undefined>
  const entry = catalogue[rule.code ?? ''] ?? catalogue[defaultFaultCode(rule.status)]
  if (entry) return { en: entry.en, es: entry.es }
  const reason = STATUS_CODES[rule.status] ?? `HTTP ${rule.status}`
  return { en: reason, es: `Error HTTP ${rule.status} (${reason})` }
}

const PREFERRED_CODES = new Map<number, ErrorCode>([
  [400, 'invalid_parameter_value'],
  [401, 'invalid_token'],
  [404, 'route_not_found'],
  // Not storage_full, catalogued first for 503: a rule simulates an outage, not a full disk.
  [503, 'service_unavailable'],
])

const CATALOGUED_CODES = new Map<number, string>()
for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
  if (!CATALOGUED_CODES.has(entry.status)) CATALOGUED_CODES.set(entry.status, code)
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
    private readonly clock: Clock,
    private readonly resolutionKey: ResolutionKeyLookup = () => undefined,
  ) {}

  /** Every rule, oldest first (built-in ones included). */
  list(): FaultRule[] {
    this.#cache ??= this.store.all()
    return this.#cache
  }

  /**
   * Adds a rule from its wire form (POST /_mock/faults, a seed document). `field` prefixes the
   * field names in error messages (`faults[2].`), so a seed document's 400 names its field.
   */
  create(body: FaultRuleBody, field = ''): FaultRule {
    if (body.status === undefined && body.delay_ms === undefined) {
      throw invalidField({ en: `Field '${field}status' or '${field}delay_ms' is required`, es: `Se requiere el campo '${field}status' o '${field}delay_ms'` })
    }
    for (const name of ['code', 'message'] as const) {
      if (body[name] !== undefined && body.status === undefined) {
        throw invalidField({ en: `Field '${field}${name}' needs a '${field}status'`, es: `El campo '${field}${name}' requiere un '${field}status'` })
      }
    }
    const method = body.method?.toUpperCase()
    if (method !== undefined && !(FAULT_METHODS as readonly string[]).includes(method)) {
      const allowed = FAULT_METHODS.join(', ')
      throw invalidField({ en: `Field '${field}method' must be one of: ${allowed}`, es: `El campo '${field}method' debe ser uno de: ${allowed}` })
    }
    const id = body.id?.toLowerCase() ?? randomUUID()
    if (this.list().some((rule) => rule.id === id)) throw alreadyExists({ en: `A fault rule with id ${id} already exists`, es: `Ya existe una regla de falla con id ${id}` })
    const rule: FaultRule = {
      id,
      builtin: false,
      method: method ?? null,
      path: body.path ?? null,
      accountId: body.account_id ?? null,
      keyValue: body.key_value ?? null,
      status: body.status ?? null,
      code: body.code ?? null,
      message: body.message ?? null,
      delayMs: body.delay_ms ?? null,
      timesLeft: body.times ?? null,
      createdAt: this.clock.now().toISOString(),
    }
    this.add(rule)
    return rule
  }

  add(rule: FaultRule): void {
    this.store.insert(rule)
    this.#cache = undefined
  }

  /** Removes one rule, built-in ones too (reset brings those back). */
  remove(id: string): void {
    const removed = this.store.delete(id.toLowerCase())
    this.#cache = undefined
    if (!removed) throw notFound('fault')
  }

  /** Removes every rule but the built-in ones (DELETE /_mock/faults). */
  clear(): void {
    this.store.deleteAdded()
    this.#cache = undefined
  }

  /** Forgets the cache after the table changed underneath (reset, import). */
  invalidate(): void {
    this.#cache = undefined
  }

  apply(facts: RequestFacts): FaultOutcome {
    const rules = this.list()
    if (rules.length === 0) return { delayMs: 0, answer: undefined }
    // CONTRACT §5: a payment names the key of the resolution it pays; looked up only when a rule asks for a key.
    if (facts.resolutionId !== undefined && rules.some((rule) => rule.keyValue !== null)) {
      const keyValue = this.resolutionKey(facts.resolutionId)
      if (keyValue !== undefined) facts = { ...facts, keyValues: [...facts.keyValues, keyValue] }
    }
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
