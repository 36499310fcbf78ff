import swagger from '@fastify/swagger'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { PassportError } from '../core/errors.js'
import { ALL_SCOPES } from '../core/scopes.js'
import { OPENAPI_COMPONENTS } from './openapi-components.js'
import { ComponentIndex } from './openapi-refs.js'
import { OPERATION_IDS } from './operation-ids.js'

type BodySchema = { required?: string[]; $ref?: string }
type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: BodySchema }> } }
type OpenApiDocument = {
  openapi: string
  info: Record<string, unknown>
  servers?: unknown[]
  components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> }
  paths?: Record<string, Record<string, Operation>>
  [key: string]: unknown
}
type RouteSchema = Record<string, unknown> & { hide?: boolean; operationId?: string; body?: unknown; response?: Record<string, Record<string, unknown>> }

/**
 * @fastify/swagger marks every request body required. Here a missing body is read as `{}`
 * (content-types plugin), so a body whose schema requires no field is optional on the wire.
 */
function markOptionalBodies(document: OpenApiDocument) {
  const named = (document.components.schemas ?? {}) as Record<string, BodySchema>
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const body = operation.requestBody
      if (!body?.content) continue
      const resolve = (schema?: BodySchema) => (schema?.$ref ? named[schema.$ref.replace('#/components/schemas/', '')] : schema)
      const requiresAField = Object.values(body.content).some((media) => (resolve(media.schema)?.required?.length ?? 0) > 0)
      if (!requiresAField) body.required = false
    }
  }
  return document
}

/** What a success answers, when neither the schema nor its component says it. */
const SUCCESS_DESCRIPTIONS: Record<string, string> = { 200: 'OK', 201: 'Created', 204: 'No content' }

/**
 * The security of an operation (issue 13 §3): `/v1` takes a bearer token, which Swagger UI can
 * also fetch itself through the OAuth2 client-credentials flow (the route's scope listed); the
 * token request takes none; `/_mock` takes `X-Mock-Admin-Token` only when MOCK_ADMIN_TOKEN is set
 * (hence the empty alternative), health never.
 */
function securityOf(path: string, config: { public?: boolean; scope?: string; adminExempt?: boolean } | undefined) {
  if (path.startsWith('/_mock')) return config?.adminExempt ? [] : [{ mockAdminToken: [] }, {}]
  if (config?.public) return []
  return [{ bearerAuth: [] }, { oauth2: config?.scope ? [config.scope] : [] }]
}

/**
 * The route schema as the document shows it: its operationId and security, and its body and
 * responses with every named shape as a `$ref` (openapi-refs.ts). A copy: the route's own
 * schema, which validates and serialises, is left as it is.
 */
function documentedRoute(index: ComponentIndex, used: Set<string>) {
  return ({ schema, url, route }: { schema: unknown; url: string; route: { method: string | string[]; config?: unknown } }) => {
    const original = schema as RouteSchema | undefined
    if (!original || original.hide) return { schema: original, url }
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    const method = Array.isArray(route.method) ? route.method[0] : route.method
    const operationId = original.operationId ?? OPERATION_IDS[`${method} ${path}`]
    if (!operationId) throw new Error(`${method} ${path} has no operationId: add it to src/plugins/operation-ids.ts`)
    const out: RouteSchema = { ...original, operationId, security: securityOf(path, route.config as never) }
    if (original.body) out.body = index.rewrite(original.body, used)
    if (original.response) {
      out.response = Object.fromEntries(
        Object.entries(original.response).map(([status, response]) => {
          const found = index.find(response)
          const description = (response.description as string | undefined) ?? found?.description ?? SUCCESS_DESCRIPTIONS[status] ?? 'Error'
          if (response.type === 'null') return [status, { ...response, description }]
          if (found) used.add(found.name)
          const body = found ? { $ref: `#/components/schemas/${found.name}` } : (index.rewrite(response, used) as Record<string, unknown>)
          return [status, { ...body, description }]
        }),
      )
    }
    return { schema: out, url }
  }
}

/** The OAuth2 client-credentials flow Swagger UI's Authorize runs against the token endpoint. */
function oauth2Scheme(origin: string) {
  return {
    type: 'oauth2',
    description: 'Client id and secret (the fixtures’: passport-mock-client / passport-mock-secret); Swagger UI requests the token itself',
    flows: { clientCredentials: { tokenUrl: `${origin}/v1/iam/oauth/tokens`, scopes: Object.fromEntries(ALL_SCOPES.map((scope) => [scope, scope])) } },
  }
}

/** The document with this server's URL (the one its reader reached), first after `info`. */
export function documentFor(document: OpenApiDocument, origin: string): OpenApiDocument {
  const { openapi, info, servers: _servers, components, ...rest } = document
  return {
    openapi,
    info,
    servers: [{ url: origin, description: 'This mock' }],
    ...rest,
    components: { ...components, securitySchemes: { ...components.securitySchemes, oauth2: oauth2Scheme(origin) } },
  }
}

/** `http://host:port` as the request named it, or the configured address when its Host is odd. */
function originOf(request: FastifyRequest, fallback: string): string {
  const host = request.host
  return typeof host === 'string' && /^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/.test(host) ? `${request.protocol}://${host}` : fallback
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
  async (app: FastifyInstance, { version, origin }: { version: string; origin: string }) => {
    // Built with the document, on its first request: nothing of it weighs on a cold start.
    let index: ComponentIndex | undefined
    const used = new Set<string>()
    await app.register(swagger, {
      transform: (route) => documentedRoute((index ??= new ComponentIndex(OPENAPI_COMPONENTS)), used)(route as never) as never,
      transformObject: (documentObject) => {
        const document = (documentObject as { openapiObject: OpenApiDocument }).openapiObject
        document.components.schemas = { ...document.components.schemas, ...(index ??= new ComponentIndex(OPENAPI_COMPONENTS)).schemas(used) }
        return documentFor(markOptionalBodies(document), origin) as never
      },
      openapi: {
        openapi: '3.1.0',
        servers: [{ url: origin, description: 'This mock, as configured' }],
        info: {
          title: 'passport-mock',
          version,
          license: { name: 'MIT', identifier: 'MIT' },
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
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'An access token from POST /v1/iam/oauth/tokens, pasted' },
            oauth2: oauth2Scheme(origin) as never,
            mockAdminToken: { type: 'apiKey', in: 'header', name: 'X-Mock-Admin-Token', description: 'Needed on /_mock when MOCK_ADMIN_TOKEN is set' },
          },
        },
      },
    })
    const hidden = { schema: { hide: true } }
    const documentOf = (request: FastifyRequest) => documentFor(app.swagger() as unknown as OpenApiDocument, originOf(request, origin))
    app.get('/documentation/json', hidden, async (request) => documentOf(request))
    app.get('/documentation/yaml', hidden, async (request, reply) => {
      // Loaded on first use, as Swagger UI is: a cold start never needs it.
      const { stringify } = await import('yaml')
      return reply.type('application/x-yaml').send(stringify(documentOf(request), { strict: false }))
    })

    let docs: Promise<FastifyInstance> | undefined
    app.addHook('onClose', async () => {
      if (docs) await (await docs).close()
    })
    async function swaggerUiPage(request: FastifyRequest, reply: FastifyReply) {
      docs ??= buildSwaggerUiApp(documentOf(request))
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
