import { invalidField, PassportError } from '../../core/errors.js'
import type { Services } from '../../services.js'
import { validateDocument } from '../state/validate-document.js'
import type { SeedResult } from '../state/seed.service.js'
import type { FaultRule } from '../faults/faults.store.js'
import type { WebhookEndpoint } from '../../webhooks/webhooks.store.js'
import type { AuthorizationConfig } from '../../webhooks/authorizations.store.js'
import { type Scenario, ScenarioSchema } from './scenario.schemas.js'

export interface ScenarioOutcome {
  state: boolean
  reset: boolean
  seed: SeedResult | null
  faults: FaultRule[]
  webhooks: WebhookEndpoint[]
  paymentAuthorizations: AuthorizationConfig[]
  clock: { now: Date; frozen: boolean }
}

/**
 * A 400 of one part renamed to its place in the scenario: `Field 'accounts[0].status'` of the
 * seed becomes `Field 'seed.accounts[0].status'`, so the message (and a file's line) points at it.
 */
function within<T>(prefix: string, step: () => T): T {
  try {
    return step()
  } catch (error) {
    throw renamed(prefix, error)
  }
}

async function withinAsync<T>(prefix: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    throw renamed(prefix, error)
  }
}

function renamed(prefix: string, error: unknown): unknown {
  if (!(error instanceof PassportError) || error.status !== 400) return error
  const rename = (text: string) => text.replace(/(Field|field|campo) '([^']*)'/g, (_match, word: string, field: string) => `${word} '${prefix}${field.startsWith('[') ? '' : '.'}${field}'`)
  const found = /(Field|campo) '/.test(error.text.en) || /(Field|campo) '/.test(error.text.es)
  const text = found ? { en: rename(error.text.en), es: rename(error.text.es) } : { en: `${prefix}: ${error.text.en}`, es: `${prefix}: ${error.text.es}` }
  return new PassportError(error.code, text, error.headers, error.status)
}

/**
 * Scenarios (issue 13 §6): `PUT /_mock/scenario` and `passport-mock serve --scenario FILE`.
 * The document is checked whole first; then its parts go through the services their routes use,
 * in order. A part that fails later (a seed naming a missing customer, a callback for an
 * unknown entity) puts the state and clock back as they were: a 400 changes nothing stored.
 */
export class ScenarioService {
  constructor(private readonly services: Services) {}

  async apply(document: unknown): Promise<ScenarioOutcome> {
    const scenario = validateDocument<Scenario>(ScenarioSchema, document)
    const { state, seeds, faults, webhooks, authorizations, clockControl } = this.services
    const before = state.export()
    const clockBefore = clockControl.read()
    const resets = scenario.state === undefined && scenario.reset !== false
    // A reset puts the clock back to wall time; the clock part moves it.
    const movesClock = resets || scenario.clock !== undefined
    try {
      if (scenario.state !== undefined) {
        const replacement = scenario.state
        within('state', () => state.import(replacement))
      } else if (resets) {
        await state.reset(false)
      }
      const seed = scenario.seed === undefined ? null : await withinAsync('seed', () => seeds.apply(scenario.seed))
      const added = (scenario.faults ?? []).map((body, i) => faults.create(body, `faults[${i}].`))
      const endpoints = (scenario.webhooks ?? []).map((body, i) => within(`webhooks[${i}]`, () => webhooks.add(body)))
      const callbacks = (scenario.payment_authorizations ?? []).map(({ entity_id, ...body }, i) => {
        const field = `payment_authorizations[${i}]`
        try {
          return within(field, () => authorizations.put(entity_id, body))
        } catch (error) {
          if (error instanceof PassportError && error.code === 'entity_not_found') {
            throw invalidField({ en: `Field '${field}.entity_id' names no entity`, es: `El campo '${field}.entity_id' no corresponde a ninguna entidad` })
          }
          throw error
        }
      })
      // A clock to be frozen is frozen first, then set: a frozen clock stays exactly where it is
      // set, where setting first would let it run on while what fell due is swept.
      if (scenario.clock?.frozen === true) await clockControl.move({ freeze: true })
      if (scenario.clock?.set !== undefined) {
        const set = scenario.clock.set
        await withinAsync('clock', () => clockControl.move({ set }))
      }
      if (scenario.clock?.frozen === false) await clockControl.move({ freeze: false })
      return { state: scenario.state !== undefined, reset: resets, seed, faults: added, webhooks: endpoints, paymentAuthorizations: callbacks, clock: clockControl.read() }
    } catch (error) {
      // Back to where it was: the whole state, then the clock (if this scenario moved it).
      state.import(before)
      if (movesClock) {
        await clockControl.move({ freeze: false })
        await clockControl.move({ set: clockBefore.now.toISOString() })
        if (clockBefore.frozen) await clockControl.move({ freeze: true })
      }
      throw error
    }
  }

  /** The situation now, as a scenario that puts it back: the whole state, and the clock. */
  export() {
    const { now, frozen } = this.services.clockControl.read()
    return { state: this.services.state.export(), clock: { set: now.toISOString(), frozen } }
  }
}
