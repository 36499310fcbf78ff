/**
 * EMVCo merchant-presented QR payloads as Bre-B uses them (reference B §7.5; CONTRACT §4
 * "QR codes"): TLV data objects (two-digit id, two-digit length, value; templates nest the same
 * format), the Bre-B payload built from a QR code, and the reverse. No Fastify, no SQL.
 *
 * Lengths count characters. Text the mock writes (merchant name, city, labels) is reduced to
 * printable ASCII first, as the docs' examples are ("Bogota", "Medellin"), so characters and
 * bytes agree for every reader.
 */
import { crc16 } from './crc16.js'
import { invalidField, type LocalizedText } from './errors.js'
import type { BrebKey, KeyType } from './key-formats.js'
import { formatMinor, parseMoneyValue } from './money.js'

/** One data object: `id` two digits, `value` up to 99 characters. */
export interface DataObject {
  id: string
  value: string
}

/** The template identifiers of the Bre-B payload (reference B §7.5). */
export const GUI = {
  key: 'CO.COM.VISI.LLA',
  network: 'CO.COM.VISI.RED',
  channel: 'CO.COM.VISI.CANAL',
  vatType: 'CO.COM.VISI.CIVA',
  vat: 'CO.COM.VISI.IVA',
  vatBase: 'CO.COM.VISI.BASE',
  incType: 'CO.COM.VISI.CINC',
  inc: 'CO.COM.VISI.INC',
  reference: 'CO.COM.VISI.TRXID',
} as const

/** Sub-tag of the key template per key type (01 and 02 are in the docs' examples; the rest follow in order). */
export const KEY_SUBTAGS: Record<KeyType, string> = { ID: '01', PHONE: '02', EMAIL: '03', ALPHA: '04', BCODE: '05' }

/** Request codes of `transaction_purpose` and the words responses carry (CONTRACT §4). */
export const TRANSACTION_PURPOSES = {
  '00': 'PURCHASE',
  '02': 'VOID',
  '03': 'TRANSFER',
  '04': 'WITHDRAWAL',
  '05': 'COLLECTION',
  '06': 'TOP_UP',
  '07': 'DEPOSIT',
} as const
export type TransactionPurposeCode = keyof typeof TRANSACTION_PURPOSES
export const TRANSACTION_PURPOSE_CODES = Object.keys(TRANSACTION_PURPOSES) as TransactionPurposeCode[]
export const TRANSACTION_PURPOSE_WORDS = Object.values(TRANSACTION_PURPOSES)

/** VAT, INC and tip calculation types. */
export const TAX_TYPES = ['WALLET', 'FIXED', 'PERCENTAGE'] as const
export type TaxType = (typeof TAX_TYPES)[number]

/** Codes of tags 81 and 84 (`02` with FIXED is in the docs' example; WALLET and PERCENTAGE follow the enum's order). */
const TAX_TYPE_CODES: Record<TaxType, string> = { WALLET: '01', FIXED: '02', PERCENTAGE: '03' }
/** EMVCo tag 55, "tip or convenience indicator": 01 the payer enters it, 02 a fixed fee (tag 56), 03 a percentage (tag 57). */
const TIP_TYPE_CODES: Record<TaxType, string> = { WALLET: '01', FIXED: '02', PERCENTAGE: '03' }

/**
 * A VAT, INC or tip line. FIXED values are money (minor units); PERCENTAGE values are rates, kept
 * as canonical decimal strings; WALLET leaves the figure to the payer's wallet.
 */
export interface TaxLine {
  type: TaxType
  valueMinor?: bigint
  rate?: string
  /** VAT only: the amount the tax is computed on. */
  baseMinor?: bigint
}

/** The additional-data fields (tag 62) and their sub-tags. */
export const ADDITIONAL_INFO_SUBTAGS = {
  invoice_number: '01',
  mobile_phone_number: '02',
  store_label: '03',
  loyalty_label: '04',
  reference_label: '05',
  customer_label: '06',
  terminal_label: '07',
  transaction_purpose: '08',
  customer_info: '09',
  channel_presentation: '11',
} as const
export type AdditionalInfoField = keyof typeof ADDITIONAL_INFO_SUBTAGS

/** Tag 62's fields by their wire names; `transaction_purpose` holds the code (or, decoded, any text). */
export type AdditionalInfo = Partial<Record<AdditionalInfoField, string>>

/** EMVCo maxima of the merchant fields (tags 59, 60, 61) and of a data object's value. */
export const MERCHANT_NAME_MAX = 25
export const MERCHANT_CITY_MAX = 15
export const MERCHANT_POST_CODE_MAX = 10
export const DATA_OBJECT_MAX = 99
/** Tag 54 holds at most 13 characters: 9999999999.99. */
export const MAX_AMOUNT_MINOR = 999999999999n

export interface Merchant {
  categoryCode?: string
  country?: string
  name?: string
  city?: string
  postCode?: string
}

/** Everything a Bre-B payload carries. */
export interface BrebQrPayload {
  type: 'STATIC' | 'DYNAMIC'
  key: BrebKey
  acquirerNetworkIdentifier?: string
  merchant: Merchant
  amountMinor?: bigint
  /** Tag 62; absent when the payload has none (a create request without `additional_info`: sandbox observation, reference/clients.md §3). */
  additionalInfo?: AdditionalInfo
  channel?: string
  vat?: TaxLine
  inc?: TaxLine
  tip?: TaxLine
  /** Tag 90: the caller's `qr_code_reference` or a generated `P` + digits. */
  reference?: string
}

// ---------------------------------------------------------------------------------------------
// Text and numbers

/** Printable ASCII, accents dropped ("Bogotá" → "Bogota"), cut to `max` characters. */
export function emvText(text: string, max: number): string {
  return text
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, max)
    .trimEnd()
}

/** `"0000014907.00"` → `"14907"`, `"100.0"` → `"100"`, `"8.50"` → `"8.5"`; undefined when not a plain decimal. */
export function canonicalDecimal(text: string): string | undefined {
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text)
  if (!match) return undefined
  const units = (match[1] ?? '0').replace(/^0+(?=[0-9])/, '')
  const fraction = (match[2] ?? '').replace(/0+$/, '')
  return fraction === '' ? units : `${units}.${fraction}`
}

/** A rate of 0–100 with up to 5 decimals, canonical (`"19.00000"` → `"19"`); undefined otherwise. */
export function canonicalRate(text: string): string | undefined {
  if (!/^(0|[1-9][0-9]{0,2})(\.[0-9]{1,5})?$/.test(text)) return undefined
  const rate = canonicalDecimal(text)
  if (rate === undefined) return undefined
  const [units = '0', fraction = ''] = rate.split('.')
  const overHundred = units.length > 3 || Number(units) > 100 || (units === '100' && fraction !== '')
  return overHundred ? undefined : rate
}

/** Money as tags 54, 56, 82, 83 and 85 write it: two decimals (`"10000.00"`), like the docs' examples. */
export function emvAmount(minor: bigint): string {
  const text = formatMinor(minor)
  return text.includes('.') ? text : `${text}.00`
}

// ---------------------------------------------------------------------------------------------
// TLV

/** One data object as text; throws when the id or the value's length cannot be encoded. */
export function encodeDataObject(id: string, value: string): string {
  if (!/^[0-9]{2}$/.test(id)) throw new Error(`EMVCo data object id must be two digits: ${id}`)
  if (value.length < 1 || value.length > DATA_OBJECT_MAX) throw new Error(`EMVCo data object ${id} must hold 1 to 99 characters, not ${value.length}`)
  return `${id}${String(value.length).padStart(2, '0')}${value}`
}

/** Data objects in order; `undefined` values are left out. */
export function encodeDataObjects(objects: Array<[string, string | undefined]>): string {
  return objects.map(([id, value]) => (value === undefined || value === '' ? '' : encodeDataObject(id, value))).join('')
}

/** A template whose sub-tag 00 is its globally unique identifier. */
function template(gui: string, fields: Array<[string, string | undefined]>): string {
  return encodeDataObjects([['00', gui], ...fields])
}

/** Why a text is not a sequence of data objects, or undefined when it is one. */
function tlvProblem(text: string): LocalizedText | undefined {
  let at = 0
  while (at < text.length) {
    const head = text.slice(at, at + 4)
    if (!/^[0-9]{4}$/.test(head)) {
      return { en: `the data object at position ${at} does not start with a two-digit id and a two-digit length`, es: `el objeto de datos en la posición ${at} no empieza con un id y una longitud de dos dígitos` }
    }
    const length = Number(head.slice(2))
    if (at + 4 + length > text.length) {
      const left = text.length - at - 4
      return { en: `data object ${head.slice(0, 2)} declares ${length} characters but only ${left} remain`, es: `el objeto de datos ${head.slice(0, 2)} declara ${length} caracteres pero solo quedan ${left}` }
    }
    at += 4 + length
  }
  return undefined
}

/** The data objects of a text; throws a plain Error when it is malformed (see {@link decodeBrebQr} for the API's errors). */
export function parseDataObjects(text: string): DataObject[] {
  const problem = tlvProblem(text)
  if (problem) throw new Error(problem.en)
  const objects: DataObject[] = []
  for (let at = 0; at < text.length; ) {
    const length = Number(text.slice(at + 2, at + 4))
    objects.push({ id: text.slice(at, at + 2), value: text.slice(at + 4, at + 4 + length) })
    at += 4 + length
  }
  return objects
}

// ---------------------------------------------------------------------------------------------
// Generation

function taxValue(line: TaxLine): string | undefined {
  if (line.type === 'PERCENTAGE') return line.rate
  return line.valueMinor === undefined ? undefined : emvAmount(line.valueMinor)
}

/** What sub-tag 62-08 carries for a purpose: the word for a request code (the docs' payloads), other text as it stands. */
function purposeText(purpose: string | undefined): string | undefined {
  return purpose !== undefined && purpose in TRANSACTION_PURPOSES ? TRANSACTION_PURPOSES[purpose as TransactionPurposeCode] : purpose
}

/**
 * The value of tag 62 for these fields (the caller checks it fits in 99 characters). The
 * purpose goes in as its word, as the docs' payloads carry it (`62120808PURCHASE` in
 * https://docs.passportfintech.com/EN/retrieve-qr-code and the decode example).
 */
export function additionalDataTemplate(info: AdditionalInfo): string {
  const fields = Object.entries(ADDITIONAL_INFO_SUBTAGS)
    .map(([field, id]) => [id, field === 'transaction_purpose' ? purposeText(info.transaction_purpose) : info[field as AdditionalInfoField]] as [string, string | undefined])
    .sort(([a], [b]) => a.localeCompare(b))
  return encodeDataObjects(fields)
}

/** The value of the key template (tag 26): 15 characters of identifier plus the key. */
export function keyTemplate(key: BrebKey): string {
  return template(GUI.key, [[KEY_SUBTAGS[key.key_type], key.key_value]])
}

/** The longest key value the key template can hold (99 − "0015CO.COM.VISI.LLA" − "01LL"). */
export const KEY_VALUE_MAX = DATA_OBJECT_MAX - 19 - 4

/**
 * The Bre-B payload of reference B §7.5, CRC included: 00 "01"; 01 "11"/"12"; 26 key; 49 network;
 * 52 MCC; 53 "170"; 54 amount (when given, either type); 55–57 tip; 58 "CO"; 59–61 merchant; 62 additional data (when given);
 * 80 channel; 81–85 VAT and INC; 90 reference; 63 CRC over everything before it, "6304" included.
 * No tag 91 (its hash is not documented).
 */
export function encodeBrebQr(qr: BrebQrPayload): string {
  const tip = qr.tip
  const body = encodeDataObjects([
    ['00', '01'],
    ['01', qr.type === 'DYNAMIC' ? '12' : '11'],
    ['26', keyTemplate(qr.key)],
    ['49', template(GUI.network, [['01', qr.acquirerNetworkIdentifier ?? 'VISI']])],
    ['52', qr.merchant.categoryCode],
    ['53', '170'],
    ['54', qr.amountMinor === undefined ? undefined : emvAmount(qr.amountMinor)],
    ['55', tip && TIP_TYPE_CODES[tip.type]],
    ['56', tip?.type === 'FIXED' && tip.valueMinor !== undefined ? emvAmount(tip.valueMinor) : undefined],
    ['57', tip?.type === 'PERCENTAGE' ? tip.rate : undefined],
    ['58', qr.merchant.country ?? 'CO'],
    ['59', qr.merchant.name && emvText(qr.merchant.name, MERCHANT_NAME_MAX)],
    ['60', qr.merchant.city && emvText(qr.merchant.city, MERCHANT_CITY_MAX)],
    ['61', qr.merchant.postCode && emvText(qr.merchant.postCode, MERCHANT_POST_CODE_MAX)],
    ['62', qr.additionalInfo && additionalDataTemplate(qr.additionalInfo)],
    ['80', qr.channel && template(GUI.channel, [['01', qr.channel]])],
    ['81', qr.vat && template(GUI.vatType, [['01', TAX_TYPE_CODES[qr.vat.type]]])],
    ['82', qr.vat && taxValue(qr.vat) !== undefined ? template(GUI.vat, [['01', taxValue(qr.vat)]]) : undefined],
    ['83', qr.vat?.baseMinor !== undefined ? template(GUI.vatBase, [['01', emvAmount(qr.vat.baseMinor)]]) : undefined],
    ['84', qr.inc && template(GUI.incType, [['01', TAX_TYPE_CODES[qr.inc.type]]])],
    ['85', qr.inc && taxValue(qr.inc) !== undefined ? template(GUI.inc, [['01', taxValue(qr.inc)]]) : undefined],
    ['90', qr.reference && template(GUI.reference, [['01', qr.reference]])],
  ])
  const withCrcTag = `${body}6304`
  return `${withCrcTag}${crc16(withCrcTag)}`
}

// ---------------------------------------------------------------------------------------------
// Decoding

function bad(en: string, es: string) {
  return invalidField({ en: `Field 'qr_code_data' ${en}`, es: `El campo 'qr_code_data' ${es}` })
}

function malformed(problem: LocalizedText) {
  return bad(`is not a valid EMVCo payload: ${problem.en}`, `no es un payload EMVCo válido: ${problem.es}`)
}

/** Top-level tags whose values are templates (EMVCo: 26–51 merchant account information, 62, 64, 80–99). */
function isTemplate(id: string): boolean {
  const n = Number(id)
  return (n >= 26 && n <= 51) || n === 62 || n === 64 || n >= 80
}

/** The data objects of a template, or a 400 naming the tag. */
function parseTemplate(id: string, value: string): Map<string, string> {
  const problem = tlvProblem(value)
  if (problem) throw malformed({ en: `in template ${id}, ${problem.en}`, es: `en la plantilla ${id}, ${problem.es}` })
  return new Map(parseDataObjects(value).map((o) => [o.id, o.value]))
}

function decodeAmount(tag: string, text: string): bigint {
  const canonical = canonicalDecimal(text)
  const minor = canonical === undefined ? undefined : parseMoneyValue(canonical)
  if (minor === undefined) throw bad(`has an invalid amount in tag ${tag}: ${JSON.stringify(text)}`, `tiene un monto inválido en el tag ${tag}: ${JSON.stringify(text)}`)
  return minor
}

function decodeRate(tag: string, text: string): string {
  const canonical = canonicalDecimal(text)
  const rate = canonical === undefined ? undefined : canonicalRate(canonical)
  if (rate === undefined) throw bad(`has an invalid percentage in tag ${tag}: ${JSON.stringify(text)}`, `tiene un porcentaje inválido en el tag ${tag}: ${JSON.stringify(text)}`)
  return rate
}

function taxTypeOf(tag: string, code: string | undefined, codes: Record<TaxType, string>): TaxType {
  const type = (Object.keys(codes) as TaxType[]).find((t) => codes[t] === code)
  if (!type) throw bad(`has an unknown calculation type in tag ${tag}: ${JSON.stringify(code ?? '')}`, `tiene un tipo de cálculo desconocido en el tag ${tag}: ${JSON.stringify(code ?? '')}`)
  return type
}

/** Top-level template tags → their sub-tags' values. */
type Templates = Map<string, Map<string, string>>

/** The tag and fields of the template whose sub-tag 00 is `gui`. */
function findTemplate(templates: Templates, gui: string): [string, Map<string, string>] | undefined {
  return [...templates.entries()].find(([, fields]) => fields.get('00') === gui)
}

/** A VAT or INC line from its calculation-type, value and (VAT) base templates; undefined when none is present. */
function decodeTaxLine(templates: Templates, typeGui: string, valueGui: string, baseGui: string | undefined): TaxLine | undefined {
  const typeTemplate = findTemplate(templates, typeGui)
  const valueTemplate = findTemplate(templates, valueGui)
  const baseTemplate = baseGui === undefined ? undefined : findTemplate(templates, baseGui)
  if (!typeTemplate && !valueTemplate && !baseTemplate) return undefined
  const type = typeTemplate ? taxTypeOf(typeTemplate[0], typeTemplate[1].get('01'), TAX_TYPE_CODES) : 'FIXED'
  const line: TaxLine = { type }
  const value = valueTemplate?.[1].get('01')
  if (valueTemplate && value !== undefined) {
    if (type === 'PERCENTAGE') line.rate = decodeRate(valueTemplate[0], value)
    else line.valueMinor = decodeAmount(valueTemplate[0], value)
  }
  const base = baseTemplate?.[1].get('01')
  if (baseTemplate && base !== undefined) line.baseMinor = decodeAmount(baseTemplate[0], base)
  return line
}

/** A request code, the word for one, or any other text as it stands. */
function purposeCode(text: string): string {
  if (text in TRANSACTION_PURPOSES) return text
  const code = TRANSACTION_PURPOSE_CODES.find((c) => TRANSACTION_PURPOSES[c] === text.toUpperCase())
  return code ?? text
}

/**
 * Any valid merchant-presented payload with a Bre-B key template → its fields. 400
 * `invalid_parameter_value` for a malformed TLV, a bad CRC, or no `CO.COM.VISI.LLA` template.
 * Unknown tags and sub-tags (e.g. 91, the security hash) are read past.
 */
export function decodeBrebQr(payload: string): BrebQrPayload {
  const problem = tlvProblem(payload)
  if (problem) throw malformed(problem)
  const objects = parseDataObjects(payload)
  if (objects[0]?.id !== '00' || objects[0].value !== '01') {
    throw malformed({ en: 'it must start with the payload format indicator 000201', es: 'debe empezar con el indicador de formato 000201' })
  }
  const last = objects.at(-1)
  if (last?.id !== '63' || !/^[0-9A-Fa-f]{4}$/.test(last.value)) {
    throw malformed({ en: 'it must end with the CRC data object 6304 and four hex digits', es: 'debe terminar con el objeto CRC 6304 y cuatro dígitos hexadecimales' })
  }
  const top = new Map<string, string>()
  for (const object of objects) {
    if (top.has(object.id)) throw malformed({ en: `data object ${object.id} appears more than once`, es: `el objeto de datos ${object.id} aparece más de una vez` })
    top.set(object.id, object.value)
  }
  const expected = crc16(payload.slice(0, -4))
  if (last.value.toUpperCase() !== expected) {
    throw bad(`has a bad CRC: tag 63 says ${last.value}, but the CRC-16/CCITT-FALSE of the payload is ${expected}`, `tiene un CRC incorrecto: el tag 63 dice ${last.value}, pero el CRC-16/CCITT-FALSE del payload es ${expected}`)
  }

  const templates: Templates = new Map()
  for (const [id, value] of top) if (isTemplate(id)) templates.set(id, parseTemplate(id, value))
  const byGui = (gui: string) => findTemplate(templates, gui)?.[1]

  const keyTemplateFields = [...templates.entries()].find(([id, sub]) => Number(id) >= 26 && Number(id) <= 51 && sub.get('00') === GUI.key)?.[1]
  if (!keyTemplateFields) {
    throw bad(`carries no Bre-B key: no template of tags 26–51 has sub-tag 00 ${GUI.key}`, `no trae una llave Bre-B: ninguna plantilla de los tags 26–51 tiene el subtag 00 ${GUI.key}`)
  }
  const keyType = (Object.keys(KEY_SUBTAGS) as KeyType[]).find((t) => keyTemplateFields.has(KEY_SUBTAGS[t]))
  if (!keyType) {
    throw bad(`has a ${GUI.key} template without a key (sub-tags 01 ID, 02 PHONE, 03 EMAIL, 04 ALPHA, 05 BCODE)`, `tiene una plantilla ${GUI.key} sin llave (subtags 01 ID, 02 PHONE, 03 EMAIL, 04 ALPHA, 05 BCODE)`)
  }

  const initiation = top.get('01')
  if (initiation !== undefined && initiation !== '11' && initiation !== '12') {
    throw bad(`has point of initiation ${JSON.stringify(initiation)} in tag 01; it must be 11 (STATIC) or 12 (DYNAMIC)`, `tiene el punto de iniciación ${JSON.stringify(initiation)} en el tag 01; debe ser 11 (STATIC) o 12 (DYNAMIC)`)
  }
  const currency = top.get('53')
  if (currency !== undefined && currency !== '170') {
    throw bad(`has currency ${JSON.stringify(currency)} in tag 53; Bre-B QR codes are in COP (170)`, `tiene la moneda ${JSON.stringify(currency)} en el tag 53; los QR Bre-B son en COP (170)`)
  }
  const amount = top.get('54')
  const amountMinor = amount === undefined ? undefined : decodeAmount('54', amount)

  // Contract 2: a payload without tag 62 has no additional data (the sandbox's decode of such a QR
  // answered no additional_info: reference/clients.md §3); with tag 62 the purpose defaults to 00.
  const additional = templates.get('62')
  let additionalInfo: AdditionalInfo | undefined
  if (additional) {
    additionalInfo = {}
    for (const [field, id] of Object.entries(ADDITIONAL_INFO_SUBTAGS)) {
      const value = additional.get(id)
      if (value !== undefined) additionalInfo[field as AdditionalInfoField] = field === 'transaction_purpose' ? purposeCode(value) : value
    }
    additionalInfo.transaction_purpose ??= '00'
  }

  let tip: TaxLine | undefined
  const tipIndicator = top.get('55')
  if (tipIndicator !== undefined) {
    tip = { type: taxTypeOf('55', tipIndicator, TIP_TYPE_CODES) }
    const fee = top.get('56')
    const percentage = top.get('57')
    if (tip.type === 'FIXED' && fee !== undefined) tip.valueMinor = decodeAmount('56', fee)
    if (tip.type === 'PERCENTAGE' && percentage !== undefined) tip.rate = decodeRate('57', percentage)
  }

  const merchant: Merchant = {}
  const merchantFields: Array<[keyof Merchant, string]> = [['categoryCode', '52'], ['country', '58'], ['name', '59'], ['city', '60'], ['postCode', '61']]
  for (const [field, id] of merchantFields) {
    const value = top.get(id)
    if (value !== undefined) merchant[field] = value
  }

  const decoded: BrebQrPayload = {
    type: initiation === '12' || (initiation === undefined && amountMinor !== undefined) ? 'DYNAMIC' : 'STATIC',
    key: { key_type: keyType, key_value: keyTemplateFields.get(KEY_SUBTAGS[keyType]) ?? '' },
    merchant,
  }
  if (additionalInfo) decoded.additionalInfo = additionalInfo
  const network = byGui(GUI.network)?.get('01')
  if (network !== undefined) decoded.acquirerNetworkIdentifier = network
  if (amountMinor !== undefined) decoded.amountMinor = amountMinor
  const channel = byGui(GUI.channel)?.get('01')
  if (channel !== undefined) decoded.channel = channel
  const vat = decodeTaxLine(templates, GUI.vatType, GUI.vat, GUI.vatBase)
  if (vat) decoded.vat = vat
  const inc = decodeTaxLine(templates, GUI.incType, GUI.inc, undefined)
  if (inc) decoded.inc = inc
  if (tip) decoded.tip = tip
  const reference = byGui(GUI.reference)?.get('01')
  if (reference !== undefined) decoded.reference = reference
  return decoded
}
