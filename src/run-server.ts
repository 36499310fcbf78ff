import { buildApp } from './app.js'
import type { Config } from './config.js'
import { StartupError } from './core/startup-error.js'
import { FixturesError } from './fixtures/load-fixtures.js'

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

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    process.stderr.write(`passport-mock: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`)
    await app.close()
    process.exit(1)
  }
}
