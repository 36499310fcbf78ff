import type { Database, Statement } from 'better-sqlite3'
import type { AdditionalInfo, TaxLine, TaxType } from '../../core/emvco.js'
import type { KeyType } from '../../core/key-formats.js'
import { minorFromText, minorToText } from '../../core/money.js'
import type { PageRequest } from '../../core/pagination.js'
import { PagedLister } from '../../database/list-query.js'

export type QrType = 'STATIC' | 'DYNAMIC'
export type QrChannel = 'IM' | 'POS' | 'APP' | 'ECOMM' | 'MPOS' | 'CB' | 'OFC' | 'ATM'

export interface QrMerchant {
  categoryCode: string
  country: string
  name: string
  city: string
  postCode: string
}

export interface QrCode {
  id: string
  entityId: string
  customerId: string
  keyId: string
  keyType: KeyType
  keyValue: string
  type: QrType
  status: 'ACTIVE'
  channel: QrChannel
  amountMinor: bigint | null
  vat: TaxLine
  inc: TaxLine
  tip: TaxLine | null
  /** Tag 62's fields; `transaction_purpose` is the request code ("00"); null when the request had no `additional_info` (no tag 62). */
  additionalInfo: AdditionalInfo | null
  qrCodeReference: string
  merchant: QrMerchant
  qrCodeData: string
  /** Base64 PNG; null until drawn (see db/migrations/0003_qr_codes.sql). */
  qrCodeImage: string | null
  createdAt: string
  updatedAt: string
}

interface QrCodeRow {
  id: string
  entity_id: string
  customer_id: string
  key_id: string
  key_type: KeyType
  key_value: string
  type: QrType
  status: 'ACTIVE'
  channel: QrChannel
  qr_code_reference: string
  body: string
  qr_code_data: string
  qr_code_image: string | null
  created_at: string
  updated_at: string
}

/** A tax line in the `body` JSON: money as TEXT minor units (STYLE rule 7), rates as text. */
interface StoredTaxLine {
  type: TaxType
  value_minor?: string
  rate?: string
  base_minor?: string
}

interface StoredBody {
  amount_minor: string | null
  vat: StoredTaxLine
  inc: StoredTaxLine
  tip: StoredTaxLine | null
  additional_info: AdditionalInfo | null
  merchant: QrMerchant
}

function taxToStored(line: TaxLine): StoredTaxLine {
  return {
    type: line.type,
    ...(line.valueMinor !== undefined && { value_minor: minorToText(line.valueMinor) }),
    ...(line.rate !== undefined && { rate: line.rate }),
    ...(line.baseMinor !== undefined && { base_minor: minorToText(line.baseMinor) }),
  }
}

function taxFromStored(stored: StoredTaxLine): TaxLine {
  return {
    type: stored.type,
    ...(stored.value_minor !== undefined && { valueMinor: minorFromText(stored.value_minor) }),
    ...(stored.rate !== undefined && { rate: stored.rate }),
    ...(stored.base_minor !== undefined && { baseMinor: minorFromText(stored.base_minor) }),
  }
}

function fromRow(r: QrCodeRow): QrCode {
  const body = JSON.parse(r.body) as StoredBody
  return {
    id: r.id,
    entityId: r.entity_id,
    customerId: r.customer_id,
    keyId: r.key_id,
    keyType: r.key_type,
    keyValue: r.key_value,
    type: r.type,
    status: r.status,
    channel: r.channel,
    amountMinor: body.amount_minor === null ? null : minorFromText(body.amount_minor),
    vat: taxFromStored(body.vat),
    inc: taxFromStored(body.inc),
    tip: body.tip === null ? null : taxFromStored(body.tip),
    additionalInfo: body.additional_info ?? null,
    qrCodeReference: r.qr_code_reference,
    merchant: body.merchant,
    qrCodeData: r.qr_code_data,
    qrCodeImage: r.qr_code_image,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

function toParams(q: QrCode) {
  const body: StoredBody = {
    amount_minor: q.amountMinor === null ? null : minorToText(q.amountMinor),
    vat: taxToStored(q.vat),
    inc: taxToStored(q.inc),
    tip: q.tip === null ? null : taxToStored(q.tip),
    additional_info: q.additionalInfo,
    merchant: q.merchant,
  }
  return {
    id: q.id,
    entityId: q.entityId,
    customerId: q.customerId,
    keyId: q.keyId,
    keyType: q.keyType,
    keyValue: q.keyValue,
    type: q.type,
    status: q.status,
    channel: q.channel,
    qrCodeReference: q.qrCodeReference,
    body: JSON.stringify(body),
    qrCodeData: q.qrCodeData,
    qrCodeImage: q.qrCodeImage,
    createdAt: q.createdAt,
    updatedAt: q.updatedAt,
  }
}

export interface QrCodeFilters {
  id?: string
  customer_id?: string
  key_id?: string
  type?: string
  key_value?: string
  key_type?: string
}

/** QR codes (reference B §7). */
export class QrCodesStore {
  readonly #insert: Statement
  readonly #byId: Statement
  readonly #setImage: Statement
  readonly #delete: Statement
  readonly #lister: PagedLister

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO qr_codes (id, entity_id, customer_id, key_id, key_type, key_value, type, status, channel, qr_code_reference, body, qr_code_data, qr_code_image, created_at, updated_at)
       VALUES (@id, @entityId, @customerId, @keyId, @keyType, @keyValue, @type, @status, @channel, @qrCodeReference, @body, @qrCodeData, @qrCodeImage, @createdAt, @updatedAt)`,
    )
    this.#byId = db.prepare('SELECT * FROM qr_codes WHERE id = ?')
    this.#setImage = db.prepare('UPDATE qr_codes SET qr_code_image = @image WHERE id = @id')
    this.#delete = db.prepare('DELETE FROM qr_codes WHERE id = ?')
    this.#lister = new PagedLister(db, 'qr_codes')
  }

  insert(qr: QrCode): void {
    this.#insert.run(toParams(qr))
  }

  findById(id: string): QrCode | undefined {
    const row = this.#byId.get(id) as QrCodeRow | undefined
    return row && fromRow(row)
  }

  /** Keeps a PNG drawn on read (not a change of the QR code: `updated_at` stays). */
  setImage(id: string, image: string): void {
    this.#setImage.run({ id, image })
  }

  delete(id: string): void {
    this.#delete.run(id)
  }

  /** Every entity's QR codes, for the control plane's cross-entity view (issue 14); `entity_id` narrows it to one. */
  listAll(filters: QrCodeFilters & { entity_id?: string }, page: PageRequest): { rows: QrCode[]; total: number } {
    const { rows, total } = this.#lister.list<QrCodeRow>(undefined, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  list(entityId: string, filters: QrCodeFilters, page: PageRequest): { rows: QrCode[]; total: number } {
    const { rows, total } = this.#lister.list<QrCodeRow>(entityId, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  hasAny(entityId: string): boolean {
    return this.#lister.hasAny(entityId)
  }
}
