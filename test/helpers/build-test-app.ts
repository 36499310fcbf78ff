import type { FastifyInstance } from 'fastify'
import { type AppDeps, buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { ManualTime } from '../../src/core/clock.js'

export interface TestApp {
  app: FastifyInstance
  /** Wall time under the mock's clock: tests move it instead of sleeping. */
  time: ManualTime
  /** Every fault-rule delay the app asked for, in ms (nothing really waits). */
  sleeps: number[]
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/**
 * Builds the real app on an in-memory database with the default fixtures, a manual clock and
 * a sleep that records instead of waiting; closes it when the test ends. Every webhook event is
 * written to the outbox, also those no endpoint wants (the app leaves those out), so that a test
 * reads what was emitted there; `deps` may say otherwise (test/webhooks/unwanted-events.test.ts).
 */
export async function buildTestApp(t: Teardown, overrides: Partial<Config> = {}, start = '2026-01-15T12:00:00.000Z', deps: Partial<AppDeps> = {}): Promise<TestApp> {
  const time = new ManualTime(start)
  const sleeps: number[] = []
  const config = { ...loadConfig({}), databasePath: ':memory:', logLevel: 'silent' as const, ...overrides }
  const app = await buildApp(config, {
    timeSource: time,
    // No timer: a test moves the clock, then runs what fell due with app.services.sweeper.runDue().
    sweepIntervalMs: 0,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    recordEveryEvent: true,
    ...deps,
  })
  t.teardown(() => app.close())
  return { app, time, sleeps }
}
