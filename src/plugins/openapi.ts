import swagger from '@fastify/swagger'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { PassportError } from '../core/errors.js'
import { ErrorBodySchema } from './common-schemas.js'

type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: { required?: string[] } }> } }

/**
 * @fastify/swagger marks every request body required. Here a missing body is read as `{}`
 * (content-types plugin), so a body whose schema requires no field is optional on the wire.
 */
function markOptionalBodies(document: { paths?: Record<string, Record<string, Operation>> }) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const body = operation.requestBody
      if (!body?.content) continue
      const requiresAField = Object.values(body.content).some((media) => (media.schema?.required?.length ?? 0) > 0)
      if (!requiresAField) body.required = false
    }
  }
  return document
}

const UI_CONFIG = { docExpansion: 'list', deepLinking: true } as const

/** Headers of the Swagger UI answer that mean something to a browser; the rest are per connection. */
const FORWARDED_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified', 'location', 'accept-ranges', 'vary']

/**
 * Swagger UI in an app of its own, built on its first request: @fastify/swagger-ui (with
 * @fastify/static and the swagger-ui-dist files) was about 50 ms of every cold start (issue 5),
 * for a page a CI run never opens. It serves the main app's document as a static specification.
 */
async function buildSwaggerUiApp(document: Record<string, unknown>): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swaggerUi }] = await Promise.all([import('fastify'), import('@fastify/swagger-ui')])
  const docs = Fastify({ logger: false })
  await docs.register(swagger, { mode: 'static', specification: { document: document as never } })
  await docs.register(swaggerUi, { routePrefix: '/documentation', uiConfig: UI_CONFIG })
  await docs.ready()
  return docs
}

/**
 * The OpenAPI document, built by @fastify/swagger from the same route schemas that validate
 * requests and serialise responses (STYLE rule 5), at `/documentation/json` (and `/yaml`);
 * Swagger UI at `/documentation`, loaded on first use. Registered before the routes so it sees
 * every one of them.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance, { version }: { version: string }) => {
    await app.register(swagger, {
      transformObject: (documentObject) => markOptionalBodies((documentObject as { openapiObject: never }).openapiObject),
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'passport-mock',
          version,
          description:
            'An offline stand-in for the Passport (Colombia, Bre-B) API. `/v1` answers as the real sandbox does; `/_mock` (tag `mock-control`) is the mock’s own control plane. Every error body has the seven fields of the `Error` schema. To look rather than read JSON, open the [QA console](/_mock/ui): accounts, payments, requests, fault rules, the clock and webhooks in one page.',
        },
        tags: [
          { name: 'Tokens', description: 'OAuth2 client-credentials tokens' },
          { name: 'Customers', description: 'Business customers of the entity' },
          { name: 'Accounts', description: 'Linked accounts and their balances' },
          { name: 'Bre-B keys', description: 'Keys of the Bre-B directory, their resolution and validation' },
          { name: 'Recipients', description: 'Saved payees of a customer: Bre-B keys and ACH bank accounts' },
          { name: 'Payments', description: 'Bre-B and ACH payments and their lifecycle' },
          { name: 'QR codes', description: 'Bre-B QR codes: EMVCo payloads with their PNG, and decoding' },
          { name: 'mock-control', description: 'The mock’s control plane (not part of the Passport API)' },
        ],
        components: {
          schemas: { Error: ErrorBodySchema },
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'An access token from POST /v1/iam/oauth/tokens' },
            mockAdminToken: { type: 'apiKey', in: 'header', name: 'X-Mock-Admin-Token', description: 'Needed on /_mock when MOCK_ADMIN_TOKEN is set' },
          },
        },
      },
    })
    const hidden = { schema: { hide: true } }
    app.get('/documentation/json', hidden, async () => app.swagger())
    app.get('/documentation/yaml', hidden, async (_request, reply) => reply.type('application/x-yaml').send(app.swagger({ yaml: true })))

    let docs: Promise<FastifyInstance> | undefined
    app.addHook('onClose', async () => {
      if (docs) await (await docs).close()
    })
    async function swaggerUiPage(request: FastifyRequest, reply: FastifyReply) {
      docs ??= buildSwaggerUiApp(app.swagger() as unknown as Record<string, unknown>)
      const headers: Record<string, string> = {}
      for (const name of ['accept', 'if-none-match', 'if-modified-since', 'range']) {
        const value = request.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      const res = await (await docs).inject({ method: request.method as 'GET' | 'HEAD', url: request.url, headers })
      // An unknown file under /documentation answers like any unknown path (CONTRACT §2).
      if (res.statusCode === 404) throw new PassportError('route_not_found')
      for (const name of FORWARDED_HEADERS) {
        const value = res.headers[name]
        if (value !== undefined) reply.header(name, value)
      }
      reply.code(res.statusCode)
      return res.rawPayload.length === 0 ? reply.send() : reply.send(res.rawPayload)
    }
    app.get('/documentation', hidden, swaggerUiPage)
    app.get('/documentation/*', hidden, swaggerUiPage)
  },
  { name: 'openapi' },
)
