import type { AddressInfo } from 'node:net'
import { connect, type Socket } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import { answerBatchingPlugin } from '../../src/plugins/answer-batching.js'

/** A bare app whose handlers and header writes leave a trace, in order; with or without the plugin. */
async function tracedApp(t: { teardown(fn: () => unknown): void }, batching: boolean) {
  const events: string[] = []
  const app = Fastify()
  if (batching) await app.register(answerBatchingPlugin)
  app.addHook('onRequest', (request, reply, done) => {
    const writeHead = reply.raw.writeHead.bind(reply.raw) as (...args: unknown[]) => unknown
    const name = request.url.slice(1)
    ;(reply.raw as unknown as { writeHead: (...args: unknown[]) => unknown }).writeHead = (...args: unknown[]) => {
      events.push(`written ${name}`)
      return writeHead(...args)
    }
    done()
  })
  app.get('/:name', async (request, reply) => {
    const { name } = request.params as { name: string }
    if (name === 'now') reply.writeAtOnce = true
    events.push(`handled ${name}`)
    return { name }
  })
  t.teardown(() => app.close())
  await app.ready()
  return { app, events }
}

/**
 * Three requests that reach the server in the same turn of its event loop: three connections are
 * accepted, each client writes its request, and the loop is held (synchronously) until all three
 * have arrived, so one poll sees them all. Resolves with the three answers' status lines.
 */
async function threeInOneTurn(app: FastifyInstance, names = ['a', 'b', 'c']): Promise<string[]> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  let accepted = 0
  const allAccepted = new Promise<void>((resolve) => app.server.on('connection', () => ++accepted === 3 && resolve()))
  const sockets = await Promise.all(names.map((name) => new Promise<[string, Socket]>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve([name, socket]))
  })))
  await allAccepted
  const answers = sockets.map(([, socket]) => new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(chunk.toString().split('\r\n')[0] ?? ''))))
  for (const [name, socket] of sockets) socket.write(`GET /${name} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  // The requests are in the kernel now; the server reads none of them before the loop turns.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100)
  const lines = await Promise.all(answers)
  for (const [, socket] of sockets) socket.destroy()
  return lines
}

t.test('answers to requests that arrive in the same turn are written together, after the last is handled (issue 15)', async (t) => {
  const { app, events } = await tracedApp(t, true)
  t.same(await threeInOneTurn(app), ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'])
  t.same(events.slice(0, 3).map((e) => e.split(' ')[0]), ['handled', 'handled', 'handled'])
  t.same(events.slice(3).sort(), ['written a', 'written b', 'written c'])
})

t.test('without the plugin each answer is written as soon as it is handled (what the test above tells apart)', async (t) => {
  const { app, events } = await tracedApp(t, false)
  t.same(await threeInOneTurn(app), ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'])
  t.equal(events.length, 6)
  for (let i = 0; i < 6; i += 2) t.equal(events[i + 1], events[i]?.replace('handled', 'written'), `${events[i]} is written next`)
})

t.test('an answer marked writeAtOnce (payments: answered together by their commit) is written as soon as it is ready', async (t) => {
  const { app, events } = await tracedApp(t, true)
  t.same(await threeInOneTurn(app, ['a', 'now', 'c']), ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'])
  const handledNow = events.indexOf('handled now')
  t.equal(events[handledNow + 1], 'written now', 'written right after it is handled')
  t.same(events.slice(-2).sort(), ['written a', 'written c'], 'the others wait for the end of the turn')
  t.same(events.slice(0, 4).filter((e) => e !== 'written now').map((e) => e.split(' ')[0]), ['handled', 'handled', 'handled'])
})

t.test('a lone request is answered, and so is the next one, each in its own turn', async (t) => {
  const { app, events } = await tracedApp(t, true)
  t.equal((await app.inject({ url: '/a' })).statusCode, 200)
  t.equal((await app.inject({ url: '/b' })).statusCode, 200)
  t.same(events, ['handled a', 'written a', 'handled b', 'written b'])
})

t.test('requests pipelined on one connection are answered in their order', async (t) => {
  const { app } = await tracedApp(t, true)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const socket = connect(port, '127.0.0.1')
  let text = ''
  const ended = new Promise<void>((resolve) => {
    socket.on('data', (chunk) => {
      text += chunk.toString()
      if ((text.match(/HTTP\/1\.1 200/g) ?? []).length === 3) resolve()
    })
  })
  socket.write(['x', 'now', 'z'].map((name) => `GET /${name} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join(''))
  await ended
  socket.destroy()
  const names = [...text.matchAll(/\{"name":"(\w+)"\}/g)].map((m) => m[1])
  t.same(names, ['x', 'now', 'z'])
})
