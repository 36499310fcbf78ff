import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Database } from 'better-sqlite3'

/** The main connection's own checkpoint threshold, pages (open-database.ts sets it). */
export const MAIN_AUTOCHECKPOINT_PAGES = 4000
/**
 * With the checkpointer running, the main connection checkpoints only when the WAL has grown this
 * far (64 MiB) anyway: a safety net for a checkpointer that falls behind, never the usual path.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16000
/** How often the checkpointer copies the WAL back into the database file, real ms. */
export const CHECKPOINT_INTERVAL_MS = 100
/**
 * Passes with nothing new in the WAL after which the worker empties it and stops (5 s at the
 * default interval): its V8 isolate and connection are ~10 MiB of RSS that an idle server does
 * not need; it starts again when the WAL has grown to START_AT_WAL_BYTES.
 */
export const IDLE_PASSES = 50
/** The WAL size at which the worker starts (4 MiB: a quarter of the main connection's own threshold, ~1,000 payments). */
export const START_AT_WAL_BYTES = 4 * 1024 * 1024

/**
 * The worker's whole program (CommonJS, run with `eval`, so that the bundled dist/server.js and
 * the plain tsc output share it without a file path to find): its own connection to the file,
 * a PASSIVE checkpoint every `intervalMs` (it never waits for the writer nor makes it wait), and
 * a clean close when asked. Each checkpoint that copied frames is reported, for tests.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { fileMustExist: true, timeout: 0 })
db.pragma('synchronous = NORMAL')
db.pragma('wal_autocheckpoint = 0')
let quiet = 0
let lastLog = -1
const stop = () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
}
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    if (r.checkpointed > 0) parentPort.postMessage({ checkpointed: r.checkpointed, log: r.log })
    // Idle: nothing new in the WAL and all of it copied, pass after pass. Empty the WAL (TRUNCATE
    // waits for no one: busy_timeout 0) and leave; the main thread starts a worker again when the
    // WAL grows back.
    quiet = r.log === lastLog && r.checkpointed === r.log ? quiet + 1 : 0
    lastLog = r.log
    if (quiet >= workerData.idlePasses) {
      const [t] = db.pragma('wal_checkpoint(TRUNCATE)')
      if (t.busy === 0) {
        parentPort.postMessage({ idle: true })
        stop()
      }
    }
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.message) })
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message === 'stop') stop()
})
parentPort.postMessage({ ready: true })
`

export interface CheckpointerOptions {
  intervalMs?: number
  /** Told once when the worker cannot run (the main connection then checkpoints as before). */
  onNotice?: (message: string, error?: unknown) => void
  /** Every checkpoint that found frames copied: how many, of how many in the WAL (tests). */
  onCheckpoint?: (checkpointed: number, log: number) => void
  /** The better-sqlite3 entry the worker loads (tests give a wrong one). */
  driver?: string
  /** The WAL size at which startIfBusy() starts the worker (default START_AT_WAL_BYTES). */
  startAtWalBytes?: number
  /** Quiet passes after which the worker empties the WAL and stops (default IDLE_PASSES). */
  idlePasses?: number
  /** Told each time the worker has stopped for want of work (tests). */
  onIdle?: () => void
}

/**
 * Checkpoints off the event loop (issue 15). In WAL mode every commit appends frames to the WAL;
 * a checkpoint copies them back into the database file and fsyncs both. SQLite runs it inside
 * the commit that crosses `wal_autocheckpoint`, so one request in every ~600 payments waited for
 * two fsyncs and the copy, and nothing else ran meanwhile: measured in process, 20,000 payments
 * took 143–340 µs of wall time each with the checkpoints on the event loop against 99–175 µs
 * without, and 12–19 µs more CPU each. Here a worker thread with its own connection copies the
 * WAL every CHECKPOINT_INTERVAL_MS, on the other core, while the event loop goes on. It starts
 * once the server writes enough for it to matter (startIfBusy).
 *
 * Durability is unchanged: a commit is durable once it is in the WAL (WAL, synchronous=NORMAL),
 * before and after; a checkpoint only moves committed pages into the main file. A PASSIVE
 * checkpoint takes no lock a writer waits on. If the worker cannot start or stops, the main
 * connection's own threshold (MAIN_AUTOCHECKPOINT_PAGES) is put back, as before this existed.
 * `:memory:` has no WAL and gets none.
 */
export class Checkpointer {
  #worker: Worker | undefined
  #exited: Promise<void> = Promise.resolve()
  #stopping = false
  readonly #walPath: string | undefined
  readonly #startAtBytes: number

  constructor(
    private readonly db: Database,
    private readonly path: string,
    private readonly options: CheckpointerOptions = {},
  ) {
    this.#walPath = path === ':memory:' ? undefined : `${path}-wal`
    this.#startAtBytes = options.startAtWalBytes ?? START_AT_WAL_BYTES
  }

  /** Whether a worker is running (it stops when idle, and starts again when the WAL grows). */
  get started(): boolean {
    return this.#worker !== undefined
  }

  /**
   * Starts the worker once the WAL file has reached START_AT_WAL_BYTES (a sweeper task: one
   * stat a pass until then). A server that writes little never pays for the thread: ~9 MiB of
   * RSS and ~40 ms of a cold start on 2 cores, measured. Before it starts, and if it cannot run,
   * the main connection checkpoints by itself as it always did.
   */
  startIfBusy(): void {
    if (this.#worker || this.#stopping || !this.#walPath) return
    let size: number
    try {
      size = statSync(this.#walPath).size
    } catch {
      return
    }
    if (size >= this.#startAtBytes) this.#start()
  }

  #start(): void {
    const options = this.options
    const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3')
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path: this.path, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS, idlePasses: options.idlePasses ?? IDLE_PASSES },
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    })
    this.#worker = worker
    let failed = false
    let idle = false
    const fallBack = (message: string, error?: unknown) => {
      if (failed || idle || this.#stopping) return
      failed = true
      this.#mainThreshold(MAIN_AUTOCHECKPOINT_PAGES)
      options.onNotice?.(message, error)
    }
    worker.on('message', (message: { ready?: true; checkpointed?: number; log?: number; failed?: string; idle?: true }) => {
      if (message.ready) this.#mainThreshold(FALLBACK_AUTOCHECKPOINT_PAGES)
      else if (message.checkpointed !== undefined) options.onCheckpoint?.(message.checkpointed, message.log ?? 0)
      else if (message.idle) {
        // Stopped for want of work, not failed: the main connection's own threshold until the next one starts.
        idle = true
        this.#mainThreshold(MAIN_AUTOCHECKPOINT_PAGES)
      }
      // A checkpoint that failed (a full disk, an I/O error) is tried again next time; the WAL keeps every commit meanwhile.
    })
    worker.on('error', (error) => fallBack('the checkpoint thread failed: the main connection checkpoints the WAL itself again', error))
    this.#exited = new Promise((resolve) => {
      worker.once('exit', () => {
        fallBack('the checkpoint thread stopped: the main connection checkpoints the WAL itself again')
        if (idle && this.#worker === worker) {
          this.#worker = undefined
          options.onIdle?.()
        }
        resolve()
      })
    })
    // It never keeps the process alive; close() stops it properly. (After the listeners: adding a
    // 'message' listener refs the worker's port again.)
    worker.unref()
  }

  #mainThreshold(pages: number): void {
    try {
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${pages}`)
    } catch {
      // The main connection is closing: nothing to set.
    }
  }

  /** Stops the worker (it closes its connection) and waits for it; then the main connection may close. */
  async close(): Promise<void> {
    if (!this.#worker || this.#stopping) {
      this.#stopping = true
      return this.#exited
    }
    this.#stopping = true
    // Held open until it has gone: an unref'd worker's exit would not keep a closing process waiting for it.
    this.#worker.ref()
    this.#worker.postMessage('stop')
    await this.#exited
  }
}
