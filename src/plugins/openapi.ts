import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
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

/**
 * The OpenAPI document, built by @fastify/swagger from the same route schemas that validate
 * requests and serialise responses (STYLE rule 5), at `/documentation/json`; Swagger UI at
 * `/documentation`. Registered before the routes so it sees every one of them.
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
          { name: 'Payments', description: 'Bre-B payments and their lifecycle' },
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
    await app.register(swaggerUi, { routePrefix: '/documentation', uiConfig: { docExpansion: 'list', deepLinking: true } })
  },
  { name: 'openapi' },
)
