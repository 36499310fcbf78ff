import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { JournalListSchema, JournalQuerySchema } from './journal.schemas.js'
import { serializeJournalEntry } from './journal.serializer.js'

const tags = ['mock-control']

/** `/_mock/requests` (CONTRACT §5 "Journal"): the recent `/v1` requests, for QA and debugging. */
export async function journalRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { journal } = services

  app.get(
    '/_mock/requests',
    {
      schema: {
        tags,
        summary: 'The recent /v1 requests, newest first',
        description:
          'A ring of the last JOURNAL_SIZE `/v1` requests (0: none are kept), unknown paths included; `/_mock` is never recorded. Each entry has the request (method, URL, headers, body) and the response (status, headers, body, cut at 65,536 characters and marked so). Secrets never appear: `Authorization`, cookies and the admin token are redacted among the headers, and `client_secret`, `secret` and `access_token` fields of bodies and query parameters are redacted.',
        querystring: JournalQuerySchema,
        response: { 200: JournalListSchema, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => ({
      requests: journal
        .list({ method: request.query.method, path: request.query.path, status: request.query.status, limit: request.query.limit ?? 100 })
        .map(serializeJournalEntry),
    }),
  )

  app.delete(
    '/_mock/requests',
    {
      schema: { tags, summary: 'Empty the journal', response: { 204: NoContentSchema, ...errorResponses(400, 401, 413, 415, 500) } },
    },
    async (_request, reply) => {
      journal.clear()
      return reply.code(204).send(null)
    },
  )
}
