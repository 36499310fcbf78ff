import { ConfigError, loadConfig } from './config.js'
import { runServer } from './run-server.js'

/**
 * The only file that reads `process.env` for `npm start` (STYLE rule 1; the CLI, src/cli.ts,
 * is the other entry point): environment → config → runServer (build, listen, signals).
 */
export function main(): void {
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
  void runServer(config)
}

