// Setup shared by the bench (bench/run.mjs, bench/soak.mjs) and scripts/measure-writepath.mjs:
// a free port, and what a run needs in the database before it measures anything.
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
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

/** A process and its descendants, from /proc (a peer's launcher may start the real server as a child). */
export function processTree(pid) {
  const parent = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {}
  }
  const tree = new Set([pid])
  for (let grew = true; grew; ) {
    grew = false
    for (const [p, pp] of parent) if (tree.has(pp) && !tree.has(p)) tree.add(p), (grew = true)
  }
  return tree
}

/** A process's state letter in /proc (R running, S sleeping, T stopped…), or null once it is gone. */
export function processState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2]
  } catch {
    return null
  }
}

/**
 * Runs `measure` with every other server stopped (SIGSTOP, then SIGCONT when it ends, however
 * it ends), so that the server measured has the 2 cores to itself and the load generator: an
 * idle JVM, another mock's sweeper or checkpoint thread no longer take a share from whichever
 * server is measured (issue 15). `servers`: child processes, each with the `benchUrl` it serves;
 * `url`: the one measured, or null to stop them all (a phase that starts servers of its own).
 */
export async function withOthersStopped(servers, url, measure) {
  const stopped = []
  for (const child of servers) {
    if (child.benchUrl === undefined || child.benchUrl === url || child.exitCode !== null || child.signalCode !== null) continue
    for (const pid of processTree(child.pid)) {
      try {
        process.kill(pid, 'SIGSTOP')
        stopped.push(pid)
      } catch {}
    }
  }
  // A signal is delivered when the process is next scheduled: measure once every one has stopped.
  for (const pid of stopped) {
    for (let waited = 0; waited < 2000 && processState(pid) !== 'T' && processState(pid) !== null; waited++) await new Promise((r) => setTimeout(r, 1))
  }
  try {
    return await measure()
  } finally {
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {}
    }
  }
}
