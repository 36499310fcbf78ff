import { buildApp } from './app.js'
import type { Config } from './config.js'
import { StartupError } from './core/startup-error.js'
import { FixturesError } from './fixtures/load-fixtures.js'

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
 * Builds the app, listens, and closes it cleanly on SIGINT/SIGTERM: what `npm start`
 * (src/server.ts) and `passport-mock serve` (src/cli.ts) share. A database or fixtures problem,
 * or a port that cannot be had, ends the process with code 1 and one line on stderr.
 */
export async function runServer(config: Config): Promise<void> {
  let app
  try {
    app = await buildApp(config, { prettyLog: process.stdout.isTTY === true })
  } catch (error) {
    // Every start-up failure is one line that says what to do, never a stack (issue 11 item 11).
    const known = error instanceof StartupError || error instanceof FixturesError || (error as { code?: string }).code?.startsWith('SQLITE_')
    process.stderr.write(`passport-mock: ${known ? (error as Error).message : `cannot start: ${(error as Error).message ?? String(error)}`}\n`)
    process.exit(1)
  }

  const close = (signal: string) => {
    app.log.info({ signal }, 'shutting down')
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
}
