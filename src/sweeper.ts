/** One job the sweeper runs on every pass: settle what fell due, send what is waiting. */
export type SweepTask = () => unknown

/**
 * The one timer of the app (STYLE rule 3): what happens later is a row with a due time, and
 * the sweeper runs whatever fell due, every `intervalMs` and at once when asked (after a
 * clock move, in tests). Passes never overlap; a failing task is reported and the next runs.
 */
export class Sweeper {
  readonly #tasks: SweepTask[] = []
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  constructor(private readonly onError: (error: unknown) => void) {}

  add(task: SweepTask): void {
    this.#tasks.push(task)
  }

  /** Runs one pass; a caller arriving during a pass waits for it, then gets a fresh one. */
  async runDue(): Promise<void> {
    while (this.#running) await this.#running
    this.#running = (async () => {
      for (const task of this.#tasks) {
        try {
          await task()
        } catch (error) {
          this.onError(error)
        }
      }
    })()
    try {
      await this.#running
    } finally {
      this.#running = undefined
    }
  }

  /** Starts the timer (unref'd: it never keeps the process alive) and runs a first pass now. */
  start(intervalMs: number): void {
    if (this.#timer || intervalMs <= 0) return
    this.#timer = setInterval(() => void this.runDue(), intervalMs)
    this.#timer.unref()
    void this.runDue()
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    while (this.#running) await this.#running
  }
}
