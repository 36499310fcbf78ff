import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify, { type FastifyInstance, LogController } from 'fastify'
import { MockClock, type TimeSource, systemTime } from './core/clock.js'
import { RateLimitedLog } from './core/rate-limited-log.js'
import { type Config, MIGRATIONS_DIR, PACKAGE_ROOT } from './config.js'
import { controlPlane } from './control/control.js'
import { lockDatabaseFile } from './database/file-lock.js'
import { openDatabase } from './database/open-database.js'
import { loadFixturesIfEmpty } from './fixtures/load-fixtures.js'
import { answerBatchingPlugin } from './plugins/answer-batching.js'
import { authPlugin } from './plugins/auth.js'
import { contentTypesPlugin } from './plugins/content-types.js'
import { createClientErrorHandler } from './plugins/client-errors.js'
import { type ErrorReport, errorHandlerPlugin, sendError, toPassportError } from './plugins/error-handler.js'
import { faultsPlugin, realSleep, type Sleep } from './plugins/faults.js'
import { journalPlugin } from './plugins/journal.js'
import { lazyChildLogger } from './plugins/lazy-request-logger.js'
import { listQueryPlugin } from './plugins/list-query.js'
import { openapiPlugin } from './plugins/openapi.js'
import { requestLogPlugin } from './plugins/request-log.js'
import { requestTimeoutPlugin } from './plugins/request-timeout.js'
import { traceIdPlugin } from './plugins/trace-id.js'
import { createSerializerCompiler } from './plugins/serialization.js'
import { createValidatorCompiler } from './plugins/validation.js'
import { accountsRoutes } from './resources/accounts/accounts.routes.js'
import { customersRoutes } from './resources/customers/customers.routes.js'
import { keysRoutes } from './resources/keys/keys.routes.js'
import { resolutionsRoutes } from './resources/resolutions/resolutions.routes.js'
import { achPaymentsRoutes } from './resources/payments/ach.routes.js'
import { paymentsRoutes } from './resources/payments/payments.routes.js'
import { recipientsRoutes } from './resources/recipients/recipients.routes.js'
import { qrCodesRoutes } from './resources/qrcodes/qrcodes.routes.js'
import { tokensRoutes } from './resources/tokens/tokens.routes.js'
import { Checkpointer } from './database/checkpointer.js'
import { createServices, type Services } from './services.js'
import type { Resolver } from './core/target-policy.js'

export type { Config } from './config.js'
export { loadConfig } from './config.js'

/** What a caller may swap in: tests pass a manual time source and a recording sleep. */
export interface AppDeps {
  /** Wall time under the mock's clock (offset and freeze go on top of it). */
  timeSource?: TimeSource
  /** How fault-rule delays wait (real time: CONTRACT §5). */
  sleep?: Sleep
  /** Pretty log lines (a terminal); JSON lines otherwise. */
  prettyLog?: boolean
  /** How often the sweeper runs what fell due (settlements, webhook sends); 0: only when asked (tests). */
  sweepIntervalMs?: number
  /** Real time for webhook retry waits; tests may move it. */
  realNowMs?: () => number
  /** Where JSON log lines go (default stdout): the server's TurnLogStream; tests capture the log through it. */
  logStream?: { write(line: string): unknown }
  /** How webhook and callback hosts are resolved (default: the system's); tests answer names themselves. */
  resolveHost?: Resolver
  /** The constant-time secret comparison (default secretsEqual); tests watch its call path. */
  compareSecrets?: (given: string, expected: string) => boolean
  /** Write every webhook event, also those no endpoint wants (by default they are not written): tests read what was emitted from the outbox. */
  recordEveryEvent?: boolean
}

/** CONTRACT §4: settlement follows the mock clock closely enough at a tenth of a second. */
export const DEFAULT_SWEEP_INTERVAL_MS = 100

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
  }
}

/** CONTRACT §1: 1 MiB on `/v1`. */
export const V1_BODY_LIMIT = 1024 * 1024

/**
 * The address the document names as its server until a request says which one it reached:
 * a wildcard host (0.0.0.0 in the container) is reached as 127.0.0.1.
 */
function configuredOrigin(config: Config): string {
  const host = config.host === '0.0.0.0' || config.host === '::' || config.host === '' ? '127.0.0.1' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}

const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version

/**
 * Builds the whole app from a config object (STYLE rule 1): database, fixtures, services and
 * every route, in order. No module-level state, so tests build as many apps as they like.
 */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  // One server per database file (issue 11 item 3): refused before the file is opened.
  const lock = lockDatabaseFile(config.databasePath)
  let db
  try {
    db = openDatabase(config.databasePath, MIGRATIONS_DIR)
  } catch (error) {
    lock.release()
    throw error
  }
  const clock = new MockClock(deps.timeSource ?? systemTime)
  let log: ((error: unknown) => void) | undefined
  let notice: ((message: string, error?: unknown) => void) | undefined
  const services = createServices({
    db,
    clock,
    config,
    realNowMs: deps.realNowMs,
    onSweepError: (error) => log?.(error),
    onNotice: (message, error) => notice?.(message, error),
    compareSecrets: deps.compareSecrets,
    resolveHost: deps.resolveHost,
    recordEveryEvent: deps.recordEveryEvent,
  })
  try {
    await loadFixturesIfEmpty({ db, ...services.stores }, config.fixturesPath, config.seed)
    // PAYMENT_AUTHORIZATION_* wins at every start (issue 10 §2), as WEBHOOK_URL does.
    services.authorizations.applyEnvironment()
  } catch (error) {
    db.close()
    lock.release()
    throw error
  }

  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : { level: config.logLevel, ...(deps.logStream && { stream: deps.logStream }), ...(deps.prettyLog && { transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true, ignore: 'pid,hostname,reqId' } } }) },
    genReqId: () => randomUUID(),
    // request.log is made only when a request logs (issue 15): see the plugin.
    childLoggerFactory: lazyChildLogger,
    // One line per request comes from the request-log plugin instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: V1_BODY_LIMIT,
    // A request must be whole within REQUEST_TIMEOUT_MS (issue 11 item 12); Node checks its
    // connections every 30 s unless told: a quarter of the timeout, at most every second.
    requestTimeout: config.requestTimeoutMs,
    http: { connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(config.requestTimeoutMs / 4))) },
    routerOptions: { maxParamLength: 1000 },
    // A malformed URL or an over-long path id never reaches the hooks: answer it in the contract's shape too (CONTRACT §2).
    // Node's HTTP parser refusals and request timeouts, in the contract's shape too (issue 11 item 8).
    clientErrorHandler: createClientErrorHandler(),
    frameworkErrors: (error, request, reply) => {
      reply.header('x-trace-id', request.id)
      return sendError(request, reply, toPassportError(error, request, report))
    },
  })
  app.decorate('services', services)
  // Errors are logged at most once a second per cause, with the count held back (issue 11 item 9).
  const errorLog = new RateLimitedLog((cause, error, heldBack) => app.log.error({ err: error, cause, ...(heldBack > 0 && { repeated: heldBack }) }, cause === 'storage_full' ? 'disk full: writes answer 503 storage_full' : 'unhandled error'), deps.realNowMs)
  const sweepLog = new RateLimitedLog((cause, error, heldBack) => app.log.error({ err: error, cause, ...(heldBack > 0 && { repeated: heldBack }) }, 'sweeper task failed'), deps.realNowMs)
  const report: ErrorReport = (cause, error) => errorLog.report(cause, error)
  log = (error) => sweepLog.report(((error as { code?: unknown }).code as string | undefined) ?? (error as Error).name ?? 'error', error)
  notice = (message, error) => app.log.warn(error === undefined ? {} : { err: error }, message)
  // WAL checkpoints on a thread of their own, not inside a request's commit (issue 15; src/database/checkpointer.ts).
  let checkpointer: Checkpointer | undefined
  app.addHook('onReady', async () => {
    const made = new Checkpointer(db, config.databasePath, { onNotice: (message, error) => notice?.(message, error) })
    checkpointer = made
    services.sweeper.add(() => made.startIfBusy())
    services.sweeper.start(deps.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS)
  })
  app.addHook('onClose', async () => {
    await services.sweeper.stop()
    // Webhook sends in flight are cut off and their jobs stay pending for the next start.
    await services.webhookDelivery.close()
    // Likewise for callbacks being asked: their questions stay pending and are asked again.
    await services.authorizationDelivery.close()
    // Its connection first, so that the main one is the last and leaves the file whole, without a WAL.
    await checkpointer?.close()
    db.close()
    lock.release()
  })
  app.setValidatorCompiler(createValidatorCompiler())
  app.setSerializerCompiler(createSerializerCompiler())

  await app.register(errorHandlerPlugin, { report })
  await app.register(traceIdPlugin)
  await app.register(requestTimeoutPlugin, { timeoutMs: config.requestTimeoutMs })
  await app.register(contentTypesPlugin)
  await app.register(listQueryPlugin)
  await app.register(requestLogPlugin)
  // At the root, limited to /v1 paths, so unknown /v1 paths (404) are journaled too (see the plugin).
  await app.register(journalPlugin, { journal: services.journal, clock })
  await app.register(openapiPlugin, { version: VERSION, origin: configuredOrigin(config) })
  // The last onSend hook: every answer is written with the others of its turn (see the plugin).
  await app.register(answerBatchingPlugin)

  // The Passport surface: bearer auth and fault rules apply here and only here (STYLE rule 11).
  await app.register(async (v1) => {
    await v1.register(authPlugin, { tokens: services.tokens })
    await v1.register(faultsPlugin, { faults: services.faults, sleep: deps.sleep ?? realSleep })
    await v1.register(tokensRoutes, { services })
    await v1.register(customersRoutes, { services })
    await v1.register(accountsRoutes, { services })
    await v1.register(keysRoutes, { services })
    await v1.register(resolutionsRoutes, { services })
    await v1.register(recipientsRoutes, { services })
    await v1.register(paymentsRoutes, { services })
    await v1.register(achPaymentsRoutes, { services })
    await v1.register(qrCodesRoutes, { services })
  })

  await app.register(controlPlane, { services })
  return app
}
