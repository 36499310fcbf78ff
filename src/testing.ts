import type { AddressInfo } from 'node:net'
import { buildApp } from './app.js'
import { type Config, loadConfig } from './config.js'
import { readFixtures } from './fixtures/load-fixtures.js'
import type {
  AuthorizationAttempt,
  AuthorizationAttemptFilter,
  ClockState,
  DeliveryFilter,
  FaultRule,
  FaultRuleInput,
  InboundPaymentInput,
  JournalEntry,
  JournalFilter,
  Payment,
  PaymentAuthorization,
  PaymentAuthorizationInput,
  SeedDocument,
  SeedResult,
  StateDocument,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookInput,
} from './testing-types.js'

export type * from './testing-types.js'

/**
 * The configuration, by camelCase names (`seed`, `tokenTtlSeconds`, `settlementDelayMs`,
 * `webhookUrl`, `mockAdminToken`, `fixturesPath`…), every one optional. The environment is never
 * read, so a test sees the same mock on every machine. Defaults that differ from the server's:
 * an in-memory database, a free port on 127.0.0.1, and no logs.
 */
export type PassportMockOptions = Partial<Config>

/** Where a mock already runs (a Docker service in CI, `npm start` on a laptop) and how to reach its control plane. */
export interface ConnectOptions {
  /** The mock's `MOCK_ADMIN_TOKEN`, when it has one (sent as `X-Mock-Admin-Token`). */
  adminToken?: string
  /** The client `token()` uses by default (default `passport-mock-client` / `passport-mock-secret`, the default fixtures' client). */
  clientId?: string
  clientSecret?: string
}

/**
 * A running passport-mock and its whole control plane, typed. Every method is one HTTP call to
 * the mock's `/_mock` routes (or, for `token()`, to `POST /v1/iam/oauth/tokens`); a refusal
 * rejects with a {@link PassportMockError} carrying the status and the error body.
 */
export interface PassportMock {
  /** Where it listens, e.g. `http://127.0.0.1:53817` (no trailing slash). */
  url: string
  /** The client `token()` uses by default: the default entity's all-scope client. */
  clientId: string
  clientSecret: string
  /**
   * Started by `startPassportMock`: stops the server and closes its database; afterwards
   * nothing keeps the process alive. Reached by `connectPassportMock`: does nothing (the mock
   * is not ours to stop).
   */
  close(): Promise<void>
  /** Back to the fixtures: seeded objects, fault rules, the journal and the clock offset go; `{ tokens: true }` also drops issued tokens. */
  reset(options?: { tokens?: boolean }): Promise<void>
  /** Creates a seed document's objects (one transaction: all or nothing) and answers them. */
  seed(document: SeedDocument): Promise<SeedResult>
  /**
   * A bearer token (the `access_token` string) for a client: the default one, or `clientId`
   * (its secret is looked up in the mock's state when not given; a seeded entity's client works).
   */
  token(clientId?: string, clientSecret?: string): Promise<string>
  faults: {
    /** Adds a rule; the oldest matching rule with a status answers, the delays of all matching rules add up. */
    add(rule: FaultRuleInput): Promise<FaultRule>
    /** Every rule, oldest first (built-in ones from the fixtures included). */
    list(): Promise<FaultRule[]>
    remove(id: string): Promise<void>
    /** Removes every rule but the built-in ones. */
    clear(): Promise<void>
  }
  clock: {
    get(): Promise<ClockState>
    /** Jumps to a time; what falls due (settlements, expiries) runs before it answers. */
    set(to: Date | string): Promise<ClockState>
    /** Moves by seconds (fractions to the millisecond; negative moves back). */
    advance(seconds: number): Promise<ClockState>
    /** Stops the clock: nothing settles or expires until it moves. */
    freeze(): Promise<ClockState>
    unfreeze(): Promise<ClockState>
  }
  /** The journal of `/v1` requests, newest first. */
  requests(filter?: JournalFilter): Promise<JournalEntry[]>
  /** Empties the journal. */
  clearRequests(): Promise<void>
  payments: {
    /** Settles a held payment now (PROCESSING, or PENDING ACH): the receiver is credited. */
    settle(paymentId: string): Promise<Payment>
    /** Rejects a held payment with an error code (the rail's default when absent): the hold goes back. */
    reject(paymentId: string, errorCode?: string): Promise<Payment>
  }
  /** Money from another bank: an INBOUND payment, the account credited, webhooks sent. */
  simulateInboundPayment(input: InboundPaymentInput): Promise<Payment>
  webhooks: {
    add(endpoint: WebhookInput): Promise<WebhookEndpoint>
    list(): Promise<WebhookEndpoint[]>
    remove(id: string): Promise<void>
    /** Every delivery attempt, newest first. */
    deliveries(filter?: DeliveryFilter): Promise<WebhookDelivery[]>
  }
  paymentAuthorization: {
    /** Sets an entity's callback: each inbound payment to it waits PROCESSING until the callback accepts or refuses it. */
    set(entityId: string, setting: PaymentAuthorizationInput): Promise<PaymentAuthorization>
    /** The entity's setting (rejects with 404 when it has none). */
    get(entityId: string): Promise<PaymentAuthorization>
    /** Turns the callback off: inbound payments settle as usual again. */
    remove(entityId: string): Promise<void>
    /** Every callback attempt, newest first, with its answer or error and what it decided. */
    attempts(filter?: AuthorizationAttemptFilter): Promise<AuthorizationAttempt[]>
  }
  state: {
    /** The whole state, secrets included: keep it out of logs. */
    export(): Promise<StateDocument>
    /** Replaces the whole state, after checking all of it (a refusal changes nothing). */
    import(document: StateDocument): Promise<void>
  }
}

/** A control-plane call the mock refused: the status and the error body it answered. */
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

const DEFAULT_CLIENT = { client_id: 'passport-mock-client', client_secret: 'passport-mock-secret' }

function query(filter: object | undefined): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(filter ?? {})) if (v !== undefined) params.set(k, String(v))
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** The typed control plane over HTTP, for a mock started here or reached at `url`. */
function controlClient(url: string, adminToken: string | undefined, client: { client_id: string; client_secret: string }, close: () => Promise<void>): PassportMock {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {}
    if (adminToken !== undefined && path.startsWith('/_mock')) headers['x-mock-admin-token'] = adminToken
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    if (res.status >= 300) throw new PassportMockError(res.status, parsed, `${method} ${path.split('?')[0]}`)
    return parsed as T
  }
  const moveClock = (body: object) => call<ClockState>('POST', '/_mock/clock', body)

  return {
    url,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    close,
    reset: async (options = {}) => {
      await call('POST', '/_mock/reset', options)
    },
    seed: (document) => call<SeedResult>('POST', '/_mock/seed', document),
    token: async (clientId, clientSecret) => {
      let secret = clientSecret ?? (clientId === undefined || clientId === client.client_id ? client.client_secret : undefined)
      if (secret === undefined) {
        const state = await call<StateDocument>('GET', '/_mock/state')
        secret = (state.clients as { client_id: string; client_secret: string }[]).find((c) => c.client_id === clientId)?.client_secret
        if (secret === undefined) throw new PassportMockError(404, undefined, `token(): no client ${JSON.stringify(clientId)} in the mock's state;`)
      }
      const answer = await call<{ access_token: string }>('POST', '/v1/iam/oauth/tokens', { client_id: clientId ?? client.client_id, client_secret: secret, grant_type: 'client_credentials' })
      return answer.access_token
    },
    faults: {
      add: (rule) => call<FaultRule>('POST', '/_mock/faults', rule),
      list: async () => (await call<{ faults: FaultRule[] }>('GET', '/_mock/faults')).faults,
      remove: async (id) => {
        await call('DELETE', `/_mock/faults/${encodeURIComponent(id)}`)
      },
      clear: async () => {
        await call('DELETE', '/_mock/faults')
      },
    },
    clock: {
      get: () => call<ClockState>('GET', '/_mock/clock'),
      set: (to) => moveClock({ set: typeof to === 'string' ? to : to.toISOString() }),
      advance: (seconds) => moveClock({ advance_seconds: seconds }),
      freeze: () => moveClock({ freeze: true }),
      unfreeze: () => moveClock({ freeze: false }),
    },
    requests: async (filter) => (await call<{ requests: JournalEntry[] }>('GET', `/_mock/requests${query(filter)}`)).requests,
    clearRequests: async () => {
      await call('DELETE', '/_mock/requests')
    },
    payments: {
      settle: (paymentId) => call<Payment>('POST', `/_mock/payments/${encodeURIComponent(paymentId)}/settle`, {}),
      reject: (paymentId, errorCode) => call<Payment>('POST', `/_mock/payments/${encodeURIComponent(paymentId)}/reject`, errorCode === undefined ? {} : { error_code: errorCode }),
    },
    simulateInboundPayment: (input) => call<Payment>('POST', '/_mock/simulations/inbound-payment', input),
    webhooks: {
      add: (endpoint) => call<WebhookEndpoint>('POST', '/_mock/webhooks', endpoint),
      list: async () => (await call<{ webhooks: WebhookEndpoint[] }>('GET', '/_mock/webhooks')).webhooks,
      remove: async (id) => {
        await call('DELETE', `/_mock/webhooks/${encodeURIComponent(id)}`)
      },
      deliveries: async (filter) => (await call<{ deliveries: WebhookDelivery[] }>('GET', `/_mock/webhooks/deliveries${query(filter)}`)).deliveries,
    },
    paymentAuthorization: {
      set: (entityId, setting) => call<PaymentAuthorization>('PUT', `/_mock/entities/${encodeURIComponent(entityId)}/payment-authorization`, setting),
      get: (entityId) => call<PaymentAuthorization>('GET', `/_mock/entities/${encodeURIComponent(entityId)}/payment-authorization`),
      remove: async (entityId) => {
        await call('DELETE', `/_mock/entities/${encodeURIComponent(entityId)}/payment-authorization`)
      },
      attempts: async (filter) => (await call<{ attempts: AuthorizationAttempt[] }>('GET', `/_mock/webhooks/authorizations${query(filter)}`)).attempts,
    },
    state: {
      export: () => call<StateDocument>('GET', '/_mock/state'),
      import: async (document) => {
        await call('PUT', '/_mock/state', document)
      },
    },
  }
}

/** The fixtures' first client of the first entity that has one: the default entity's. */
function defaultClient(fixturesPath: string): { client_id: string; client_secret: string } {
  for (const entity of readFixtures(fixturesPath).entities) {
    const client = entity.clients?.[0]
    if (client) return client
  }
  throw new Error(`passport-paas-mock/testing: the fixtures ${fixturesPath} have no client to hand out`)
}

/**
 * Starts a real passport-mock in this process, for any test runner (node:test, vitest, jest,
 * tap): an in-memory database with the fixtures, listening on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const mock = await startPassportMock()
 * const token = await mock.token()
 * const res = await fetch(`${mock.url}/v1/accounts/6c23f053-0e1a-46b4-b902-97ba47e351bc`, { headers: { authorization: `Bearer ${token}` } })
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
  return controlClient(`http://${host}:${port}`, config.mockAdminToken, client, () => {
    closing ??= app.close().then(() => undefined)
    return closing
  })
}

/**
 * The same typed client for a mock that already runs elsewhere (a Docker service in CI,
 * `npm start`): nothing is started, and `close()` leaves it running.
 *
 * @example
 * ```ts
 * const mock = await connectPassportMock('http://127.0.0.1:8080', { adminToken: process.env.MOCK_ADMIN_TOKEN })
 * await mock.reset()
 * ```
 */
export async function connectPassportMock(baseUrl: string, options: ConnectOptions = {}): Promise<PassportMock> {
  const url = baseUrl.replace(/\/+$/, '')
  const health = await fetch(`${url}/_mock/health`).catch((error: unknown) => {
    throw new Error(`connectPassportMock: cannot reach ${url}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`)
  })
  if (health.status !== 200) throw new PassportMockError(health.status, await health.text(), `GET ${url}/_mock/health`)
  const client = { client_id: options.clientId ?? DEFAULT_CLIENT.client_id, client_secret: options.clientSecret ?? DEFAULT_CLIENT.client_secret }
  return controlClient(url, options.adminToken, client, async () => undefined)
}
