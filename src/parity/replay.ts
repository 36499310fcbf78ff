import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compareAnswers } from './compare.js'
import { RECORDING_FILE, type RecordedExchange } from './record-proxy.js'
import { type ParityResult, type Side, type StepResult, readExchange } from './run-parity.js'

/**
 * `passport-mock replay` (issue 12 §2): sends a recording's requests to the mock in order and
 * compares each answer with the recorded one, as `parity` does. Ids are mapped as the mock
 * creates its own (the recorded `id` of a create → the mock's), tokens by their labels, and
 * what the client only read (an account or customer that existed before the recording) is
 * seeded into the mock first, with what the recording showed of it.
 */
export interface ReplayOptions {
  dir: string
  mock: Side & { adminToken?: string }
  timeoutMs: number
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
/** Fields of an answer whose recorded value stands for the mock's own: ids and generated references. */
const MAPPED = new Set(['id', 'token_id', 'resolution_id', 'qr_code_data', 'qr_code_reference', 'end_to_end_identification'])
type Kind = 'accounts' | 'customers' | 'keys'
const KIND_OF_FIELD: Record<string, Kind> = { account_id: 'accounts', customer_id: 'customers', key_id: 'keys' }

export function readRecording(dir: string): RecordedExchange[] {
  return readFileSync(join(dir, RECORDING_FILE), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedExchange)
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** The ids each request names, with what they are: `/v1/accounts/{id}`, `account_id` in a body. */
function referencedIds(exchange: RecordedExchange): [string, Kind][] {
  const out: [string, Kind][] = []
  const path = exchange.request.url.split('?')[0] ?? ''
  const m = /^\/v1\/(accounts|customers|keys)\/([0-9a-f-]{36})(\/|$)/i.exec(path)
  if (m) out.push([m[2] as string, m[1] as Kind])
  const query = new URLSearchParams(exchange.request.url.split('?')[1] ?? '')
  for (const [field, kind] of Object.entries(KIND_OF_FIELD)) {
    const fromQuery = query.get(field)
    if (fromQuery) out.push([fromQuery, kind])
    const fromBody = isObject(exchange.request.body) ? exchange.request.body[field] : undefined
    if (typeof fromBody === 'string') out.push([fromBody, kind])
  }
  return out.filter(([id]) => /^[0-9a-f-]{36}$/i.test(id))
}

/** Objects of the recorded answers by id: what the recording showed of each resource. */
function knownObjects(recording: RecordedExchange[]): Map<string, Json> {
  const known = new Map<string, Json>()
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit)
    else if (isObject(node)) {
      if (typeof node.id === 'string' && !known.has(node.id)) known.set(node.id, node)
      Object.values(node).forEach(visit)
    }
  }
  for (const e of recording) if (e.response.status < 300) visit(e.response.body)
  return known
}

function pickFields(source: Json | undefined, fields: string[]): Json {
  const out: Json = {}
  for (const f of fields) if (source?.[f] !== undefined) out[f] = source[f]
  return out
}

const money = (m: unknown) => (isObject(m) && typeof m.value === 'string' ? m.value : undefined)

/** The seed document for what the recording read but never created (and the mock does not have). */
function seedFor(missing: Map<string, Kind>, known: Map<string, Json>): { customers: Json[]; accounts: Json[]; keys: Json[] } {
  const doc = { customers: [] as Json[], accounts: [] as Json[], keys: [] as Json[] }
  const customers = new Set<string>()
  const addCustomer = (id: string) => {
    if (customers.has(id)) return
    customers.add(id)
    doc.customers.push({ id, ...pickFields(known.get(id), ['status', 'business_name', 'email', 'mobile_phone_number', 'identification_number', 'merchant_category_code', 'address']) })
  }
  for (const [id, kind] of missing) {
    const seen = known.get(id)
    if (kind === 'customers') addCustomer(id)
    if (kind === 'accounts') {
      const account: Json = { id, ...pickFields(seen, ['customer_id', 'account_number', 'account_type', 'status']) }
      if (money(seen?.available_balance) !== undefined) account.available_balance = money(seen?.available_balance)
      if (money(seen?.pending_balance) !== undefined) account.pending_balance = money(seen?.pending_balance)
      if (typeof account.customer_id === 'string' && missing.get(account.customer_id) !== undefined) addCustomer(account.customer_id)
      doc.accounts.push(account)
    }
    if (kind === 'keys' && seen) doc.keys.push({ id, ...pickFields(seen, ['account_id', 'key', 'status', 'display_name']) })
  }
  return doc
}

/** Replaces every mapped value: whole strings in bodies, ids anywhere in a URL. */
function mapValue(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value
  if (Array.isArray(value)) return value.map((v) => mapValue(v, ids))
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapValue(v, ids)]))
  return value
}

/** Learns the mock's values for the recorded ones, field by field, outside lists. */
function learn(recorded: unknown, mock: unknown, ids: Map<string, string>, tokens: Map<string, string>): void {
  if (!isObject(recorded) || !isObject(mock)) return
  for (const [key, value] of Object.entries(recorded)) {
    const other = mock[key]
    if (key === 'access_token' && typeof value === 'string' && typeof other === 'string') tokens.set(value, other)
    else if (MAPPED.has(key) && typeof value === 'string' && typeof other === 'string' && value !== other) ids.set(value, other)
    else if (isObject(value)) learn(value, other, ids, tokens)
  }
}

export async function replay(options: ReplayOptions): Promise<ParityResult> {
  const recording = readRecording(options.dir)
  const { mock } = options
  const call = async (method: string, url: string, headers: Record<string, string>, body?: string) => {
    const started = performance.now()
    const res = await fetch(new URL(url, mock.baseUrl), { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) })
    return readExchange(res, started)
  }
  const credentials = JSON.stringify({ client_id: mock.clientId, client_secret: mock.clientSecret, grant_type: 'client_credentials' })
  const first = await call('POST', '/v1/iam/oauth/tokens', { 'content-type': 'application/json' }, credentials)
  const defaultToken = (first.body as { access_token?: string } | undefined)?.access_token
  if (first.status !== 200 || !defaultToken) throw new Error(`the mock refused its client (${first.status}): check --mock-client-id and --mock-client-secret`)
  const bearer = { authorization: `Bearer ${defaultToken}` }

  // What the client read before creating it: it existed before the recording.
  const created = new Set<string>()
  const before = new Map<string, Kind>()
  for (const e of recording) {
    for (const [id, kind] of referencedIds(e)) if (!created.has(id) && !before.has(id)) before.set(id, kind)
    const body = e.response.body
    if (e.response.status < 300 && isObject(body)) for (const f of ['id', 'token_id', 'resolution_id']) if (typeof body[f] === 'string') created.add(body[f] as string)
  }
  const missing = new Map<string, Kind>()
  for (const [id, kind] of before) {
    if ((await call('GET', `/v1/${kind}/${id}`, bearer)).status === 404) missing.set(id, kind)
  }
  if (missing.size > 0) {
    const seeded = await call('POST', '/_mock/seed', { 'content-type': 'application/json', ...(mock.adminToken && { 'x-mock-admin-token': mock.adminToken }) }, JSON.stringify(seedFor(missing, knownObjects(recording))))
    if (seeded.status !== 200) throw new Error(`the mock refused the seed of what the recording read (${seeded.status}): ${JSON.stringify(seeded.body).slice(0, 300)}`)
  }

  const ids = new Map<string, string>()
  const tokens = new Map<string, string>()
  const steps: StepResult[] = []
  for (const e of recording) {
    const [path, query] = e.request.url.split('?') as [string, string | undefined]
    const url = `${path.replace(UUID, (id) => ids.get(id) ?? id)}${query === undefined ? '' : `?${query.replace(UUID, (id) => ids.get(id) ?? id)}`}`
    const headers: Record<string, string> = {}
    if (e.request.content_type) headers['content-type'] = e.request.content_type
    let body = mapValue(e.request.body, ids)
    const isToken = e.request.method === 'POST' && path === '/v1/iam/oauth/tokens'
    if (isToken && isObject(body)) body = { ...body, ...(body.client_id !== undefined && { client_id: mock.clientId }), ...(body.client_secret !== undefined && { client_secret: mock.clientSecret }) }
    if (e.request.auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${mock.clientId}:${mock.clientSecret}`).toString('base64')}`
    else if (e.request.auth) headers.authorization = `Bearer ${tokens.get(e.request.auth) ?? defaultToken}`
    const payload = body === undefined ? undefined : e.request.content_type?.includes('x-www-form-urlencoded') && isObject(body) ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body)
    const answer = await call(e.request.method, url, headers, payload)
    const recordedHeaders: Record<string, string> = e.response.content_type ? { 'content-type': e.response.content_type } : {}
    const target = { status: e.response.status, body: e.response.body, headers: recordedHeaders, durationMs: e.response.duration_ms }
    if (target.status < 300 && answer.status < 300) learn(target.body, answer.body, ids, tokens)
    const template = e.request.url.replace(UUID, '{id}')
    steps.push({ n: e.n, name: `${e.request.method} ${template.split('?')[0]}`, method: e.request.method, path: template, requestBody: e.request.body, target, mock: answer, differences: compareAnswers(target, answer) })
  }
  return { steps, leftOnTarget: [] }
}
