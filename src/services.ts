import type { Database } from 'better-sqlite3'
import type { MockClock } from './core/clock.js'
import { type Config, targetPolicyOf } from './config.js'
import type { Resolver } from './core/target-policy.js'
import { FaultsService } from './control/faults/faults.service.js'
import { FaultsStore } from './control/faults/faults.store.js'
import { ClockService } from './control/clock/clock.service.js'
import { JournalService } from './control/journal/journal.service.js'
import { JournalStore } from './control/journal/journal.store.js'
import { IdentityStore } from './identity/identity.store.js'
import { KeysService } from './resources/keys/keys.service.js'
import { Directory } from './resources/resolutions/directory.js'
import { ResolutionsService } from './resources/resolutions/resolutions.service.js'
import { ResolutionsStore } from './resources/resolutions/resolutions.store.js'
import { RecipientsService } from './resources/recipients/recipients.service.js'
import { RecipientsStore } from './resources/recipients/recipients.store.js'
import { KeysStore } from './resources/keys/keys.store.js'
import { AccountsService } from './resources/accounts/accounts.service.js'
import { AccountsStore } from './resources/accounts/accounts.store.js'
import { CustomersService } from './resources/customers/customers.service.js'
import { CustomersStore } from './resources/customers/customers.store.js'
import { TokensService } from './resources/tokens/tokens.service.js'
import { TokensStore } from './resources/tokens/tokens.store.js'
import { QrCodesService } from './resources/qrcodes/qrcodes.service.js'
import { QrCodesStore } from './resources/qrcodes/qrcodes.store.js'
import { PaymentsService } from './resources/payments/payments.service.js'
import { PaymentsStore } from './resources/payments/payments.store.js'
import { Settlement } from './resources/payments/settlement.js'
import { AchPaymentsService } from './resources/payments/ach.service.js'
import { InboundPayments } from './resources/payments/inbound.js'
import { PaymentAuthorization } from './resources/payments/authorization.js'
import { ViewsService } from './control/views/views.service.js'
import { ViewsStore } from './control/views/views.store.js'
import { SeedService } from './control/state/seed.service.js'
import { StateService } from './control/state/state.service.js'
import { DatabaseState } from './database/state.js'
import { Retention } from './database/retention.js'
import { secretsEqual } from './core/secrets.js'
import { Sweeper } from './sweeper.js'
import { EventsService } from './webhooks/events.service.js'
import { WebhooksStore } from './webhooks/webhooks.store.js'
import { WebhookDelivery } from './webhooks/delivery.js'
import { WebhooksService } from './webhooks/webhooks.service.js'
import { AuthorizationDelivery } from './webhooks/authorization-delivery.js'
import { AuthorizationsService } from './webhooks/authorizations.service.js'
import { AuthorizationsStore } from './webhooks/authorizations.store.js'

/** Every store and service, built once per app (STYLE rule 1: no module-level state). */
export interface ServiceDeps {
  db: Database
  clock: MockClock
  config: Config
  /** Real time in ms, for webhook retry waits (CONTRACT §5: real time, not the mock's clock). */
  realNowMs?: () => number
  /** Where the sweeper reports a task that threw. */
  onSweepError?: (error: unknown) => void
  /** Where a sweeper task reports something it dealt with but a person should know (one line each, never per pass). */
  onNotice?: (message: string, error?: unknown) => void
  /** How webhook and callback hosts are resolved (default: the system's); a test injects names. */
  resolveHost?: Resolver
  /** The constant-time comparison of client secrets and the admin token; a test may watch it. */
  compareSecrets?: (given: string, expected: string) => boolean
  /** Write every event, also those no endpoint wants (the default leaves those out): tests read the outbox. */
  recordEveryEvent?: boolean
}

export function createServices({
  db,
  clock,
  config,
  realNowMs = Date.now,
  onSweepError = () => undefined,
  onNotice = () => undefined,
  compareSecrets = secretsEqual,
  resolveHost,
  recordEveryEvent = false,
}: ServiceDeps): Services {
  // Issue 11 item 5: where webhooks and callbacks may go, from HOST and WEBHOOK_ALLOW_PRIVATE.
  const targetPolicy = targetPolicyOf(config, resolveHost)
  const stores = {
    identity: new IdentityStore(db),
    tokens: new TokensStore(db),
    customers: new CustomersStore(db),
    accounts: new AccountsStore(db),
    faults: new FaultsStore(db),
    keys: new KeysStore(db),
    resolutions: new ResolutionsStore(db),
    recipients: new RecipientsStore(db),
    payments: new PaymentsStore(db),
    webhooks: new WebhooksStore(db),
    authorizations: new AuthorizationsStore(db),
    qrCodes: new QrCodesStore(db),
  }
  const customers = new CustomersService(stores.customers, clock)
  const accounts = new AccountsService(stores.accounts, customers, clock)
  const resolutions = new ResolutionsService(stores.resolutions, new Directory(stores.keys, stores.accounts, stores.customers), customers, clock)
  const events = new EventsService(stores.webhooks, clock, realNowMs, { url: config.webhookUrl, secret: config.webhookSecret, mode: config.webhookMode }, recordEveryEvent)
  const paymentAuthorization = new PaymentAuthorization(db, stores.authorizations, stores.payments, stores.accounts, events, clock, realNowMs)
  const settlement = new Settlement(db, stores.payments, stores.accounts, events, clock, paymentAuthorization, onNotice)
  const faults = new FaultsService(db, stores.faults, clock, (resolutionId) => stores.resolutions.findById(resolutionId)?.key.key_value)
  const journal = new JournalService(new JournalStore(config.journalSize))
  const sweeper = new Sweeper(onSweepError)
  // What services remember of the tables, forgotten after a reset or an import.
  const invalidateCaches = () => {
    faults.invalidate()
    stores.tokens.invalidate()
    stores.accounts.invalidate()
    stores.webhooks.invalidate()
  }
  const onReset: (() => void)[] = [() => clock.reset(), invalidateCaches, () => journal.clear()]
  sweeper.add(() => settlement.runDue())
  const databaseState = new DatabaseState(db, { db, ...stores })
  const authorizations = new AuthorizationsService(
    stores.authorizations,
    stores.identity,
    clock,
    { url: config.paymentAuthorizationUrl, secret: config.paymentAuthorizationSecret, autoApproveError: config.paymentAuthorizationAutoApproveError },
    () => databaseState.defaultEntityId(),
    targetPolicy,
  )
  // After the fixtures are back, the environment's setting of the default entity is too.
  onReset.push(() => authorizations.applyEnvironment())
  const seeds = new SeedService(db, stores, databaseState, faults, clock, config.seed)
  // A seed after a reset draws what it would on a fresh start.
  onReset.push(() => seeds.restartStream())
  const webhookDelivery = new WebhookDelivery(stores.webhooks, events, clock, realNowMs, { retryBaseMs: config.webhookRetryBaseMs, onError: onSweepError, policy: targetPolicy })
  const authorizationDelivery = new AuthorizationDelivery(stores.authorizations, stores.payments, paymentAuthorization, clock, realNowMs, { onError: onSweepError, policy: targetPolicy })
  // After settlement, so the questions a pass raises are asked in the same pass; never awaits a callback.
  sweeper.add(() => authorizationDelivery.deliverDue())
  // After settlement, so the events a pass raises are sent in the same pass; never awaits a receiver.
  sweeper.add(() => webhookDelivery.deliverDue())
  // Issue 11 item 7: journal-like rows pruned by age and count, in small batches, about once a second.
  const retention = new Retention(db, clock, { hours: config.retentionHours, rows: config.retentionRows })
  sweeper.add(() => {
    const pruned = retention.pruneDue(realNowMs())
    // A token the cache remembers may be gone.
    if (pruned && pruned.tokens > 0) stores.tokens.invalidate()
  })
  const keys = new KeysService(stores.keys, accounts, clock)
  const tokens = new TokensService(stores.tokens, stores.identity, clock, config.tokenTtlSeconds, compareSecrets)
  const qrCodes = new QrCodesService(stores.qrCodes, customers, stores.keys, clock)
  return {
    webhooks: new WebhooksService(stores.webhooks, stores.identity, events, clock, targetPolicy),
    webhookDelivery,
    retention,
    authorizations,
    paymentAuthorization,
    authorizationDelivery,
    db,
    clock,
    config,
    stores,
    tokens,
    compareSecrets,
    customers,
    accounts,
    keys,
    resolutions,
    recipients: new RecipientsService(stores.recipients, customers, resolutions, clock),
    faults,
    journal,
    clockControl: new ClockService(clock, sweeper),
    payments: new PaymentsService(db, stores.payments, stores.accounts, stores.customers, stores.keys, resolutions, events, clock, config.settlementDelayMs),
    achPayments: new AchPaymentsService(db, stores.payments, stores.accounts, stores.customers, stores.recipients, events, clock, config.achSettlementDelayMs),
    settlement,
    inbound: new InboundPayments(db, stores.payments, stores.accounts, stores.customers, stores.keys, events, clock, paymentAuthorization),
    views: new ViewsService(new ViewsStore(db), stores.accounts, stores.payments, stores.customers, {
      keys: stores.keys,
      tokens: stores.tokens,
      recipients: stores.recipients,
      qrCodes: stores.qrCodes,
      keysService: keys,
      tokensService: tokens,
      qrCodesService: qrCodes,
    }),
    events,
    qrCodes,
    sweeper,
    realNowMs,
    onReset,
    state: new StateService(databaseState, { fixturesPath: config.fixturesPath, seed: config.seed, onReset, invalidateCaches }),
    seeds,
  }
}

export interface Services {
  db: Database
  clock: MockClock
  config: Config
  stores: {
    identity: IdentityStore
    tokens: TokensStore
    customers: CustomersStore
    accounts: AccountsStore
    faults: FaultsStore
    keys: KeysStore
    resolutions: ResolutionsStore
    recipients: RecipientsStore
    payments: PaymentsStore
    webhooks: WebhooksStore
    authorizations: AuthorizationsStore
    qrCodes: QrCodesStore
  }
  tokens: TokensService
  customers: CustomersService
  accounts: AccountsService
  faults: FaultsService
  /** `/_mock/requests`: the ring of recent `/v1` requests. */
  journal: JournalService
  /** `/_mock/clock`: moves the mock's clock, then runs what fell due. */
  clockControl: ClockService
  keys: KeysService
  resolutions: ResolutionsService
  recipients: RecipientsService
  payments: PaymentsService
  qrCodes: QrCodesService
  achPayments: AchPaymentsService
  settlement: Settlement
  /** `POST /_mock/simulations/inbound-payment`: a payment from an outside bank. */
  inbound: InboundPayments
  /** `GET /_mock/entities`, `/_mock/accounts`, `/_mock/payments`: every entity's rows. */
  views: ViewsService
  events: EventsService
  /** Runs due settlements and webhook sends; tests call `runDue()` themselves. */
  sweeper: Sweeper
  realNowMs: () => number
  /** Compares a given secret with the expected one in constant time (client secrets, the admin token). */
  compareSecrets: (given: string, expected: string) => boolean
  /** `/_mock/webhooks`: endpoints and the attempt log. */
  webhooks: WebhooksService
  /** Prunes old attempts, sent events, expired tokens and resolutions (a sweeper task, issue 11 item 7). */
  retention: Retention
  /** Sends due webhook jobs (a sweeper task); `idle()` waits for sends in flight. */
  webhookDelivery: WebhookDelivery
  /** `/_mock/entities/{entity_id}/payment-authorization` and the callback attempt log. */
  authorizations: AuthorizationsService
  /** Applies callback answers (and /_mock decisions) to payments awaiting authorization. */
  paymentAuthorization: PaymentAuthorization
  /** Asks due payment-authorization callbacks (a sweeper task); `idle()` waits for them. */
  authorizationDelivery: AuthorizationDelivery
  /**
   * What `POST /_mock/reset` runs once the fixtures are back (CONTRACT §5): every part that keeps
   * state outside the fixtures' tables (clock offset, fault cache, journal…) adds its own.
   */
  onReset: (() => void)[]
  /** `POST /_mock/reset`, `GET` and `PUT /_mock/state`. */
  state: StateService
  /** `POST /_mock/seed` and `passport-mock seed`: partial objects completed by faker. */
  seeds: SeedService
}
