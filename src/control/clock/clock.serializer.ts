/** The clock on the wire: ISO 8601 UTC with milliseconds, and whether it stands still. */
export function serializeClock(clock: { now: Date; frozen: boolean }) {
  return { now: clock.now.toISOString(), frozen: clock.frozen }
}
