import type { Clock } from '../core/clock.js'
import { invalidField, notFound } from '../core/errors.js'
import type { IdentityStore } from '../identity/identity.store.js'
import type { TargetPolicy } from '../core/target-policy.js'
import { isHttpUrl, requireAllowedTarget } from './webhooks.service.js'
import type { AttemptFilter, AuthorizationAttempt, AuthorizationConfig, AuthorizationsStore } from './authorizations.store.js'

export interface PutAuthorizationInput {
  url: string
  secret: string
  auto_approve_error?: boolean
}

/** The environment's setting for the default entity (PAYMENT_AUTHORIZATION_*). */
export interface EnvAuthorizationConfig {
  url: string | undefined
  secret: string | undefined
  autoApproveError: boolean
}

/**
 * Payment-authorization settings per entity, for `/_mock/entities/{entity_id}/payment-authorization`
 * (issue 10 §2). The real Passport sets them in its dashboard ("Platform > Webhooks": Callback URL,
 * Secret Token, Auto Approve Error; https://docs.passportfintech.com/EN/payment-authorization-feature);
 * the mock takes them here and, for the default entity, from the environment.
 */
export class AuthorizationsService {
  constructor(
    private readonly store: AuthorizationsStore,
    private readonly identity: IdentityStore,
    private readonly clock: Clock,
    private readonly env: EnvAuthorizationConfig,
    private readonly defaultEntityId: () => string,
    private readonly policy: TargetPolicy,
  ) {}

  get(entityId: string): AuthorizationConfig {
    this.#requireEntity(entityId)
    const config = this.store.findConfig(entityId)
    if (!config) throw notFound('payment_authorization')
    return config
  }

  list(): AuthorizationConfig[] {
    return this.store.configs()
  }

  /** Creates or replaces the entity's setting; it applies to inbound payments that arrive from now on. */
  put(entityId: string, input: PutAuthorizationInput): AuthorizationConfig {
    this.#requireEntity(entityId)
    if (!isHttpUrl(input.url)) throw invalidField({ en: "Field 'url' must be an absolute http or https URL", es: "El campo 'url' debe ser una URL http o https absoluta" })
    requireAllowedTarget(this.policy, input.url)
    this.store.putConfig(entityId, { url: input.url, secret: input.secret, autoApproveError: input.auto_approve_error ?? false }, this.clock.now().toISOString())
    return this.store.findConfig(entityId) as AuthorizationConfig
  }

  /** Turns the feature off for the entity; a question still pending then lets its payment settle. */
  remove(entityId: string): void {
    this.#requireEntity(entityId)
    if (!this.store.deleteConfig(entityId)) throw notFound('payment_authorization')
  }

  attempts(filter: AttemptFilter): AuthorizationAttempt[] {
    return this.store.attempts(filter)
  }

  /** At start and after a reset: PAYMENT_AUTHORIZATION_URL (when set) becomes the default entity's setting. */
  applyEnvironment(): void {
    if (this.env.url === undefined || this.env.secret === undefined) return
    this.store.putConfig(this.defaultEntityId(), { url: this.env.url, secret: this.env.secret, autoApproveError: this.env.autoApproveError }, this.clock.now().toISOString())
  }

  #requireEntity(entityId: string): void {
    if (!this.identity.findEntity(entityId)) throw notFound('entity')
  }
}
