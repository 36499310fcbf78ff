import Type from 'typebox'
import { TimestampSchema } from '../../plugins/common-schemas.js'

/** About a century either way: far enough for any expiry test, near enough for ISO 8601. */
export const MAX_ADVANCE_SECONDS = 100 * 366 * 86400

export const ClockSchema = Type.Object(
  {
    now: TimestampSchema,
    frozen: Type.Boolean({ description: 'true: the clock stands still until set, advanced or unfrozen' }),
  },
  { additionalProperties: false },
)

/** Exactly one of the three moves (checked by the service, so the message names them). */
export const MoveClockBodySchema = Type.Object(
  {
    set: Type.Optional(Type.String({ format: 'date-time', description: 'Jump to this time (ISO 8601 with a zone); a frozen clock stays frozen there', examples: ['2026-01-15T12:00:00.000Z'] })),
    advance_seconds: Type.Optional(
      Type.Number({
        minimum: -MAX_ADVANCE_SECONDS,
        maximum: MAX_ADVANCE_SECONDS,
        description: 'Move by this many seconds: fractions to the millisecond, negative moves back',
        examples: [86401, 1.5],
      }),
    ),
    freeze: Type.Optional(Type.Boolean({ description: 'true: stop the clock at its current time; false: let it run on from there' })),
  },
  { additionalProperties: false, description: 'Exactly one of `set`, `advance_seconds`, `freeze`' },
)
