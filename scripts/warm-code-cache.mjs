#!/usr/bin/env node
// A step of the image build (Dockerfile): starts the built server once, the way the image's CMD
// does (same node flags, given as arguments), asks it for a token, and waits for the V8 code cache
// it writes after that first answer (src/code-cache.ts), so that the image ships the cache and no
// container start compiles the bundle (issue 15). The image's user cannot write dist/, so a
// container could never write it for itself. In-memory database, 127.0.0.1, a port from the system.
//
//   node scripts/warm-code-cache.mjs [node flags of the CMD…]
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const CACHE = join(ROOT, 'dist', 'server.cjs.v8cache')
const LIMIT_MS = 60_000

rmSync(CACHE, { force: true })
const child = spawn(process.execPath, [...process.argv.slice(2), join(ROOT, 'dist', 'server.js')], {
  cwd: ROOT,
  env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: ':memory:', LOG_LEVEL: 'info', TLS_PORT: '', SCENARIO: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const fail = (message) => {
  process.stderr.write(`warm-code-cache: ${message}\n`)
  child.kill('SIGKILL')
  process.exit(1)
}
const timer = setTimeout(() => fail(`no code cache after ${LIMIT_MS / 1000} s`), LIMIT_MS)
child.once('exit', (code, signal) => {
  if (!existsSync(CACHE)) fail(`the server exited (${code ?? signal}) before writing its code cache`)
})

let output = ''
child.stdout.on('data', async (chunk) => {
  if (output === null) return
  output += chunk
  const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
  if (!url) return
  output = null
  const answer = await fetch(`${url}/v1/iam/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'passport-mock-client', client_secret: 'passport-mock-secret', grant_type: 'client_credentials' }),
  }).catch((error) => fail(`token request: ${error.message}`))
  if (answer.status !== 200) fail(`token request answered ${answer.status}`)
  await answer.arrayBuffer()
  while (!existsSync(CACHE)) await new Promise((resolve) => setTimeout(resolve, 20))
  clearTimeout(timer)
  child.removeAllListeners('exit')
  child.kill('SIGTERM')
  child.once('exit', () => process.stdout.write(`warm-code-cache: ${CACHE} written\n`))
})
