import { randomInt, randomUUID } from 'node:crypto'
import { positiveAmountMinor } from '../../core/amount.js'
import type { Clock } from '../../core/clock.js'
import {
  ADDITIONAL_INFO_SUBTAGS,
  type AdditionalInfo,
  type AdditionalInfoField,
  type BrebQrPayload,
  DATA_OBJECT_MAX,
  KEY_VALUE_MAX,
  MAX_AMOUNT_MINOR,
  MERCHANT_CITY_MAX,
  MERCHANT_NAME_MAX,
  MERCHANT_POST_CODE_MAX,
  type TaxLine,
  type TaxType,
  type TransactionPurposeCode,
  additionalDataTemplate,
  canonicalDecimal,
  canonicalRate,
  decodeBrebQr,
  emvText,
  encodeBrebQr,
} from '../../core/emvco.js'
import { PassportError, fieldRequired, invalidField, invalidState, notFound } from '../../core/errors.js'
import { parseMoneyValue } from '../../core/money.js'
import type { PageRequest } from '../../core/pagination.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import { qrPngBase64 } from '../../core/qr-image.js'
import type { CustomersService } from '../customers/customers.service.js'
import type { KeysStore } from '../keys/keys.store.js'
import type { QrChannel, QrCode, QrCodeFilters, QrCodesStore, QrMerchant, QrType } from './qrcodes.store.js'

type Labels = Partial<Record<Exclude<AdditionalInfoField, 'transaction_purpose'>, string>>

export interface CreateQrCodeInput {
  key_id: string
  customer_id: string
  type: QrType
  channel: QrChannel
  amount?: { value: string; currency: 'COP' }
  vat: { vat_type: TaxType; vat_value?: string; vat_base_value?: string }
  inc: { inc_type: TaxType; inc_value?: string }
  tip?: { tip_type: TaxType; tip_value?: string }
  additional_info?: Labels & { transaction_purpose?: TransactionPurposeCode }
  qr_code_reference?: string
}

export interface DecodeQrCodeInput {
  customer_id: string
  qr_code_data: string
}

/** A QR code as answered: its PNG is always there. */
export type DrawnQrCode = QrCode & { qrCodeImage: string }

/** `qr_code_reference`: up to 17 letters and digits, no P: generated references start with it (reference B §7.1). */
const REFERENCE = /^[A-OQ-Za-oq-z0-9]{1,17}$/
/** Tag 57 (tip percentage) holds at most 5 characters: 0–99.99. */
const TIP_RATE = /^(0|[1-9][0-9]?)(\.[0-9]{1,2})?$/

function invalid(field: string, en: string, es: string): PassportError {
  return invalidField({ en: `Field '${field}' ${en}`, es: `El campo '${field}' ${es}` })
}

/** A money value of a VAT, INC or tip line; the wire pattern of CONTRACT §1, read without a JS number. */
function readMoney(field: string, value: string, maxMinor?: bigint): bigint {
  const minor = parseMoneyValue(value)
  if (minor === undefined) {
    throw invalid(field, 'must be a decimal string with at most two decimals, such as "1000" or "5000.50"', 'debe ser una cadena decimal con máximo dos decimales, como "1000" o "5000.50"')
  }
  if (maxMinor !== undefined && minor > maxMinor) throw invalid(field, 'must be at most 9999999999.99 to fit the QR payload', 'debe ser como máximo 9999999999.99 para caber en el payload del QR')
  return minor
}

/**
 * A VAT, INC or tip line (CONTRACT §1: FIXED values are money, PERCENTAGE values are rates with
 * up to 5 decimals, validated as decimal strings, never numbers). WALLET leaves the figure to the
 * payer's wallet; a value sent with it is money.
 */
function readTaxLine(prefix: string, type: TaxType, value: string | undefined, valueField: string, base?: { field: string; value: string | undefined }): TaxLine {
  const field = `${prefix}.${valueField}`
  const line: TaxLine = { type }
  if (type === 'PERCENTAGE') {
    if (value === undefined) throw fieldRequired(field)
    const rate = canonicalRate(value)
    if (rate === undefined) throw invalid(field, 'must be a percentage from 0 to 100 with at most 5 decimals, such as "19" or "8.5"', 'debe ser un porcentaje de 0 a 100 con máximo 5 decimales, como "19" o "8.5"')
    line.rate = rate
  } else if (type === 'FIXED' && value === undefined) {
    throw fieldRequired(field)
  } else if (value !== undefined) {
    line.valueMinor = readMoney(field, value)
  }
  if (base?.value !== undefined) line.baseMinor = readMoney(`${prefix}.${base.field}`, base.value)
  return line
}

function readTip(tip: NonNullable<CreateQrCodeInput['tip']>): TaxLine {
  const field = 'tip.tip_value'
  switch (tip.tip_type) {
    case 'WALLET':
      if (tip.tip_value !== undefined) throw invalid(field, 'is not allowed with tip_type WALLET: the payer enters the tip', 'no se permite con tip_type WALLET: el pagador ingresa la propina')
      return { type: 'WALLET' }
    case 'FIXED':
      if (tip.tip_value === undefined) throw fieldRequired(field)
      return { type: 'FIXED', valueMinor: readMoney(field, tip.tip_value, MAX_AMOUNT_MINOR) }
    case 'PERCENTAGE': {
      if (tip.tip_value === undefined) throw fieldRequired(field)
      const rate = TIP_RATE.test(tip.tip_value) ? canonicalDecimal(tip.tip_value) : undefined
      if (rate === undefined) throw invalid(field, 'must be a percentage from 0 to 99.99 with at most 2 decimals, such as "10" (EMVCo tag 57)', 'debe ser un porcentaje de 0 a 99.99 con máximo 2 decimales, como "10" (tag EMVCo 57)')
      return { type: 'PERCENTAGE', rate }
    }
  }
}

/**
 * Tag 62's fields: the purpose code (default 00) and the labels as printable ASCII; 400 when they
 * do not fit its 99 characters. No `additional_info` → no tag 62 (Contract 2: the real sandbox's
 * QR made without it decoded with no additional_info, reference/clients.md §3).
 */
function readAdditionalInfo(input: CreateQrCodeInput['additional_info']): AdditionalInfo | null {
  if (input === undefined) return null
  const info: AdditionalInfo = { transaction_purpose: input.transaction_purpose ?? '00' }
  for (const field of Object.keys(ADDITIONAL_INFO_SUBTAGS) as AdditionalInfoField[]) {
    if (field === 'transaction_purpose') continue
    const value = input[field]
    if (value === undefined) continue
    const text = emvText(value, 25)
    if (text === '') throw invalid(`additional_info.${field}`, 'must hold letters, digits or punctuation', 'debe contener letras, dígitos o signos')
    info[field] = text
  }
  const length = additionalDataTemplate(info).length
  if (length > DATA_OBJECT_MAX) {
    throw invalidField({
      en: `Fields of 'additional_info' take ${length} characters in the QR's additional data (EMVCo tag 62), which holds at most ${DATA_OBJECT_MAX}: send fewer or shorter labels`,
      es: `Los campos de 'additional_info' ocupan ${length} caracteres en los datos adicionales del QR (tag EMVCo 62), que admite máximo ${DATA_OBJECT_MAX}: envíe menos etiquetas o más cortas`,
    })
  }
  return info
}

/** QR codes (CONTRACT §4 "QR codes"; reference B §7). */
export class QrCodesService {
  constructor(
    private readonly qrCodes: QrCodesStore,
    private readonly customers: CustomersService,
    private readonly keys: KeysStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Validation → customer 404/403 → key 404/403 → the key is the customer's (403) → the key is
   * ACTIVE (409). The payload and its PNG are made once, here, and stored.
   */
  async create(principal: Principal, input: CreateQrCodeInput): Promise<DrawnQrCode> {
    const qr = this.#draft(principal, input)
    const image = await qrPngBase64(qr.qrCodeData)
    const drawn = { ...qr, qrCodeImage: image }
    this.qrCodes.insert(drawn)
    return drawn
  }

  async get(principal: Principal, qrCodeId: string): Promise<DrawnQrCode> {
    return this.#withImage(this.#require(principal, qrCodeId))
  }

  async list(principal: Principal, filters: QrCodeFilters, page: PageRequest): Promise<{ rows: DrawnQrCode[]; total: number }> {
    // CONTRACT §4: List QR codes answers 404 when the entity has no QR codes at all.
    if (!this.qrCodes.hasAny(principal.entityId)) throw notFound('qr_code')
    const { rows, total } = this.qrCodes.list(principal.entityId, filters, page)
    return { rows: await Promise.all(rows.map((row) => this.#withImage(row))), total }
  }

  delete(principal: Principal, qrCodeId: string): void {
    this.qrCodes.delete(this.#require(principal, qrCodeId).id)
  }

  /** Validation (the payload: 400) → the customer (404/403); nothing is stored. */
  decode(principal: Principal, input: DecodeQrCodeInput): BrebQrPayload {
    const decoded = decodeBrebQr(input.qr_code_data)
    this.customers.require(principal, input.customer_id)
    return decoded
  }

  #require(principal: Principal, qrCodeId: string): QrCode {
    return requireOwned(principal, 'qr_code', this.qrCodes.findById(qrCodeId))
  }

  /** A row stored without its PNG (e.g. imported) gets it drawn now, and kept. */
  async #withImage(qr: QrCode): Promise<DrawnQrCode> {
    if (qr.qrCodeImage !== null) return { ...qr, qrCodeImage: qr.qrCodeImage }
    const image = await qrPngBase64(qr.qrCodeData)
    this.qrCodes.setImage(qr.id, image)
    return { ...qr, qrCodeImage: image }
  }

  #draft(principal: Principal, input: CreateQrCodeInput): QrCode {
    // Validation of the body, in field order.
    // Contract 2: `amount` is optional for both types (https://docs.passportfintech.com/EN/create-qr-codes
    // lists it as optional); when given it is tag 54, STATIC included. One rule and one message
    // with payments for "greater than 0" (core/amount.ts).
    let amountMinor: bigint | null = null
    if (input.amount !== undefined) {
      amountMinor = positiveAmountMinor(input.amount.value)
      if (amountMinor > MAX_AMOUNT_MINOR) throw invalid('amount.value', 'must be at most 9999999999.99 to fit the QR payload', 'debe ser como máximo 9999999999.99 para caber en el payload del QR')
    }
    const vat = readTaxLine('vat', input.vat.vat_type, input.vat.vat_value, 'vat_value', { field: 'vat_base_value', value: input.vat.vat_base_value })
    const inc = readTaxLine('inc', input.inc.inc_type, input.inc.inc_value, 'inc_value')
    const tip = input.tip ? readTip(input.tip) : null
    const additionalInfo = readAdditionalInfo(input.additional_info)
    if (input.qr_code_reference !== undefined && !REFERENCE.test(input.qr_code_reference)) {
      throw invalid('qr_code_reference', 'must be 1 to 17 letters or digits, without the letter P (it starts generated references)', 'debe tener de 1 a 17 letras o dígitos, sin la letra P (inicia las referencias generadas)')
    }

    // Existence, ownership, state.
    const customer = this.customers.require(principal, input.customer_id)
    const key = requireOwned(principal, 'key', this.keys.findById(input.key_id))
    if (key.customerId !== customer.id) {
      throw new PassportError('forbidden', { en: 'The key belongs to another customer of the entity', es: 'La llave pertenece a otro cliente de la entidad' })
    }
    if (key.status !== 'ACTIVE') {
      throw invalidState({ en: `The key is ${key.status}: QR codes can only be created for ACTIVE keys`, es: `La llave está ${key.status}: solo se crean códigos QR para llaves ACTIVE` })
    }
    if (key.keyValue.length > KEY_VALUE_MAX) {
      throw invalid('key_id', `names a key whose value has ${key.keyValue.length} characters; the QR's key template (EMVCo tag 26) holds at most ${KEY_VALUE_MAX}`, `indica una llave cuyo valor tiene ${key.keyValue.length} caracteres; la plantilla de llave del QR (tag EMVCo 26) admite máximo ${KEY_VALUE_MAX}`)
    }

    const merchant: QrMerchant = {
      categoryCode: customer.merchantCategoryCode,
      country: 'CO',
      name: emvText(customer.businessName, MERCHANT_NAME_MAX),
      city: emvText(customer.address.city, MERCHANT_CITY_MAX),
      postCode: emvText(customer.address.postCode, MERCHANT_POST_CODE_MAX),
    }
    // Reference B §7.5: generated references are P + digits (P785694784 in the docs).
    const reference = input.qr_code_reference ?? `P${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`
    const qrCodeData = encodeBrebQr({
      type: input.type,
      key: { key_type: key.keyType, key_value: key.keyValue },
      acquirerNetworkIdentifier: 'VISI',
      merchant,
      ...(amountMinor !== null && { amountMinor }),
      ...(additionalInfo !== null && { additionalInfo }),
      channel: input.channel,
      vat,
      inc,
      ...(tip && { tip }),
      reference,
    })
    const now = this.clock.now().toISOString()
    return {
      id: randomUUID(),
      entityId: principal.entityId,
      customerId: customer.id,
      keyId: key.id,
      keyType: key.keyType,
      keyValue: key.keyValue,
      type: input.type,
      status: 'ACTIVE',
      channel: input.channel,
      amountMinor,
      vat,
      inc,
      tip,
      additionalInfo,
      qrCodeReference: reference,
      merchant,
      qrCodeData,
      qrCodeImage: null,
      createdAt: now,
      updatedAt: now,
    }
  }
}
