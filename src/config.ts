import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isLoopbackHost, TargetPolicy } from './core/target-policy.js'

/** The package's root folder: migrations, fixtures and the default database live beside it (CONTRACT §7). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'db', 'migrations')

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
  retentionHours: number
  retentionRows: number
  journalSize: number
  logLevel: LogLevel
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

/** Every variable, in the README's order. */
export const SETTINGS: Setting[] = [
  { key: 'port', env: 'PORT', description: 'Port to listen on (0: any free port)', defaultText: '8080', read: integer('PORT', 0, 65535, 8080) },
  { key: 'host', env: 'HOST', description: 'Interface to listen on (0.0.0.0 in the container)', defaultText: '127.0.0.1', read: (v) => optional(v) ?? '127.0.0.1' },
  {
    key: 'databasePath',
    env: 'DATABASE_PATH',
    description: 'SQLite file (parent folder created); `:memory:` for a throw-away store',
    defaultText: 'db/passport-mock.sqlite beside the package',
    read: path(join(PACKAGE_ROOT, 'db', 'passport-mock.sqlite')),
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
  { key: 'mockBodyLimit', env: 'MOCK_BODY_LIMIT', description: 'Body limit (bytes) of `POST /_mock/seed` and `PUT /_mock/state`', defaultText: '268435456 (256 MiB)', read: integer('MOCK_BODY_LIMIT', 1024, 2 ** 31 - 1, 256 * MiB) },
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
]

/** Reads and checks the configuration; a bad value stops the server with a message naming it. */
export function loadConfig(env: Record<string, string | undefined> = {}): Config {
  const config: Partial<Record<keyof Config, unknown>> = {}
  for (const setting of SETTINGS) config[setting.key] = setting.read(env[setting.env])
  if (config.paymentAuthorizationUrl !== undefined && config.paymentAuthorizationSecret === undefined) {
    // The docs' setting has a Secret Token beside the Callback URL; an unsigned question would be one no receiver can check.
    throw new ConfigError('PAYMENT_AUTHORIZATION_URL is set without PAYMENT_AUTHORIZATION_SECRET: set both')
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
