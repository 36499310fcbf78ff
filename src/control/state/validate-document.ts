import type { ErrorObject, ValidateFunction } from 'ajv'
import type { TSchema } from 'typebox'
import { newAjv, translateValidationError } from '../../plugins/validation.js'

/**
 * Compiled validators per schema object: a cache of pure functions shared by every app in the
 * process (like src/plugins/validation.ts), so a suite that seeds in many apps compiles once.
 */
const validators = new WeakMap<object, ValidateFunction>()
let ajv: ReturnType<typeof newAjv> | undefined

/** `/accounts/0/available_balance` → `/accounts[0]/available_balance`: the translator then says `accounts[0].available_balance`. */
function bracketIndexes(instancePath: string): string {
  return instancePath.replace(/\/([0-9]+)(?=\/|$)/g, '[$1]')
}

/**
 * Of Ajv's errors, the one that says most: the deepest. A union (money as `"500.25"` or
 * `{value, currency}`) fails in each branch; a wrong currency inside the object should be named,
 * not "must be a string" from the other branch.
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') continue
    if (!best || error.instancePath.split('/').length > best.instancePath.split('/').length) best = error
  }
  return best ?? errors[0]
}

/**
 * Checks a large document (a seed, an imported state) against its schema, with coercion off
 * (STYLE rule 7), and throws 400 `invalid_parameter_value` naming the first bad field the way a
 * person writes it: `Field 'accounts[0].available_balance' must be a decimal string…`.
 */
export function validateDocument<T>(schema: TSchema, document: unknown): T {
  let validate = validators.get(schema)
  if (!validate) {
    ajv ??= newAjv(false)
    validate = ajv.compile(schema)
    validators.set(schema, validate)
  }
  if (!validate(document)) {
    const error = mostSpecific(validate.errors ?? [])
    if (error) throw translateValidationError({ ...error, instancePath: bracketIndexes(error.instancePath) }, 'body')
  }
  return document as T
}
