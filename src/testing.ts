import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { buildApp } from './app.js'
import { type Config, loadConfig } from './config.js'
import type { SeedDocument, SeedResultSchema } from './control/state/state.schemas.js'
import { readFixtures } from './fixtures/load-fixtures.js'

export type { SeedDocument } from './control/state/state.schemas.js'

/** What `POST /_mock/seed` answers: every object the document created (and a new entity's client). */
export type SeedResult = Static<typeof SeedResultSchema>

/**
 * The configuration of CONTRACT §7, by its camelCase names (`seed`, `tokenTtlSeconds`,
 * `settlementDelayMs`, `webhookUrl`, `mockAdminToken`, `fixturesPath`…), every one optional.
 * The environment is never read, so a test sees the same mock on every machine. Defaults that
 * differ from the server's: an in-memory database, a free port on 127.0.0.1, and no logs.
 */
export type PassportMockOptions = Partial<Config>

export interface PassportMock {
  /** Where it listens, e.g. `http://127.0.0.1:53817` (no trailing slash). */
  url: string
  /** The default entity's all-scope client (the fixtures' first client: `passport-mock-client`). */
  clientId: string
  clientSecret: string
  /** `POST /_mock/reset`: the fixtures again; `{ tokens: true }` also drops issued tokens. */
  reset(options?: { tokens?: boolean }): Promise<void>
  /** `POST /_mock/seed`: creates the document's objects and answers them. */
  seed(document: SeedDocument): Promise<SeedResult>
  /** Stops the server and closes its database; afterwards nothing keeps the process alive. */
  close(): Promise<void>
}

/** A control-plane call the mock refused: the status and the contract's error body. */
export class PassportMockError extends Error {
  override name = 'PassportMockError'
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const detail = (body as { message?: unknown } | undefined)?.message
    super(`${what} answered ${status}${typeof detail === 'string' ? `: ${detail}` : ''}`)
  }
}

/** The fixtures' first client of the first entity that has one: the default entity's (CONTRACT §6). */
function defaultClient(fixturesPath: string): { client_id: string; client_secret: string } {
  for (const entity of readFixtures(fixturesPath).entities) {
    const client = entity.clients?.[0]
    if (client) return client
  }
  throw new Error(`passport-paas-mock/testing: the fixtures ${fixturesPath} have no client to hand out`)
}

async function control(app: FastifyInstance, adminToken: string | undefined, url: string, payload: object): Promise<unknown> {
  const res = await app.inject({ method: 'POST', url, payload, headers: adminToken === undefined ? {} : { 'x-mock-admin-token': adminToken } })
  const body = res.body === '' ? undefined : (res.json() as unknown)
  if (res.statusCode >= 300) throw new PassportMockError(res.statusCode, body, `POST ${url}`)
  return body
}

/**
 * Starts the real passport-mock in this process (CONTRACT §5 "test helper"), for any test
 * runner: an in-memory database with the fixtures, listening on a free port of 127.0.0.1.
 *
 * ```ts
 * const mock = await startPassportMock()
 * const res = await fetch(`${mock.url}/v1/iam/oauth/tokens`, { method: 'POST', … })
 * await mock.close()
 * ```
 */
export async function startPassportMock(options: PassportMockOptions = {}): Promise<PassportMock> {
  const config: Config = { ...loadConfig({}), databasePath: ':memory:', host: '127.0.0.1', port: 0, logLevel: 'silent', ...options }
  const app = await buildApp(config)
  let client: { client_id: string; client_secret: string }
  try {
    client = defaultClient(config.fixturesPath)
    await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await app.close()
    throw error
  }
  const { address, port, family } = app.server.address() as AddressInfo
  const host = family === 'IPv6' ? `[${address}]` : address
  let closing: Promise<void> | undefined

  return {
    url: `http://${host}:${port}`,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    async reset(resetOptions = {}) {
      await control(app, config.mockAdminToken, '/_mock/reset', resetOptions)
    },
    async seed(document) {
      return (await control(app, config.mockAdminToken, '/_mock/seed', document)) as SeedResult
    },
    close() {
      closing ??= app.close().then(() => undefined)
      return closing
    },
  }
}
