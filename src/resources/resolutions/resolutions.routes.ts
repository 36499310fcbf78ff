import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import type { ValidateInput } from './resolutions.service.js'
import { ResolutionSchema, ResolveKeyBodySchema, ValidateKeyBodySchema, ValidationSchema } from './resolutions.schemas.js'
import { serializeResolution } from './resolutions.serializer.js'

const tags = ['Bre-B keys']
const security = [{ bearerAuth: [] }]

/** `POST /v1/resolve-key` and `POST /v1/validate-key` (CONTRACT §4; reference B §4). */
export async function resolutionsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { resolutions } = services

  app.post(
    '/v1/resolve-key',
    {
      config: { scope: 'paas.core.account_keys.resolve.post' },
      schema: {
        tags,
        security,
        summary: 'Resolve a key: its owner and account, and a resolution_id valid 30 minutes',
        description:
          'A key registered here resolves to its account and owner, in whichever entity; a well-formed value registered nowhere resolves to a stable generated owner at an outside bank. A SUSPENDED key and PHONE 3000000404 are 404 key_not_found.',
        body: ResolveKeyBodySchema,
        response: { 200: ResolutionSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => serializeResolution(resolutions.resolveKey(principalOf(request), request.body)),
  )

  app.post(
    '/v1/validate-key',
    {
      config: { scope: 'paas.core.account_keys.resolve.post' },
      schema: {
        tags,
        security,
        summary: 'Validate a key against expected owner, participant or account data',
        body: ValidateKeyBodySchema,
        response: { 200: ValidationSchema, ...errorResponses(400, 401, 404, 413, 415, 500) },
      },
    },
    async (request) => resolutions.validate(request.body as ValidateInput),
  )
}
