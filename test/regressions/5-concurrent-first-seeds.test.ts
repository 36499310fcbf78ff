import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectMatchesSpec } from '../helpers/openapi.js'
import { serializeSeedResult } from '../../src/control/state/state.serializer.js'

/*
 * Issue 5 regression: the seed service created its faker lazily with `this.#faker ??= await
 * createFaker(...)`. Seeds arriving together before the first had finished each created a
 * stream of their own, from the same seed, each overwriting the last: the server had several
 * streams instead of one (CONTRACT §5), so the generated values depended on the interleaving,
 * not on SEED and the order of calls. Identical documents sent at once must give exactly what
 * the same documents sent one after the other give (compared as sets: whichever ran i-th gets
 * the stream's i-th values).
 */

const DOC = { customers: [{}], accounts: [{}] }
const N = 8

interface Seeded {
  customers: Array<Record<string, unknown>>
  accounts: Array<Record<string, unknown>>
}

function values(body: Seeded): string {
  const c = body.customers[0] as Record<string, unknown>
  const a = body.accounts[0] as Record<string, unknown>
  return JSON.stringify([c.id, c.business_name, c.email, c.identification_number, a.id, a.account_number])
}

async function seedOverHttp(t: Test, app: FastifyInstance): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/_mock/seed', payload: DOC })
  t.equal(res.statusCode, 200)
  await expectMatchesSpec(t, app, res)
  return values(res.json() as Seeded)
}

async function sequentialValues(t: Test): Promise<string[]> {
  const { app } = await buildTestApp(t)
  const out: string[] = []
  for (let i = 0; i < N; i++) out.push(await seedOverHttp(t, app))
  return out.sort()
}

t.test('gives seeds applied at once the values of the same seeds applied one after the other', async (t) => {
  const expected = await sequentialValues(t)
  t.equal(new Set(expected).size, N, `${N} documents’ worth of different values`)
  const { app } = await buildTestApp(t)
  // Straight to the service: every call reaches the lazy faker before any of them has it.
  const got = await Promise.all(Array.from({ length: N }, async () => values(serializeSeedResult(await app.services.seeds.apply(DOC)) as unknown as Seeded)))
  t.same(got.sort(), expected, 'one stream per server, whatever the interleaving')
})

t.test('gives concurrent first POST /_mock/seed the values of sequential ones', async (t) => {
  const expected = await sequentialValues(t)
  const { app } = await buildTestApp(t)
  const got = await Promise.all(Array.from({ length: N }, () => seedOverHttp(t, app)))
  t.same(got.sort(), expected, 'one stream per server, whatever the interleaving')
})
