import { readFileSync } from 'node:fs'
import { PassportError } from '../../core/errors.js'

/** A scenario file that cannot be applied; the message starts `FILE:LINE:COLUMN:` when the place is known. */
export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError'
}

/** `seed.accounts[0].status` → `['seed', 'accounts', 0, 'status']`. */
export function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = []
  for (const part of field.matchAll(/([^.[\]]+)|\[([0-9]+)\]/g)) {
    if (part[2] !== undefined) path.push(Number(part[2]))
    else if (part[1] !== undefined) path.push(part[1])
  }
  return path
}

export interface Parsed {
  document: unknown
  /** Line and column (1-based) of the field, or of its nearest parent in the file. */
  locate(field: string): { line: number; col: number } | undefined
}

/**
 * Reads a scenario, JSON or YAML (a JSON file is YAML too, and parsing it as YAML keeps every
 * node's place, so an error can name the line). `yaml` is imported only here: a server
 * without `--scenario` never loads it.
 */
async function parse(path: string, text: string): Promise<Parsed> {
  const parsed = await parseScenarioText(text)
  if ('problem' in parsed) throw new ScenarioFileError(`${path}:${parsed.line}:${parsed.col}: not valid YAML or JSON: ${parsed.problem}`)
  return parsed
}

/**
 * A scenario's text, JSON or YAML, as a document that can say where each field is; or the first
 * syntax error and its place. Shared by `--scenario FILE` and `PUT /_mock/scenario` with a YAML
 * body (the QA console sends the file it loads so, issue 14).
 */
export async function parseScenarioText(text: string): Promise<Parsed | { problem: string; line: number; col: number }> {
  const { LineCounter, parseDocument } = await import('yaml')
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const [first] = doc.errors
  if (first) {
    const pos = lines.linePos(first.pos[0])
    return { problem: first.message.split('\n')[0] ?? first.code, line: pos.line, col: pos.col }
  }
  return {
    document: doc.toJS({ maxAliasCount: 1000 }) as unknown,
    locate(field) {
      const full = fieldPath(field)
      for (let n = full.length; n >= 1; n--) {
        const node = doc.getIn(full.slice(0, n), true) as { range?: [number, number, number] } | undefined
        // A missing field: its parent (the object that should hold it) is found next.
        if (node?.range) return lines.linePos(node.range[0])
      }
      return undefined
    },
  }
}

/** The field a 400 names: `Field 'seed.accounts[0].status' must be…` → `seed.accounts[0].status`. */
function namedField(message: string): string | undefined {
  return /(?:Field|field|fields) '([^']+)'/.exec(message)?.[1]
}

/** Where in the text the field an error names is (its nearest parent when it is missing), if it names one. */
export function placeOf(error: PassportError, parsed: Parsed): { line: number; col: number } | undefined {
  const field = namedField(error.text.en)
  return field === undefined ? undefined : parsed.locate(field)
}

/**
 * Reads the file and hands its document to `apply`. Any problem becomes one ScenarioFileError
 * line: an unreadable file; a parse error at its line; a 400 of the document at the line of the
 * field it names (`scenario.yaml:12:9: Field 'seed.accounts[0].status' must be one of …`).
 */
export async function applyScenarioFile<T>(path: string, apply: (document: unknown) => Promise<T>): Promise<T> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    throw new ScenarioFileError(e.code === 'ENOENT' ? `cannot read scenario ${path}: no such file` : `cannot read scenario ${path}: ${e.message}`)
  }
  const parsed = await parse(path, text)
  try {
    return await apply(parsed.document)
  } catch (error) {
    if (!(error instanceof PassportError)) throw error
    const place = placeOf(error, parsed)
    throw new ScenarioFileError(`${path}${place ? `:${place.line}:${place.col}` : ''}: ${error.text.en}`)
  }
}
