import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { canonicalKeyType, canonicalKeyValue } from '../../core/key-formats.js'
import { paginationInfo, readPageRequest } from '../../core/pagination.js'
import { principalOf } from '../../plugins/auth.js'
import { errorResponses, NoContentSchema } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import {
  CreateQrCodeBodySchema,
  DecodedQrCodeSchema,
  DecodeQrCodeBodySchema,
  QrCodeIdParamsSchema,
  QrCodeListQuerySchema,
  QrCodeListSchema,
  QrCodeSchema,
} from './qrcodes.schemas.js'
import { serializeDecodedQrCode, serializeQrCode } from './qrcodes.serializer.js'

const tags = ['QR codes']
const security = [{ bearerAuth: [] }]

/** `/v1/qrcodes` (CONTRACT §4 "QR codes"; reference B §7). */
export async function qrCodesRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { qrCodes, clock } = services

  app.post(
    '/v1/qrcodes',
    {
      config: { scope: 'paas.core.qrcodes.post' },
      schema: {
        tags,
        security,
        summary: 'Create a STATIC or DYNAMIC Bre-B QR code',
        description:
          'vat and inc are required for both types; DYNAMIC needs amount, STATIC must not carry one. The key must be ACTIVE and belong to customer_id (403 when it is another customer’s). The answer carries the EMVCo payload (qr_code_data) and its PNG (qr_code_image, plain base64).',
        body: CreateQrCodeBodySchema,
        response: { 200: QrCodeSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => serializeQrCode(await qrCodes.create(principalOf(request), request.body)),
  )

  app.post(
    '/v1/qrcodes/decode',
    {
      config: { scope: 'paas.core.qrcodes.post' },
      schema: {
        tags,
        security,
        summary: 'Decode an EMVCo QR payload',
        description: 'Any valid payload with a CO.COM.VISI.LLA key template; a bad CRC, a malformed TLV or no key template is 400. customer_id must be one of the entity’s.',
        body: DecodeQrCodeBodySchema,
        response: { 200: DecodedQrCodeSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => serializeDecodedQrCode(qrCodes.decode(principalOf(request), request.body), request.body.qr_code_data),
  )

  app.get(
    '/v1/qrcodes',
    {
      config: { scope: 'paas.core.qrcodes.list.get' },
      schema: {
        tags,
        security,
        summary: 'List QR codes',
        description: 'Answers 404 qr_code_not_found when the entity has no QR codes at all, as the docs say.',
        querystring: QrCodeListQuerySchema,
        response: { 200: QrCodeListSchema, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const { qr_code_id, customer_id, key_id, type, key_value, key_type } = request.query
      const keyType = key_type === undefined ? undefined : canonicalKeyType(key_type)
      const page = readPageRequest(request.query)
      const { rows, total } = await qrCodes.list(
        principalOf(request),
        { id: qr_code_id, customer_id, key_id, type, key_type: keyType, key_value: key_value === undefined || keyType === undefined ? key_value : canonicalKeyValue(keyType, key_value) },
        page,
      )
      return { qr_codes: rows.map(serializeQrCode), pagination_info: paginationInfo(page, total, clock.now()) }
    },
  )

  app.get(
    '/v1/qrcodes/:qr_code_id',
    {
      config: { scope: 'paas.core.qrcodes.get' },
      schema: { tags, security, summary: 'Retrieve a QR code', params: QrCodeIdParamsSchema, response: { 200: QrCodeSchema, ...errorResponses(400, 401, 403, 404, 500) } },
    },
    async (request) => serializeQrCode(await qrCodes.get(principalOf(request), request.params.qr_code_id)),
  )

  app.delete(
    '/v1/qrcodes/:qr_code_id',
    {
      config: { scope: 'paas.core.qrcodes.delete' },
      schema: {
        tags,
        security,
        summary: 'Delete a QR code',
        description: 'Afterwards 404.',
        params: QrCodeIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      qrCodes.delete(principalOf(request), request.params.qr_code_id)
      return reply.code(204).send(null)
    },
  )
}
