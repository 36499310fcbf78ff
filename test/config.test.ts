import { isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { type Config, ConfigError, loadConfig } from '../src/config.js'

/** The package root, found from this file (test/ sits beside src/), not from the code under test. */
const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')

t.test('defaults to the table of CONTRACT §7', async (t) => {
  const expected: Config = {
    port: 8080,
    host: '127.0.0.1',
    databasePath: join(ROOT, 'db', 'passport-mock.sqlite'),
    fixturesPath: join(ROOT, 'fixtures', 'default.json'),
    seed: 1,
    tokenTtlSeconds: 86400,
    settlementDelayMs: 1000,
    achSettlementDelayMs: 30000,
    webhookUrl: undefined,
    webhookSecret: undefined,
    webhookMode: 'retry',
    webhookRetryBaseMs: 1000,
    webhookAllowPrivate: false,
    paymentAuthorizationUrl: undefined,
    paymentAuthorizationSecret: undefined,
    paymentAuthorizationAutoApproveError: false,
    mockAdminToken: undefined,
    mockBodyLimit: 64 * 1024 * 1024, // issue 11 item 1: sized from a 100,000-account document
    requestTimeoutMs: 120000,
    retentionHours: 24,
    retentionRows: 50000,
    journalSize: 1000,
    logLevel: 'info',
    tlsPort: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    scenarioPath: undefined,
  }
  t.same(loadConfig({}), expected)
  t.same(loadConfig(), expected, 'no argument reads no environment')
})

t.test('reads every variable', async (t) => {
  const config = loadConfig({
    PORT: '9090',
    HOST: '0.0.0.0',
    DATABASE_PATH: '/data/passport-mock.sqlite',
    FIXTURES_PATH: '/srv/fixtures.json',
    SEED: '42',
    TOKEN_TTL_SECONDS: '60',
    SETTLEMENT_DELAY_MS: '0',
    ACH_SETTLEMENT_DELAY_MS: '5000',
    WEBHOOK_URL: 'http://127.0.0.1:9999/hooks',
    WEBHOOK_SECRET: 'whsec',
    WEBHOOK_MODE: 'once',
    WEBHOOK_RETRY_BASE_MS: '250',
    // HOST is beyond loopback, so the loopback targets below need it.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    PAYMENT_AUTHORIZATION_URL: 'http://127.0.0.1:9998/authorize',
    PAYMENT_AUTHORIZATION_SECRET: 'authsec',
    PAYMENT_AUTHORIZATION_AUTO_APPROVE_ERROR: 'true',
    MOCK_ADMIN_TOKEN: 'admin-token',
    MOCK_BODY_LIMIT: '1048576',
    REQUEST_TIMEOUT_MS: '5000',
    RETENTION_HOURS: '2',
    RETENTION_ROWS: '5000',
    JOURNAL_SIZE: '0',
    LOG_LEVEL: 'silent',
    TLS_PORT: '8443',
    TLS_CERT: '/certs/mock.crt',
    TLS_KEY: '/certs/mock.key',
    SCENARIO: '/ci/scenario.yaml',
  })
  t.same(config, {
    port: 9090,
    host: '0.0.0.0',
    databasePath: '/data/passport-mock.sqlite',
    fixturesPath: '/srv/fixtures.json',
    seed: 42,
    tokenTtlSeconds: 60,
    settlementDelayMs: 0,
    achSettlementDelayMs: 5000,
    webhookUrl: 'http://127.0.0.1:9999/hooks',
    webhookSecret: 'whsec',
    webhookMode: 'once',
    webhookRetryBaseMs: 250,
    webhookAllowPrivate: true,
    paymentAuthorizationUrl: 'http://127.0.0.1:9998/authorize',
    paymentAuthorizationSecret: 'authsec',
    paymentAuthorizationAutoApproveError: true,
    mockAdminToken: 'admin-token',
    mockBodyLimit: 1048576,
    requestTimeoutMs: 5000,
    retentionHours: 2,
    retentionRows: 5000,
    journalSize: 0,
    logLevel: 'silent',
    tlsPort: 8443,
    tlsCert: '/certs/mock.crt',
    tlsKey: '/certs/mock.key',
    scenarioPath: '/ci/scenario.yaml',
  })
})

t.test('treats an empty variable as unset', async (t) => {
  t.same(loadConfig({ PORT: '', SEED: '', WEBHOOK_URL: '', MOCK_ADMIN_TOKEN: '', WEBHOOK_MODE: '', LOG_LEVEL: '' }), loadConfig({}))
})

t.test('takes PORT=0 (any free port) and the limits of each range', async (t) => {
  t.equal(loadConfig({ PORT: '0' }).port, 0)
  t.equal(loadConfig({ PORT: '65535' }).port, 65535)
  t.equal(loadConfig({ SEED: '0' }).seed, 0)
})

t.test('refuses a bad value with a ConfigError that names the variable', async (t) => {
  const bad: Record<string, string> = {
    PORT: 'abc',
    SEED: '-1',
    WEBHOOK_MODE: 'sometimes',
    LOG_LEVEL: 'loud',
    JOURNAL_SIZE: '-5',
    TOKEN_TTL_SECONDS: '1.5',
    SETTLEMENT_DELAY_MS: '1e3',
    MOCK_BODY_LIMIT: 'lots',
    PAYMENT_AUTHORIZATION_AUTO_APPROVE_ERROR: 'yes',
    PAYMENT_AUTHORIZATION_URL: 'ftp://127.0.0.1/authorize',
    TLS_PORT: '99999',
  }
  for (const [name, value] of [['PORT', '70000'] as const, ...Object.entries(bad)]) {
    let thrown: unknown
    try {
      loadConfig({ [name]: value })
    } catch (error) {
      thrown = error
    }
    t.ok(thrown instanceof ConfigError, `${name}=${value} throws a ConfigError`)
    t.match((thrown as Error | undefined)?.message, new RegExp(`^${name} `), `the message of ${name}=${value} names ${name}`)
    t.match((thrown as Error | undefined)?.message, value, `the message of ${name}=${value} quotes the value`)
  }
})

t.test('says what a good value looks like', async (t) => {
  t.throws(() => loadConfig({ PORT: '70000' }), { name: 'ConfigError', message: /PORT must be between 0 and 65535/ })
  t.throws(() => loadConfig({ WEBHOOK_MODE: 'sometimes' }), { name: 'ConfigError', message: /WEBHOOK_MODE must be one of once, retry/ })
  t.throws(() => loadConfig({ PORT: 'abc' }), { name: 'ConfigError', message: /PORT must be a whole number/ })
})

t.test('refuses PAYMENT_AUTHORIZATION_URL without its secret, naming both', async (t) => {
  t.throws(() => loadConfig({ PAYMENT_AUTHORIZATION_URL: 'http://127.0.0.1:9998/authorize' }), {
    name: 'ConfigError',
    message: 'PAYMENT_AUTHORIZATION_URL is set without PAYMENT_AUTHORIZATION_SECRET: set both',
  })
  t.equal(loadConfig({ PAYMENT_AUTHORIZATION_SECRET: 'authsec' }).paymentAuthorizationUrl, undefined, 'a secret alone turns nothing on')
})

t.test('TLS_CERT and TLS_KEY go together; TLS_PORT=0 is any free port (issue 13 §4)', async (t) => {
  t.throws(() => loadConfig({ TLS_CERT: '/certs/mock.crt' }), { name: 'ConfigError', message: /TLS_CERT and TLS_KEY go together/ })
  t.throws(() => loadConfig({ TLS_KEY: '/certs/mock.key' }), { name: 'ConfigError', message: /TLS_CERT and TLS_KEY go together/ })
  t.equal(loadConfig({ TLS_PORT: '0' }).tlsPort, 0)
  t.equal(loadConfig({ TLS_PORT: '' }).tlsPort, undefined)
})

t.test('resolves a relative DATABASE_PATH and FIXTURES_PATH to absolute paths', async (t) => {
  const config = loadConfig({ DATABASE_PATH: 'tmp/mock.sqlite', FIXTURES_PATH: './my-fixtures.json' })
  t.ok(isAbsolute(config.databasePath))
  t.equal(config.databasePath, resolve(process.cwd(), 'tmp/mock.sqlite'))
  t.ok(isAbsolute(config.fixturesPath))
  t.equal(config.fixturesPath, resolve(process.cwd(), 'my-fixtures.json'))
})

t.test('keeps DATABASE_PATH=:memory: as it is', async (t) => {
  t.equal(loadConfig({ DATABASE_PATH: ':memory:' }).databasePath, ':memory:')
})

t.test('the default database: db/ beside the package in a clone, the current folder when installed in node_modules (issue 13 §1)', async (t) => {
  const { defaultDatabasePath } = await import('../src/config.js')
  const { join } = await import('node:path')
  t.equal(defaultDatabasePath('/src/passport-mock', '/home/qa/project'), join('/src/passport-mock', 'db', 'passport-mock.sqlite'))
  t.equal(defaultDatabasePath('/home/qa/project/node_modules/passport-paas-mock', '/home/qa/project'), join('/home/qa/project', 'passport-mock.sqlite'))
  t.equal(defaultDatabasePath('/home/qa/node_modules_old/passport-mock', '/x'), join('/home/qa/node_modules_old/passport-mock', 'db', 'passport-mock.sqlite'), 'only a folder named exactly node_modules counts')
})
