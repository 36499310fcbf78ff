#!/usr/bin/env node
import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { fileURLToPath } from 'node:url'
import { DOCUMENT_MAX_DEPTH, JsonShapeScanner } from './core/json-shape.js'
import { type Config, ConfigError, DATABASE_DEFAULT_TEXT, loadConfig, MIGRATIONS_DIR, PACKAGE_ROOT, SETTINGS, type Setting } from './config.js'

/**
 * `passport-mock` (CONTRACT §5 "CLI"): `serve`, `seed FILE --db PATH`, `openapi`, and `--help`
 * for each. Like src/server.ts, an entry point: it reads `process.env` and exits. Exit codes: 0
 * done, 1 a runtime failure (unreadable or invalid file, database), 2 a usage error (bad flag,
 * missing argument, bad value), each with one line on stderr. The app's modules are imported
 * by the command that needs them, so `--help` and usage errors answer at once.
 */

const BIN = 'passport-mock'
/** The page cache of `seed` and `import`, whose one transaction may write hundreds of MiB (src/database/open-database.ts). */
const BULK_CACHE_MIB = 256

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

/** A comparison that could not run (no recording, an unreachable mock): exit 2, as for usage errors. */
class CannotCompareError extends Error {}

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
  ['import FILE --db PATH', 'Replace a database file\'s state with a state document (GET /_mock/state), without a server'],
  ['openapi', 'Print the OpenAPI document as JSON'],
  ['parity --target URL …', 'Compare the mock with a real Passport sandbox, step by step'],
  ['record --upstream URL …', 'A proxy that records your client talking to the sandbox'],
  ['replay DIR --out DIR', 'Send a recording to the mock and compare every answer'],
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
  import: () => `Usage: ${BIN} import FILE [--db PATH] [flags]

Replaces the whole state of a database file with the state document FILE (what GET /_mock/state
answers, what PUT /_mock/state takes), with no server and no body limit: the file is read in
chunks and refused at once if it nests deeper than ${DOCUMENT_MAX_DEPTH}. Validated first; one
transaction: on an error nothing changes.

Flags:
${table([
  ['--db <path>', `Database file [env DATABASE_PATH; default: ${DATABASE_DEFAULT_TEXT}]`],
  ['-q, --quiet', 'No summary'],
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

/**
 * The server for `serve`: from the bundle beside this file when there is one (an installed or
 * built package: one file read through V8's code cache, src/code-cache.ts, instead of ~1,400
 * modules; issue 15), else from the modules themselves (src/ run through tsx).
 */
async function serverModule(): Promise<Pick<typeof import('./bundle.js'), 'runServer'>> {
  const bundle = fileURLToPath(new URL('./server.cjs', import.meta.url))
  if (!existsSync(bundle)) return import('./run-server.js')
  const { runBundle } = await import('./code-cache.js')
  return runBundle(bundle) as typeof import('./bundle.js')
}

async function serve(args: string[]): Promise<number> {
  const options = Object.fromEntries(SETTINGS.map((s) => [flagOf(s), { type: 'string' as const }]))
  const { values } = parse('serve', args, { ...options, help: { type: 'boolean', short: 'h' } }, 0)
  if (values.help) return help('serve')
  const given = values as Record<string, string | boolean | undefined>
  const flags = Object.fromEntries(SETTINGS.map((s) => [s.env, given[flagOf(s)] as string | undefined]))
  const config = configFrom('serve', flags)
  const { runServer } = await serverModule()
  await runServer(config)
  // The server keeps the process alive; SIGINT/SIGTERM end it (runServer).
  return -1
}

/**
 * Reads a seed or state document from a file in chunks, each scanned for nesting depth as it
 * comes (issue 11 item 1): a file of nested brackets is refused at its first chunk, not parsed.
 * There is no size limit here (MOCK_BODY_LIMIT is for HTTP bodies); the document is then parsed
 * whole, because it is applied in one transaction. V8 caps one string at 512 MiB.
 */
async function readDocument(file: string): Promise<unknown> {
  const scanner = new JsonShapeScanner({ maxDepth: DOCUMENT_MAX_DEPTH, maxValues: Number.MAX_SAFE_INTEGER })
  const chunks: Buffer[] = []
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      const bytes = chunk as Buffer
      if (scanner.feed(bytes)) throw new RuntimeError(`${file} nests arrays and objects more than ${DOCUMENT_MAX_DEPTH} deep: no seed or state document does`)
      chunks.push(bytes)
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (error) {
    if (error instanceof RuntimeError) throw error
    const e = error as NodeJS.ErrnoException
    throw new RuntimeError(e.code === 'ENOENT' ? `cannot read ${file}: no such file` : e instanceof SyntaxError ? `${file} is not valid JSON: ${e.message}` : `cannot read ${file}: ${e.message}`)
  }
}

/** Opens the database under a lock just taken; a failure to open lets the lock go. */
function openWithLock<T>(open: () => T, lock: { release(): void }): T {
  try {
    return open()
  } catch (error) {
    lock.release()
    throw error
  }
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

  const document = await readDocument(file)

  const [{ openDatabase }, { withRollbackJournal }, { lockDatabaseFile }, { createServices }, { MockClock }, { PassportError }, { loadFixturesIfEmpty }, { serializeSeedResult }, { seedProgress }] = await Promise.all([
    import('./database/open-database.js'),
    import('./database/bulk-journal.js'),
    import('./database/file-lock.js'),
    import('./services.js'),
    import('./core/clock.js'),
    import('./core/errors.js'),
    import('./fixtures/load-fixtures.js'),
    import('./control/state/state.serializer.js'),
    import('./seed-progress.js'),
  ])
  // The same lock as a server's (issue 11 item 3): never write a file a running server holds.
  const lock = lockDatabaseFile(config.databasePath)
  const db = openWithLock(() => openDatabase(config.databasePath, MIGRATIONS_DIR, { bulkCacheMiB: BULK_CACHE_MIB }), lock)
  let progress: ReturnType<typeof seedProgress> | undefined
  try {
    const services = createServices({ db, clock: new MockClock(), config })
    await loadFixturesIfEmpty({ db, ...services.stores }, config.fixturesPath, config.seed)
    const startedMs = performance.now()
    // Written once through a rollback journal, not twice through the WAL (database/bulk-journal.ts).
    const result = await withRollbackJournal(db, () =>
      services.seeds.apply(document, {
        onProgress: (done, total) => {
          if (values.quiet || total < PROGRESS_THRESHOLD) return
          progress ??= seedProgress(process.stderr, total)
          progress.update(done)
        },
      }),
    )
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
    lock.release()
  }
}

async function importState(args: string[]): Promise<number> {
  const { values, positionals } = parse('import', args, { db: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } }, 1)
  if (values.help) return help('import')
  const file = positionals[0]
  if (file === undefined) throw new UsageError('missing FILE, the state document', 'import')
  const config = configFrom('import', { DATABASE_PATH: values.db })
  const document = await readDocument(file)
  const [{ openDatabase }, { lockDatabaseFile }, { createServices }, { MockClock }, { PassportError }] = await Promise.all([
    import('./database/open-database.js'),
    import('./database/file-lock.js'),
    import('./services.js'),
    import('./core/clock.js'),
    import('./core/errors.js'),
  ])
  const lock = lockDatabaseFile(config.databasePath)
  const db = openWithLock(() => openDatabase(config.databasePath, MIGRATIONS_DIR, { bulkCacheMiB: BULK_CACHE_MIB }), lock)
  try {
    const services = createServices({ db, clock: new MockClock(), config })
    const startedMs = performance.now()
    services.state.import(document)
    const accounts = (document as { accounts?: unknown[] }).accounts?.length ?? 0
    if (!values.quiet) process.stdout.write(`Imported ${file} into ${config.databasePath} in ${((performance.now() - startedMs) / 1000).toFixed(2)} s: ${accounts} account${accounts === 1 ? '' : 's'}\n`)
    return 0
  } catch (error) {
    if (error instanceof PassportError) throw new RuntimeError(`${file}: ${error.message}`)
    throw error
  } finally {
    db.close()
    lock.release()
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

const PARITY_DEFAULT_RATE = 2

HELP.parity = () => `Usage: ${BIN} parity --target URL --client-id ID --client-secret SECRET --out DIR [flags]

Runs one built-in scenario (tokens, merchants, accounts, keys, resolve and validate, recipients,
QR codes, and the errors a client meets) against the target, e.g. your Passport sandbox, and
against the mock, the same requests in the same order, and compares every answer: status, error
code and type, and the body's shape (fields, types, formats; values masked except enums, codes
and statuses). It creates only objects named parity-<run> and deletes what can be deleted.

Writes DIR/report.md, DIR/report.json and DIR/snapshots/ (the target's answers). No secret,
token or personal value is written: they are redacted first.
Exit codes: 0 no difference, 1 differences, 2 a usage or connection error (or the target said stop).

Flags:
${table([
  ['--target <url>', 'Base URL of the API to check, e.g. https://api.paas.sandbox.co.passportfintech.com'],
  ['--client-id <id>', 'Client of the target [env PASSPORT_CLIENT_ID]'],
  ['--client-secret <secret>', 'Its secret [env PASSPORT_CLIENT_SECRET; the environment keeps it out of shell history]'],
  ['--out <dir>', 'Where the report goes'],
  ['--mock <url>', 'A running mock to compare with [default: one started in this process on a temporary database]'],
  ['--mock-client-id <id>', 'Client of that mock [default: passport-mock-client]'],
  ['--mock-client-secret <secret>', 'Its secret [default: passport-mock-secret]'],
  ['--rate <req/s>', `Requests per second to the target [default: ${PARITY_DEFAULT_RATE}]`],
  ['--timeout-ms <ms>', 'Timeout of each request [default: 15000]'],
  ['--include payments', 'Also create a payment (moves sandbox money; off by default)'],
  ['-h, --help', 'Show this help'],
])}
`

function positiveNumber(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`flag --${flag} must be a positive number, got ${JSON.stringify(value)}`, command)
  return n
}

function baseUrl(command: string, flag: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`flag --${flag} must be an http(s) URL, got ${JSON.stringify(value)}`, command)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`flag --${flag} must be an http(s) URL`, command)
  if (url.username || url.password) throw new UsageError(`flag --${flag} must not carry credentials: use --client-id and --client-secret`, command)
  return url.origin
}

/**
 * The mock a comparison runs against (`parity`, `replay`): one started in this process on an
 * in-memory database, or a running one (`--mock URL`, its client and admin token from the flags).
 */
async function comparedMock(command: string, values: { mock?: string | undefined; 'mock-client-id'?: string | undefined; 'mock-client-secret'?: string | undefined; 'mock-admin-token'?: string | undefined }) {
  if (values.mock === undefined) {
    const { startPassportMock } = await import('./testing.js')
    const started = await startPassportMock()
    return { side: { baseUrl: started.url, clientId: started.clientId, clientSecret: started.clientSecret }, label: 'embedded', close: () => started.close() }
  }
  const side = {
    baseUrl: baseUrl(command, 'mock', values.mock),
    clientId: values['mock-client-id'] ?? 'passport-mock-client',
    clientSecret: values['mock-client-secret'] ?? 'passport-mock-secret',
    adminToken: values['mock-admin-token'] ?? process.env.MOCK_ADMIN_TOKEN,
  }
  return { side, label: side.baseUrl, close: async () => undefined }
}

async function parity(args: string[]): Promise<number> {
  const { values } = parse(
    'parity',
    args,
    {
      target: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      out: { type: 'string' },
      mock: { type: 'string' },
      'mock-client-id': { type: 'string' },
      'mock-client-secret': { type: 'string' },
      rate: { type: 'string' },
      'timeout-ms': { type: 'string' },
      include: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    0,
  )
  if (values.help) return help('parity')
  const clientId = values['client-id'] ?? process.env.PASSPORT_CLIENT_ID
  const clientSecret = values['client-secret'] ?? process.env.PASSPORT_CLIENT_SECRET
  if (values.target === undefined) throw new UsageError('missing --target, the base URL to check', 'parity')
  if (clientId === undefined || clientSecret === undefined) throw new UsageError('missing --client-id or --client-secret (or PASSPORT_CLIENT_ID / PASSPORT_CLIENT_SECRET)', 'parity')
  if (values.out === undefined) throw new UsageError('missing --out, the folder for the report', 'parity')
  if (values.include !== undefined && values.include !== 'payments') throw new UsageError(`--include takes only "payments", got ${JSON.stringify(values.include)}`, 'parity')
  const target = baseUrl('parity', 'target', values.target)
  const rate = positiveNumber('parity', 'rate', values.rate, PARITY_DEFAULT_RATE)
  const timeoutMs = positiveNumber('parity', 'timeout-ms', values['timeout-ms'], 15_000)

  const [{ runParity }, { writeReport }, { Redactor }] = await Promise.all([import('./parity/run-parity.js'), import('./parity/report.js'), import('./parity/redact.js')])
  const compared = await comparedMock('parity', values)
  try {
    const mock = compared.side
    const redactor = new Redactor()
    const startedAt = new Date().toISOString()
    const tty = process.stderr.isTTY
    const result = await runParity({
      target: { baseUrl: target, clientId, clientSecret },
      mock,
      rate,
      timeoutMs,
      includePayments: values.include === 'payments',
      redactor,
      onStep: (line) => {
        if (tty) process.stderr.write(`${redactor.text(line)}\n`)
      },
    })
    const { differences } = writeReport(values.out, result, { target, mock: compared.label, startedAt }, redactor)
    const summary = `${result.steps.length} steps, ${differences} difference${differences === 1 ? '' : 's'}; report in ${join(values.out, 'report.md')}`
    if (result.stopped) {
      process.stderr.write(`${BIN} parity: ${redactor.text(result.stopped)} (${summary})\n`)
      return 2
    }
    process.stdout.write(`${summary}\n`)
    return differences === 0 ? 0 : 1
  } finally {
    await compared.close()
  }
}

HELP.record = () => `Usage: ${BIN} record --upstream URL --out DIR [--port 8089]

A recording reverse proxy: point your own Passport client at http://127.0.0.1:PORT instead of
the sandbox. Every exchange is forwarded unchanged both ways and written, redacted (no secret,
token or personal value), as one JSON line of DIR/recording.jsonl. Stop it with Ctrl-C, then
run '${BIN} replay DIR --out REPORT' to compare the mock with what the sandbox answered.

Flags:
${table([
  ['--upstream <url>', 'Base URL of the API to record, e.g. https://api.paas.sandbox.co.passportfintech.com'],
  ['--out <dir>', 'Where the recording goes (appended to)'],
  ['--port <port>', 'Port to listen on, on 127.0.0.1 [default: 8089; 0: any free port]'],
  ['-h, --help', 'Show this help'],
])}
`

HELP.replay = () => `Usage: ${BIN} replay DIR --out REPORT_DIR [--mock URL]

Sends the requests recorded in DIR (by '${BIN} record') to the mock, in order, mapping ids as the
mock creates its own, after seeding it with what the recording read but never created (an
account or customer that existed before); compares every answer as 'parity' does and writes the
same report. Exit codes: 0 no difference, 1 differences, 2 a usage or connection error.

Flags:
${table([
  ['--out <dir>', 'Where the report goes'],
  ['--mock <url>', 'A running mock [default: one started in this process on a temporary database]'],
  ['--mock-client-id <id>', 'Client of that mock [default: passport-mock-client]'],
  ['--mock-client-secret <secret>', 'Its secret [default: passport-mock-secret]'],
  ['--mock-admin-token <token>', 'Its MOCK_ADMIN_TOKEN, for the seed [env MOCK_ADMIN_TOKEN]'],
  ['--timeout-ms <ms>', 'Timeout of each request [default: 15000]'],
  ['-h, --help', 'Show this help'],
])}
`

async function record(args: string[]): Promise<number> {
  const { values } = parse('record', args, { upstream: { type: 'string' }, out: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 0)
  if (values.help) return help('record')
  if (values.upstream === undefined) throw new UsageError('missing --upstream, the base URL to record', 'record')
  if (values.out === undefined) throw new UsageError('missing --out, the folder for the recording', 'record')
  const upstream = baseUrl('record', 'upstream', values.upstream)
  const port = values.port === undefined ? 8089 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`flag --port must be a port number, got ${JSON.stringify(values.port)}`, 'record')
  const [{ startRecordProxy, RECORDING_FILE }, { Redactor }] = await Promise.all([import('./parity/record-proxy.js'), import('./parity/redact.js')])
  const out = values.out
  const proxy = await startRecordProxy({
    upstream,
    port,
    dir: out,
    redactor: new Redactor(),
    onExchange: (e) => {
      if (process.stderr.isTTY) process.stderr.write(`${String(e.n).padStart(4)} ${e.request.method} ${e.request.url} → ${e.response.status}\n`)
    },
  })
  process.stdout.write(`Recording ${upstream} through ${proxy.url} into ${join(out, RECORDING_FILE)} (Ctrl-C to stop)\n`)
  const stop = () => {
    void proxy.close().then(() => {
      process.stdout.write(`Recorded ${proxy.count()} exchanges\n`)
      process.exit(0)
    })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return -1
}

async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    'replay',
    args,
    {
      out: { type: 'string' },
      mock: { type: 'string' },
      'mock-client-id': { type: 'string' },
      'mock-client-secret': { type: 'string' },
      'mock-admin-token': { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    1,
  )
  if (values.help) return help('replay')
  const dir = positionals[0]
  if (dir === undefined) throw new UsageError('missing DIR, the folder of a recording', 'replay')
  if (values.out === undefined) throw new UsageError('missing --out, the folder for the report', 'replay')
  const timeoutMs = positiveNumber('replay', 'timeout-ms', values['timeout-ms'], 15_000)
  const [{ replay, readRecording }, { writeReport }, { Redactor }] = await Promise.all([import('./parity/replay.js'), import('./parity/report.js'), import('./parity/redact.js')])
  try {
    readRecording(dir)
  } catch (error) {
    throw new CannotCompareError(`cannot read the recording in ${dir}: ${(error as Error).message}`)
  }
  const compared = await comparedMock('replay', values)
  try {
    const mock = compared.side
    let result
    try {
      result = await replay({ dir, mock, timeoutMs })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      throw new CannotCompareError(cause ? `cannot reach the mock at ${mock.baseUrl}: ${cause}` : (error as Error).message)
    }
    const redactor = new Redactor()
    redactor.addSecret(mock.clientSecret)
    const { differences } = writeReport(values.out, result, { target: `recording ${dir}`, mock: compared.label, startedAt: new Date().toISOString() }, redactor)
    process.stdout.write(`${result.steps.length} exchanges replayed, ${differences} difference${differences === 1 ? '' : 's'}; report in ${join(values.out, 'report.md')}\n`)
    return differences === 0 ? 0 : 1
  } finally {
    await compared.close()
  }
}

function help(command = 'main'): number {
  const text = HELP[command]
  if (!text) throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  process.stdout.write(text())
  return 0
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { serve, seed, import: importState, openapi, parity, record, replay: replayCommand }

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
    if (error instanceof CannotCompareError) {
      process.stderr.write(`${BIN}: ${error.message}\n`)
      process.exitCode = 2
      return
    }
    // FixturesError (a bad fixtures file) and SQLite errors (a file that is no database) are runtime failures too.
    const name = (error as Error).name
    if (error instanceof RuntimeError || name === 'FixturesError' || name === 'StartupError' || (error as { code?: string }).code?.startsWith('SQLITE_')) {
      process.stderr.write(`${BIN}: ${(error as Error).message}\n`)
      process.exitCode = 1
      return
    }
    process.stderr.write(`${BIN}: ${(error as Error).stack ?? String(error)}\n`)
    process.exitCode = 1
  },
)
