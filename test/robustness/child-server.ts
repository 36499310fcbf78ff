import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PACKAGE_ROOT } from '../../src/config.js'

/** The built server (`npm run build`, which `npm test` runs first). */
export const SERVER_JS = join(PACKAGE_ROOT, 'dist', 'server.js')

export interface ChildServer {
  url: string
  child: ChildProcess
  /** Resolves with the exit code (or null) and the signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Everything the child wrote on stderr, for failure messages. */
  stderr: () => string
  /** The lines the child wrote on stdout so far (its JSON log). */
  stdoutLines: () => string[]
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/**
 * Spawns `node dist/server.js` on port 0 with `env` on top of a clean environment and resolves
 * once the "Server listening at" log line names its URL. Registers a teardown that SIGKILLs the
 * child whatever happened, so no process outlives the test.
 */
export async function startChildServer(t: Teardown, env: Record<string, string>, timeoutMs = 10_000): Promise<ChildServer> {
  const child = spawn(process.execPath, [SERVER_JS], {
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
  child.stderr?.on('data', (chunk: string) => {
    err += chunk
  })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const out: string[] = []
  lines.on('line', (line) => out.push(line))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms; stderr: ${err}`)), timeoutMs)
    lines.on('line', (line) => {
      let msg: unknown
      try {
        msg = (JSON.parse(line) as { msg?: unknown }).msg
      } catch {
        return
      }
      const match = typeof msg === 'string' ? /^Server listening at (http:\/\/127\.0\.0\.1:[0-9]+)$/.exec(msg) : null
      if (match) {
        clearTimeout(timer)
        resolve(match[1] as string)
      }
    })
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}); stderr: ${err}`))
    })
  })
  return { url, child, exited, stderr: () => err, stdoutLines: () => out }
}

/** SIGTERM, then the exit (a clean close: the WAL is checkpointed by SQLite on the last close). */
export async function stopChildServer(server: ChildServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  server.child.kill('SIGTERM')
  await server.exited
}

export interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a script of the package (dist/server.js, dist/cli.js) with `args` and `env` on top of a
 * clean environment (port 0 on loopback) until it exits; SIGKILLs it and rejects after
 * `timeoutMs`, so a server that starts when it should have refused fails the test in time.
 */
export function runToExit(script: string, args: string[], env: Record<string, string>, timeoutMs = 10_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} ${args.join(' ')} still running after ${timeoutMs} ms; stdout: ${stdout.slice(0, 500)} stderr: ${stderr}`))
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
