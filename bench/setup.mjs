// Setup shared by the bench (bench/run.mjs, bench/soak.mjs) and scripts/measure-writepath.mjs:
// a free port, and what a run needs in the database before it measures anything.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import Database from 'better-sqlite3'

/** A free loopback port: listen on 0, read the port, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Clones one real resolution `count` times straight into the file (the setup, not measured). */
export function cloneResolutions(dbPath, resolutionId, count) {
  const db = new Database(dbPath)
  db.pragma('busy_timeout = 10000')
  try {
    const row = db.prepare('SELECT * FROM resolutions WHERE id = ?').get(resolutionId)
    if (!row) throw new Error('resolution row not found')
    const cols = Object.keys(row)
    const insert = db.prepare(`INSERT INTO resolutions (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`)
    const ids = []
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const id = randomUUID()
        insert.run({ ...row, id })
        ids.push(id)
      }
    })()
    return ids
  } finally {
    db.close()
  }
}
