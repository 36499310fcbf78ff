import { buildApp } from './app.js'
import type { FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import { StartupError } from './core/startup-error.js'
import { FixturesError } from './fixtures/load-fixtures.js'
import { bannerFields, bannerText } from './banner.js'
import { writeCodeCacheOnce } from './code-cache.js'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { loadTlsMaterial, type TlsMaterial } from './tls.js'
import pino from 'pino'
import { TurnLogStream } from './core/turn-log-stream.js'

/** Loopback names and addresses: nothing outside this machine reaches a server bound to them. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(h) || /^::ffff:127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(h)
}

/**
 * Issue 11 item 6: a server on another interface with no MOCK_ADMIN_TOKEN lets anyone who
 * reaches the port read every secret and rewrite the state. One warning line at start says so.
 */
export function exposureWarning(config: Pick<Config, 'host' | 'mockAdminToken'>): string | undefined {
  if (isLoopback(config.host) || config.mockAdminToken !== undefined) return undefined
  return `HOST=${config.host} is not a loopback address and MOCK_ADMIN_TOKEN is unset: anyone who reaches this port can export the state with every client secret (GET /_mock/state), reset or replace it, seed objects, add fault rules and send webhooks anywhere; set MOCK_ADMIN_TOKEN`
}

/**
 * Builds the app, applies SCENARIO if set, listens (HTTP, and HTTPS with TLS_PORT), prints the
 * banner, and closes it all cleanly on SIGINT/SIGTERM: what `npm start` (src/server.ts) and
 * `passport-mock serve` (src/cli.ts) share. A database, fixtures or scenario problem, or a port
 * that cannot be had, ends the process with code 1 and one line on stderr.
 */
export async function runServer(config: Config): Promise<void> {
  let app
  const pretty = process.stdout.isTTY === true
  try {
    app = await buildApp(config, pretty ? { prettyLog: true } : { logStream: stdoutLineStream() })
  } catch (error) {
    // Every start-up failure is one line that says what to do, never a stack (issue 11 item 11).
    const known = error instanceof StartupError || error instanceof FixturesError || (error as { code?: string }).code?.startsWith('SQLITE_')
    process.stderr.write(`passport-mock: ${known ? (error as Error).message : `cannot start: ${(error as Error).message ?? String(error)}`}\n`)
    process.exit(1)
  }

  if (config.scenarioPath !== undefined) {
    // Before the port opens: no client ever sees the situation before the scenario.
    try {
      const path = config.scenarioPath
      const [{ applyScenarioFile }, { ScenarioService }] = await Promise.all([import('./control/scenario/scenario-file.js'), import('./control/scenario/scenario.service.js')])
      const scenarios = new ScenarioService(app.services)
      await applyScenarioFile(path, (document) => scenarios.apply(document))
      app.log.info({ scenario: path }, 'scenario applied')
    } catch (error) {
      process.stderr.write(`passport-mock: ${(error as Error).message}\n`)
      await app.close()
      process.exit(1)
    }
  }

  let https: { server: HttpsServer; material: TlsMaterial } | undefined
  const close = (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    https?.server.close()
    https?.server.closeAllConnections()
    https?.material.cleanup?.()
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', () => close('SIGINT'))
  process.once('SIGTERM', () => close('SIGTERM'))

  const warning = exposureWarning(config)
  if (warning) app.log.warn({ host: config.host }, warning)

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    process.stderr.write(`passport-mock: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`)
    await app.close()
    process.exit(1)
  }
  if (config.tlsPort !== undefined) {
    try {
      https = await listenHttps(app, config, config.tlsPort)
    } catch (error) {
      process.stderr.write(`passport-mock: cannot serve HTTPS on ${config.host}:${config.tlsPort}: ${(error as Error).message}\n`)
      await app.close()
      process.exit(1)
    }
  }
  announce(app, config, pretty, https && { port: (https.server.address() as AddressInfo).port, caCertPath: https.material.caCertPath })
  // V8's code cache of the bundle, when it had none (src/code-cache.ts): written after the first
  // answer has gone out, so that it also holds what answering compiled.
  app.server.once('request', (_request, response) => response.once('finish', () => setImmediate(writeCodeCacheOnce)))
}

/**
 * JSON log lines to stdout through pino's own writer (asynchronous sonic-boom on fd 1, what pino
 * uses when given no stream), each turn's lines handed to it at once (src/core/turn-log-stream.ts).
 * Whatever a turn still holds when the process exits is written synchronously first.
 */
function stdoutLineStream(): TurnLogStream {
  const stream = new TurnLogStream(pino.destination({ dest: 1, sync: false }))
  process.once('exit', () => {
    try {
      stream.flushSync()
    } catch {
      // stdout is gone (a closed pipe): nothing can be written anywhere.
    }
  })
  return stream
}

/**
 * HTTPS beside HTTP (issue 13 §4): a second server whose requests go through the same Fastify
 * instance (`app.routing`), so both answer from one database, one journal, one clock.
 */
async function listenHttps(app: FastifyInstance, config: Config, port: number): Promise<{ server: HttpsServer; material: TlsMaterial }> {
  const material = await loadTlsMaterial(config)
  const server = createHttpsServer({ key: material.key, cert: material.cert }, (request, response) => app.routing(request, response))
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, config.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    material.cleanup?.()
    throw error
  }
  const address = server.address() as AddressInfo
  app.log.info({ ca_cert: material.caCertPath }, `Server listening at https://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`)
  return { server, material }
}

/**
 * The banner (issue 13 §1), after Fastify's own "Server listening at" line (tests and the
 * production-install check wait for that one): text on a terminal, one structured log line
 * (`msg: "passport-mock ready"`) otherwise, which LOG_LEVEL silences like any other.
 */
function announce(app: FastifyInstance, config: Config, pretty: boolean, tls: { port: number; caCertPath: string } | undefined): void {
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  const fields = bannerFields(config, port, tls)
  if (pretty) process.stdout.write(bannerText(fields))
  else app.log.info(fields, 'passport-mock ready')
}
