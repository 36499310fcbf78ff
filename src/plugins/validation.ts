import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import { MONEY_VALUE_PATTERN } from '../core/money.js'
import { invalidField, type PassportError, type LocalizedText } from '../core/errors.js'

// ajv-formats ships CommonJS with a default export that NodeNext sees one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv

/** An Ajv with the formats the schemas use (`uuid`, `date-time`); coercion only where asked. */
export function newAjv(coerceTypes: boolean | 'array' = false): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
    // Report the schema's own pattern text, so the translator below can name the rule.
    messages: false,
    // The schemas are ours (typebox-built, checked by the OpenAPI tests): checking each against
    // the JSON Schema meta-schema cost ~30 ms of every cold start (issue 5).
    validateSchema: false,
  })
  addFormats(ajv)
  return ajv
}

/**
 * Compiled validators, kept per schema object and shared by every app in the process. A
 * validator is a pure function of its schema, so this is a cache, not app state; it lets a test
 * suite that builds hundreds of apps compile each route's schemas once (Ajv compilation was most
 * of an app's build time).
 */
const compiled = {
  strict: { ajv: undefined as Ajv | undefined, validators: new WeakMap<object, ValidateFunction>() },
  coercing: { ajv: undefined as Ajv | undefined, validators: new WeakMap<object, ValidateFunction>() },
}

/**
 * One Ajv per request part (STYLE rule 7): bodies are validated with coercion off, so a JSON
 * number where a money string belongs is a 400, never a silently rounded value; query strings
 * and path parameters are text on the wire and are coerced to the declared types.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  return ({ schema, httpPart }) => {
    const group = httpPart === 'body' ? compiled.strict : compiled.coercing
    const key = schema as object
    let validate = group.validators.get(key)
    if (!validate) {
      validate = lazyValidator(() => (group.ajv ??= newAjv(httpPart === 'body' ? false : 'array')).compile(key))
      group.validators.set(key, validate)
    }
    return validate
  }
}

/**
 * A validator compiled on its first call, not at boot (issue 5: compiling every route's schemas
 * was about a quarter of the cold start, for routes a run may never call). It behaves as the Ajv
 * function Fastify expects: `errors` after a failed call, and `schemaEnv`, which tells Fastify to
 * pass the parent object so Ajv may coerce a root value.
 */
function lazyValidator(compile: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined
  const validate = ((data: unknown, context?: unknown) => (compiled ??= compile())(data, context as never)) as ValidateFunction
  Object.defineProperty(validate, 'errors', { get: () => compiled?.errors ?? null })
  Object.defineProperty(validate, 'schemaEnv', { get: () => (compiled ??= compile()).schemaEnv })
  return validate
}

/** Hints for the patterns the API uses, so a message says what a valid value looks like. */
const PATTERN_HINTS: Record<string, LocalizedText> = {
  [MONEY_VALUE_PATTERN]: {
    en: 'must be a decimal string with at most two decimals, such as "1000" or "5000.50"',
    es: 'debe ser una cadena decimal con máximo dos decimales, como "1000" o "5000.50"',
  },
  '^[0-9]{9}$': { en: 'must be 9 digits', es: 'debe tener 9 dígitos' },
  '^[0-9]{4}$': { en: 'must be 4 digits', es: 'debe tener 4 dígitos' },
  '^\\+?[0-9]{7,15}$': { en: 'must be 7 to 15 digits, optionally after a +', es: 'debe tener de 7 a 15 dígitos, opcionalmente precedidos de +' },
  '^[^@]+@[^@]+$': { en: 'must be an email address with one @', es: 'debe ser un correo electrónico con una @' },
}

const TYPE_NAMES: Record<string, LocalizedText> = {
  string: { en: 'a string', es: 'una cadena de texto' },
  integer: { en: 'an integer', es: 'un número entero' },
  number: { en: 'a number', es: 'un número' },
  boolean: { en: 'a boolean', es: 'un booleano' },
  object: { en: 'an object', es: 'un objeto' },
  array: { en: 'an array', es: 'un arreglo' },
  null: { en: 'null', es: 'null' },
}

function fieldName(path: string): string {
  return path.replace(/^\//, '').split('/').join('.')
}

function field(name: string, en: string, es: string): LocalizedText {
  return { en: `Field '${name}' ${en}`, es: `El campo '${name}' ${es}` }
}

/** Turns the first Ajv error of a request part into the contract's `invalid_parameter_value` message. */
export function translateValidationError(error: ErrorObject, part: string): PassportError {
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'required') {
    const name = fieldName(`${error.instancePath}/${String(params.missingProperty)}`)
    return invalidField(field(name, 'is required', 'es obligatorio'))
  }
  if (error.keyword === 'additionalProperties') {
    const name = fieldName(`${error.instancePath}/${String(params.additionalProperty)}`)
    return invalidField(field(name, 'is not allowed', 'no está permitido'))
  }
  const name = fieldName(error.instancePath)
  if (name === '') {
    return part === 'body'
      ? invalidField({ en: 'The request body must be a JSON object', es: 'El cuerpo de la solicitud debe ser un objeto JSON' })
      : invalidField({ en: `The ${part} is invalid`, es: `El parámetro ${part} no es válido` })
  }
  switch (error.keyword) {
    case 'format':
      if (params.format === 'uuid') return invalidField(field(name, 'must be a UUID', 'debe ser un UUID'))
      if (params.format === 'date-time') return invalidField(field(name, 'must be an ISO 8601 timestamp', 'debe ser una fecha ISO 8601'))
      return invalidField(field(name, `must be a valid ${String(params.format)}`, `debe ser un ${String(params.format)} válido`))
    case 'type': {
      const type = TYPE_NAMES[String(params.type)] ?? { en: String(params.type), es: String(params.type) }
      return invalidField(field(name, `must be ${type.en}`, `debe ser ${type.es}`))
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).join(', ')
      return invalidField(field(name, `must be one of: ${allowed}`, `debe ser uno de: ${allowed}`))
    }
    case 'const':
      return invalidField(field(name, `must be ${String(params.allowedValue)}`, `debe ser ${String(params.allowedValue)}`))
    case 'minLength':
      return params.limit === 1
        ? invalidField(field(name, 'must not be empty', 'no puede estar vacío'))
        : invalidField(field(name, `must be at least ${String(params.limit)} characters long`, `debe tener al menos ${String(params.limit)} caracteres`))
    case 'maxLength':
      return invalidField(field(name, `must be at most ${String(params.limit)} characters long`, `debe tener como máximo ${String(params.limit)} caracteres`))
    case 'minimum':
      return invalidField(field(name, `must be at least ${String(params.limit)}`, `debe ser al menos ${String(params.limit)}`))
    case 'maximum':
      return invalidField(field(name, `must be at most ${String(params.limit)}`, `debe ser como máximo ${String(params.limit)}`))
    case 'pattern': {
      const hint = PATTERN_HINTS[String(params.pattern)]
      if (hint) return invalidField(field(name, hint.en, hint.es))
      return invalidField(field(name, `must match ${String(params.pattern)}`, `debe cumplir ${String(params.pattern)}`))
    }
    default:
      return invalidField(field(name, 'has an invalid value', 'tiene un valor inválido'))
  }
}
