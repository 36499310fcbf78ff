import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PACKAGE_ROOT } from '../../src/config.js'
import type { BannerFields } from '../../src/banner.js'

export const SERVER_JS = join(PACKAGE_ROOT, 'dist', 'server.js')
export const CLI_JS = join(PACKAGE_ROOT, 'dist', 'cli.js')

export interface SpawnedServer {
  child: ChildProcess
  /** The banner's structured log line (`msg: "passport-mock ready"`). */
  banner: BannerFields & Record<string, unknown>
  /** Every stdout line so far, parsed when it was JSON. */
  lines: unknown[]
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/**
 * Spawns `node <script> ...args` (dist/server.js or dist/cli.js) with `env` on top of a clean
 * environment (JSON logs: stdout is a pipe) and resolves with the banner's log line. A teardown
 * SIGKILLs the child whatever happened.
 */
export async function spawnServer(t: Teardown, script: string, args: string[], env: Record<string, string> = {}, options: { cwd?: string; timeoutMs?: number } = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  let err = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => (err += chunk))
  const lines: unknown[] = []
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const banner = await new Promise<SpawnedServer['banner']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner line in ${options.timeoutMs ?? 15000} ms; stdout: ${JSON.stringify(lines)}; stderr: ${err}`)), options.timeoutMs ?? 15000)
    reader.on('line', (line) => {
      let parsed: unknown = line
      try {
        parsed = JSON.parse(line)
      } catch {
        // a text line
      }
      lines.push(parsed)
      if ((parsed as { msg?: unknown }).msg === 'passport-mock ready') {
        clearTimeout(timer)
        resolve(parsed as SpawnedServer['banner'])
      }
    })
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`server exited before its banner (code ${code}, signal ${signal}); stdout: ${JSON.stringify(lines)}; stderr: ${err}`))
    })
  })
  return {
    child,
    banner,
    lines,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
