import t from 'tap'
import { crc16 } from '../../src/core/crc16.js'
import {
  type BrebQrPayload,
  additionalDataTemplate,
  canonicalDecimal,
  canonicalRate,
  decodeBrebQr,
  emvAmount,
  emvText,
  encodeBrebQr,
  encodeDataObject,
  parseDataObjects,
} from '../../src/core/emvco.js'
import { PassportError } from '../../src/core/errors.js'
import type { BrebKey } from '../../src/core/key-formats.js'

/** Reference B §7.5: the static example of the retrieve-QR page, CRC 5CB4. */
const DOCS_STATIC =
  '00020101021126310015CO.COM.VISI.LLA01083660686449270015CO.COM.VISI.RED0104VISI5204578253031705802CO5914Merchant CWSPZ6006Bogota61059827362120808PURCHASE80280017CO.COM.VISI.CANAL0103POS90310017CO.COM.VISI.TRXID010600000063045CB4'

/**
 * A dynamic payload built by hand after the docs' decode example (54 "0000014907.00", key PHONE
 * 3702222329, INC FIXED 0), with every tag-62 field, VAT and INC templates and a tag 91 hash;
 * its CRC (05DE) was computed outside this code base.
 */
const HAND_DYNAMIC =
  '00020101021226330015CO.COM.VISI.LLA0210370222232949270015CO.COM.VISI.RED0104VISI52040412530317054130000014907.005802CO5914Merchant CWSPZ6008Medellin610610101062970103123021035035034560308sasc0193040412340503abc060400010702010802000905EMAIL1009114143104110340080280017CO.COM.VISI.CANAL0103POS81260016CO.COM.VISI.CIVA01020282240015CO.COM.VISI.IVA0101083250016CO.COM.VISI.BASE0101084260016CO.COM.VISI.CINC01020285240015CO.COM.VISI.INC0101090310017CO.COM.VISI.TRXID0106P1490791870015CO.COM.VISI.SEC01649f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08630405DE'

/** TLV written out here, independently of the code under test. */
const tlv = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`
const withCrc = (body: string) => `${body}6304${crc16(`${body}6304`)}`

/** The message of the 400 a function throws. */
function rejection(fn: () => unknown): { code: string; status: number; message: string } {
  try {
    fn()
  } catch (error) {
    if (error instanceof PassportError) return { code: error.code, status: error.status, message: error.text.en }
    throw error
  }
  throw new Error('expected a PassportError')
}

const KEYS: BrebKey[] = [
  { key_type: 'ID', key_value: '36606864' },
  { key_type: 'PHONE', key_value: '3001234567' },
  { key_type: 'EMAIL', key_value: 'ventas@tienda.com.co' },
  { key_type: 'ALPHA', key_value: '@tienda123' },
  { key_type: 'BCODE', key_value: '0012345678' },
]

function sample(key: BrebKey, type: 'STATIC' | 'DYNAMIC'): BrebQrPayload {
  return {
    type,
    key,
    acquirerNetworkIdentifier: 'VISI',
    merchant: { categoryCode: '0412', country: 'CO', name: 'Merchant CWSPZ', city: 'Bogota', postCode: '101010' },
    ...(type === 'DYNAMIC' && { amountMinor: 8000057n }),
    additionalInfo: { transaction_purpose: '05', terminal_label: '01', invoice_number: 'FAC-123' },
    channel: 'MPOS',
    vat: { type: 'PERCENTAGE', rate: '19', baseMinor: 6722739n },
    inc: { type: 'FIXED', valueMinor: 1000n },
    tip: { type: 'FIXED', valueMinor: 50000n },
    reference: 'ORDER42',
  }
}

t.test('computes CRC-16/CCITT-FALSE known answers', async (t) => {
  t.equal(crc16('123456789'), '29B1', 'the algorithm check value')
  t.equal(crc16(''), 'FFFF', 'the initial value on no input')
  t.equal(crc16('A'), 'B915')
  t.equal(crc16(DOCS_STATIC.slice(0, -4)), '5CB4', 'the docs example, over everything up to and including 6304')
  t.equal(crc16(HAND_DYNAMIC.slice(0, -4)), '05DE')
  t.match(crc16('\u00e9'), /^[0-9A-F]{4}$/, 'four uppercase hex digits, over UTF-8')
})

t.test('encodes and parses data objects', async (t) => {
  t.equal(encodeDataObject('59', 'Merchant CWSPZ'), '5914Merchant CWSPZ')
  t.equal(encodeDataObject('00', '01'), '000201')
  t.throws(() => encodeDataObject('5', 'x'), /two digits/)
  t.throws(() => encodeDataObject('62', ''), /1 to 99/)
  t.throws(() => encodeDataObject('62', 'x'.repeat(100)), /1 to 99/)
  t.same(parseDataObjects('000201010211'), [
    { id: '00', value: '01' },
    { id: '01', value: '11' },
  ])
  t.same(parseDataObjects(''), [])
  t.throws(() => parseDataObjects('0002010105'), /declares 5 characters but only 0 remain/)
  t.throws(() => parseDataObjects('0A0201'), /two-digit id and a two-digit length/)
})

t.test('decodes the docs static example', async (t) => {
  t.same(decodeBrebQr(DOCS_STATIC), {
    type: 'STATIC',
    key: { key_type: 'ID', key_value: '36606864' },
    acquirerNetworkIdentifier: 'VISI',
    merchant: { categoryCode: '5782', country: 'CO', name: 'Merchant CWSPZ', city: 'Bogota', postCode: '98273' },
    additionalInfo: { transaction_purpose: '00' },
    channel: 'POS',
    reference: '000000',
  })
})

t.test('decodes a hand-built dynamic payload, reading past tags it does not know', async (t) => {
  t.same(decodeBrebQr(HAND_DYNAMIC), {
    type: 'DYNAMIC',
    key: { key_type: 'PHONE', key_value: '3702222329' },
    acquirerNetworkIdentifier: 'VISI',
    merchant: { categoryCode: '0412', country: 'CO', name: 'Merchant CWSPZ', city: 'Medellin', postCode: '101010' },
    amountMinor: 1490700n,
    additionalInfo: {
      invoice_number: '123',
      mobile_phone_number: '3503503456',
      store_label: 'sasc0193',
      loyalty_label: '1234',
      reference_label: 'abc',
      customer_label: '0001',
      terminal_label: '01',
      transaction_purpose: '00',
      customer_info: 'EMAIL',
      channel_presentation: '400',
    },
    channel: 'POS',
    vat: { type: 'FIXED', valueMinor: 0n, baseMinor: 0n },
    inc: { type: 'FIXED', valueMinor: 0n },
    reference: 'P14907',
  })
})

t.test('round-trips every key type, STATIC and DYNAMIC', async (t) => {
  for (const key of KEYS) {
    for (const type of ['STATIC', 'DYNAMIC'] as const) {
      const qr = sample(key, type)
      const payload = encodeBrebQr(qr)
      t.match(payload, type === 'DYNAMIC' ? /^000201010212/ : /^000201010211/, `${key.key_type} ${type}: point of initiation`)
      t.equal(payload.slice(-4), crc16(payload.slice(0, -4)), `${key.key_type} ${type}: CRC over everything before it`)
      t.same(decodeBrebQr(payload), qr, `${key.key_type} ${type}: decodes to the same fields`)
    }
  }
})

t.test('writes the tags of reference B §7.5 in order, with no tag 91', async (t) => {
  const payload = encodeBrebQr(sample({ key_type: 'EMAIL', key_value: 'ventas@tienda.com.co' }, 'DYNAMIC'))
  const ids = parseDataObjects(payload).map((o) => o.id)
  t.same(ids, ['00', '01', '26', '49', '52', '53', '54', '55', '56', '58', '59', '60', '61', '62', '80', '81', '82', '83', '84', '85', '90', '63'])
  const key = `0015CO.COM.VISI.LLA${tlv('03', 'ventas@tienda.com.co')}`
  t.ok(payload.includes(tlv('26', key)), 'EMAIL in sub-tag 03 of the LLA template')
  t.ok(payload.includes(tlv('54', '80000.57')), 'the amount with two decimals')
  t.ok(payload.includes(tlv('49', `0015CO.COM.VISI.RED${tlv('01', 'VISI')}`)))
  t.ok(payload.includes(tlv('81', `0016CO.COM.VISI.CIVA${tlv('01', '03')}`)), 'PERCENTAGE VAT is calculation type 03')
  t.ok(payload.includes(tlv('82', `0015CO.COM.VISI.IVA${tlv('01', '19')}`)))
  t.ok(payload.includes(tlv('83', `0016CO.COM.VISI.BASE${tlv('01', '67227.39')}`)))
  t.ok(payload.includes(tlv('84', `0016CO.COM.VISI.CINC${tlv('01', '02')}`)), 'FIXED INC is calculation type 02, as in the docs')
  t.ok(payload.includes(tlv('85', `0015CO.COM.VISI.INC${tlv('01', '10.00')}`)))
  t.ok(payload.includes(`${tlv('55', '02')}${tlv('56', '500.00')}`), 'a fixed tip is EMVCo 55 "02" with the fee in 56')
  t.ok(payload.includes(tlv('90', `0017CO.COM.VISI.TRXID${tlv('01', 'ORDER42')}`)))
  t.ok(payload.includes(tlv('62', `${tlv('01', 'FAC-123')}${tlv('07', '01')}${tlv('08', 'COLLECTION')}`)), 'tag 62 sub-tags in order, the purpose as its word, as the docs’ payloads carry it')
  t.notOk(payload.includes('CO.COM.VISI.SEC'))
})

t.test('writes STATIC without tag 54 and a WALLET tip as indicator 01 alone', async (t) => {
  const qr: BrebQrPayload = { ...sample(KEYS[0] as BrebKey, 'STATIC'), tip: { type: 'WALLET' }, vat: { type: 'WALLET' }, inc: { type: 'PERCENTAGE', rate: '8.12345' } }
  const payload = encodeBrebQr(qr)
  const ids = parseDataObjects(payload).map((o) => o.id)
  t.notOk(ids.includes('54'))
  t.notOk(ids.includes('56'))
  t.notOk(ids.includes('57'))
  t.notOk(ids.includes('82'), 'no VAT value when the wallet computes it')
  t.ok(payload.includes(tlv('55', '01')))
  t.same(decodeBrebQr(payload), qr)
})

t.test('cuts merchant fields to the EMVCo maxima, as ASCII', async (t) => {
  const payload = encodeBrebQr({
    ...sample(KEYS[1] as BrebKey, 'STATIC'),
    merchant: { categoryCode: '0412', country: 'CO', name: 'Panadería y Pastelería La Española', city: 'San José de Cúcuta', postCode: '5400012345678' },
  })
  const top = new Map(parseDataObjects(payload).map((o) => [o.id, o.value]))
  t.equal(top.get('59'), 'Panaderia y Pasteleria La')
  t.equal(top.get('60'), 'San Jose de Cuc')
  t.equal(top.get('61'), '5400012345')
})

t.test('accepts the purpose as a word or code, and keeps other text as it stands', async (t) => {
  const base = `000201010211${tlv('26', `0015CO.COM.VISI.LLA${tlv('02', '3001234567')}`)}`
  t.equal(decodeBrebQr(withCrc(`${base}${tlv('62', tlv('08', 'COLLECTION'))}`)).additionalInfo?.transaction_purpose, '05')
  t.equal(decodeBrebQr(withCrc(`${base}${tlv('62', tlv('08', '07'))}`)).additionalInfo?.transaction_purpose, '07')
  t.equal(decodeBrebQr(withCrc(`${base}${tlv('62', tlv('08', 'Pago servicios'))}`)).additionalInfo?.transaction_purpose, 'Pago servicios')
  t.equal(decodeBrebQr(withCrc(`${base}${tlv('62', tlv('01', 'F1'))}`)).additionalInfo?.transaction_purpose, '00', 'tag 62 without a purpose: the create default, 00')
  t.equal(decodeBrebQr(withCrc(base)).additionalInfo, undefined, 'no tag 62: no additional data (Contract 2, sandbox observation)')
})

t.test('decodes a minimal payload: only the format indicator, the key template and the CRC', async (t) => {
  const payload = withCrc(`000201${tlv('26', `0015CO.COM.VISI.LLA${tlv('05', '0012345678')}`)}`)
  t.same(decodeBrebQr(payload), { type: 'STATIC', key: { key_type: 'BCODE', key_value: '0012345678' }, merchant: {} })
  const withAmount = withCrc(`000201${tlv('26', `0015CO.COM.VISI.LLA${tlv('01', '123')}`)}${tlv('54', '10')}`)
  t.equal(decodeBrebQr(withAmount).type, 'DYNAMIC', 'no tag 01 but an amount: DYNAMIC')
  t.equal(decodeBrebQr(withCrc(`000201${tlv('26', `0015CO.COM.VISI.LLA${tlv('01', '123')}`)}`)).merchant.name, undefined)
  t.equal(decodeBrebQr(`${DOCS_STATIC.slice(0, -4)}5cb4`).key.key_value, '36606864', 'a lower-case CRC is accepted')
})

t.test('answers 400 for a bad CRC', async (t) => {
  t.same(rejection(() => decodeBrebQr(`${DOCS_STATIC.slice(0, -4)}5CB5`)), {
    code: 'invalid_parameter_value',
    status: 400,
    message: "Field 'qr_code_data' has a bad CRC: tag 63 says 5CB5, but the CRC-16/CCITT-FALSE of the payload is 5CB4",
  })
  const tampered = DOCS_STATIC.replace('Bogota', 'Bogotb')
  t.match(rejection(() => decodeBrebQr(tampered)).message, /bad CRC: tag 63 says 5CB4/)
})

t.test('answers 400 for a malformed TLV', async (t) => {
  const cases: Array<[string, RegExp]> = [
    [DOCS_STATIC.slice(0, -10), /data object 90 declares 31 characters but only 29 remain/],
    [`${DOCS_STATIC}0`, /position 227 does not start with a two-digit id/],
    ['hello world', /position 0 does not start with a two-digit id/],
    [withCrc(`010211000201${tlv('26', `0015CO.COM.VISI.LLA${tlv('01', '1')}`)}`), /must start with the payload format indicator 000201/],
    [`000201${tlv('26', `0015CO.COM.VISI.LLA${tlv('01', '1')}`)}`, /must end with the CRC data object 6304/],
    [`${tlv('00', '01')}6304ABCD${tlv('01', '11')}`, /must end with the CRC data object 6304/],
    [withCrc(`000201010211010212${tlv('26', `0015CO.COM.VISI.LLA${tlv('01', '1')}`)}`), /data object 01 appears more than once/],
    [withCrc(`000201${tlv('26', '0015CO.COM.VISI.LLA0199')}`), /in template 26, data object 01 declares 99 characters/],
  ]
  for (const [payload, message] of cases) {
    const error = rejection(() => decodeBrebQr(payload))
    t.equal(error.status, 400)
    t.equal(error.code, 'invalid_parameter_value')
    t.match(error.message, /^Field 'qr_code_data' is not a valid EMVCo payload: /)
    t.match(error.message, message)
  }
})

t.test('answers 400 when no CO.COM.VISI.LLA template carries a key', async (t) => {
  const noTemplate = withCrc(`000201010211${tlv('49', `0015CO.COM.VISI.RED${tlv('01', 'VISI')}`)}5802CO`)
  t.same(rejection(() => decodeBrebQr(noTemplate)), {
    code: 'invalid_parameter_value',
    status: 400,
    message: "Field 'qr_code_data' carries no Bre-B key: no template of tags 26–51 has sub-tag 00 CO.COM.VISI.LLA",
  })
  const otherGui = withCrc(`000201${tlv('26', `0014BR.GOV.BCB.PIX${tlv('01', 'x@y.com')}`)}`)
  t.match(rejection(() => decodeBrebQr(otherGui)).message, /carries no Bre-B key/)
  const outsideRange = withCrc(`000201${tlv('80', `0015CO.COM.VISI.LLA${tlv('01', '123')}`)}`)
  t.match(rejection(() => decodeBrebQr(outsideRange)).message, /carries no Bre-B key/, 'only tags 26–51 hold merchant account templates')
  const noKey = withCrc(`000201${tlv('26', `0015CO.COM.VISI.LLA${tlv('09', '123')}`)}`)
  t.match(rejection(() => decodeBrebQr(noKey)).message, /has a CO.COM.VISI.LLA template without a key/)
})

t.test('answers 400 for values a Bre-B payload cannot carry', async (t) => {
  const key = tlv('26', `0015CO.COM.VISI.LLA${tlv('01', '123')}`)
  const cases: Array<[string, RegExp]> = [
    [`000201010213${key}`, /point of initiation "13" in tag 01/],
    [`000201${key}5303840`, /currency "840" in tag 53; Bre-B QR codes are in COP \(170\)/],
    [`000201${key}${tlv('54', '1.5X')}`, /invalid amount in tag 54: "1.5X"/],
    [`000201${key}${tlv('54', '1.005')}`, /invalid amount in tag 54: "1.005"/],
    [`000201${key}${tlv('81', `0016CO.COM.VISI.CIVA${tlv('01', '09')}`)}`, /unknown calculation type in tag 81: "09"/],
    [`000201${key}${tlv('81', `0016CO.COM.VISI.CIVA${tlv('01', '03')}`)}${tlv('82', `0015CO.COM.VISI.IVA${tlv('01', '101')}`)}`, /invalid percentage in tag 82: "101"/],
    [`000201${key}${tlv('55', '04')}`, /unknown calculation type in tag 55/],
  ]
  for (const [body, message] of cases) t.match(rejection(() => decodeBrebQr(withCrc(body))).message, message)
})

t.test('normalises decimals, rates, amounts and text', async (t) => {
  t.equal(canonicalDecimal('0000014907.00'), '14907')
  t.equal(canonicalDecimal('100.0'), '100')
  t.equal(canonicalDecimal('8.50'), '8.5')
  t.equal(canonicalDecimal('0'), '0')
  t.equal(canonicalDecimal('0.05'), '0.05')
  t.equal(canonicalDecimal('1e3'), undefined)
  t.equal(canonicalDecimal('.5'), undefined)
  t.equal(canonicalDecimal('-1'), undefined)
  t.equal(canonicalRate('19.00000'), '19')
  t.equal(canonicalRate('100'), '100')
  t.equal(canonicalRate('0.00001'), '0.00001')
  t.equal(canonicalRate('100.5'), undefined)
  t.equal(canonicalRate('101'), undefined)
  t.equal(canonicalRate('8.123456'), undefined, 'six decimals')
  t.equal(canonicalRate('019'), undefined, 'leading zero')
  t.equal(emvAmount(1490700n), '14907.00')
  t.equal(emvAmount(8000057n), '80000.57')
  t.equal(emvAmount(50n), '0.50')
  t.equal(emvAmount(999999999999n), '9999999999.99')
  t.equal(emvText('Medellín', 15), 'Medellin')
  t.equal(emvText('  Ñandú & Cía  ', 25), 'Nandu & Cia')
  t.equal(emvText('Caja Nº 1 ☕', 25), 'Caja No 1')
  t.equal(emvText('abcdefghij klm', 11), 'abcdefghij', 'no trailing space after the cut')
  t.equal(additionalDataTemplate({ transaction_purpose: '00' }), '0808PURCHASE', 'a code goes in as its word, as in the docs’ payloads')
  t.equal(additionalDataTemplate({ terminal_label: '01', transaction_purpose: '02', invoice_number: '9' }), '0101907020108' + '04VOID')
  t.equal(additionalDataTemplate({ transaction_purpose: 'Pago servicios' }), '0814Pago servicios', 'other text as it stands')
})
