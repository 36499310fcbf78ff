import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Instruction {
  keyword: string
  args: string
}

export interface Stage {
  from: string
  name: string | undefined
  instructions: Instruction[]
}

/** Reads a Dockerfile into stages of instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = []
  let current = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (current === '' && (line === '' || line.startsWith('#'))) continue
    if (line.startsWith('#')) continue
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `
      continue
    }
    logical.push((current + line).trim())
    current = ''
  }
  if (current.trim() !== '') logical.push(current.trim())

  const stages: Stage[] = []
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/)
    const args = line.slice(keyword.length).trim()
    if (keyword.toUpperCase() === 'FROM') {
      const [from = '', as, name] = rest
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] })
      continue
    }
    stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args })
  }
  return stages
}

/** `ENV A=1 B=2` → { A: '1', B: '2' } across every ENV of a stage. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=')
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"|"$/g, '')
    }
  }
  return env
}

/** The JSON-array form of CMD or HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const start = args.indexOf('[')
  return JSON.parse(args.slice(start)) as string[]
}

export function readDockerfile(root: string): Stage[] {
  return parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'))
}
