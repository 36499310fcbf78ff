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
    // Decoded as text by the stream, so a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
