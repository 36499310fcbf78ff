#!/usr/bin/env node
// Reference servers for `npm run bench` (issue 5), to say where the mock's time goes:
//   fastify  the same account JSON from a bare Fastify route: no hooks, no auth, no database
//   naive    the "naive fastify + better-sqlite3 prototype" of the issue: GET /v1/accounts/:id
//            reads the row by id from the same database file and answers it, no auth, no hooks
// PORT and HOST from the environment; BODY (fastify) or DATABASE_PATH (naive).
import Database from 'better-sqlite3'
import Fastify from 'fastify'

const mode = process.argv[2]
const app = Fastify({ logger: false })
if (mode === 'fastify') {
  const body = process.env.BODY ?? '{}'
  app.get('/v1/accounts/:account_id', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body))
} else if (mode === 'naive') {
  const db = new Database(process.env.DATABASE_PATH)
  db.pragma('journal_mode = WAL')
  const byId = db.prepare('SELECT * FROM accounts WHERE id = ?')
  app.get('/v1/accounts/:account_id', async (request, reply) => {
    const row = byId.get(request.params.account_id)
    if (!row) return reply.code(404).send({ code: 'not_found' })
    return {
      id: row.id,
      customer_id: row.customer_id,
      account_number: row.account_number,
      account_type: row.account_type,
      status: row.status,
      available_balance: { value: row.available_minor, currency: 'COP' },
      pending_balance: { value: row.pending_minor, currency: 'COP' },
      created_at: row.created_at,
      updated_at: row.updated_at,
    }
  })
} else {
  process.stderr.write('usage: reference-server.mjs fastify|naive\n')
  process.exit(2)
}
app.get('/', async () => 'ok')
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' })
