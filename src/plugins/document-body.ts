import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DOCUMENT_BYTES_PER_VALUE, DOCUMENT_MAX_DEPTH, JsonShapeScanner, type JsonShapeLimits, type JsonShapeProblem } from '../core/json-shape.js'

export { DOCUMENT_BYTES_PER_VALUE, DOCUMENT_MAX_DEPTH }
import { PassportError } from '../core/errors.js'

export function documentLimits(bodyLimit: number): JsonShapeLimits {
  return { maxDepth: DOCUMENT_MAX_DEPTH, maxValues: Math.max(65_536, Math.floor(bodyLimit / DOCUMENT_BYTES_PER_VALUE)) }
}

/** The 400 for a document refused by its shape, before it was parsed. */
export function shapeError(problem: JsonShapeProblem): PassportError {
  return problem.kind === 'depth'
    ? new PassportError('invalid_parameter_value', {
        en: `The document nests arrays and objects more than ${problem.limit} deep`,
        es: `El documento anida arreglos y objetos a más de ${problem.limit} niveles`,
      })
    : new PassportError('invalid_parameter_value', {
        en: `The document has more than ${problem.limit} values (one per ${DOCUMENT_BYTES_PER_VALUE} bytes of MOCK_BODY_LIMIT)`,
        es: `El documento tiene más de ${problem.limit} valores (uno por cada ${DOCUMENT_BYTES_PER_VALUE} bytes de MOCK_BODY_LIMIT)`,
      })
}

/**
 * The JSON parser of `PUT /_mock/state` and `POST /_mock/seed` (issue 11 item 1), added in the
 * context of the state routes only (reset shares it, with its 1 MiB limit). It reads the body stream itself: a Content-Length over the
 * limit is 413 before a byte is read, every chunk is scanned for depth and value count as it
 * arrives (400 at the first chunk that crosses either), and only a body that passed is joined
 * and given to Fastify's JSON parser (prototype poisoning refused as everywhere else).
 */
export function useDocumentBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', (request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: unknown) => void) => {
    // Each route's own limit: MOCK_BODY_LIMIT on seed and import, the 1 MiB default on reset.
    const bodyLimit = request.routeOptions.bodyLimit
    const declared = Number(request.headers['content-length'])
    if (declared > bodyLimit) return done(new PassportError('payload_too_large'))
    const scanner = new JsonShapeScanner(documentLimits(bodyLimit))
    const chunks: Buffer[] = []
    let received = 0
    let finished = false
    const finish = (error: Error | null, body?: unknown) => {
      if (finished) return
      finished = true
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      payload.removeListener('error', onError)
      chunks.length = 0
      done(error, body)
    }
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      received += bytes.length
      if (received > bodyLimit) return finish(new PassportError('payload_too_large'))
      const problem = scanner.feed(bytes)
      if (problem) return finish(shapeError(problem))
      chunks.push(bytes)
    }
    // A stream error (the request timeout's 408, a reset) keeps its status; anything else is 400.
    const onError = (error: Error & { statusCode?: number }) => finish(error.statusCode !== undefined && error.statusCode >= 400 ? error : Object.assign(error, { statusCode: 400 }))
    const onEnd = () => {
      if (!Number.isNaN(declared) && received !== declared) {
        return finish(Object.assign(new Error('Content-Length mismatch'), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 }))
      }
      const text = Buffer.concat(chunks, received).toString('utf8')
      chunks.length = 0
      if (text.trim() === '') return finish(null, undefined)
      parseJson(request, text, (error, body) => finish(error, body))
    }
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', onError)
    payload.resume()
  })
}
