/**
 * Named component schemas for the OpenAPI document (issue 13 §3), without touching the schemas
 * that validate and serialise.
 *
 * The route schemas stay as they are: Ajv and fast-json-stringify compile them lazily and keep
 * the result per schema object (validation.ts, serialization.ts). Giving them `$id`s instead
 * would put the same `$id` into dozens of route schemas compiled by one shared Ajv, and TypeBox's
 * `Type.Optional` copies a schema, so the copies would carry it too. Here the document alone is
 * rewritten: while @fastify/swagger builds it, each route schema is copied with every subschema
 * that is a named shape replaced by a `$ref` to `#/components/schemas/<Name>`, and the named
 * shapes are emitted once, under `components.schemas`.
 *
 * A subschema is a named shape when it is the registered object itself, or a copy of it (the
 * same JSON, as `Type.Optional` and `...Schema.properties` make), possibly with its own
 * `description`, which then stays beside the reference.
 */

/** What the document says of a named shape: its schema and a sentence for responses. */
export interface Component {
  name: string
  schema: object
  description: string
  /** What the document shows instead of `schema`, when it can say more (it may `$ref` other components). */
  documented?: object
}

type Json = Record<string, unknown>

/** Annotations a copy may add without being another shape. */
const ANNOTATIONS = ['description', 'title', 'examples', 'example'] as const

function withoutAnnotations(schema: Json): Json {
  const rest: Json = { ...schema }
  for (const key of ANNOTATIONS) delete rest[key]
  return rest
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Keywords whose value is one subschema, or a list or map of them (JSON Schema 2020-12). */
const ONE = ['items', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems']
const LIST = ['anyOf', 'oneOf', 'allOf', 'prefixItems']
const MAP = ['properties', 'patternProperties', '$defs', 'dependentSchemas']

/**
 * The named shapes, found by identity or by their JSON. Built once per document; the schemas
 * are plain JSON (TypeBox's own markers are not enumerable).
 */
export class ComponentIndex {
  private readonly byObject = new WeakMap<object, Component>()
  private readonly byJson = new Map<string, Component>()
  readonly components: Component[] = []

  constructor(components: readonly Component[], aliases: readonly { schema: object; name: string }[] = []) {
    for (const component of components) {
      this.components.push(component)
      this.byObject.set(component.schema, component)
      const json = JSON.stringify(withoutAnnotations(component.schema as Json))
      if (!this.byJson.has(json)) this.byJson.set(json, component)
    }
    for (const alias of aliases) {
      const component = this.components.find((c) => c.name === alias.name)
      if (!component) throw new Error(`no component named ${alias.name}`)
      this.byObject.set(alias.schema, component)
    }
  }

  /** The named shape a subschema is (itself or a copy), if any. */
  find(schema: object): Component | undefined {
    return this.byObject.get(schema) ?? (isObject(schema) && (schema.type === 'object' || schema.type === 'array' || schema.anyOf || schema.oneOf) ? this.byJson.get(JSON.stringify(withoutAnnotations(schema))) : undefined)
  }

  /** `{$ref}`, or `{allOf: [{$ref}], description}` when the copy says something of its own. */
  reference(component: Component, schema: Json, used: Set<string>): Json {
    used.add(component.name)
    const ref = { $ref: `#/components/schemas/${component.name}` }
    const description = schema.description
    if (typeof description === 'string' && description !== (component.schema as Json).description) return { allOf: [ref], description }
    return ref
  }

  /**
   * A copy of `schema` with every named subschema replaced by a reference; `self` (a
   * component's own name) is kept whole at the root. Never mutates its input.
   */
  rewrite(schema: unknown, used: Set<string>, self?: string): unknown {
    if (!isObject(schema)) return schema
    const found = this.find(schema)
    if (found && found.name !== self) return this.reference(found, schema, used)
    const copy: Json = {}
    for (const [key, value] of Object.entries(schema)) {
      if (ONE.includes(key) && isObject(value)) copy[key] = this.rewrite(value, used)
      else if (LIST.includes(key) && Array.isArray(value)) copy[key] = value.map((item) => this.rewrite(item, used))
      else if (MAP.includes(key) && isObject(value)) copy[key] = Object.fromEntries(Object.entries(value).map(([name, item]) => [name, this.rewrite(item, used)]))
      else copy[key] = value
    }
    return copy
  }

  /** `components.schemas`: each used shape, with the shapes it uses, in the table's order. */
  schemas(used: Set<string>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const pending = [...used]
    const seen = new Set<string>()
    while (pending.length > 0) {
      const name = pending.pop() as string
      if (seen.has(name)) continue
      seen.add(name)
      const component = this.components.find((c) => c.name === name)
      if (!component) continue
      const inner = new Set<string>()
      const schema = this.rewrite(component.documented ?? component.schema, inner, name) as Json
      out[name] = { ...schema, description: schema.description ?? component.description }
      for (const match of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([A-Za-z0-9]+)"/g)) inner.add(match[1] as string)
      for (const next of inner) if (!seen.has(next)) pending.push(next)
    }
    const order = this.components.map((c) => c.name)
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)))
  }
}
