import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Writes a fixtures document to a temporary file that is removed when the test ends. */
export function fixturesFile(t: { teardown(fn: () => unknown): void }, document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mock-fixtures-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'fixtures.json')
  writeFileSync(path, JSON.stringify(document))
  return path
}
