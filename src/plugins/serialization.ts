import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import type { FastifySerializerCompiler } from 'fastify'

type Serialize = (data: unknown) => string

// Fastify's own serializer compiler (fast-json-stringify), built once.
const build = SerializerSelector()(undefined, {}) as unknown as (route: { schema: object; method: string; url: string; httpStatus: string }) => Serialize

/** Compiled serializers per schema object, shared by every app in the process (see validation.ts). */
const serializers = new WeakMap<object, Serialize>()

/**
 * Fastify's response serialization (only the schema's fields are written), with each schema
 * compiled once per process instead of once per app: a pure function of the schema.
 */
export function createSerializerCompiler(): FastifySerializerCompiler<unknown> {
  return (route) => {
    const key = route.schema as object
    let serialize = serializers.get(key)
    if (!serialize) {
      // Built on first use, not at boot (issue 5: most of a cold start's serializer time).
      let built: Serialize | undefined
      serialize = (data) => (built ??= build(route as never))(data)
      serializers.set(key, serialize)
    }
    return serialize
  }
}
