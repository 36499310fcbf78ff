#!/usr/bin/env node
// `npm test`'s pretest: builds dist/ only when it is older than what it is built from.
// `npm ci` has just built it through `prepare`, and building again cost a minute of
// `npm ci && npm test` on a 2-core machine (issue 13 §1). scripts/build.mjs writes the stamp
// as the build's last step, so a failed or half build never counts as up to date.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const STAMP = 'dist/.build-stamp'
const INPUTS = ['src', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.ui.json', 'package.json', 'package-lock.json']

/** The newest modification time under the given files and folders, in ms. */
function newest(paths) {
  let latest = 0
  for (const path of paths) {
    if (!existsSync(path)) continue
    const stat = statSync(path)
    if (stat.isDirectory()) latest = Math.max(latest, newest(readdirSync(path).map((name) => join(path, name))))
    else latest = Math.max(latest, stat.mtimeMs)
  }
  return latest
}

const reason = !existsSync(STAMP)
  ? `${STAMP} is missing`
  : newest(INPUTS) > statSync(STAMP).mtimeMs
    ? 'src/ or the build configuration changed since the last build'
    : undefined
if (reason === undefined) {
  console.log('dist/ is up to date (built by npm ci\'s prepare or an earlier build): not building again')
} else {
  console.log(`building dist/: ${reason}`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const build = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' })
  process.exit(build.status ?? 1)
}
