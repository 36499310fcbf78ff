import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

type Canonical = Map<string, Map<string, string>>

/**
 * Enum values in list queries are case-insensitive (CONTRACT §4 "Lists"): `status=active` and
 * `order_params.order_direction=desc` are rewritten to the schema's own spelling before
 * validation, so the OpenAPI enums stay exact and a truly unknown value is still a 400.
 */
export const listQueryPlugin = fp(
  async (app: FastifyInstance) => {
    const bySchema = new WeakMap<object, Canonical>()
    app.addHook('onRoute', (route) => {
      const query = route.schema?.querystring as { properties?: Record<string, { enum?: unknown[] }> } | undefined
      if (!query?.properties) return
      const canonical: Canonical = new Map()
      for (const [name, property] of Object.entries(query.properties)) {
        if (!Array.isArray(property.enum)) continue
        canonical.set(name, new Map(property.enum.map((v) => [String(v).toLowerCase(), String(v)])))
      }
      if (canonical.size > 0) bySchema.set(query as object, canonical)
    })
    app.addHook('preValidation', (request, _reply, done) => {
      const schema = request.routeOptions.schema?.querystring as object | undefined
      const canonical = schema && bySchema.get(schema)
      if (canonical) {
        const query = request.query as Record<string, unknown>
        for (const [name, values] of canonical) {
          const value = query[name]
          if (typeof value === 'string') query[name] = values.get(value.toLowerCase()) ?? value
        }
      }
      done()
    })
  },
  { name: 'list-query' },
)
