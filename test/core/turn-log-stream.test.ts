import { setImmediate as nextTurn } from 'node:timers/promises'
import t from 'tap'
import { TurnLogStream } from '../../src/core/turn-log-stream.js'

/** A writer that records each chunk it is handed and each synchronous flush asked of it. */
function recordingTarget() {
  const chunks: string[] = []
  let flushes = 0
  return {
    chunks,
    flushes: () => flushes,
    target: {
      write: (chunk: string) => chunks.push(chunk),
      flushSync: () => {
        flushes++
      },
    },
  }
}

t.test("a turn's lines reach the writer as one chunk, in order, at the end of the turn", async (t) => {
  const { chunks, target } = recordingTarget()
  const stream = new TurnLogStream(target)
  stream.write('{"n":1}\n')
  stream.write('{"n":2}\n')
  stream.write('{"n":3}\n')
  t.same(chunks, [], 'nothing is handed over within the turn')
  await nextTurn()
  t.same(chunks, ['{"n":1}\n{"n":2}\n{"n":3}\n'], 'one chunk: the three lines joined, first to last')
})

t.test('lines of the next turn make a chunk of their own; a quiet turn hands over nothing', async (t) => {
  const { chunks, target } = recordingTarget()
  const stream = new TurnLogStream(target)
  stream.write('a\n')
  await nextTurn()
  await nextTurn()
  stream.write('b\n')
  stream.write('c\n')
  await nextTurn()
  t.same(chunks, ['a\n', 'b\nc\n'])
})

t.test('flushSync hands over what the turn holds at once, then asks the writer to flush', async (t) => {
  const { chunks, flushes, target } = recordingTarget()
  const stream = new TurnLogStream(target)
  stream.write('last words\n')
  stream.flushSync()
  t.same(chunks, ['last words\n'], 'written before the turn ends')
  t.equal(flushes(), 1, 'the writer was asked to write everything out')
  await nextTurn()
  t.same(chunks, ['last words\n'], 'the end of the turn does not write it twice')
})

t.test('a writer without flushSync is still handed the lines', async (t) => {
  const chunks: string[] = []
  const stream = new TurnLogStream({ write: (chunk: string) => chunks.push(chunk) })
  stream.write('x\n')
  stream.flushSync()
  t.same(chunks, ['x\n'])
})
