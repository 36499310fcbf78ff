import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ERROR_CATALOGUE, type ErrorCode } from '../core/error-catalogue.js'
import { PassportError } from '../core/errors.js'
import type { FaultsService, RequestFacts } from '../control/faults/faults.service.js'
import type { FaultRule } from '../control/faults/faults.store.js'
import { pathOf } from './error-handler.js'

export type Sleep = (ms: number) => Promise<void>

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The catalogued code for a status, when the rule names none (500 → internal_error…). */
const DEFAULT_CODE_BY_STATUS = new Map<number, string>()
for (const [code, entry] of Object.entries(ERROR_CATALOGUE) as [ErrorCode, (typeof ERROR_CATALOGUE)[ErrorCode]][]) {
  if (!DEFAULT_CODE_BY_STATUS.has(entry.status)) DEFAULT_CODE_BY_STATUS.set(entry.status, code)
}

export function faultError(rule: FaultRule & { status: number }): PassportError {
  const code = rule.code ?? DEFAULT_CODE_BY_STATUS.get(rule.status) ?? (rule.status < 500 ? 'invalid_parameter_value' : 'internal_error')
  const entry = (ERROR_CATALOGUE as Record<string, { en: string; es: string } | undefined>)[code]
  const text = rule.message !== null ? { en: rule.message, es: rule.message } : entry ? { en: entry.en, es: entry.es } : { en: code, es: code }
  return new PassportError(code, text, undefined, rule.status)
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function strings(...values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === 'string')
}

/** The account ids and key values a request names in its path, query or JSON body (CONTRACT §5). */
export function requestFacts(request: { method: string; url: string; routeOptions: { url?: string }; params: unknown; query: unknown; body: unknown }): RequestFacts {
  const params = asRecord(request.params)
  const query = asRecord(request.query)
  const body = asRecord(request.body)
  return {
    method: request.method,
    routePattern: request.routeOptions.url ?? '',
    path: pathOf(request.url),
    accountIds: strings(params.account_id, query.account_id, body.account_id),
    keyValues: strings(query.key_value, body.key_value, asRecord(body.key).key_value),
  }
}

/**
 * The one fault hook (CONTRACT §5): after authentication, scope and body parsing, before
 * validation, on `/v1` only. It serves the fixtures' built-in rules and, later, the control plane's.
 */
export const faultsPlugin = fp(
  async (app: FastifyInstance, { faults, sleep }: { faults: FaultsService; sleep: Sleep }) => {
    app.addHook('preValidation', async (request) => {
      const outcome = faults.apply(requestFacts(request))
      if (outcome.delayMs > 0) await sleep(outcome.delayMs)
      if (outcome.answer?.status != null) throw faultError({ ...outcome.answer, status: outcome.answer.status })
    })
  },
  { name: 'faults', dependencies: ['auth'] },
)
