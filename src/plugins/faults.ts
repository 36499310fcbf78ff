import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PassportError } from '../core/errors.js'
import { defaultFaultCode, faultMessage, type FaultsService, type RequestFacts } from '../control/faults/faults.service.js'
import type { FaultRule } from '../control/faults/faults.store.js'
import { decodedPath } from './error-handler.js'

export type Sleep = (ms: number) => Promise<void>

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The answer of a rule with a status (CONTRACT §2, §5): its code, else the catalogue's for the
 * status (`defaultFaultCode`); its message, else the code's; the type follows the status.
 */
export function faultError(rule: FaultRule & { status: number }): PassportError {
  return new PassportError(rule.code ?? defaultFaultCode(rule.status), faultMessage(rule), undefined, rule.status)
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/** The strings among some values (a repeated query parameter is an array of them). */
function strings(...values: unknown[]): string[] {
  // A plain loop: it runs on every /v1 request, and flat() + filter() cost more than the rest.
  const found: string[] = []
  for (const value of values) {
    if (typeof value === 'string') found.push(value)
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') found.push(item)
  }
  return found
}

/**
 * The account ids and key values a request names in its path, query or JSON body (CONTRACT §5),
 * and the resolution it pays, whose key counts too. Read before validation: anything may be there.
 */
export function requestFacts(request: { method: string; url: string; routeOptions: { url?: string }; params: unknown; query: unknown; body: unknown }): RequestFacts {
  const params = asRecord(request.params)
  const query = asRecord(request.query)
  const body = asRecord(request.body)
  return {
    method: request.method,
    routePattern: request.routeOptions.url ?? '',
    path: decodedPath(request.url),
    accountIds: strings(params.account_id, query.account_id, body.account_id),
    keyValues: strings(query.key_value, body.key_value, asRecord(body.key).key_value),
    ...(typeof body.resolution_id === 'string' && { resolutionId: body.resolution_id }),
  }
}

/**
 * The one fault hook (CONTRACT §5): after authentication, scope and body parsing, before
 * validation, on `/v1` only: the fixtures' built-in rules and those added through `/_mock/faults`.
 */
export const faultsPlugin = fp(
  async (app: FastifyInstance, { faults, sleep }: { faults: FaultsService; sleep: Sleep }) => {
    // A callback hook: most requests match no rule and should not pay for a promise (issue 5).
    app.addHook('preValidation', (request, _reply, done) => {
      let outcome
      try {
        outcome = faults.apply(requestFacts(request))
      } catch (error) {
        return done(error as Error)
      }
      const { answer, delayMs } = outcome
      const finish = () => (answer?.status != null ? done(faultError({ ...answer, status: answer.status })) : done())
      if (delayMs > 0) sleep(delayMs).then(finish, done)
      else finish()
    })
  },
  { name: 'faults', dependencies: ['auth'] },
)
