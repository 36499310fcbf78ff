import { ERROR_CATALOGUE, type ErrorCode, type NotFoundResource, typeForStatus } from './error-catalogue.js'
import type { Language } from './language.js'

/** A message in both languages the mock speaks. */
export interface LocalizedText {
  en: string
  es: string
}

/**
 * The one error type services throw. The error handler turns it into the contract's body
 * (CONTRACT §2); no route builds an error reply itself.
 */
export class PassportError extends Error {
  readonly code: string
  readonly status: number
  readonly type: string
  readonly text: LocalizedText
  /** Extra response headers, e.g. `Allow` on a 405. */
  readonly headers: Record<string, string>

  constructor(code: ErrorCode, text?: LocalizedText, headers?: Record<string, string>)
  constructor(code: string, text: LocalizedText, headers: Record<string, string> | undefined, status: number)
  constructor(code: string, text?: LocalizedText, headers: Record<string, string> = {}, status?: number) {
    const entry = (ERROR_CATALOGUE as Record<string, (typeof ERROR_CATALOGUE)[ErrorCode]>)[code]
    const resolved = text ?? (entry ? { en: entry.en, es: entry.es } : { en: code, es: code })
    super(resolved.en)
    this.name = 'PassportError'
    this.code = code
    this.status = status ?? entry?.status ?? 500
    this.type = entry && entry.status === this.status ? entry.type : typeForStatus(this.status)
    this.text = resolved
    this.headers = headers
  }

  messageIn(language: Language): string {
    return this.text[language]
  }
}

/** A field-level validation error: `Field 'email' is required`. */
export function invalidField(text: LocalizedText): PassportError {
  return new PassportError('invalid_parameter_value', text)
}

export function fieldRequired(field: string): PassportError {
  return invalidField({ en: `Field '${field}' is required`, es: `El campo '${field}' es obligatorio` })
}

export function notFound(resource: NotFoundResource): PassportError {
  return new PassportError(`${resource}_not_found`)
}

export function forbidden(): PassportError {
  return new PassportError('forbidden')
}

export function alreadyExists(what: LocalizedText): PassportError {
  return new PassportError('already_exists', what)
}

export function invalidState(text: LocalizedText): PassportError {
  return new PassportError('invalid_state', text)
}
