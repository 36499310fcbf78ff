import { setTimeout as sleep } from 'node:timers/promises'
import { type Difference, compareAnswers } from './compare.js'
import type { Redactor } from './redact.js'
import { CREATED, SCENARIO, type Step, fill, fillBody, pick, runValues } from './scenario.js'

/** One side of a parity run: where it is and the client it authenticates as. */
export interface Side {
  baseUrl: string
  clientId: string
  clientSecret: string
}

export interface ParityOptions {
  target: Side
  mock: Side
  /** Requests per second sent to the target (the sandbox); the mock is not limited. */
  rate: number
  timeoutMs: number
  includePayments: boolean
  redactor: Redactor
  /** One line per step, for a terminal. */
  onStep?: (line: string) => void
}

/** What one side answered, as the report keeps it (redacted before anything is written). */
export interface Exchange {
  status: number
  body: unknown
  /** The headers a client may read: the media type and any trace header. */
  headers: Record<string, string>
  durationMs: number
}

export interface StepResult {
  n: number
  name: string
  method: string
  /** The path as the scenario writes it (`/v1/keys/{{key_id}}`), the same for both sides. */
  path: string
  requestBody: unknown
  target: Exchange
  mock: Exchange
  differences: Difference[]
}

export interface ParityResult {
  steps: StepResult[]
  /** What the run left on the target (no DELETE route, or a delete that failed). */
  leftOnTarget: string[]
  /** Why the run stopped early (429, repeated 5xx), if it did. */
  stopped?: string
}

/** The target could not be reached, or asked the run to stop: `parity` exits 2. */
export class ParityStop extends Error {
  override name = 'ParityStop'
}

const TRACE_HEADER = /trace|request-id|correlation/i

/** An answer as the report keeps it: the JSON body (or a note that it was not JSON) and the headers a client may read. */
export async function readExchange(res: Response, startedMs: number): Promise<Exchange> {
  const text = await res.text()
  const durationMs = Math.round(performance.now() - startedMs)
  let body: unknown
  if (text !== '') {
    try {
      body = JSON.parse(text) as unknown
    } catch {
      body = { '(not JSON)': text.slice(0, 200) }
    }
  }
  const headers: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    if (name === 'content-type' || TRACE_HEADER.test(name)) headers[name] = value
  })
  return { status: res.status, body, headers, durationMs }
}
const BAD_TOKEN = '0'.repeat(64)

class Caller {
  readonly vars = new Map<string, string>()
  readonly deleted = new Set<string>()
  #nextAt = 0
  #serverErrors = 0

  constructor(
    readonly label: 'target' | 'mock',
    private readonly side: Side,
    private readonly options: ParityOptions,
    shared: Record<string, string>,
  ) {
    for (const [k, v] of Object.entries(shared)) this.vars.set(k, v)
    this.vars.set('client_id', side.clientId)
    this.vars.set('client_secret', side.clientSecret)
  }

  async send(step: Step): Promise<{ exchange: Exchange; requestBody: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' }
    const token = step.auth === 'bad' ? BAD_TOKEN : step.auth === 'none' ? undefined : this.vars.get(step.auth === 'token2' ? 'token2' : 'token')
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    let payload: string | undefined
    let requestBody: unknown
    if (step.raw) {
      headers['content-type'] = step.raw.contentType
      payload = step.raw.text
      requestBody = step.raw.text
    } else if (step.body !== undefined) {
      headers['content-type'] = 'application/json'
      requestBody = fillBody(step.body, this.vars)
      payload = JSON.stringify(requestBody)
    }
    const exchange = await this.#call(step.method, fill(step.path, this.vars), headers, payload)
    for (const [variable, path] of Object.entries(step.capture ?? {})) {
      const value = pick(exchange.body, path)
      if (value === undefined) continue
      this.vars.set(variable, value)
      if (variable === 'token' || variable === 'token2') this.options.redactor.addSecret(value)
    }
    if (step.method === 'DELETE' && (exchange.status < 300 || exchange.status === 404)) {
      for (const created of CREATED) if (created.deletePath === step.path) this.deleted.add(created.variable)
    }
    return { exchange, requestBody }
  }

  async #call(method: string, path: string, headers: Record<string, string>, payload: string | undefined): Promise<Exchange> {
    // The sandbox is shared: never faster than --rate. Real time is right here (a client, not the mock).
    if (this.label === 'target') {
      const wait = this.#nextAt - performance.now()
      if (wait > 0) await sleep(wait)
      this.#nextAt = performance.now() + 1000 / this.options.rate
    }
    const started = performance.now()
    let res: Response
    try {
      res = await fetch(new URL(path, this.side.baseUrl), { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name
      throw new ParityStop(`cannot reach the ${this.label} at ${this.side.baseUrl} (${method} ${this.options.redactor.text(path)}): ${cause}`)
    }
    const exchange = await readExchange(res, started)
    if (this.label === 'target') this.#watch(res.status)
    return exchange
  }

  /** A clear stop on 429 or three 5xx in a row: the sandbox is telling us to go away. */
  #watch(status: number): void {
    if (status === 429) throw new ParityStop(`the target answered 429 (rate limited): try again later with a lower --rate (now ${this.options.rate}/s)`)
    this.#serverErrors = status >= 500 ? this.#serverErrors + 1 : 0
    if (this.#serverErrors >= 3) throw new ParityStop('the target answered 5xx three times in a row: stopped')
  }
}

/**
 * Runs the scenario against both sides, step by step (the target first, then the mock), with
 * each side's ids mapped from its own answers; compares each pair; then deletes on both sides
 * what the run created and did not delete itself. A `ParityStop` ends the run early: the
 * result so far is still returned, with `stopped` set, so the report shows how far it got.
 */
export async function runParity(options: ParityOptions): Promise<ParityResult> {
  options.redactor.addSecret(options.target.clientSecret)
  options.redactor.addSecret(options.mock.clientSecret)
  const shared = runValues()
  const target = new Caller('target', options.target, options, shared)
  const mock = new Caller('mock', options.mock, options, shared)
  const steps: StepResult[] = []
  const result: ParityResult = { steps, leftOnTarget: [] }
  const scenario = SCENARIO.filter((s) => s.group === undefined || options.includePayments)
  try {
    for (const step of scenario) {
      const t = await target.send(step)
      const m = await mock.send(step)
      const differences = compareAnswers(t.exchange, m.exchange)
      const n = steps.length + 1
      steps.push({ n, name: step.name, method: step.method, path: step.path, requestBody: t.requestBody, target: t.exchange, mock: m.exchange, differences })
      options.onStep?.(`${String(n).padStart(2)}/${scenario.length} ${step.name.padEnd(36)} target ${t.exchange.status}  mock ${m.exchange.status}  ${differences.length === 0 ? 'same' : `${differences.length} difference${differences.length === 1 ? '' : 's'}`}`)
    }
  } catch (error) {
    if (!(error instanceof ParityStop)) throw error
    result.stopped = error.message
  }
  result.leftOnTarget = await cleanUp(target, mock)
  return result
}

/**
 * Runs the scenario against one side only and answers each step's exchange by step name: what
 * the snapshot test (test/parity/sandbox-snapshots.test.ts) compares with the sandbox's answers.
 */
export async function recordScenario(side: Side, options: { includePayments: boolean; timeoutMs: number; redactor: Redactor }): Promise<Map<string, Exchange>> {
  const caller = new Caller('mock', side, { target: side, mock: side, rate: Number.POSITIVE_INFINITY, ...options }, runValues())
  const answers = new Map<string, Exchange>()
  for (const step of SCENARIO) {
    if (step.group !== undefined && !options.includePayments) continue
    answers.set(step.name, (await caller.send(step)).exchange)
  }
  return answers
}

/** Deletes what the run created and did not delete; answers what stays on the target. */
async function cleanUp(target: Caller, mock: Caller): Promise<string[]> {
  const left: string[] = []
  for (const created of CREATED) {
    const id = target.vars.get(created.variable)
    for (const side of [target, mock]) {
      if (!created.deletePath || !side.vars.has(created.variable) || side.deleted.has(created.variable)) continue
      try {
        await side.send({ name: `cleanup.${created.variable}`, method: 'DELETE', path: created.deletePath })
      } catch {
        // A cleanup that cannot reach its side is reported below (target) or ignored (mock).
      }
    }
    if (id !== undefined && (!created.deletePath || !target.deleted.has(created.variable))) left.push(`${created.what} ${id}`)
  }
  return left
}
