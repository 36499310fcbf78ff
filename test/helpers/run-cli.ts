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
    // Decoded by the stream, not chunk by chunk: a character split across two pipe reads (the
    // OpenAPI document's "…" at a 64 KiB boundary) would otherwise become two U+FFFD.
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => (stdout += chunk))
    child.stderr.on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
