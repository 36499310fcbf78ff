import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { newAjv } from '../../src/plugins/validation.js'

/** The two tap assertions the check uses (a fake one in the helper's own test). */
export interface Assert {
  ok(value: unknown, message: string): unknown
  fail(message: string): unknown
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

type Document = { paths: Record<string, Record<string, Operation>> }

const documents = new WeakMap<FastifyInstance, { doc: Document; ajv: ReturnType<typeof newAjv> }>()

async function documentOf(app: FastifyInstance) {
  let entry = documents.get(app)
  if (!entry) {
    const res = await app.inject({ url: '/documentation/json' })
    const doc = res.json() as Document
    const ajv = newAjv()
    ajv.addSchema({ ...doc, $id: 'openapi.json' } as object)
    entry = { doc, ajv }
    documents.set(app, entry)
  }
  return entry
}

/** The documented path that matches a real one; literal segments beat `{params}`. */
export function matchPath(paths: string[], actual: string): string | undefined {
  const segments = actual.split('/')
  const candidates = paths.filter((p) => {
    const ps = p.split('/')
    return ps.length === segments.length && ps.every((s, i) => (s.startsWith('{') && s.endsWith('}') && segments[i] !== '') || s === segments[i])
  })
  const params = (p: string) => p.split('/').filter((s) => s.startsWith('{')).length
  return candidates.sort((a, b) => params(a) - params(b))[0]
}

/**
 * Checks a response against the OpenAPI document the app serves: the path and method are
 * documented, the status is (explicitly, or through `default` when `allowDefault`), and the
 * body validates against that response's schema.
 */
export async function expectMatchesSpec(t: Assert, app: FastifyInstance, res: LightMyRequestResponse, opts: { allowDefault?: boolean } = {}): Promise<void> {
  const { doc, ajv } = await documentOf(app)
  const url = new URL(res.raw.req.url ?? '/', 'http://x')
  const method = (res.raw.req.method ?? 'GET').toLowerCase()
  // Only paths that document this method: GET /v1/accounts/link is the {account_id} route, not POST .../link.
  const path = matchPath(Object.keys(doc.paths).filter((p) => doc.paths[p]?.[method]), url.pathname)
  if (!path) {
    const other = matchPath(Object.keys(doc.paths), url.pathname)
    t.fail(other ? `${method.toUpperCase()} ${other} is not in the OpenAPI document` : `${url.pathname} is not in the OpenAPI document`)
    return
  }
  const operation = doc.paths[path]?.[method] as Operation
  const status = String(res.statusCode)
  const key = operation.responses?.[status] ? status : opts.allowDefault && operation.responses?.default ? 'default' : undefined
  if (!key) {
    t.fail(`${method.toUpperCase()} ${path} does not document status ${status}`)
    return
  }
  const content = operation.responses?.[key]?.content
  if (!content) {
    t.ok(res.body === '', `${method.toUpperCase()} ${path} ${status} is documented without a body, and has none`)
    return
  }
  const pointer = `openapi.json#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${key}/content/application~1json/schema`
  const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer })
  const ok = validate(res.json())
  t.ok(ok, `${method.toUpperCase()} ${path} ${status} matches the OpenAPI document${ok ? '' : `: ${JSON.stringify(validate.errors)}`}`)
}
