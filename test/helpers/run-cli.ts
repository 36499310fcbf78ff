import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../src/config.js'

/** The compiled CLI, as `npm ci` leaves it (its prepare script builds; `npm test` builds first). */
export const CLI = join(PACKAGE_ROOT, 'dist', 'cli.js')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `node dist/cli.js …` to the end, with a clean environment (only PATH, plus `env`). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
