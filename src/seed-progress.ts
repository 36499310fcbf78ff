import cliProgress from 'cli-progress'

export interface SeedProgress {
  update(done: number): void
  stop(): void
}

/**
 * The progress bar of `passport-mock seed` on stderr (stdout stays for the result). A seed is one
 * synchronous transaction, so no timer can fire while it runs: on a terminal cli-progress
 * redraws from `update()` itself; elsewhere (a CI log) one line is written at every tenth.
 */
export function seedProgress(stream: NodeJS.WriteStream, total: number): SeedProgress {
  const tty = stream.isTTY === true
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'seeding [{bar}] {percentage}% | {value}/{total} objects | {duration}s',
      noTTYOutput: true,
      // Lines only when told (below), not on a timer.
      notTTYSchedule: 3600 * 1000,
      hideCursor: tty,
      // Off a terminal the last line is already written; stop() would add an empty one.
      clearOnComplete: !tty,
      gracefulExit: true,
    },
    cliProgress.Presets.legacy,
  )
  bar.start(total, 0)
  let nextLine = Math.ceil(total / 10)
  return {
    update(done: number) {
      bar.update(done)
      if (!tty && done >= nextLine && done < total) {
        bar.render()
        nextLine += Math.ceil(total / 10)
      }
    },
    stop() {
      bar.update(total)
      bar.stop()
    },
  }
}
