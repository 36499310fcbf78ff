import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
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
 * a sleep that records instead of waiting; closes it when the test ends.
 */
export async function buildTestApp(t: Teardown, overrides: Partial<Config> = {}, start = '2026-01-15T12:00:00.000Z'): Promise<TestApp> {
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
  })
  t.teardown(() => app.close())
  return { app, time, sleeps }
}
