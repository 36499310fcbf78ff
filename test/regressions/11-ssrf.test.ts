import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { type Config, ConfigError, loadConfig, PACKAGE_ROOT } from '../../src/config.js'
import { ManualTime } from '../../src/core/clock.js'
import type { Resolver } from '../../src/core/target-policy.js'
import { simulateInbound, ZERO_ACCOUNT } from '../helpers/authorization.js'
import { expectError } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { closedPortUrl, DEFAULT_ENTITY, makePayment, startReceiver, sweepAndSettle } from '../helpers/webhooks.js'

// Issue 11 item 5: every http(s) target was accepted (169.254.169.254, 10.x, 192.168.x, [::1],
// 0x7f000001, 2130706433, 127.1, user:pass@), and the delivery log told open, closed and
// filtered ports apart. The apps here are built with HOST=0.0.0.0 and never listen: the policy
// follows from the config alone; all traffic stays on 127.0.0.1.

/** Link-local and metadata: refused on an exposed server whatever WEBHOOK_ALLOW_PRIVATE says. */
const METADATA = [
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local or cloud-metadata address'],
  ['http://[fd00:ec2::254]/', 'fd00:ec2::254 is a link-local or cloud-metadata address'],
  ['http://[fe80::1]:8080/', 'fe80::1 is a link-local or cloud-metadata address'],
  ['http://100.100.100.200/', '100.100.100.200 is a link-local or cloud-metadata address'],
  ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is a link-local or cloud-metadata address'],
  ['http://0xa9fea9fe/', '169.254.169.254 is a link-local or cloud-metadata address'],
] as const

/** Private and loopback, in the forms an attacker writes them: refused unless WEBHOOK_ALLOW_PRIVATE=true. */
const PRIVATE = [
  ['http://10.0.0.5/hooks', '10.0.0.5 is a private address'],
  ['http://172.16.3.4/', '172.16.3.4 is a private address'],
  ['http://192.168.1.10/', '192.168.1.10 is a private address'],
  ['http://100.64.0.1/', '100.64.0.1 is a private address'],
  ['http://[fc00::1]/', 'fc00::1 is a private address'],
  ['http://127.0.0.1:9/', '127.0.0.1 is a loopback address'],
  ['http://[::1]/', '::1 is a loopback address'],
  ['http://0.0.0.0/', '0.0.0.0 is a loopback address'],
  ['http://0x7f000001/', '127.0.0.1 is a loopback address'],
  ['http://2130706433/', '127.0.0.1 is a loopback address'],
  ['http://127.1/', '127.0.0.1 is a loopback address'],
  ['http://0177.0.0.1/', '127.0.0.1 is a loopback address'],
  ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is a loopback address'],
  ['http://[::127.0.0.1]/', '::7f00:1 is a loopback address'],
  ['http://user:pass@127.0.0.1/', '127.0.0.1 is a loopback address'],
  ['https://localhost:8443/', 'localhost is a loopback address'],
  ['http://api.localhost./', 'api.localhost. is a loopback address'],
] as const

async function build(t: Test, config: Partial<Config>, resolveHost?: Resolver): Promise<FastifyInstance> {
  const app = await buildApp({ ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent', ...config }, { timeSource: new ManualTime('2026-01-15T12:00:00.000Z'), sweepIntervalMs: 0, resolveHost })
  t.teardown(() => app.close())
  return app
}

const addWebhook = (app: FastifyInstance, url: string) => app.inject({ method: 'POST', url: '/_mock/webhooks', payload: { url, secret: 'whsec_ssrf', mode: 'once' } })
const putCallback = (app: FastifyInstance, url: string) =>
  app.inject({ method: 'PUT', url: `/_mock/entities/${DEFAULT_ENTITY}/payment-authorization`, payload: { url, secret: 'authz-secret' } })

t.test('an exposed server refuses every private, loopback and metadata target with 400 naming the reason', async (t) => {
  const app = await build(t, { host: '0.0.0.0' })
  for (const [url, reason] of [...METADATA, ...PRIVATE]) {
    for (const send of [addWebhook, putCallback]) {
      const res = await send(app, url)
      expectError(t, res, 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', new RegExp(`^Field 'url' is refused: ${reason.replace(/[.[\]]/g, '\\$&')}`), '_mock')
    }
  }
  const res = await addWebhook(app, 'http://2130706433/')
  await expectMatchesSpec(t, app, res)
  t.match(res.json(), { message: "Field 'url' is refused: 127.0.0.1 is a loopback address; a server listening beyond loopback sends there only with WEBHOOK_ALLOW_PRIVATE=true" })
  // An IPv6 zone is no URL at all (the WHATWG parser refuses it).
  expectError(t, await addWebhook(app, 'http://[fe80::1%25eth0]/'), 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', "Field 'url' must be an absolute http or https URL", '_mock')
  t.equal((await app.inject({ url: '/_mock/webhooks' })).json<{ webhooks: unknown[] }>().webhooks.length, 0, 'nothing was added')
  t.equal((await app.inject({ url: '/_mock/payment-authorizations' })).json<{ payment_authorizations: unknown[] }>().payment_authorizations.length, 0)
  t.equal((await addWebhook(app, 'https://hooks.example.com/passport')).statusCode, 201, 'a public name is fine')
  t.equal((await addWebhook(app, 'http://93.184.215.14/')).statusCode, 201, 'a public address is fine')
})

t.test('WEBHOOK_ALLOW_PRIVATE=true lets private and loopback targets through, never metadata', async (t) => {
  const app = await build(t, { host: '0.0.0.0', webhookAllowPrivate: true })
  for (const [url] of PRIVATE) t.equal((await addWebhook(app, url)).statusCode, 201, url)
  for (const [url, reason] of METADATA) {
    expectError(t, await putCallback(app, url), 400, 'invalid_parameter_value', 'INVALID_ARGUMENT', new RegExp(reason.replace(/[.[\]]/g, '\\$&')), '_mock')
  }
})

t.test('a server on loopback only takes any target', async (t) => {
  for (const host of ['127.0.0.1', '::1', 'localhost']) {
    const app = await build(t, { host })
    for (const [url] of [...METADATA, ...PRIVATE]) t.equal((await addWebhook(app, url)).statusCode, 201, `${host}: ${url}`)
  }
})

t.test('WEBHOOK_URL and PAYMENT_AUTHORIZATION_URL are checked at start: one clear line', async (t) => {
  t.throws(() => loadConfig({ HOST: '0.0.0.0', WEBHOOK_URL: 'http://169.254.169.254/' }), new ConfigError('WEBHOOK_URL is refused with HOST=0.0.0.0: 169.254.169.254 is a link-local or cloud-metadata address, never a target of a server listening beyond loopback'))
  t.throws(
    () => loadConfig({ HOST: '0.0.0.0', PAYMENT_AUTHORIZATION_URL: 'http://2130706433:9/', PAYMENT_AUTHORIZATION_SECRET: 's' }),
    new ConfigError('PAYMENT_AUTHORIZATION_URL is refused with HOST=0.0.0.0: 127.0.0.1 is a loopback address; a server listening beyond loopback sends there only with WEBHOOK_ALLOW_PRIVATE=true'),
  )
  t.equal(loadConfig({ HOST: '0.0.0.0', WEBHOOK_URL: 'http://10.1.2.3/', WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookUrl, 'http://10.1.2.3/')
  t.equal(loadConfig({ WEBHOOK_URL: 'http://169.254.169.254/' }).webhookUrl, 'http://169.254.169.254/', 'the default HOST is loopback')

  // The real start command: one line on stderr, exit 2, nothing listening.
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'server.js')], {
    env: { PATH: process.env.PATH ?? '', HOST: '0.0.0.0', PORT: '0', DATABASE_PATH: ':memory:', WEBHOOK_URL: 'http://[::ffff:10.0.0.1]/hooks' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.equal(code, 2)
  t.equal(stderr, 'passport-mock: WEBHOOK_URL is refused with HOST=0.0.0.0: ::ffff:a00:1 is a private address; a server listening beyond loopback sends there only with WEBHOOK_ALLOW_PRIVATE=true\n')
})

t.test('a name that resolves to a loopback address at send time is refused (DNS rebinding), and nothing is sent', async (t) => {
  const receiver = await startReceiver(t)
  const port = new URL(receiver.url).port
  const resolved: string[] = []
  // Public when configured, loopback when the send resolves it.
  const resolver: Resolver = async (hostname) => {
    resolved.push(hostname)
    return [{ address: '127.0.0.1', family: 4 }]
  }
  const app = await build(t, { host: '0.0.0.0' }, resolver)
  t.equal((await addWebhook(app, `http://hooks.rebind.test:${port}/hooks`)).statusCode, 201, 'the name passes at configuration time')
  const closed = new URL(await closedPortUrl()).port
  t.equal((await addWebhook(app, `http://closed.rebind.test:${closed}/hooks`)).statusCode, 201)
  t.equal((await makePayment(app)).statusCode, 200)
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 0, 'nothing reached the loopback receiver')
  t.ok(resolved.includes('hooks.rebind.test'), 'the name was resolved at send time')
  const log = await app.inject({ url: '/_mock/webhooks/deliveries' })
  await expectMatchesSpec(t, app, log)
  const errors = log
    .json<{ deliveries: { url: string; status: number | null; error: string }[] }>()
    .deliveries.map((d) => [new URL(d.url).hostname, d.status, d.error])
    .sort()
  const refusal = (name: string) => `Refused by the target policy: ${name} resolves to a loopback address; a server listening beyond loopback sends there only with WEBHOOK_ALLOW_PRIVATE=true`
  t.same(errors, [
    ['closed.rebind.test', null, refusal('closed.rebind.test')],
    ['hooks.rebind.test', null, refusal('hooks.rebind.test')],
  ], 'an open port and a closed one read the same')
})

t.test('a literal private address that reached the table another way (a state import) is refused at send time', async (t) => {
  const receiver = await startReceiver(t)
  const app = await build(t, { host: '0.0.0.0' })
  t.equal((await addWebhook(app, 'https://hooks.example.com/passport')).statusCode, 201)
  const state = (await app.inject({ url: '/_mock/state' })).json<{ webhooks: { url: string }[] }>()
  // The document names the loopback receiver instead.
  state.webhooks[0]!.url = receiver.url
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: state })).statusCode, 204)
  t.equal((await makePayment(app)).statusCode, 200)
  await sweepAndSettle(app)
  t.equal(receiver.received.length, 0)
  t.match((await app.inject({ url: '/_mock/webhooks/deliveries' })).json(), { deliveries: [{ status: null, error: /^Refused by the target policy: 127\.0\.0\.1 is a loopback address/ }] })
})

t.test('the same name is delivered when the server is on loopback only, or private targets are allowed: to the address the policy saw', async (t) => {
  for (const config of [{ host: '127.0.0.1' }, { host: '0.0.0.0', webhookAllowPrivate: true }]) {
    const receiver = await startReceiver(t)
    const port = new URL(receiver.url).port
    const app = await build(t, config, async () => [{ address: '127.0.0.1', family: 4 }])
    t.equal((await addWebhook(app, `http://hooks.rebind.test:${port}/hooks`)).statusCode, 201)
    t.equal((await makePayment(app)).statusCode, 200)
    await sweepAndSettle(app)
    t.equal(receiver.received.length, 1, `${JSON.stringify(config)}: delivered through the injected resolver`)
    t.match((await app.inject({ url: '/_mock/webhooks/deliveries' })).json(), { deliveries: [{ status: 200, error: null }] })
  }
})

t.test('a payment-authorization callback whose name resolves to a private address is refused at send time: the payment is rejected as for any failed callback', async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 200, body: '{"accept": true}' }))
  const port = new URL(receiver.url).port
  const app = await build(t, { host: '0.0.0.0' }, async () => [{ address: '10.0.0.7', family: 4 }])
  t.equal((await putCallback(app, `http://authz.rebind.test:${port}/authorize`)).statusCode, 200)
  const inbound = await simulateInbound(app, ZERO_ACCOUNT, '5.00')
  await app.services.sweeper.runDue()
  await app.services.authorizationDelivery.idle()
  t.equal(receiver.received.length, 0)
  t.match(app.services.stores.payments.findById(inbound.id), { status: 'REJECTED', errorCode: 'MS03' })
  const attempts = await app.inject({ url: '/_mock/webhooks/authorizations' })
  t.match(attempts.json(), { attempts: [{ status: null, error: /^Refused by the target policy: authz\.rebind\.test resolves to a private address/ }] })
})
