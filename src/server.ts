import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { FixturesError } from './fixtures/load-fixtures.js'

/**
 * The only file that reads `process.env`, listens or exits (STYLE rule 1):
 * environment → config → app → listen; SIGINT/SIGTERM close it cleanly.
 */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`passport-mock: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }

  let app
  try {
    app = await buildApp(config, { prettyLog: process.stdout.isTTY === true })
  } catch (error) {
    if (error instanceof FixturesError || (error as { code?: string }).code?.startsWith('SQLITE_')) {
      process.stderr.write(`passport-mock: ${(error as Error).message}\n`)
      process.exit(1)
    }
    throw error
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

void main()
