import type { Static } from 'typebox'
import { invalidField, type PassportError } from '../../core/errors.js'
import { minorFromText } from '../../core/money.js'
import type { DatabaseState, StateDocument, StateRow } from '../../database/state.js'
import { type BuiltFixtures, buildFixtures, readFixtures } from '../../fixtures/load-fixtures.js'
import { StateDocumentSchema } from './state.schemas.js'
import { validateDocument } from './validate-document.js'

function invalid(field: string, en: string, es: string): PassportError {
  return invalidField({ en: `Field '${field}' ${en}`, es: `El campo '${field}' ${es}` })
}

type Rows = StateRow[]

/** 400 when two rows share a value that must be unique (an id, a NIT within an entity…). */
function unique(collection: string, rows: Rows, field: string, keyOf: (row: StateRow) => unknown): void {
  const seen = new Map<string, number>()
  rows.forEach((row, i) => {
    const key = keyOf(row)
    if (key === null || key === undefined) return
    const text = JSON.stringify(key)
    const first = seen.get(text)
    if (first !== undefined) throw invalid(`${collection}[${i}].${field}`, `repeats ${collection}[${first}].${field}`, `repite ${collection}[${first}].${field}`)
    seen.set(text, i)
  })
}

function index(rows: Rows, key = 'id'): Map<string, StateRow> {
  return new Map(rows.map((row) => [row[key] as string, row]))
}

/** A parent's name in messages: "names no customer", "names a customer of another entity". */
interface Parent {
  no: { en: string; es: string }
  one: { en: string; es: string }
}

function parent(en: string, es: string, article: { en: string; es: string }, none: string): Parent {
  return { no: { en: `no ${en}`, es: `${none} ${es}` }, one: { en: `${article.en} ${en}`, es: `${article.es} ${es}` } }
}

const ENTITY = parent('entity', 'entidad', { en: 'an', es: 'una' }, 'ninguna')
const CLIENT = parent('client', 'cliente', { en: 'a', es: 'un' }, 'ningún')
const CUSTOMER = parent('customer', 'cliente', { en: 'a', es: 'un' }, 'ningún')
const ACCOUNT = parent('account', 'cuenta', { en: 'an', es: 'una' }, 'ninguna')
const RESOLUTION = parent('resolution', 'resolución', { en: 'a', es: 'una' }, 'ninguna')
const PAYMENT = parent('payment', 'pago', { en: 'a', es: 'un' }, 'ningún')

/** 400 when a row names a parent the document lacks, or (when `sameEntity`) a parent of another entity. */
function reference(collection: string, rows: Rows, field: string, parents: Map<string, StateRow>, what: Parent, options: { sameEntity?: boolean; optional?: boolean } = {}): void {
  const { sameEntity = true, optional = false } = options
  rows.forEach((row, i) => {
    const id = row[field]
    if (optional && id === null) return
    const found = parents.get(id as string)
    if (!found) throw invalid(`${collection}[${i}].${field}`, `names ${what.no.en} of the document`, `no corresponde a ${what.no.es} del documento`)
    if (sameEntity && found.entity_id !== row.entity_id) {
      throw invalid(`${collection}[${i}].${field}`, `names ${what.one.en} of another entity`, `corresponde a ${what.one.es} de otra entidad`)
    }
  })
}

/**
 * The checks beyond the schema (CONTRACT §5 "validate all"): every unique constraint and every
 * reference between rows, each failure a 400 naming the row and field. What this lets through,
 * the database accepts.
 */
export function checkStateReferences(doc: StateDocument): void {
  unique('entities', doc.entities, 'id', (r) => r.id)
  const entities = index(doc.entities)
  for (const [collection, rows] of [
    ['clients', doc.clients],
    ['customers', doc.customers],
    ['resolutions', doc.resolutions],
    ['recipients', doc.recipients],
    ['qr_codes', doc.qr_codes],
  ] as const) {
    reference(collection, rows, 'entity_id', entities, ENTITY, { sameEntity: false })
  }

  unique('clients', doc.clients, 'client_id', (r) => r.client_id)
  unique('tokens', doc.tokens, 'id', (r) => r.id)
  unique('tokens', doc.tokens, 'token_hash', (r) => r.token_hash)
  reference('tokens', doc.tokens, 'client_id', index(doc.clients, 'client_id'), CLIENT)

  unique('customers', doc.customers, 'id', (r) => r.id)
  unique('customers', doc.customers, 'identification_number', (r) => [r.entity_id, r.identification_number])
  unique('customers', doc.customers, 'email', (r) => [r.entity_id, String(r.email).toLowerCase()]) // case-blind, as the API (Contract 2)
  const customers = index(doc.customers)

  unique('accounts', doc.accounts, 'id', (r) => r.id)
  unique('accounts', doc.accounts, 'account_number', (r) => [r.entity_id, r.account_number])
  reference('accounts', doc.accounts, 'customer_id', customers, CUSTOMER)
  const accounts = index(doc.accounts)

  unique('keys', doc.keys, 'id', (r) => r.id)
  unique('keys', doc.keys, 'key_value', (r) => r.key_value)
  reference('keys', doc.keys, 'account_id', accounts, ACCOUNT)
  doc.keys.forEach((row, i) => {
    if (accounts.get(row.account_id as string)?.customer_id !== row.customer_id) {
      throw invalid(`keys[${i}].customer_id`, `is not the customer of keys[${i}].account_id`, `no es el cliente de keys[${i}].account_id`)
    }
  })
  unique('magic_keys', doc.magic_keys, 'key_value', (r) => [r.key_type, r.key_value])
  unique('magic_ach_accounts', doc.magic_ach_accounts, 'account_number', (r) => r.account_number)
  doc.magic_ach_accounts.forEach((row, i) => {
    if ((row.behaviour === 'reject') !== (row.error_code !== null)) {
      throw invalid(`magic_ach_accounts[${i}].error_code`, 'is required for reject and must be null for hold', 'es obligatorio para reject y debe ser null para hold')
    }
  })

  unique('resolutions', doc.resolutions, 'id', (r) => r.id)
  reference('resolutions', doc.resolutions, 'customer_id', customers, CUSTOMER)
  reference('resolutions', doc.resolutions, 'receiver_account_id', accounts, ACCOUNT, { sameEntity: false, optional: true })
  const resolutions = index(doc.resolutions)

  unique('recipients', doc.recipients, 'id', (r) => r.id)
  reference('recipients', doc.recipients, 'customer_id', customers, CUSTOMER)

  unique('payments', doc.payments, 'id', (r) => r.id)
  // CONTRACT §4: at most one payment per resolution.
  unique('payments', doc.payments, 'resolution_id', (r) => (r.direction === 'OUTBOUND' ? r.resolution_id : null))
  reference('payments', doc.payments, 'account_id', accounts, ACCOUNT)
  reference('payments', doc.payments, 'resolution_id', resolutions, RESOLUTION, { sameEntity: false, optional: true })
  reference('payments', doc.payments, 'receiver_account_id', accounts, ACCOUNT, { sameEntity: false, optional: true })
  // The CHECKs of 0006_ach_payments.sql: an ACH payment names its recipient and is never
  // PROCESSING; a Bre-B one is never PENDING. (The recipient may have been deleted since.)
  doc.payments.forEach((row, i) => {
    if (row.type === 'ACH' && (row.recipient_id === null || row.recipient_id === undefined)) {
      throw invalid(`payments[${i}].recipient_id`, 'is required on an ACH payment', 'es obligatorio en un pago ACH')
    }
    const wrongStatus = row.type === 'ACH' ? 'PROCESSING' : 'PENDING'
    if (row.status === wrongStatus) {
      throw invalid(`payments[${i}].status`, `cannot be ${wrongStatus} on a ${String(row.type)} payment`, `no puede ser ${wrongStatus} en un pago ${String(row.type)}`)
    }
  })

  coveredHolds(doc, accounts)

  unique('qr_codes', doc.qr_codes, 'id', (r) => r.id)
  reference('qr_codes', doc.qr_codes, 'customer_id', customers, CUSTOMER)
  unique('webhooks', doc.webhooks, 'id', (r) => r.id)
  unique('faults', doc.faults, 'id', (r) => r.id)

  const configs = doc.payment_authorizations ?? []
  unique('payment_authorizations', configs, 'entity_id', (r) => r.entity_id)
  reference('payment_authorizations', configs, 'entity_id', entities, ENTITY, { sameEntity: false })
  const requests = doc.payment_authorization_requests ?? []
  const payments = index(doc.payments)
  unique('payment_authorization_requests', requests, 'id', (r) => r.id)
  unique('payment_authorization_requests', requests, 'payment_id', (r) => r.payment_id)
  reference('payment_authorization_requests', requests, 'payment_id', payments, PAYMENT)
  reference('payment_authorization_requests', requests, 'outbound_payment_id', payments, PAYMENT, { sameEntity: false, optional: true })
}

/**
 * 400 when an account's pending balance is less than the holds of its unsettled OUTBOUND
 * payments (issue 11 item 2): PROCESSING (Bre-B, also while a payment-authorization callback
 * decides, settle_at null) and PENDING (ACH). Settling or rejecting such a payment would take the
 * pending balance below zero, which the store refuses, so the document is refused now instead.
 */
function coveredHolds(doc: StateDocument, accounts: Map<string, StateRow>): void {
  const held = new Map<string, bigint>()
  for (const row of doc.payments) {
    if (row.direction !== 'OUTBOUND' || (row.status !== 'PROCESSING' && row.status !== 'PENDING')) continue
    const accountId = row.account_id as string
    held.set(accountId, (held.get(accountId) ?? 0n) + minorFromText(row.amount_minor as string))
  }
  doc.accounts.forEach((row, i) => {
    const holds = held.get(row.id as string)
    if (holds === undefined || minorFromText(row.pending_minor as string) >= holds) return
    throw invalid(
      `accounts[${i}].pending_minor`,
      `(account ${String(row.id)}) is ${String(row.pending_minor)} but its PROCESSING and PENDING payments hold ${holds}`,
      `(cuenta ${String(row.id)}) es ${String(row.pending_minor)} pero sus pagos PROCESSING y PENDING retienen ${holds}`,
    )
  })
}

export interface StateServiceOptions {
  fixturesPath: string
  seed: number
  /** What a reset runs once the fixtures are back (services.onReset). */
  onReset: readonly (() => void)[]
  /** Forgets what services remember of the tables (fault rules, tokens, accounts, webhook endpoints), after an import. */
  invalidateCaches: () => void
}

/** `POST /_mock/reset`, `GET /_mock/state` and `PUT /_mock/state` (CONTRACT §5). */
export class StateService {
  #fixtures: BuiltFixtures | undefined

  constructor(
    private readonly state: DatabaseState,
    private readonly options: StateServiceOptions,
  ) {}

  /**
   * The fixtures again from `SEED`, in one transaction, then every `onReset` step. The fixtures
   * are built once (faker's import is the only await, outside the transaction) and reused: the
   * same seed gives the same objects, so a reset equals a fresh start.
   */
  async reset(clearTokens: boolean): Promise<void> {
    const { fixturesPath, seed } = this.options
    this.#fixtures ??= await buildFixtures(readFixtures(fixturesPath), seed, `fixtures ${fixturesPath}`)
    this.state.reset(this.#fixtures, clearTokens)
    for (const step of this.options.onReset) step()
  }

  /** The rows as the database holds them; the schema describes what its tables allow. */
  export(): Static<typeof StateDocumentSchema> {
    return this.state.export() as unknown as Static<typeof StateDocumentSchema>
  }

  /** Validates all of it (schema, then uniqueness and references), then replaces everything at once; a 400 changes nothing. */
  import(document: unknown): void {
    const doc = validateDocument<StateDocument>(StateDocumentSchema, document)
    checkStateReferences(doc)
    try {
      this.state.replace(doc)
    } catch (error) {
      // A constraint the checks above missed: the transaction rolled back, nothing changed.
      if (String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) {
        throw invalidField({ en: `The state was refused by the database: ${(error as Error).message}`, es: `La base de datos rechazó el estado: ${(error as Error).message}` })
      }
      throw error
    } finally {
      // Whether it landed or rolled back, the tables may not be what the caches remember.
      this.options.invalidateCaches()
    }
  }
}
