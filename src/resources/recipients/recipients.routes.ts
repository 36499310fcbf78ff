import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { ResolutionSchema } from '../resolutions/resolutions.schemas.js'
import { serializeResolution } from '../resolutions/resolutions.serializer.js'
import {
  AchRecipientSchema,
  BrebRecipientSchema,
  CreateAchRecipientBodySchema,
  CreateBrebRecipientBodySchema,
  RecipientIdParamsSchema,
  RecipientListQuerySchema,
  RecipientListSchema,
} from './recipients.schemas.js'
import { serializeAchRecipient, serializeBrebRecipient, serializeRecipient } from './recipients.serializer.js'

const tags = ['Recipients']
const security = [{ bearerAuth: [] }]

/** `/v1/recipients` (CONTRACT §4 "Recipients"; reference B §5). */
export async function recipientsRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { recipients, clock } = services

  app.post(
    '/v1/recipients/breb',
    {
      config: { scope: 'paas.core.breb_recipients.post' },
      schema: {
        tags,
        security,
        summary: 'Save a Bre-B recipient (a key) for a customer',
        description: 'The key’s format is checked (MOBILE is answered as PHONE) but the key is not resolved: resolve it with POST /v1/recipients/{recipient_id}/resolve.',
        body: CreateBrebRecipientBodySchema,
        response: { 200: BrebRecipientSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => serializeBrebRecipient(recipients.createBreb(principalOf(request), request.body)),
  )

  app.post(
    '/v1/recipients/ach',
    {
      config: { scope: 'paas.core.breb_recipients.post' },
      schema: {
        tags,
        security,
        summary: 'Save an ACH recipient (a bank account) for a customer',
        description: 'INDIVIDUAL owners need first_name and first_last_name, BUSINESS owners business_name.',
        body: CreateAchRecipientBodySchema,
        response: { 200: AchRecipientSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => serializeAchRecipient(recipients.createAch(principalOf(request), request.body)),
  )

  app.get(
    '/v1/recipients',
    {
      config: { scope: 'paas.core.breb_recipients.list.get' },
      schema: {
        tags,
        security,
        summary: 'List Bre-B and ACH recipients',
        querystring: RecipientListQuerySchema,
        response: { 200: RecipientListSchema, ...errorResponses(400, 401, 403, 500) },
      },
    },
    async (request) => {
      const { customer_id, type, recipient_id, identification_number, account_number, account_type } = request.query
      const page = readPageRequest(request.query)
      // https://docs.passportfintech.com/EN/list-all-recipients: `type` "for example, INDIVIDUAL or BUSINESS".
      const ownerType = type === 'INDIVIDUAL' || type === 'BUSINESS' ? type : undefined
      const { rows, total } = recipients.list(
        principalOf(request),
        { customer_id, type: ownerType === undefined ? type : undefined, owner_type: ownerType, id: recipient_id, identification_number, account_number, account_type },
        page,
      )
      return { recipients: rows.map(serializeRecipient), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/recipients/breb/:recipient_id',
    {
      config: { scope: 'paas.core.breb_recipients.get' },
      schema: {
        tags,
        security,
        summary: 'Retrieve a Bre-B recipient',
        description: 'An ACH recipient is 404 here.',
        params: RecipientIdParamsSchema,
        response: { 200: BrebRecipientSchema, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => serializeBrebRecipient(recipients.requireOfType(principalOf(request), request.params.recipient_id, 'BREB')),
  )

  app.get(
    '/v1/recipients/ach/:recipient_id',
    {
      config: { scope: 'paas.core.breb_recipients.get' },
      schema: {
        tags,
        security,
        summary: 'Retrieve an ACH recipient',
        description: 'A Bre-B recipient is 404 here.',
        params: RecipientIdParamsSchema,
        response: { 200: AchRecipientSchema, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => serializeAchRecipient(recipients.requireOfType(principalOf(request), request.params.recipient_id, 'ACH')),
  )

  app.delete(
    '/v1/recipients/:recipient_id',
    {
      config: { scope: 'paas.core.breb_recipients.delete' },
      schema: {
        tags,
        security,
        summary: 'Delete a recipient (Bre-B or ACH)',
        description: 'Afterwards 404. Resolutions already made from it stay valid.',
        params: RecipientIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      recipients.delete(principalOf(request), request.params.recipient_id)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/v1/recipients/:recipient_id/resolve',
    {
      config: { scope: 'paas.core.account_keys.resolve.post' },
      schema: {
        tags,
        security,
        summary: 'Resolve a Bre-B recipient’s key: a resolution_id valid 30 minutes',
        description:
          'No body (an empty JSON body is accepted). Answers what POST /v1/resolve-key answers for the recipient’s key and customer. An ACH recipient is 400; a SUSPENDED key and PHONE 3000000404 are 404 key_not_found.',
        params: RecipientIdParamsSchema,
        response: { 200: ResolutionSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => serializeResolution(recipients.resolve(principalOf(request), request.params.recipient_id)),
  )
}
