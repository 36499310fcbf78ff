import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isLoopbackHost, TargetPolicy } from './core/target-policy.js'

/** The package's root folder: migrations, fixtures and the default database live beside it (CONTRACT §7). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'db', 'migrations')

const DATABASE_FILE = 'passport-mock.sqlite'

/**
 * Where the database goes when DATABASE_PATH is not set (issue 13 §1). In a clone (`npm start`)
 * it is db/passport-mock.sqlite beside the package, as the README's first command says. An
 * installed package sits inside a node_modules folder, which the next `npm ci` wipes: there it is
 * ./passport-mock.sqlite in the folder the command runs from.
 */
export function defaultDatabasePath(packageRoot: string, cwd: string): string {
  return packageRoot.split(sep).includes('node_modules') ? join(cwd, DATABASE_FILE) : join(packageRoot, 'db', DATABASE_FILE)
}

export const DATABASE_DEFAULT_TEXT = 'db/passport-mock.sqlite beside the package; ./passport-mock.sqlite when installed (inside node_modules)'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
export type WebhookMode = 'once' | 'retry'

export interface Config {
  port: number
  host: string
  databasePath: string
  fixturesPath: string
  seed: number
  tokenTtlSeconds: number
  settlementDelayMs: number
  achSettlementDelayMs: number
  webhookUrl: string | undefined
  webhookSecret: string | undefined
  webhookMode: WebhookMode
  webhookRetryBaseMs: number
  webhookAllowPrivate: boolean
  paymentAuthorizationUrl: string | undefined
  paymentAuthorizationSecret: string | undefined
  paymentAuthorizationAutoApproveError: boolean
  mockAdminToken: string | undefined
  mockBodyLimit: number
  requestTimeoutMs: number
  retentionHours: number
  retentionRows: number
  journalSize: number
  logLevel: LogLevel
  /** HTTPS beside HTTP on this port (issue 13 §4); undefined: HTTP only. */
  tlsPort: number | undefined
  tlsCert: string | undefined
  tlsKey: string | undefined
  /** A scenario file (JSON or YAML) applied at every start (issue 13 §6). */
  scenarioPath: string | undefined
}

/** One configuration variable: its name, default and how it is read (CONTRACT §7). */
export interface Setting<K extends keyof Config = keyof Config> {
  key: K
  env: string
  description: string
  defaultText: string
  read(value: string | undefined): Config[K]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function integer(env: string, min: number, max: number, fallback: number) {
  return (value: string | undefined): number => {
    if (value === undefined || value === '') return fallback
    if (!/^-?[0-9]+$/.test(value.trim())) throw new ConfigError(`${env} must be a whole number, got ${JSON.stringify(value)}`)
    const n = Number(value)
    if (n < min || n > max) throw new ConfigError(`${env} must be between ${min} and ${max}, got ${value}`)
    return n
  }
}

function optionalInteger(env: string, min: number, max: number) {
  const read = integer(env, min, max, 0)
  return (value: string | undefined): number | undefined => (value === undefined || value === '' ? undefined : read(value))
}

function optionalPath(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : resolve(value)
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function oneOf<T extends string>(env: string, allowed: readonly T[], fallback: T) {
  return (value: string | undefined): T => {
    if (value === undefined || value === '') return fallback
    if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${env} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
    return value as T
  }
}

function flag(env: string, fallback: boolean) {
  return (value: string | undefined): boolean => {
    if (value === undefined || value === '') return fallback
    if (value === 'true' || value === '1') return true
    if (value === 'false' || value === '0') return false
    throw new ConfigError(`${env} must be true or false, got ${JSON.stringify(value)}`)
  }
}

function httpUrl(env: string) {
  return (value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return undefined
    let url: URL | undefined
    try {
      url = new URL(value)
    } catch {
      url = undefined
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') throw new ConfigError(`${env} must be an absolute http or https URL, got ${JSON.stringify(value)}`)
    return value
  }
}

function path(fallback: string) {
  return (value: string | undefined): string => {
    if (value === undefined || value === '') return fallback
    return value === ':memory:' || isAbsolute(value) ? value : resolve(value)
  }
}

const MiB = 1024 * 1024

/**
 * Issue 11 item 1: a 100,000-account seed document spelling every field measured 36.4 MB
 * (34.7 MiB), the state export of a database holding them 35.6 MB (34.0 MiB). 64 MiB fits
 * either with 1.8× room; 256 MiB (the old default) let one body of nested arrays exhaust the heap.
 */
export const DEFAULT_MOCK_BODY_LIMIT = 64 * MiB

/**
 * Issue 11 item 12: a body that trickles in (3 bytes every 5 s) held its connection for ever
 * (Fastify sets Node's requestTimeout to 0). 120 s lets a 64 MiB document arrive at 0.6 MB/s and
 * stays above Node's 60 s headersTimeout, which Node requires and which stays as it is.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000

/** Every variable, in the README's order. */
export const SETTINGS: Setting[] = [
  { key: 'port', env: 'PORT', description: 'Port to listen on (0: any free port)', defaultText: '8080', read: integer('PORT', 0, 65535, 8080) },
  { key: 'host', env: 'HOST', description: 'Interface to listen on (0.0.0.0 in the container)', defaultText: '127.0.0.1', read: (v) => optional(v) ?? '127.0.0.1' },
  {
    key: 'databasePath',
    env: 'DATABASE_PATH',
    description: 'SQLite file (parent folder created); `:memory:` for a throw-away store',
    defaultText: DATABASE_DEFAULT_TEXT,
    read: (value) => path(defaultDatabasePath(PACKAGE_ROOT, process.cwd()))(value),
  },
  {
    key: 'fixturesPath',
    env: 'FIXTURES_PATH',
    description: 'Fixtures loaded into an empty database',
    defaultText: 'fixtures/default.json beside the package',
    read: path(join(PACKAGE_ROOT, 'fixtures', 'default.json')),
  },
  { key: 'seed', env: 'SEED', description: 'Seed of the faker stream that fills generated fixture fields', defaultText: '1', read: integer('SEED', 0, 2 ** 31 - 1, 1) },
  { key: 'tokenTtlSeconds', env: 'TOKEN_TTL_SECONDS', description: 'Access-token lifetime (`expires_in`)', defaultText: '86400', read: integer('TOKEN_TTL_SECONDS', 1, 10 * 365 * 86400, 86400) },
  { key: 'settlementDelayMs', env: 'SETTLEMENT_DELAY_MS', description: 'Time from payment creation to settlement, on the mock clock', defaultText: '1000', read: integer('SETTLEMENT_DELAY_MS', 0, 86400000, 1000) },
  {
    key: 'achSettlementDelayMs',
    env: 'ACH_SETTLEMENT_DELAY_MS',
    description: 'Time from ACH payment creation (PENDING) to settlement, on the mock clock',
    defaultText: '30000',
    read: integer('ACH_SETTLEMENT_DELAY_MS', 0, 86400000, 30000),
  },
  { key: 'webhookUrl', env: 'WEBHOOK_URL', description: 'Endpoint that receives every entity’s events', defaultText: 'unset', read: optional },
  { key: 'webhookSecret', env: 'WEBHOOK_SECRET', description: 'HMAC-SHA256 key of `X-Passport-Signature`', defaultText: 'unset', read: optional },
  { key: 'webhookMode', env: 'WEBHOOK_MODE', description: '`once` or `retry`', defaultText: 'retry', read: oneOf('WEBHOOK_MODE', ['once', 'retry'] as const, 'retry') },
  { key: 'webhookRetryBaseMs', env: 'WEBHOOK_RETRY_BASE_MS', description: 'First retry wait; doubles each time', defaultText: '1000', read: integer('WEBHOOK_RETRY_BASE_MS', 1, 3600000, 1000) },
  {
    key: 'webhookAllowPrivate',
    env: 'WEBHOOK_ALLOW_PRIVATE',
    description:
      'With a `HOST` beyond loopback: `true` lets webhooks and payment-authorization callbacks go to private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) and loopback addresses; link-local and metadata addresses stay refused',
    defaultText: 'false',
    read: flag('WEBHOOK_ALLOW_PRIVATE', false),
  },
  {
    key: 'paymentAuthorizationUrl',
    env: 'PAYMENT_AUTHORIZATION_URL',
    description: 'The default entity’s payment-authorization callback (asked about each inbound payment)',
    defaultText: 'unset (off)',
    read: httpUrl('PAYMENT_AUTHORIZATION_URL'),
  },
  { key: 'paymentAuthorizationSecret', env: 'PAYMENT_AUTHORIZATION_SECRET', description: 'Its Secret Token: HMAC-SHA256 key of `X-Passport-Signature`; required with the URL', defaultText: 'unset', read: optional },
  {
    key: 'paymentAuthorizationAutoApproveError',
    env: 'PAYMENT_AUTHORIZATION_AUTO_APPROVE_ERROR',
    description: '`true`: a callback that fails approves the payment; `false`: rejects it',
    defaultText: 'false',
    read: flag('PAYMENT_AUTHORIZATION_AUTO_APPROVE_ERROR', false),
  },
  { key: 'mockAdminToken', env: 'MOCK_ADMIN_TOKEN', description: 'When set, `/_mock` routes (but health) need `X-Mock-Admin-Token`', defaultText: 'unset (open)', read: optional },
  { key: 'mockBodyLimit', env: 'MOCK_BODY_LIMIT', description: 'Body limit (bytes) of `POST /_mock/seed` and `PUT /_mock/state`; a 100,000-account document is about 35 MiB', defaultText: '67108864 (64 MiB)', read: integer('MOCK_BODY_LIMIT', 1024, 2 ** 31 - 1, DEFAULT_MOCK_BODY_LIMIT) },
  {
    key: 'requestTimeoutMs',
    env: 'REQUEST_TIMEOUT_MS',
    description: 'Time for a whole request (headers and body) to arrive; then 408 and the connection closes',
    defaultText: '120000',
    read: integer('REQUEST_TIMEOUT_MS', 100, 3600000, DEFAULT_REQUEST_TIMEOUT_MS),
  },
  {
    key: 'retentionHours',
    env: 'RETENTION_HOURS',
    description: 'Delivery and callback attempts, sent webhook events, expired tokens and resolutions older than this (mock clock) are pruned',
    defaultText: '24',
    read: integer('RETENTION_HOURS', 1, 10 * 365 * 24, 24),
  },
  {
    key: 'retentionRows',
    env: 'RETENTION_ROWS',
    description: 'Of those tables, the newest rows kept whatever their age',
    defaultText: '50000',
    read: integer('RETENTION_ROWS', 1000, 100_000_000, 50_000),
  },
  { key: 'journalSize', env: 'JOURNAL_SIZE', description: 'Recent `/v1` requests kept in the journal (0: off)', defaultText: '1000', read: integer('JOURNAL_SIZE', 0, 1000000, 1000) },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    description: 'One JSON line per request at `info` (pino); pretty on a terminal',
    defaultText: 'info',
    read: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  },
  {
    key: 'tlsPort',
    env: 'TLS_PORT',
    description: 'Also serve HTTPS on this port (0: any free port), with a certificate for localhost, 127.0.0.1 and ::1',
    defaultText: 'unset (HTTP only)',
    read: optionalInteger('TLS_PORT', 0, 65535),
  },
  {
    key: 'tlsCert',
    env: 'TLS_CERT',
    description: 'PEM certificate (chain) for HTTPS, with `TLS_KEY`; unset: one made at first start and kept beside the database',
    defaultText: 'unset (generated)',
    read: optionalPath,
  },
  { key: 'tlsKey', env: 'TLS_KEY', description: 'PEM private key of `TLS_CERT`', defaultText: 'unset (generated)', read: optionalPath },
  {
    key: 'scenarioPath',
    env: 'SCENARIO',
    description: 'Scenario file (JSON or YAML) applied at every start, before the port opens; see PUT /_mock/scenario',
    defaultText: 'unset',
    read: optionalPath,
  },
]

/** Reads and checks the configuration; a bad value stops the server with a message naming it. */
export function loadConfig(env: Record<string, string | undefined> = {}): Config {
  const config: Partial<Record<keyof Config, unknown>> = {}
  for (const setting of SETTINGS) config[setting.key] = setting.read(env[setting.env])
  if (config.paymentAuthorizationUrl !== undefined && config.paymentAuthorizationSecret === undefined) {
    // The docs' setting has a Secret Token beside the Callback URL; an unsigned question would be one no receiver can check.
    throw new ConfigError('PAYMENT_AUTHORIZATION_URL is set without PAYMENT_AUTHORIZATION_SECRET: set both')
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError('TLS_CERT and TLS_KEY go together: set both, or neither for a generated certificate')
  }
  // Issue 11 item 5: the targets the environment names meet the policy the control plane applies.
  const policy = targetPolicyOf(config as Config)
  for (const [env, url] of [
    ['WEBHOOK_URL', config.webhookUrl],
    ['PAYMENT_AUTHORIZATION_URL', config.paymentAuthorizationUrl],
  ] as const) {
    const refusal = typeof url === 'string' ? policy.refusalOfUrl(url) : undefined
    if (refusal !== undefined) throw new ConfigError(`${env} is refused with HOST=${String(config.host)}: ${refusal}`)
  }
  return config as Config
}

/** The policy on outgoing HTTP targets that follows from HOST and WEBHOOK_ALLOW_PRIVATE (src/core/target-policy.ts). */
export function targetPolicyOf(config: Pick<Config, 'host' | 'webhookAllowPrivate'>, resolve?: ConstructorParameters<typeof TargetPolicy>[0]['resolve']): TargetPolicy {
  return new TargetPolicy({ exposed: !isLoopbackHost(config.host), allowPrivate: config.webhookAllowPrivate, ...(resolve && { resolve }) })
}
