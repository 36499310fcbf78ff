import { spawn, type ChildProcess } from 'node:child_process'
import t from 'tap'
import { processState, processTree, withOthersStopped } from '../../bench/setup.mjs'

// The bench measures each server with the others stopped (issue 15): an idle server must not
// take a share of the 2 cores from the one measured, and nothing may stay stopped afterwards.

const state = (pid: number): string | null => processState(pid)

type Server = ChildProcess & { benchUrl?: string }

/** A node process that sleeps in its event loop; with `grandchild`, it starts one more like it first. */
function server(url: string | undefined, grandchild = false): Promise<{ child: Server; grandchildPid?: number }> {
  const code = grandchild
    ? "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000)"
    : "console.log('up'); setInterval(() => {}, 1000)"
  const child: Server = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] })
  if (url !== undefined) child.benchUrl = url
  return new Promise((resolve) => child.stdout!.once('data', (d: Buffer) => resolve({ child, ...(grandchild && { grandchildPid: Number(String(d).trim()) }) })))
}

async function kill(...children: ChildProcess[]): Promise<void> {
  for (const c of children) {
    const exited = new Promise((r) => c.once('exit', r))
    c.kill('SIGCONT')
    c.kill('SIGKILL')
    await exited
  }
}

t.test('the others (and their children) are stopped while one is measured, and continued after', async (t) => {
  const measured = await server('http://127.0.0.1:1')
  const other = await server('http://127.0.0.1:2', true)
  const unlisted = await server(undefined)
  t.teardown(async () => {
    process.kill(other.grandchildPid!, 'SIGKILL')
    await kill(measured.child, other.child, unlisted.child)
  })
  t.ok(processTree(other.child.pid!).has(other.grandchildPid!), 'processTree finds the grandchild')
  const seen = await withOthersStopped([measured.child, other.child, unlisted.child], 'http://127.0.0.1:1', async () => ({
    measured: state(measured.child.pid!),
    other: state(other.child.pid!),
    grandchild: state(other.grandchildPid!),
    unlisted: state(unlisted.child.pid!),
  }))
  t.equal(seen.other, 'T', 'the other server is stopped')
  t.equal(seen.grandchild, 'T', "and the process it started")
  t.not(seen.measured, 'T', 'the measured one runs')
  t.not(seen.unlisted, 'T', 'a child that serves nothing (no benchUrl) is left alone')
  t.not(state(other.child.pid!), 'T', 'continued afterwards')
  t.not(state(other.grandchildPid!), 'T')
})

t.test('null stops them all; a failing measure still continues them', async (t) => {
  const a = await server('http://127.0.0.1:1')
  const b = await server('http://127.0.0.1:2')
  t.teardown(() => kill(a.child, b.child))
  await t.rejects(
    withOthersStopped([a.child, b.child], null, async () => {
      t.equal(state(a.child.pid!), 'T')
      t.equal(state(b.child.pid!), 'T')
      throw new Error('load failed')
    }),
    /load failed/,
  )
  t.not(state(a.child.pid!), 'T')
  t.not(state(b.child.pid!), 'T')
})
