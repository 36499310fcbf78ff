import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { at, buildWebhookApp, DEFAULT_ENTITY } from '../helpers/webhooks.js'

// Issue 15: a webhook send opened and closed a connection of its own; sends to one receiver now
// reuse its sockets (at most its 8 lanes' worth), and none outlives the app.

const SECRET = 'whsec_sockets'

interface CountingReceiver {
  url: string
  ids: string[]
  connections: () => number
  open: () => number
  server: Server
}

/** A receiver on 127.0.0.1, port 0, that counts the connections it was given and those still open. */
async function countingReceiver(t: { teardown(fn: () => unknown): void }, configure: (server: Server) => void = () => undefined): Promise<CountingReceiver> {
  const ids: string[] = []
  const sockets = new Set<Socket>()
  let connections = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      ids.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id)
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  server.on('connection', (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  configure(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hooks`, ids, connections: () => connections, open: () => sockets.size, server }
}

function emitEvents(app: FastifyInstance, n: number): void {
  app.services.db.transaction(() => {
    for (let i = 0; i < n; i++) app.services.events.emit(DEFAULT_ENTITY, 'payment.outbound.confirmed', { n: i })
  })()
}

async function waitFor(done: () => boolean, limitMs = 5000): Promise<void> {
  const start = performance.now()
  while (!done() && performance.now() - start < limitMs) await new Promise((resolve) => setTimeout(resolve, 5))
}

t.test('sends to one receiver reuse its sockets: 300 events over at most 8 connections, each event once', async (t) => {
  const receiver = await countingReceiver(t)
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: receiver.url, webhookSecret: SECRET } })
  emitEvents(app, 300)
  app.services.webhookDelivery.deliverDue()
  await app.services.webhookDelivery.idle()
  await waitFor(() => receiver.ids.length >= 300)
  t.equal(receiver.ids.length, 300, 'every event arrived')
  t.equal(new Set(receiver.ids).size, 300, 'none twice')
  t.ok(receiver.connections() <= 8, `${receiver.connections()} connections for 300 sends (at most the receiver's 8 lanes)`)
  const jobs = app.services.db.prepare("SELECT state, COUNT(*) AS n FROM webhook_jobs GROUP BY state").all()
  t.same(jobs, [{ state: 'delivered', n: 300 }], 'every job recorded as delivered')
})

t.test('closing the app closes its idle sockets to the receiver', async (t) => {
  const receiver = await countingReceiver(t)
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: receiver.url, webhookSecret: SECRET }, autoClose: false })
  emitEvents(app, 20)
  app.services.webhookDelivery.deliverDue()
  await app.services.webhookDelivery.idle()
  await waitFor(() => receiver.ids.length >= 20)
  t.ok(receiver.open() > 0, 'kept alive between sends')
  await app.close()
  await waitFor(() => receiver.open() === 0, 2000)
  t.equal(receiver.open(), 0, 'none outlives the app')
})

t.test('a receiver that closes idle connections sooner than the mock would reuse them still gets every event', async (t) => {
  // 30 ms: far below the mock's IDLE_SOCKET_MS; each send waits 60 ms after the last, so every
  // socket in the pool was closed by the receiver in between.
  const receiver = await countingReceiver(t, (server) => {
    server.keepAliveTimeout = 30
  })
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: receiver.url, webhookSecret: SECRET, webhookMode: 'once' } })
  for (let i = 0; i < 5; i++) {
    emitEvents(app, 1)
    app.services.webhookDelivery.deliverDue()
    await app.services.webhookDelivery.idle()
    await new Promise((resolve) => setTimeout(resolve, 60))
  }
  t.equal(receiver.ids.length, 5, 'every event arrived')
  const statuses = app.services.stores.webhooks.deliveries({ limit: 10 }).map((d) => d.status)
  t.same(statuses, [200, 200, 200, 200, 200], 'no attempt failed on a socket the receiver had closed')
})

t.test('a receiver that answers Connection: close gets every event, on a connection each', async (t) => {
  const receiver = await countingReceiver(t, (server) => {
    server.on('request', (_req, res) => res.setHeader('connection', 'close'))
  })
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: receiver.url, webhookSecret: SECRET } })
  emitEvents(app, 40)
  app.services.webhookDelivery.deliverDue()
  await app.services.webhookDelivery.idle()
  await waitFor(() => receiver.ids.length >= 40)
  t.equal(new Set(receiver.ids).size, 40)
  t.equal(receiver.connections(), 40, 'the mock honours the receiver’s close')
  t.ok(app.services.stores.webhooks.deliveries({ limit: 100 }).every((d) => d.status === 200), 'every attempt succeeded')
})

// Issue 15: the attempts that end in one turn are recorded in one transaction, each in a savepoint.
t.test('attempts recorded together: one that cannot be written leaves no trace, the others are recorded', async (t) => {
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: 'http://127.0.0.1:9/hooks', webhookSecret: SECRET } })
  emitEvents(app, 3)
  const store = app.services.stores.webhooks
  const jobs = store.dueJobs(Date.now() + 1, 10)
  t.equal(jobs.length, 3)
  const attempt = (job: (typeof jobs)[number], type: string | null) => ({
    delivery: { id: `attempt-${job.id}`, jobId: job.id, eventId: job.eventId, type: type as string, url: job.url, attempt: 1, status: 200, error: null, at: '2026-01-15T12:00:00.000Z' },
    update: { attempts: 1, state: 'delivered' as const, nextAttemptMs: 0 },
  })
  // The second breaks NOT NULL on the log's type.
  const outcomes = store.recordAttempts([attempt(at(jobs, 0), 'payment.outbound.confirmed'), attempt(at(jobs, 1), null), attempt(at(jobs, 2), 'payment.outbound.confirmed')])
  t.equal(outcomes[0], true)
  t.match(outcomes[1], { code: 'SQLITE_CONSTRAINT_NOTNULL' })
  t.equal(outcomes[2], true)
  const states = app.services.db.prepare('SELECT id, state, attempts FROM webhook_jobs').all() as { id: string; state: string; attempts: number }[]
  const stateOf = (id: string) => states.find((s) => s.id === id)
  t.match(stateOf(at(jobs, 0).id), { state: 'delivered', attempts: 1 })
  t.match(stateOf(at(jobs, 1).id), { state: 'pending', attempts: 0 }, 'the failed one: its job untouched, still to send')
  t.match(stateOf(at(jobs, 2).id), { state: 'delivered', attempts: 1 })
  t.same(store.deliveries({ limit: 10 }).map((d) => d.jobId).sort(), [at(jobs, 0).id, at(jobs, 2).id].sort(), 'no log row for the failed one')
})

t.test('sends whose records cannot be committed report the error, stay pending and go again on the next pass', async (t) => {
  const receiver = await countingReceiver(t)
  const { app } = await buildWebhookApp(t, { config: { webhookUrl: receiver.url, webhookSecret: SECRET } })
  const store = app.services.stores.webhooks
  const real = store.recordAttempts.bind(store)
  let full = true
  let refused = 0
  store.recordAttempts = (attempts) => {
    if (!full) return real(attempts)
    refused += attempts.length
    throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
  }
  t.teardown(() => {
    store.recordAttempts = real
  })
  const delivery = app.services.webhookDelivery
  emitEvents(app, 5)
  t.equal(delivery.deliverDue(), 5)
  await delivery.idle()
  t.equal(receiver.ids.length, 5, 'each sent once')
  t.equal(refused, 5, 'each record was tried')
  t.equal(store.deliveries({ limit: 10 }).length, 0, 'nothing recorded: the commit failed')
  t.equal((app.services.db.prepare("SELECT COUNT(*) AS n FROM webhook_jobs WHERE state = 'pending'").get() as { n: number }).n, 5, 'every job still pending')
  t.equal(delivery.inFlight, 0, 'none left in flight')
  full = false
  delivery.deliverDue()
  await delivery.idle()
  t.equal(receiver.ids.length, 10, 'sent again on the next pass (at least once, as after a crash between a send and its record)')
  t.equal(store.deliveries({ limit: 10 }).length, 5, 'recorded this time')
  t.equal((app.services.db.prepare("SELECT COUNT(*) AS n FROM webhook_jobs WHERE state = 'delivered'").get() as { n: number }).n, 5)
})
