import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Redactor } from './redact.js'
import type { Exchange, ParityResult, StepResult } from './run-parity.js'

export interface ReportMeta {
  /** Only the target's origin is written (no path, query or credentials). */
  target: string
  mock: string
  startedAt: string
}

function errorCode(exchange: Exchange): string | undefined {
  const code = (exchange.body as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

function cell(exchange: Exchange): string {
  const code = errorCode(exchange)
  return code === undefined ? String(exchange.status) : `${exchange.status} ${code}`
}

/** A step's message texts, reported but never counted as a difference (issue 12). */
function messages(step: StepResult, redactor: Redactor): { target?: string; mock?: string } {
  const text = (e: Exchange) => {
    const m = (e.body as { message?: unknown } | undefined)?.message
    return typeof m === 'string' ? redactor.text(m) : undefined
  }
  return { target: text(step.target), mock: text(step.mock) }
}

function side(exchange: Exchange, redactor: Redactor) {
  return { status: exchange.status, headers: exchange.headers, body: redactor.value(exchange.body), duration_ms: exchange.durationMs }
}

/**
 * Writes `report.md` (a table a person reads), `report.json` (`{differences, steps}`) and
 * `snapshots/NN-<step>.json` (the target's answers) into `dir`. Everything passes through the
 * redactor first: no secret, token or personal value reaches the disk.
 */
export function writeReport(dir: string, result: ParityResult, meta: ReportMeta, redactor: Redactor): { differences: number } {
  mkdirSync(join(dir, 'snapshots'), { recursive: true })
  const differences = result.steps.flatMap((s) => s.differences.map((d) => ({ step: s.name, ...d })))

  const json = {
    target: meta.target,
    mock: meta.mock,
    started_at: meta.startedAt,
    ...(result.stopped && { stopped: redactor.text(result.stopped) }),
    differences,
    steps: result.steps.map((s) => ({
      n: s.n,
      name: s.name,
      method: s.method,
      path: s.path,
      verdict: s.differences.length === 0 ? 'same' : 'different',
      messages: messages(s, redactor),
      target: { status: s.target.status, code: errorCode(s.target), headers: s.target.headers },
      mock: { status: s.mock.status, code: errorCode(s.mock), headers: s.mock.headers },
      differences: s.differences,
    })),
    left_on_target: result.leftOnTarget,
  }
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`)

  for (const s of result.steps) {
    const snapshot = {
      source: `passport-mock parity against ${meta.target}, ${meta.startedAt}`,
      step: s.name,
      request: { method: s.method, path: s.path, ...(s.requestBody !== undefined && { body: redactor.value(s.requestBody) }) },
      response: side(s.target, redactor),
    }
    const file = `${String(s.n).padStart(2, '0')}-${s.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_|_$/g, '')}.json`
    writeFileSync(join(dir, 'snapshots', file), `${JSON.stringify(snapshot, null, 2)}\n`)
  }

  const lines = [
    '# passport-mock parity report',
    '',
    `Target: ${meta.target} · mock: ${meta.mock} · started ${meta.startedAt}`,
    '',
    result.stopped ? `**Stopped early:** ${redactor.text(result.stopped)}\n` : '',
    `${result.steps.length} steps, ${result.steps.filter((s) => s.differences.length > 0).length} with differences, ${differences.length} differences in all.`,
    '',
    '| # | step | request | target | mock | verdict |',
    '|---|---|---|---|---|---|',
    ...result.steps.map((s) => `| ${s.n} | ${s.name} | \`${s.method} ${s.path}\` | ${cell(s.target)} | ${cell(s.mock)} | ${s.differences.length === 0 ? 'same' : `**${s.differences.length} different**`} |`),
    '',
    '## Differences',
    '',
    differences.length === 0 ? 'None.' : '| step | where | kind | target | mock |\n|---|---|---|---|---|',
    ...differences.map((d) => `| ${d.step} | \`${d.path}\` | ${d.kind} | \`${d.target}\` | \`${d.mock}\` |`),
    '',
    '## Messages (reported, not compared)',
    '',
    ...result.steps.flatMap((s) => {
      const m = messages(s, redactor)
      return m.target === undefined && m.mock === undefined ? [] : [`- ${s.name}: target ${JSON.stringify(m.target ?? null)} · mock ${JSON.stringify(m.mock ?? null)}`]
    }),
    '',
    '## Left on the target',
    '',
    ...(result.leftOnTarget.length === 0 ? ['Nothing.'] : result.leftOnTarget.map((what) => `- ${what}`)),
    '',
  ]
  writeFileSync(join(dir, 'report.md'), lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n'))
  return { differences: differences.length }
}
