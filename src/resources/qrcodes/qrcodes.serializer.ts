import { type AdditionalInfo, type BrebQrPayload, type TaxLine, TRANSACTION_PURPOSES, type TransactionPurposeCode } from '../../core/emvco.js'
import { formatMinor, toMoney } from '../../core/money.js'
import type { DrawnQrCode } from './qrcodes.service.js'

/** A line's figure: a rate for PERCENTAGE, canonical money otherwise (absent for a bare WALLET). */
function figure(line: TaxLine): string | undefined {
  if (line.type === 'PERCENTAGE') return line.rate
  return line.valueMinor === undefined ? undefined : formatMinor(line.valueMinor)
}

function serializeVat(line: TaxLine) {
  const value = figure(line)
  return {
    vat_type: line.type,
    ...(value !== undefined && { vat_value: value }),
    ...(line.baseMinor !== undefined && { vat_base_value: formatMinor(line.baseMinor) }),
  }
}

function serializeInc(line: TaxLine) {
  const value = figure(line)
  return { inc_type: line.type, ...(value !== undefined && { inc_value: value }) }
}

function serializeTip(line: TaxLine) {
  const value = figure(line)
  return { tip_type: line.type, ...(value !== undefined && { tip_value: value }) }
}

/** Tag 62's fields; the purpose code becomes its word (00 → PURCHASE: CONTRACT §4), other text stays. */
function serializeAdditionalInfo(info: AdditionalInfo) {
  const code = info.transaction_purpose ?? '00'
  return { ...info, transaction_purpose: code in TRANSACTION_PURPOSES ? TRANSACTION_PURPOSES[code as TransactionPurposeCode] : code }
}

/** A stored QR code always holds one of the request codes. */
function serializeOwnAdditionalInfo(info: AdditionalInfo) {
  return { ...info, transaction_purpose: TRANSACTION_PURPOSES[(info.transaction_purpose ?? '00') as TransactionPurposeCode] }
}

/** QrCode → wire body (reference B §7.2). */
export function serializeQrCode(q: DrawnQrCode) {
  return {
    id: q.id,
    customer_id: q.customerId,
    key_id: q.keyId,
    key: { key_type: q.keyType, key_value: q.keyValue },
    type: q.type,
    status: q.status,
    channel: q.channel,
    ...(q.amountMinor !== null && { amount: toMoney(q.amountMinor) }),
    vat: serializeVat(q.vat),
    inc: serializeInc(q.inc),
    ...(q.tip !== null && { tip: serializeTip(q.tip) }),
    ...(q.additionalInfo !== null && { additional_info: serializeOwnAdditionalInfo(q.additionalInfo) }),
    qr_code_reference: q.qrCodeReference,
    qr_code_data: q.qrCodeData,
    qr_code_image: q.qrCodeImage,
    acquirer_network_identifier: 'VISI',
    merchant: {
      merchant_category_code: q.merchant.categoryCode,
      merchant_country: q.merchant.country,
      merchant_name: q.merchant.name,
      merchant_city: q.merchant.city,
      merchant_post_code: q.merchant.postCode,
    },
    created_at: q.createdAt,
    updated_at: q.updatedAt,
  }
}

/** A decoded payload → the decode answer (reference B §7.3): no id, no image; absent tags are absent fields. */
export function serializeDecodedQrCode(d: BrebQrPayload, qrCodeData: string) {
  const m = d.merchant
  return {
    type: d.type,
    status: 'ACTIVE' as const,
    key: d.key,
    ...(d.amountMinor !== undefined && { amount: toMoney(d.amountMinor) }),
    ...(d.vat && { vat: serializeVat(d.vat) }),
    ...(d.inc && { inc: serializeInc(d.inc) }),
    ...(d.tip && { tip: serializeTip(d.tip) }),
    ...(d.additionalInfo && { additional_info: serializeAdditionalInfo(d.additionalInfo) }),
    ...(d.channel !== undefined && { channel: d.channel }),
    ...(d.acquirerNetworkIdentifier !== undefined && { acquirer_network_identifier: d.acquirerNetworkIdentifier }),
    merchant: {
      ...(m.categoryCode !== undefined && { merchant_category_code: m.categoryCode }),
      ...(m.country !== undefined && { merchant_country: m.country }),
      ...(m.name !== undefined && { merchant_name: m.name }),
      ...(m.city !== undefined && { merchant_city: m.city }),
      ...(m.postCode !== undefined && { merchant_post_code: m.postCode }),
    },
    ...(d.reference !== undefined && { qr_code_reference: d.reference }),
    qr_code_data: qrCodeData,
  }
}
