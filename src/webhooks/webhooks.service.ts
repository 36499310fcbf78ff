import { randomUUID } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import { invalidField, invalidState, notFound, type PassportError } from '../core/errors.js'
import type { TargetPolicy } from '../core/target-policy.js'
import type { IdentityStore } from '../identity/identity.store.js'
import { ENV_ENDPOINT_ID, type EventType, type EventsService } from './events.service.js'
import type { DeliveryFilter, WebhookDeliveryRecord, WebhookEndpoint, WebhookMode, WebhooksStore } from './webhooks.store.js'

export interface AddEndpointInput {
  url: string
  secret: string
  mode: WebhookMode
  events?: EventType[]
  entity_id?: string
}

/**
 * Webhook endpoints and the attempt log, for `/_mock/webhooks` (CONTRACT §5). The real Passport
 * sets endpoints up in its dashboard only (reference B §8); the mock has the environment's one
 * (`WEBHOOK_URL`) and any number added here, each optionally narrowed to an entity and events.
 */
export class WebhooksService {
  constructor(
    private readonly store: WebhooksStore,
    private readonly identity: IdentityStore,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly policy: TargetPolicy,
  ) {}

  /** Every endpoint, the environment's first. */
  list(): WebhookEndpoint[] {
    return this.events.endpoints()
  }

  add(input: AddEndpointInput): WebhookEndpoint {
    if (!isHttpUrl(input.url)) throw invalidField({ en: "Field 'url' must be an absolute http or https URL", es: "El campo 'url' debe ser una URL http o https absoluta" })
    requireAllowedTarget(this.policy, input.url)
    if (input.entity_id !== undefined && !this.identity.findEntity(input.entity_id)) {
      throw invalidField({ en: "Field 'entity_id' must name an existing entity", es: "El campo 'entity_id' debe indicar una entidad existente" })
    }
    const endpoint: WebhookEndpoint = {
      id: randomUUID(),
      url: input.url,
      secret: input.secret,
      mode: input.mode,
      events: input.events === undefined ? null : [...new Set(input.events)],
      entityId: input.entity_id ?? null,
      createdAt: this.clock.now().toISOString(),
    }
    this.store.insertEndpoint(endpoint)
    return endpoint
  }

  /** Removes an added endpoint and its pending sends; the environment's comes from config and stays. */
  remove(id: string): void {
    if (id === ENV_ENDPOINT_ID && this.events.endpoint(id)) {
      throw invalidState({
        en: 'The environment’s endpoint (WEBHOOK_URL) cannot be removed here; unset WEBHOOK_URL and restart',
        es: 'El endpoint del entorno (WEBHOOK_URL) no se puede eliminar aquí; quite WEBHOOK_URL y reinicie',
      })
    }
    if (!this.store.removeEndpoint(id)) throw notFound('webhook')
  }

  deliveries(filter: DeliveryFilter): WebhookDeliveryRecord[] {
    return this.store.deliveries(filter)
  }
}

/** 400 when the target policy refuses the URL's host (issue 11 item 5), naming the reason. */
export function requireAllowedTarget(policy: TargetPolicy, url: string): void {
  const refusal = policy.refusalOfUrl(url)
  if (refusal !== undefined) throw refusedTarget(refusal)
}

function refusedTarget(reason: string): PassportError {
  return invalidField({ en: `Field 'url' is refused: ${reason}`, es: `El campo 'url' es rechazado: ${reason}` })
}

/** The URL check of every target the control plane accepts (webhook endpoints, payment-authorization callbacks). */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}
