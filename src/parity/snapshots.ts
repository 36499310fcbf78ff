import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Difference, compareAnswers } from './compare.js'

/**
 * A snapshot of the real sandbox (issue 12 §3): what it answered to one step of the parity
 * scenario, with the source of that fact. `passport-mock parity` writes full snapshots (every
 * field the sandbox sent), which can be added to the folder as they are. Facts known only in
 * part (reference/clients.md keeps status codes, codes, messages and a few fields, not whole
 * bodies) say `partial: true`: then only the fields the snapshot holds are compared, `absent`
 * lists fields the sandbox did not send, and `exact` the paths compared by value (a message).
 */
export interface SandboxSnapshot {
  source: string
  step: string
  partial?: boolean
  absent?: string[]
  exact?: string[]
  response: { status: number; body?: unknown }
}

export function loadSnapshots(dir: string): { file: string; snapshot: SandboxSnapshot }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, snapshot: JSON.parse(readFileSync(join(dir, file), 'utf8')) as SandboxSnapshot }))
}

/** The mock's body cut down to the fields a partial snapshot holds. */
function prune(mock: unknown, known: unknown): unknown {
  if (Array.isArray(mock) && Array.isArray(known)) {
    const model = known[0]
    return model === undefined ? mock : mock.map((item) => prune(item, model))
  }
  if (mock !== null && typeof mock === 'object' && known !== null && typeof known === 'object' && !Array.isArray(known)) {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(known)) {
      if (key in (mock as object)) out[key] = prune((mock as Record<string, unknown>)[key], value)
    }
    return out
  }
  return mock
}

function at(body: unknown, path: string): unknown {
  let node: unknown = body
  for (const part of path.replace(/^body\.?/, '').split('.').filter((p) => p !== '')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** Every way the mock's answer differs from the sandbox's, as `parity` reports them. */
export function checkSnapshot(snapshot: SandboxSnapshot, mock: { status: number; body: unknown }): Difference[] {
  const target = { status: snapshot.response.status, body: snapshot.response.body }
  // A partial snapshot without a body knows the status only.
  const seen = snapshot.partial ? { status: mock.status, body: target.body === undefined ? undefined : prune(mock.body, target.body) } : mock
  const out = compareAnswers(target, seen)
  for (const path of snapshot.absent ?? []) {
    const value = at(mock.body, path)
    if (value !== undefined) out.push({ path, kind: 'extra_in_mock', target: '(absent)', mock: JSON.stringify(value).slice(0, 80) })
  }
  for (const path of snapshot.exact ?? []) {
    const [a, b] = [at(target.body, path), at(mock.body, path)]
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, kind: 'value', target: JSON.stringify(a), mock: JSON.stringify(b) })
  }
  return out
}
