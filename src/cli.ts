#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { type Config, ConfigError, DATABASE_DEFAULT_TEXT, loadConfig, MIGRATIONS_DIR, PACKAGE_ROOT, SETTINGS, type Setting } from './config.js'

/**
 * `passport-mock` (CONTRACT §5 "CLI"): `serve`, `seed FILE --db PATH`, `openapi`, and `--help`
 * for each. Like src/server.ts, an entry point: it reads `process.env` and exits. Exit codes: 0
 * done, 1 a runtime failure (unreadable or invalid file, database), 2 a usage error (bad flag,
 * missing argument, bad value), each with one line on stderr. The app's modules are imported
 * by the command that needs them, so `--help` and usage errors answer at once.
 */

const BIN = 'passport-mock'
/** A seed document with at least this many objects shows a progress bar. */
const PROGRESS_THRESHOLD = 1000

class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message)
  }
}

class RuntimeError extends Error {}

/** `DATABASE_PATH` → `--database-path`. */
function flagOf(setting: Setting): string {
  return setting.env.toLowerCase().replace(/_/g, '-')
}

function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n')
}

const HELP: Record<string, () => string> = {
  main: () => `Usage: ${BIN} <command> [flags]

An offline stand-in for the Passport (Colombia, Bre-B) API.

Commands:
${table([
  ['serve', 'Start the server (flags mirror the environment variables)'],
  ['seed FILE --db PATH', 'Apply a seed document to a database file, without a server'],
  ['openapi', 'Print the OpenAPI document as JSON'],
  ['help [command]', 'Show help for a command'],
])}

Flags:
${table([
  ['-h, --help', 'Show help'],
  ['-v, --version', 'Print the version'],
])}

Run '${BIN} <command> --help' for a command's flags.
`,
  serve: () => `Usage: ${BIN} serve [flags]

Starts the mock server. Every flag mirrors an environment variable; a flag wins over the variable.

Flags:
${table([
  ...SETTINGS.map((s): [string, string] => [`--${flagOf(s)} <value>`, `${s.description} [env ${s.env}; default: ${s.defaultText}]`]),
  ['-h, --help', 'Show this help'],
])}
`,
  seed: () => `Usage: ${BIN} seed FILE [--db PATH] [flags]

Applies the seed document FILE (the body of POST /_mock/seed) to a database file, with no
server: the database is created and migrated, and the fixtures loaded, when it is empty. The
whole document is one transaction: on an error nothing is stored. A progress bar shows on
stderr for documents of ${PROGRESS_THRESHOLD} objects or more.

Flags:
${table([
  ['--db <path>', `Database file [env DATABASE_PATH; default: ${DATABASE_DEFAULT_TEXT}]`],
  ['--seed <n>', 'Seed of the faker stream [env SEED; default: 1]'],
  ['--fixtures-path <path>', 'Fixtures loaded into an empty database [env FIXTURES_PATH; default: fixtures/default.json beside the package]'],
  ['--json', 'Print every created object (the POST /_mock/seed answer) as JSON on stdout'],
  ['-q, --quiet', 'No progress bar and no summary'],
  ['-h, --help', 'Show this help'],
])}
`,
  openapi: () => `Usage: ${BIN} openapi

Prints the OpenAPI 3.1 document (the one served at /documentation/json) as JSON on stdout.
No server is started.

Flags:
${table([['-h, --help', 'Show this help']])}
`,
}

/** parseArgs with the CLI's own one-line messages for unknown flags and missing values. */
function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T, positionals: number) {
  let parsed
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    const e = error as { code?: string; message: string }
    const flag = /'(-[^'\s]*)/.exec(e.message)?.[1]
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag ${flag ?? ''}`.trim(), command)
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`flag ${flag ?? ''} needs a value`.replace('  ', ' '), command)
    throw new UsageError(e.message.split('\n')[0] ?? 'bad arguments', command)
  }
  if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`, command)
  return parsed
}

/** The configuration: environment, then flags on top; a bad value names the flag it came from. */
function configFrom(command: string, flags: Record<string, string | undefined>): Config {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const setting of SETTINGS) {
    const value = flags[setting.env]
    if (value === undefined) continue
    try {
      setting.read(value)
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.message.replace(setting.env, `--${flagOf(setting)}`), command)
      throw error
    }
    env[setting.env] = value
  }
  try {
    return loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, command)
    throw error
  }
}

async function serve(args: string[]): Promise<number> {
  const options = Object.fromEntries(SETTINGS.map((s) => [flagOf(s), { type: 'string' as const }]))
  const { values } = parse('serve', args, { ...options, help: { type: 'boolean', short: 'h' } }, 0)
  if (values.help) return help('serve')
  const given = values as Record<string, string | boolean | undefined>
  const flags = Object.fromEntries(SETTINGS.map((s) => [s.env, given[flagOf(s)] as string | undefined]))
  const config = configFrom('serve', flags)
  const { runServer } = await import('./run-server.js')
  await runServer(config)
  // The server keeps the process alive; SIGINT/SIGTERM end it (runServer).
  return -1
}

async function seed(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    'seed',
    args,
    {
      db: { type: 'string' },
      seed: { type: 'string' },
      'fixtures-path': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
    1,
  )
  if (values.help) return help('seed')
  const file = positionals[0]
  if (file === undefined) throw new UsageError('missing FILE, the seed document', 'seed')
  const config = configFrom('seed', { DATABASE_PATH: values.db, SEED: values.seed, FIXTURES_PATH: values['fixtures-path'] })

  let document: unknown
  try {
    document = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    throw new RuntimeError(e.code === 'ENOENT' ? `cannot read ${file}: no such file` : e instanceof SyntaxError ? `${file} is not valid JSON: ${e.message}` : `cannot read ${file}: ${e.message}`)
  }

  const [{ openDatabase }, { createServices }, { MockClock }, { PassportError }, { loadFixturesIfEmpty }, { serializeSeedResult }, { seedProgress }] = await Promise.all([
    import('./database/open-database.js'),
    import('./services.js'),
    import('./core/clock.js'),
    import('./core/errors.js'),
    import('./fixtures/load-fixtures.js'),
    import('./control/state/state.serializer.js'),
    import('./seed-progress.js'),
  ])
  const db = openDatabase(config.databasePath, MIGRATIONS_DIR)
  let progress: ReturnType<typeof seedProgress> | undefined
  try {
    const services = createServices({ db, clock: new MockClock(), config })
    await loadFixturesIfEmpty({ db, ...services.stores }, config.fixturesPath, config.seed)
    const startedMs = performance.now()
    const result = await services.seeds.apply(document, {
      onProgress: (done, total) => {
        if (values.quiet || total < PROGRESS_THRESHOLD) return
        progress ??= seedProgress(process.stderr, total)
        progress.update(done)
      },
    })
    progress?.stop()
    const seconds = ((performance.now() - startedMs) / 1000).toFixed(2)
    if (values.json) {
      process.stdout.write(`${JSON.stringify(serializeSeedResult(result), null, 2)}\n`)
    } else if (!values.quiet) {
      const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
      const counts = [
        ...(result.entity ? ['1 entity'] : []),
        count(result.customers.length, 'customer'),
        count(result.accounts.length, 'account'),
        count(result.keys.length, 'key'),
        count(result.faults.length, 'fault rule'),
      ]
      const lines = [`Seeded ${config.databasePath} in ${seconds} s: ${counts.join(', ')}`]
      if (result.entity && result.client) {
        lines.push(`entity_id: ${result.entity.id}`, `client_id: ${result.client.clientId}`, `client_secret: ${result.client.clientSecret}`)
      }
      process.stdout.write(`${lines.join('\n')}\n`)
    }
    return 0
  } catch (error) {
    progress?.stop()
    // The document's own error (400 naming the field, 409 a taken value): nothing was stored.
    if (error instanceof PassportError) throw new RuntimeError(`${file}: ${error.message}`)
    throw error
  } finally {
    db.close()
  }
}

async function openapi(args: string[]): Promise<number> {
  const { values } = parse('openapi', args, { help: { type: 'boolean', short: 'h' } }, 0)
  if (values.help) return help('openapi')
  const { buildApp } = await import('./app.js')
  const app = await buildApp({ ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent' }, { sweepIntervalMs: 0 })
  try {
    await app.ready()
    process.stdout.write(`${JSON.stringify(app.swagger(), null, 2)}\n`)
  } finally {
    await app.close()
  }
  return 0
}

function help(command = 'main'): number {
  const text = HELP[command]
  if (!text) throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  process.stdout.write(text())
  return 0
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { serve, seed, openapi }

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined) {
    process.stderr.write(HELP.main?.() ?? '')
    return 2
  }
  if (command === '-h' || command === '--help') return help()
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${version()}\n`)
    return 0
  }
  if (command === 'help') return help(rest[0])
  const run = COMMANDS[command]
  if (!run) throw new UsageError(command.startsWith('-') ? `unknown flag ${command}` : `unknown command ${JSON.stringify(command)}`)
  return run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: a server is running and decides when the process ends.
    if (code >= 0) process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      const see = error.command ? `${BIN} ${error.command} --help` : `${BIN} --help`
      process.stderr.write(`${BIN}${error.command ? ` ${error.command}` : ''}: ${error.message} (see '${see}')\n`)
      process.exitCode = 2
      return
    }
    // FixturesError (a bad fixtures file) and SQLite errors (a file that is no database) are runtime failures too.
    const name = (error as Error).name
    if (error instanceof RuntimeError || name === 'FixturesError' || (error as { code?: string }).code?.startsWith('SQLITE_')) {
      process.stderr.write(`${BIN}: ${(error as Error).message}\n`)
      process.exitCode = 1
      return
    }
    process.stderr.write(`${BIN}: ${(error as Error).stack ?? String(error)}\n`)
    process.exitCode = 1
  },
)
