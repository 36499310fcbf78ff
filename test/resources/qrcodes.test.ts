import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import t from 'tap'
import { crc16 } from '../../src/core/crc16.js'
import { type ClientName, bearer } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import { expectError, expectInvalid } from '../helpers/errors.js'
import { expectMatchesSpec } from '../helpers/openapi.js'

const NOW = '2026-01-15T12:00:00.000Z'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const SECOND_CUSTOMER = 'a9326341-40e6-497e-b44a-72c49a2c3910'
/** The other entity's customer, owner of account `…0403`. */
const FOREIGN_CUSTOMER = '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'
const SECOND_ACCOUNT = 'f1dce2ff-7413-4fab-91e4-ca84489cf74c'
const FOREIGN_ACCOUNT = '00000000-0000-4000-8000-000000000403'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
/** The fixtures' docs customer as tags 52 and 58–61 carry it (CONTRACT §6). */
const DOCS_MERCHANT = { merchant_category_code: '0412', merchant_country: 'CO', merchant_name: 'changing', merchant_city: 'Cartagena', merchant_post_code: '101010' }
const ZERO_VAT = { vat_type: 'FIXED', vat_value: '0' }
const ZERO_INC = { inc_type: 'FIXED', inc_value: '0' }

/** Reference B §7.5: the static example of the retrieve-QR page (CRC 5CB4). */
const DOCS_STATIC =
  '00020101021126310015CO.COM.VISI.LLA01083660686449270015CO.COM.VISI.RED0104VISI5204578253031705802CO5914Merchant CWSPZ6006Bogota61059827362120808PURCHASE80280017CO.COM.VISI.CANAL0103POS90310017CO.COM.VISI.TRXID010600000063045CB4'
/** A dynamic payload built by hand after the docs' decode example, with a tag 91 hash; CRC 05DE computed outside this code base. */
const HAND_DYNAMIC =
  '00020101021226330015CO.COM.VISI.LLA0210370222232949270015CO.COM.VISI.RED0104VISI52040412530317054130000014907.005802CO5914Merchant CWSPZ6008Medellin610610101062970103123021035035034560308sasc0193040412340503abc060400010702010802000905EMAIL1009114143104110340080280017CO.COM.VISI.CANAL0103POS81260016CO.COM.VISI.CIVA01020282240015CO.COM.VISI.IVA0101083250016CO.COM.VISI.BASE0101084260016CO.COM.VISI.CINC01020285240015CO.COM.VISI.INC0101090310017CO.COM.VISI.TRXID0106P1490791870015CO.COM.VISI.SEC01649f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08630405DE'

/** EMVCo TLV written out here, independently of src/core/emvco.ts. */
const tlv = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`
const template = (id: string, gui: string, ...fields: Array<[string, string]>) => tlv(id, [tlv('00', gui), ...fields.map(([i, v]) => tlv(i, v))].join(''))
const withCrc = (body: string) => `${body}6304${crc16(`${body}6304`)}`

interface QrBody {
  id: string
  customer_id: string
  key_id: string
  key: { key_type: string; key_value: string }
  type: string
  status: string
  channel: string
  amount?: { value: string; currency: string }
  vat: Record<string, string>
  inc: Record<string, string>
  tip?: Record<string, string>
  additional_info?: Record<string, string>
  qr_code_reference: string
  qr_code_data: string
  qr_code_image: string
  acquirer_network_identifier: string
  merchant: Record<string, string>
  created_at: string
  updated_at: string
}

interface QrList {
  qr_codes: QrBody[]
  pagination_info: { total_elements: number; total_pages: number; current_page: number; first_request_timestamp: string }
}

/** Registers a Bre-B key (POST /v1/keys) and returns its id. */
async function newKey(app: FastifyInstance, keyType: string, keyValue: string, accountId = DOCS_ACCOUNT, client: ClientName = 'admin'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/keys', headers: await bearer(app, client), payload: { account_id: accountId, key: { key_type: keyType, key_value: keyValue } } })
  if (res.statusCode !== 200) throw new Error(`key registration failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

/** The smallest valid create body: STATIC, POS, zero VAT and INC, the docs customer. */
function qrRequest(keyId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { key_id: keyId, customer_id: DOCS_CUSTOMER, type: 'STATIC', channel: 'POS', vat: ZERO_VAT, inc: ZERO_INC, ...overrides }
}

async function createQr(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url: '/v1/qrcodes', headers: await bearer(app, client), payload: payload as object })
}

async function created(app: FastifyInstance, payload: unknown, client: ClientName = 'admin'): Promise<QrBody> {
  const res = await createQr(app, payload, client)
  if (res.statusCode !== 200) throw new Error(`QR creation failed: ${res.statusCode} ${res.body}`)
  return res.json() as QrBody
}

async function decodeQr(app: FastifyInstance, payload: unknown, client: ClientName = 'admin') {
  return app.inject({ method: 'POST', url: '/v1/qrcodes/decode', headers: await bearer(app, client), payload: payload as object })
}

async function listQrs(app: FastifyInstance, query = '', client: ClientName = 'admin') {
  return app.inject({ url: `/v1/qrcodes${query}`, headers: await bearer(app, client) })
}

function ids(res: LightMyRequestResponse): string[] {
  return (res.json() as QrList).qr_codes.map((q) => q.id)
}

/** jsqr ships CommonJS whose default export NodeNext sees one level down (as ajv-formats in src/plugins/validation.ts). */
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default

/** What a phone's scanner would read: the PNG decoded by jsQR (a maintained npm QR decoder). */
function scan(imageBase64: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(imageBase64, 'base64'))
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data
}

/** The fields a QR object and its decoded payload share. */
function payloadFields(q: QrBody) {
  const { id, customer_id, key_id, qr_code_image, created_at, updated_at, ...rest } = q
  return rest
}

// ---------------------------------------------------------------------------------------------
// POST /v1/qrcodes

t.test('creates a DYNAMIC QR code: the reference B §7.2 object, its payload written tag by tag', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const res = await createQr(
    app,
    qrRequest(keyId, {
      type: 'DYNAMIC',
      channel: 'ECOMM',
      amount: { value: '80000.57', currency: 'COP' },
      vat: { vat_type: 'FIXED', vat_value: '100.00', vat_base_value: '1000' },
      inc: { inc_type: 'FIXED', inc_value: '10' },
      tip: { tip_type: 'FIXED', tip_value: '500' },
      additional_info: { transaction_purpose: '05', terminal_label: 'T1', invoice_number: 'FAC-1' },
      qr_code_reference: 'ORDER123',
    }),
  )
  t.equal(res.statusCode, 200)
  const body = res.json() as QrBody
  const payload = withCrc(
    [
      tlv('00', '01'),
      tlv('01', '12'),
      template('26', 'CO.COM.VISI.LLA', ['02', '3001234567']),
      template('49', 'CO.COM.VISI.RED', ['01', 'VISI']),
      tlv('52', '0412'),
      tlv('53', '170'),
      tlv('54', '80000.57'),
      tlv('55', '02'),
      tlv('56', '500.00'),
      tlv('58', 'CO'),
      tlv('59', 'changing'),
      tlv('60', 'Cartagena'),
      tlv('61', '101010'),
      tlv('62', tlv('01', 'FAC-1') + tlv('07', 'T1') + tlv('08', 'COLLECTION')),
      template('80', 'CO.COM.VISI.CANAL', ['01', 'ECOMM']),
      template('81', 'CO.COM.VISI.CIVA', ['01', '02']),
      template('82', 'CO.COM.VISI.IVA', ['01', '100.00']),
      template('83', 'CO.COM.VISI.BASE', ['01', '1000.00']),
      template('84', 'CO.COM.VISI.CINC', ['01', '02']),
      template('85', 'CO.COM.VISI.INC', ['01', '10.00']),
      template('90', 'CO.COM.VISI.TRXID', ['01', 'ORDER123']),
    ].join(''),
  )
  t.same(body, {
    id: body.id,
    customer_id: DOCS_CUSTOMER,
    key_id: keyId,
    key: { key_type: 'PHONE', key_value: '3001234567' },
    type: 'DYNAMIC',
    status: 'ACTIVE',
    channel: 'ECOMM',
    amount: { value: '80000.57', currency: 'COP' },
    vat: { vat_type: 'FIXED', vat_value: '100', vat_base_value: '1000' },
    inc: { inc_type: 'FIXED', inc_value: '10' },
    tip: { tip_type: 'FIXED', tip_value: '500' },
    additional_info: { transaction_purpose: 'COLLECTION', terminal_label: 'T1', invoice_number: 'FAC-1' },
    qr_code_reference: 'ORDER123',
    qr_code_data: payload,
    qr_code_image: body.qr_code_image,
    acquirer_network_identifier: 'VISI',
    merchant: DOCS_MERCHANT,
    created_at: NOW,
    updated_at: NOW,
  })
  t.match(body.id, UUID)
  t.notOk(body.qr_code_data.includes('CO.COM.VISI.SEC'), 'no tag 91')
  t.match(body.qr_code_image, /^iVBORw0KGgo[A-Za-z0-9+/]+={0,2}$/, 'plain base64 of a PNG, no b\'...\' wrapper')
  await expectMatchesSpec(t, app, res)
})

t.test('draws a PNG that a QR decoder from npm reads back to exactly qr_code_data', async (t) => {
  const { app } = await buildTestApp(t)
  const phone = await newKey(app, 'PHONE', '3001234567')
  const email = await newKey(app, 'EMAIL', 'Ventas.Tienda@Example.com.co')
  const bodies = [
    await created(app, qrRequest(phone)),
    await created(
      app,
      qrRequest(email, {
        type: 'DYNAMIC',
        amount: { value: '90000000.99', currency: 'COP' },
        vat: { vat_type: 'PERCENTAGE', vat_value: '19', vat_base_value: '75630252.93' },
        additional_info: { transaction_purpose: '00', store_label: 'Tienda Principal', terminal_label: 'Caja 12', reference_label: 'Pedido 98765' },
      }),
    ),
  ]
  for (const body of bodies) {
    const png = Buffer.from(body.qr_code_image, 'base64')
    t.same([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature')
    t.equal(scan(body.qr_code_image), body.qr_code_data, `${body.type}: the scanned text is the payload`)
  }
  t.equal(bodies[1]?.key.key_value, 'ventas.tienda@example.com.co', 'the key as stored: lower-case')
})

t.test('creates a STATIC QR code from the required fields: no amount, no additional_info (no tag 62), a generated P reference', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'ID', '36606864')
  const res = await createQr(app, qrRequest(keyId))
  t.equal(res.statusCode, 200)
  const body = res.json() as QrBody
  t.match(body.qr_code_reference, /^P[0-9]{9}$/)
  t.same(payloadFields(body), {
    key: { key_type: 'ID', key_value: '36606864' },
    type: 'STATIC',
    status: 'ACTIVE',
    channel: 'POS',
    vat: { vat_type: 'FIXED', vat_value: '0' },
    inc: { inc_type: 'FIXED', inc_value: '0' },
    qr_code_reference: body.qr_code_reference,
    qr_code_data: withCrc(
      [
        '000201010211',
        template('26', 'CO.COM.VISI.LLA', ['01', '36606864']),
        template('49', 'CO.COM.VISI.RED', ['01', 'VISI']),
        tlv('52', '0412') + tlv('53', '170') + tlv('58', 'CO'),
        tlv('59', 'changing') + tlv('60', 'Cartagena') + tlv('61', '101010'),
        template('80', 'CO.COM.VISI.CANAL', ['01', 'POS']),
        template('81', 'CO.COM.VISI.CIVA', ['01', '02']),
        template('82', 'CO.COM.VISI.IVA', ['01', '0.00']),
        template('84', 'CO.COM.VISI.CINC', ['01', '02']),
        template('85', 'CO.COM.VISI.INC', ['01', '0.00']),
        template('90', 'CO.COM.VISI.TRXID', ['01', body.qr_code_reference]),
      ].join(''),
    ),
    acquirer_network_identifier: 'VISI',
    merchant: DOCS_MERCHANT,
  })
  t.notOk('amount' in body)
  t.notOk('tip' in body)
  t.notOk('additional_info' in body, 'Contract 2: no additional_info sent, none answered (sandbox observation)')
  await expectMatchesSpec(t, app, res)
})

t.test('answers no additional_info for a QR made without it: get, list and decode alike (sandbox observation)', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'BCODE', '0016027228')
  // The request the real sandbox accepted (reference/clients.md §3): MPOS, vat, inc, tip, a reference, no amount or additional_info.
  const qr = await created(app, qrRequest(keyId, {
    channel: 'MPOS',
    vat: { vat_type: 'FIXED', vat_value: '100.00', vat_base_value: '100.00' },
    inc: { inc_type: 'FIXED', inc_value: '10.00' },
    tip: { tip_type: 'FIXED', tip_value: '100.00' },
    qr_code_reference: 'ORDER12345',
  }))
  t.notOk('additional_info' in qr)
  t.notOk(qr.qr_code_data.includes('0808'), 'no tag 62 purpose in the payload')
  const get = await app.inject({ url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app) })
  t.equal(get.statusCode, 200)
  t.notOk('additional_info' in get.json())
  await expectMatchesSpec(t, app, get)
  const list = await listQrs(app, `?qr_code_id=${qr.id}`)
  t.equal(list.statusCode, 200)
  t.same((list.json() as QrList).qr_codes.map((q) => 'additional_info' in q), [false])
  await expectMatchesSpec(t, app, list)
  const decoded = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: qr.qr_code_data })
  t.equal(decoded.statusCode, 200)
  t.match(decoded.json(), { status: 'ACTIVE', type: 'STATIC', channel: 'MPOS', acquirer_network_identifier: 'VISI', key: { key_type: 'BCODE' }, merchant: { merchant_country: 'CO' } })
  t.notOk('additional_info' in decoded.json(), 'the sandbox decode of this request had no additional_info')
  t.notOk('amount' in decoded.json())
  await expectMatchesSpec(t, app, decoded)
  // With additional_info the purpose comes back as a word, and tag 62 is there.
  const withInfo = await created(app, qrRequest(keyId, { additional_info: { transaction_purpose: '00' } }))
  t.same(withInfo.additional_info, { transaction_purpose: 'PURCHASE' })
  t.ok(withInfo.qr_code_data.includes(tlv('62', tlv('08', 'PURCHASE'))), 'the purpose as the docs’ payloads carry it: 62120808PURCHASE')
})

t.test('takes amount as optional for both types: DYNAMIC without one has no tag 54, STATIC with one encodes it', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const dynamic = await createQr(app, qrRequest(keyId, { type: 'DYNAMIC' }))
  t.equal(dynamic.statusCode, 200)
  const dyn = dynamic.json() as QrBody
  t.equal(dyn.type, 'DYNAMIC')
  t.notOk('amount' in dyn)
  t.ok(dyn.qr_code_data.startsWith('000201010212'), 'point of initiation 12')
  t.notOk(/54[0-9]{2}[0-9.]+5802CO/.test(dyn.qr_code_data), 'no tag 54')
  await expectMatchesSpec(t, app, dynamic)
  const decodedDynamic = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: dyn.qr_code_data })
  t.match(decodedDynamic.json(), { type: 'DYNAMIC' })
  t.notOk('amount' in decodedDynamic.json())

  const staticRes = await createQr(app, qrRequest(keyId, { type: 'STATIC', amount: { value: '14907', currency: 'COP' } }))
  t.equal(staticRes.statusCode, 200)
  const stat = staticRes.json() as QrBody
  t.equal(stat.type, 'STATIC')
  t.same(stat.amount, { value: '14907', currency: 'COP' })
  t.ok(stat.qr_code_data.startsWith('000201010211'), 'point of initiation 11')
  t.ok(stat.qr_code_data.includes(tlv('54', '14907.00')), 'tag 54')
  await expectMatchesSpec(t, app, staticRes)
  const decodedStatic = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: stat.qr_code_data })
  t.match(decodedStatic.json(), { type: 'STATIC', amount: { value: '14907', currency: 'COP' } })
  await expectMatchesSpec(t, app, decodedStatic)
})

t.test('creates QR codes for every key type, STATIC and DYNAMIC, and decode gives back their fields', async (t) => {
  const { app } = await buildTestApp(t)
  const keys = [
    ['ID', '1020304050', '01'],
    ['PHONE', '3109876543', '02'],
    ['EMAIL', 'pagos@comercio.co', '03'],
    ['ALPHA', '@Tienda2025', '04'],
    ['BCODE', '0098765432', '05'],
  ] as const
  for (const [keyType, keyValue, subTag] of keys) {
    const keyId = await newKey(app, keyType, keyValue)
    for (const type of ['STATIC', 'DYNAMIC'] as const) {
      const body = await created(
        app,
        qrRequest(keyId, {
          type,
          channel: 'APP',
          ...(type === 'DYNAMIC' && { amount: { value: '14907', currency: 'COP' } }),
          vat: { vat_type: 'PERCENTAGE', vat_value: '19.00000', vat_base_value: '12527' },
          inc: { inc_type: 'PERCENTAGE', inc_value: '8.12345' },
          tip: { tip_type: 'PERCENTAGE', tip_value: '10.5' },
          additional_info: { transaction_purpose: '03', mobile_phone_number: '3503503456', customer_label: 'Cliente 1', loyalty_label: 'L1', customer_info: 'EMAIL', channel_presentation: '400' },
        }),
      )
      t.ok(body.qr_code_data.includes(template('26', 'CO.COM.VISI.LLA', [subTag, keyValue])), `${keyType}: the key in sub-tag ${subTag}`)
      t.equal(body.qr_code_data.includes(tlv('54', '14907.00')), type === 'DYNAMIC', `${keyType} ${type}: tag 54 only when an amount is sent`)
      const res = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: body.qr_code_data })
      t.equal(res.statusCode, 200)
      t.same(res.json(), payloadFields(body), `${keyType} ${type}: decode gives the QR object's fields`)
      await expectMatchesSpec(t, app, res)
    }
  }
})

t.test('answers 400 with the sandbox’s messages when vat or inc is missing, before looking the customer up', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const without = (body: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== field))
  for (const type of ['STATIC', 'DYNAMIC']) {
    const body = qrRequest(keyId, { type, ...(type === 'DYNAMIC' && { amount: { value: '1000', currency: 'COP' } }) })
    let res = await createQr(app, without(body, 'vat'))
    expectInvalid(t, res, "Field 'vat' is required")
    await expectMatchesSpec(t, app, res)
    res = await createQr(app, without(body, 'inc'))
    expectInvalid(t, res, "Field 'inc' is required")
    await expectMatchesSpec(t, app, res)
  }
  const res = await createQr(app, without(qrRequest(keyId, { customer_id: randomUUID() }), 'vat'))
  expectInvalid(t, res, "Field 'vat' is required")
  await expectMatchesSpec(t, app, res)
})

t.test('answers 400 for a zero amount, a JSON number or one too long for tag 54', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ type: 'DYNAMIC', amount: { value: '0', currency: 'COP' } }, "Field 'amount.value' must be greater than 0"],
    [{ type: 'STATIC', amount: { value: '0.00', currency: 'COP' } }, "Field 'amount.value' must be greater than 0"],
    [{ type: 'DYNAMIC', amount: { value: 1000, currency: 'COP' } }, "Field 'amount.value' must be a string"],
    [{ type: 'DYNAMIC', amount: { value: '10.005', currency: 'COP' } }, 'Field \'amount.value\' must be a decimal string with at most two decimals, such as "1000" or "5000.50"'],
    [{ type: 'DYNAMIC', amount: { value: '1000', currency: 'USD' } }, "Field 'amount.currency' must be one of: COP"],
    [{ type: 'DYNAMIC', amount: { value: '10000000000', currency: 'COP' } }, "Field 'amount.value' must be at most 9999999999.99 to fit the QR payload"],
  ]
  for (const [overrides, message] of cases) {
    const res = await createQr(app, qrRequest(keyId, overrides))
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  const largest = await created(app, qrRequest(keyId, { type: 'DYNAMIC', amount: { value: '9999999999.99', currency: 'COP' } }))
  t.same(largest.amount, { value: '9999999999.99', currency: 'COP' }, 'the largest amount tag 54 holds')
})

t.test('answers 400 for bad enums and lengths: type, channel, purpose, labels, reference', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ key_id: 'not-a-uuid' }, "Field 'key_id' must be a UUID"],
    [{ type: 'STATICO' }, "Field 'type' must be one of: STATIC, DYNAMIC"],
    [{ channel: 'WEB' }, "Field 'channel' must be one of: IM, POS, APP, ECOMM, MPOS, CB, OFC, ATM"],
    [{ additional_info: { transaction_purpose: '01' } }, "Field 'additional_info.transaction_purpose' must be one of: 00, 02, 03, 04, 05, 06, 07"],
    [{ additional_info: { transaction_purpose: 0 } }, "Field 'additional_info.transaction_purpose' must be a string"],
    [{ additional_info: { terminal_label: 'x'.repeat(26) } }, "Field 'additional_info.terminal_label' must be at most 25 characters long"],
    [{ additional_info: { store_label: '' } }, "Field 'additional_info.store_label' must not be empty"],
    [{ additional_info: { store_label: '☕☕' } }, "Field 'additional_info.store_label' must hold letters, digits or punctuation"],
    [{ qr_code_reference: 'ORDERP1' }, "Field 'qr_code_reference' must be 1 to 17 letters or digits, without the letter P (it starts generated references)"],
    [{ qr_code_reference: 'order-1' }, "Field 'qr_code_reference' must be 1 to 17 letters or digits, without the letter P (it starts generated references)"],
    [{ qr_code_reference: 'A'.repeat(18) }, "Field 'qr_code_reference' must be at most 17 characters long"],
    [{ vat: { vat_value: '0' } }, "Field 'vat.vat_type' is required"],
    [{ vat: { vat_type: 'NONE', vat_value: '0' } }, "Field 'vat.vat_type' must be one of: WALLET, FIXED, PERCENTAGE"],
  ]
  for (const [overrides, message] of cases) {
    const res = await createQr(app, qrRequest(keyId, overrides))
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  const body = await created(app, qrRequest(keyId, { qr_code_reference: 'ABC123xyz0000000Z' }))
  t.equal(body.qr_code_reference, 'ABC123xyz0000000Z', '17 characters, as sent')
  t.ok(body.qr_code_data.includes(template('90', 'CO.COM.VISI.TRXID', ['01', 'ABC123xyz0000000Z'])))
})

t.test('reads vat, inc and tip values as decimal strings: money for FIXED, rates for PERCENTAGE', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const MONEY = 'must be a decimal string with at most two decimals, such as "1000" or "5000.50"'
  const RATE = 'must be a percentage from 0 to 100 with at most 5 decimals, such as "19" or "8.5"'
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ vat: { vat_type: 'FIXED' } }, "Field 'vat.vat_value' is required"],
    [{ vat: { vat_type: 'FIXED', vat_value: 100 } }, "Field 'vat.vat_value' must be a string"],
    [{ vat: { vat_type: 'FIXED', vat_value: '1.005' } }, `Field 'vat.vat_value' ${MONEY}`],
    [{ vat: { vat_type: 'FIXED', vat_value: '1e3' } }, `Field 'vat.vat_value' ${MONEY}`],
    [{ vat: { vat_type: 'FIXED', vat_value: '10', vat_base_value: '-5' } }, `Field 'vat.vat_base_value' ${MONEY}`],
    [{ vat: { vat_type: 'PERCENTAGE' } }, "Field 'vat.vat_value' is required"],
    [{ vat: { vat_type: 'PERCENTAGE', vat_value: '100.5' } }, `Field 'vat.vat_value' ${RATE}`],
    [{ vat: { vat_type: 'PERCENTAGE', vat_value: '8.123456' } }, `Field 'vat.vat_value' ${RATE}`],
    [{ vat: { vat_type: 'PERCENTAGE', vat_value: 19 } }, "Field 'vat.vat_value' must be a string"],
    [{ inc: { inc_type: 'PERCENTAGE', inc_value: '08' } }, `Field 'inc.inc_value' ${RATE}`],
    [{ inc: { inc_type: 'FIXED' } }, "Field 'inc.inc_value' is required"],
    [{ inc: { inc_type: 'WALLET', inc_value: 'abc' } }, `Field 'inc.inc_value' ${MONEY}`],
    [{ tip: { tip_type: 'WALLET', tip_value: '10' } }, "Field 'tip.tip_value' is not allowed with tip_type WALLET: the payer enters the tip"],
    [{ tip: { tip_type: 'FIXED' } }, "Field 'tip.tip_value' is required"],
    [{ tip: { tip_type: 'FIXED', tip_value: '10000000000' } }, "Field 'tip.tip_value' must be at most 9999999999.99 to fit the QR payload"],
    [{ tip: { tip_type: 'PERCENTAGE', tip_value: '100' } }, 'Field \'tip.tip_value\' must be a percentage from 0 to 99.99 with at most 2 decimals, such as "10" (EMVCo tag 57)'],
  ]
  for (const [overrides, message] of cases) {
    const res = await createQr(app, qrRequest(keyId, overrides))
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  const body = await created(
    app,
    qrRequest(keyId, {
      vat: { vat_type: 'PERCENTAGE', vat_value: '19.50000', vat_base_value: '90000000000000000' },
      inc: { inc_type: 'WALLET' },
      tip: { tip_type: 'WALLET' },
    }),
  )
  t.same(body.vat, { vat_type: 'PERCENTAGE', vat_value: '19.5', vat_base_value: '90000000000000000' }, 'a canonical rate; money exact past 2^53')
  t.same(body.inc, { inc_type: 'WALLET' })
  t.same(body.tip, { tip_type: 'WALLET' })
  t.ok(body.qr_code_data.includes(template('83', 'CO.COM.VISI.BASE', ['01', '90000000000000000.00'])))
  t.ok(body.qr_code_data.includes(template('84', 'CO.COM.VISI.CINC', ['01', '01'])), 'WALLET is calculation type 01')
  t.notOk(body.qr_code_data.includes('CO.COM.VISI.INC0'), 'no INC value for WALLET')
  t.ok(body.qr_code_data.includes(tlv('55', '01')), 'a WALLET tip: the payer enters it')
})

t.test('answers 400 when additional_info does not fit tag 62’s 99 characters', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const label = 'x'.repeat(25)
  const res = await createQr(app, qrRequest(keyId, { additional_info: { invoice_number: label, store_label: label, terminal_label: label, customer_label: label } }))
  expectInvalid(t, res, "Fields of 'additional_info' take 128 characters in the QR's additional data (EMVCo tag 62), which holds at most 99: send fewer or shorter labels")
  await expectMatchesSpec(t, app, res)
  // 62-08 holds the purpose's word (PURCHASE: 12 characters with its id and length).
  const fits = await created(app, qrRequest(keyId, { additional_info: { invoice_number: label, store_label: label, terminal_label: label.slice(0, 19), loyalty_label: '12' } }))
  const tag62 = tlv('01', label) + tlv('03', label) + tlv('04', '12') + tlv('07', label.slice(0, 19)) + tlv('08', 'PURCHASE')
  t.equal(tag62.length, 99)
  t.ok(fits.qr_code_data.includes(tlv('62', tag62)), 'exactly 99 characters fit')
})

t.test('checks the customer, then the key: 404 and 403 for each, in that order', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const foreignKey = await newKey(app, 'PHONE', '3119998877', FOREIGN_ACCOUNT, 'other')

  let res = await createQr(app, qrRequest(randomUUID(), { customer_id: randomUUID() }))
  expectError(t, res, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, res)

  res = await createQr(app, qrRequest(keyId, { customer_id: FOREIGN_CUSTOMER }))
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)

  res = await createQr(app, qrRequest(randomUUID()))
  expectError(t, res, 404, 'key_not_found', 'NOT_FOUND', 'Key not found')
  await expectMatchesSpec(t, app, res)

  res = await createQr(app, qrRequest(foreignKey))
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)

  res = await createQr(app, qrRequest(foreignKey, { customer_id: FOREIGN_CUSTOMER }), 'other')
  t.equal(res.statusCode, 200, 'the other entity may use its own key')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 403 for a key of another customer of the entity, and 409 for a SUSPENDED key', async (t) => {
  const { app } = await buildTestApp(t)
  const secondKey = await newKey(app, 'PHONE', '3120000001', SECOND_ACCOUNT)
  let res = await createQr(app, qrRequest(secondKey))
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The key belongs to another customer of the entity')
  await expectMatchesSpec(t, app, res)
  res = await createQr(app, qrRequest(secondKey, { customer_id: SECOND_CUSTOMER }))
  t.equal(res.statusCode, 200, 'with its own customer')
  await expectMatchesSpec(t, app, res)

  const keyId = await newKey(app, 'PHONE', '3001234567')
  const suspend = await app.inject({ method: 'PATCH', url: `/v1/keys/${keyId}/suspend`, headers: await bearer(app) })
  t.equal(suspend.statusCode, 200)
  res = await createQr(app, qrRequest(keyId))
  expectError(t, res, 409, 'invalid_state', 'FAILED_PRECONDITION', 'The key is SUSPENDED: QR codes can only be created for ACTIVE keys')
  await expectMatchesSpec(t, app, res)
  res = await createQr(app, qrRequest(keyId, { customer_id: SECOND_CUSTOMER }))
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The key belongs to another customer of the entity')
})

t.test('answers 400 for an EMAIL key too long for the key template', async (t) => {
  const { app } = await buildTestApp(t)
  const longest = `${'a'.repeat(30)}@${'b'.repeat(41)}.com`
  t.equal(longest.length, 76)
  const fits = await created(app, qrRequest(await newKey(app, 'EMAIL', longest)))
  t.ok(fits.qr_code_data.includes(template('26', 'CO.COM.VISI.LLA', ['03', longest])))
  t.equal(scan(fits.qr_code_image), fits.qr_code_data)
  const tooLong = `${'a'.repeat(30)}@${'b'.repeat(42)}.com`
  const res = await createQr(app, qrRequest(await newKey(app, 'EMAIL', tooLong)))
  expectInvalid(t, res, "Field 'key_id' names a key whose value has 77 characters; the QR's key template (EMVCo tag 26) holds at most 76")
  await expectMatchesSpec(t, app, res)
})

t.test('cuts the merchant name, city and post code to the EMVCo maxima, in ASCII', async (t) => {
  const { app } = await buildTestApp(t)
  const headers = await bearer(app)
  const customer = await app.inject({
    method: 'POST',
    url: '/v1/customers/business/link',
    headers,
    payload: {
      business_name: 'Panadería y Pastelería La Española de Bogotá',
      email: 'panaderia@example.com',
      mobile_phone_number: '3001112233',
      identification_type: 'NIT',
      identification_number: '901234567',
      merchant_category_code: '5462',
      address: { line_1: 'Calle 1', city: 'San José de Cúcuta', state: 'Norte de Santander', post_code: '54000123456', country: 'CO' },
    },
  })
  t.equal(customer.statusCode, 200)
  const customerId = (customer.json() as { id: string }).id
  const account = await app.inject({ method: 'POST', url: '/v1/accounts/link', headers, payload: { customer_id: customerId, account_type: 'ORDINARY', account_number: '5550001' } })
  t.equal(account.statusCode, 200)
  const keyId = await newKey(app, 'ALPHA', '@panaderia1', (account.json() as { id: string }).id)
  const body = await created(app, qrRequest(keyId, { customer_id: customerId }))
  t.same(body.merchant, { merchant_category_code: '5462', merchant_country: 'CO', merchant_name: 'Panaderia y Pasteleria La', merchant_city: 'San Jose de Cuc', merchant_post_code: '5400012345' })
  t.ok(body.qr_code_data.includes('5925Panaderia y Pasteleria La6015San Jose de Cuc61105400012345'))
  t.equal(scan(body.qr_code_image), body.qr_code_data)
})

t.test('answers 401 without a token, and for the read-only client on create, decode and delete; 415 for a non-JSON body', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const qr = await created(app, qrRequest(keyId))

  let res = await app.inject({ method: 'POST', url: '/v1/qrcodes', payload: qrRequest(keyId) })
  expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ url: `/v1/qrcodes/${qr.id}`, headers: { authorization: 'Bearer nope' } })
  expectError(t, res, 401, 'invalid_token', 'UNAUTHENTICATED', 'The access token is invalid')
  await expectMatchesSpec(t, app, res)

  const scope = 'The access token lacks the scope this operation needs'
  res = await createQr(app, qrRequest(keyId), 'readonly')
  expectError(t, res, 401, 'insufficient_scope', 'UNAUTHENTICATED', scope)
  await expectMatchesSpec(t, app, res)
  res = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: DOCS_STATIC }, 'readonly')
  expectError(t, res, 401, 'insufficient_scope', 'UNAUTHENTICATED', scope)
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ method: 'DELETE', url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app, 'readonly') })
  expectError(t, res, 401, 'insufficient_scope', 'UNAUTHENTICATED', scope)
  await expectMatchesSpec(t, app, res)

  res = await app.inject({ url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app, 'readonly') })
  t.equal(res.statusCode, 200, 'the read-only client reads')
  await expectMatchesSpec(t, app, res)
  res = await listQrs(app, '', 'readonly')
  t.equal(res.statusCode, 200, 'and lists')
  await expectMatchesSpec(t, app, res)

  res = await app.inject({ method: 'POST', url: '/v1/qrcodes', headers: { ...(await bearer(app)), 'content-type': 'text/plain' }, payload: 'hello' })
  expectError(t, res, 415, 'unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept the request body media type')
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ method: 'POST', url: '/v1/qrcodes/decode', headers: { ...(await bearer(app)), 'content-type': 'application/json' }, payload: '{"customer_id":' })
  expectError(t, res, 400, 'invalid_json', 'INVALID_ARGUMENT', 'The request body is not valid JSON')
  await expectMatchesSpec(t, app, res)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/qrcodes/:qr_code_id, DELETE

t.test('retrieves a QR code exactly as created; 400, 403 and 404 otherwise', async (t) => {
  const { app, time } = await buildTestApp(t)
  const keyId = await newKey(app, 'BCODE', '0012345678')
  const qr = await created(app, qrRequest(keyId, { type: 'DYNAMIC', amount: { value: '5000.5', currency: 'COP' } }))
  time.advance(60_000)
  let res = await app.inject({ url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), qr)
  t.same(qr.amount, { value: '5000.50', currency: 'COP' }, 'canonical money')
  await expectMatchesSpec(t, app, res)

  res = await app.inject({ url: '/v1/qrcodes/not-a-uuid', headers: await bearer(app) })
  expectInvalid(t, res, "Field 'qr_code_id' must be a UUID")
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ url: `/v1/qrcodes/${randomUUID()}`, headers: await bearer(app) })
  expectError(t, res, 404, 'qr_code_not_found', 'NOT_FOUND', 'QR code not found')
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app, 'other') })
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
})

t.test('draws the PNG on read for a row stored without one, and keeps it', async (t) => {
  const { app } = await buildTestApp(t)
  const qr = await created(app, qrRequest(await newKey(app, 'PHONE', '3001234567')))
  const db = app.services.db
  db.prepare('UPDATE qr_codes SET qr_code_image = NULL WHERE id = ?').run(qr.id)
  const res = await app.inject({ url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), qr, 'the same PNG: drawing is deterministic')
  await expectMatchesSpec(t, app, res)
  const row = db.prepare('SELECT qr_code_image, updated_at FROM qr_codes WHERE id = ?').get(qr.id) as { qr_code_image: string | null; updated_at: string }
  t.equal(row.qr_code_image, qr.qr_code_image, 'stored for the next read')
  t.equal(row.updated_at, qr.updated_at, 'not a change of the QR code')
})

t.test('deletes a QR code: 204, then 404 on GET and DELETE; 403 for another entity; it stays when its key is deleted', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const qr = await created(app, qrRequest(keyId))
  const kept = await created(app, qrRequest(keyId))
  const url = `/v1/qrcodes/${qr.id}`

  let res = await app.inject({ method: 'DELETE', url, headers: await bearer(app, 'other') })
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ method: 'DELETE', url: '/v1/qrcodes/123', headers: await bearer(app) })
  expectInvalid(t, res, "Field 'qr_code_id' must be a UUID")
  await expectMatchesSpec(t, app, res)

  res = await app.inject({ method: 'DELETE', url, headers: { ...(await bearer(app)), 'content-type': 'application/json' } })
  t.equal(res.statusCode, 204, 'an empty JSON body is accepted')
  t.equal(res.body, '')
  await expectMatchesSpec(t, app, res)

  res = await app.inject({ url, headers: await bearer(app) })
  expectError(t, res, 404, 'qr_code_not_found', 'NOT_FOUND', 'QR code not found')
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ method: 'DELETE', url, headers: await bearer(app) })
  expectError(t, res, 404, 'qr_code_not_found', 'NOT_FOUND', 'QR code not found')
  await expectMatchesSpec(t, app, res)

  const deleteKey = await app.inject({ method: 'DELETE', url: `/v1/keys/${keyId}`, headers: await bearer(app) })
  t.equal(deleteKey.statusCode, 204)
  res = await app.inject({ url: `/v1/qrcodes/${kept.id}`, headers: await bearer(app) })
  t.equal(res.statusCode, 200, 'a printed QR code outlives its key record')
  t.same(res.json(), kept)
})

// ---------------------------------------------------------------------------------------------
// GET /v1/qrcodes

t.test('lists QR codes with every filter, paging and ordering; a foreign id matches nothing', async (t) => {
  const { app, time } = await buildTestApp(t)
  const phoneKey = await newKey(app, 'PHONE', '3001234567')
  const emailKey = await newKey(app, 'EMAIL', 'ventas@tienda.com')
  const idKey = await newKey(app, 'ID', '900123456', SECOND_ACCOUNT)
  const a = await created(app, qrRequest(phoneKey))
  time.advance(1000)
  const b = await created(app, qrRequest(emailKey, { type: 'DYNAMIC', amount: { value: '1000', currency: 'COP' } }))
  time.advance(1000)
  const c = await created(app, qrRequest(idKey, { customer_id: SECOND_CUSTOMER }))
  time.advance(1000)

  let res = await listQrs(app)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { qr_codes: [a, b, c], pagination_info: { total_elements: 3, total_pages: 1, current_page: 1, first_request_timestamp: '2026-01-15T12:00:03.000Z' } })
  await expectMatchesSpec(t, app, res)

  const filters: Array<[string, string[]]> = [
    [`?qr_code_id=${b.id}`, [b.id]],
    [`?customer_id=${SECOND_CUSTOMER}`, [c.id]],
    [`?key_id=${phoneKey}`, [a.id]],
    ['?type=dynamic', [b.id]],
    ['?type=STATIC', [a.id, c.id]],
    ['?key_type=mobile', [a.id]],
    ['?key_type=ID', [c.id]],
    ['?key_value=3001234567', [a.id]],
    ['?key_type=EMAIL&key_value=Ventas@Tienda.com', [b.id]],
    [`?customer_id=${DOCS_CUSTOMER}&type=STATIC`, [a.id]],
    [`?customer_id=${FOREIGN_CUSTOMER}`, []],
    [`?qr_code_id=${randomUUID()}`, []],
    ['?order_params.order_direction=DESC', [c.id, b.id, a.id]],
    ['?page_params.page_size=2&page_params.page_number=2', [c.id]],
    ['?page_size=2', [a.id, b.id]],
    ['?page_params.page_number=9', []],
  ]
  for (const [query, expected] of filters) {
    res = await listQrs(app, query)
    t.equal(res.statusCode, 200, query)
    t.same(ids(res), expected, query)
    await expectMatchesSpec(t, app, res)
  }
  res = await listQrs(app, '?page_params.page_size=2&page_params.page_number=2')
  t.same((res.json() as QrList).pagination_info, { total_elements: 3, total_pages: 2, current_page: 2, first_request_timestamp: '2026-01-15T12:00:03.000Z' })

  res = await listQrs(app, '?type=BOGUS')
  expectInvalid(t, res, "Field 'type' must be one of: STATIC, DYNAMIC")
  await expectMatchesSpec(t, app, res)
  res = await listQrs(app, '?qr_code_id=nope')
  expectInvalid(t, res, "Field 'qr_code_id' must be a UUID")
  await expectMatchesSpec(t, app, res)
  res = await app.inject({ url: '/v1/qrcodes' })
  expectError(t, res, 401, 'missing_token', 'UNAUTHENTICATED', 'An Authorization: Bearer header is required')
  await expectMatchesSpec(t, app, res)
})

t.test('answers 404 qr_code_not_found for the list when the entity has no QR codes at all', async (t) => {
  const { app } = await buildTestApp(t)
  let res = await listQrs(app)
  expectError(t, res, 404, 'qr_code_not_found', 'NOT_FOUND', 'QR code not found')
  await expectMatchesSpec(t, app, res)

  const qr = await created(app, qrRequest(await newKey(app, 'PHONE', '3001234567')))
  res = await listQrs(app, '', 'other')
  expectError(t, res, 404, 'qr_code_not_found', 'NOT_FOUND', 'QR code not found')
  await expectMatchesSpec(t, app, res)
  res = await listQrs(app, '?type=DYNAMIC')
  t.equal(res.statusCode, 200, 'a filter that matches nothing is an empty page, not 404')
  t.same(ids(res), [])

  const deleted = await app.inject({ method: 'DELETE', url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app) })
  t.equal(deleted.statusCode, 204)
  res = await listQrs(app)
  expectError(t, res, 404, 'qr_code_not_found', 'NOT_FOUND', 'QR code not found')
})

// ---------------------------------------------------------------------------------------------
// POST /v1/qrcodes/decode

t.test('decodes the docs’ static example', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: DOCS_STATIC })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    type: 'STATIC',
    status: 'ACTIVE',
    key: { key_type: 'ID', key_value: '36606864' },
    additional_info: { transaction_purpose: 'PURCHASE' },
    channel: 'POS',
    acquirer_network_identifier: 'VISI',
    merchant: { merchant_category_code: '5782', merchant_country: 'CO', merchant_name: 'Merchant CWSPZ', merchant_city: 'Bogota', merchant_post_code: '98273' },
    qr_code_reference: '000000',
    qr_code_data: DOCS_STATIC,
  })
  await expectMatchesSpec(t, app, res)
})

t.test('decodes a dynamic payload like the docs’ decode example: amount 14907, PHONE key, INC FIXED 0', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: HAND_DYNAMIC })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    type: 'DYNAMIC',
    status: 'ACTIVE',
    key: { key_type: 'PHONE', key_value: '3702222329' },
    amount: { value: '14907', currency: 'COP' },
    vat: { vat_type: 'FIXED', vat_value: '0', vat_base_value: '0' },
    inc: { inc_type: 'FIXED', inc_value: '0' },
    additional_info: {
      invoice_number: '123',
      mobile_phone_number: '3503503456',
      store_label: 'sasc0193',
      loyalty_label: '1234',
      reference_label: 'abc',
      customer_label: '0001',
      terminal_label: '01',
      transaction_purpose: 'PURCHASE',
      customer_info: 'EMAIL',
      channel_presentation: '400',
    },
    channel: 'POS',
    acquirer_network_identifier: 'VISI',
    merchant: { merchant_category_code: '0412', merchant_country: 'CO', merchant_name: 'Merchant CWSPZ', merchant_city: 'Medellin', merchant_post_code: '101010' },
    qr_code_reference: 'P14907',
    qr_code_data: HAND_DYNAMIC,
  })
  await expectMatchesSpec(t, app, res)
})

t.test('answers 400 for a bad CRC, a malformed TLV, or no CO.COM.VISI.LLA template', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[string, string]> = [
    [`${DOCS_STATIC.slice(0, -4)}0000`, "Field 'qr_code_data' has a bad CRC: tag 63 says 0000, but the CRC-16/CCITT-FALSE of the payload is 5CB4"],
    [DOCS_STATIC.replace('Merchant CWSPZ', 'Merchant XWSPZ'), "Field 'qr_code_data' has a bad CRC: tag 63 says 5CB4, but the CRC-16/CCITT-FALSE of the payload is 53E8"],
    [DOCS_STATIC.replace('5914Merchant', '5920Merchant'), "Field 'qr_code_data' is not a valid EMVCo payload: the data object at position 123 does not start with a two-digit id and a two-digit length"],
    ['not a qr code', "Field 'qr_code_data' is not a valid EMVCo payload: the data object at position 0 does not start with a two-digit id and a two-digit length"],
    [
      withCrc(`000201010211${template('26', 'BR.GOV.BCB.PIX', ['01', 'pix@example.com'])}5303986`),
      "Field 'qr_code_data' carries no Bre-B key: no template of tags 26–51 has sub-tag 00 CO.COM.VISI.LLA",
    ],
  ]
  for (const [qrCodeData, message] of cases) {
    const res = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: qrCodeData })
    expectInvalid(t, res, message)
    await expectMatchesSpec(t, app, res)
  }
  const spanish = await app.inject({
    method: 'POST',
    url: '/v1/qrcodes/decode',
    headers: { ...(await bearer(app)), 'accept-language': 'es-CO' },
    payload: { customer_id: DOCS_CUSTOMER, qr_code_data: `${DOCS_STATIC.slice(0, -4)}0000` },
  })
  expectInvalid(t, spanish, "El campo 'qr_code_data' tiene un CRC incorrecto: el tag 63 dice 0000, pero el CRC-16/CCITT-FALSE del payload es 5CB4")
})

t.test('decode validates the body and the payload, then checks the customer: 404, 403', async (t) => {
  const { app } = await buildTestApp(t)
  let res = await decodeQr(app, { customer_id: DOCS_CUSTOMER })
  expectInvalid(t, res, "Field 'qr_code_data' is required")
  await expectMatchesSpec(t, app, res)
  res = await decodeQr(app, { qr_code_data: DOCS_STATIC })
  expectInvalid(t, res, "Field 'customer_id' is required")
  await expectMatchesSpec(t, app, res)
  res = await decodeQr(app, { customer_id: DOCS_CUSTOMER, qr_code_data: '' })
  expectInvalid(t, res, "Field 'qr_code_data' must not be empty")
  await expectMatchesSpec(t, app, res)
  res = await decodeQr(app, { customer_id: randomUUID(), qr_code_data: 'garbage' })
  t.equal(res.statusCode, 400, 'a bad payload is a 400 before the customer is looked up')

  res = await decodeQr(app, { customer_id: randomUUID(), qr_code_data: DOCS_STATIC })
  expectError(t, res, 404, 'customer_not_found', 'NOT_FOUND', 'Customer not found')
  await expectMatchesSpec(t, app, res)
  res = await decodeQr(app, { customer_id: FOREIGN_CUSTOMER, qr_code_data: DOCS_STATIC })
  expectError(t, res, 403, 'forbidden', 'PERMISSION_DENIED', 'The resource belongs to another entity')
  await expectMatchesSpec(t, app, res)
  res = await decodeQr(app, { customer_id: FOREIGN_CUSTOMER, qr_code_data: DOCS_STATIC }, 'other')
  t.equal(res.statusCode, 200, 'the other entity decodes for its own customer')
  await expectMatchesSpec(t, app, res)
})

t.test('keeps a QR made without additional_info that way through a state export and import', async (t) => {
  const { app } = await buildTestApp(t)
  const keyId = await newKey(app, 'PHONE', '3001234567')
  const qr = await created(app, qrRequest(keyId))
  t.notOk('additional_info' in qr)
  const exported = await app.inject({ url: '/_mock/state' })
  t.equal(exported.statusCode, 200)
  const row = (exported.json() as { qr_codes: Array<{ id: string; body: { additional_info: unknown } }> }).qr_codes.find((q) => q.id === qr.id)
  t.equal(row?.body.additional_info, null, 'stored as null: no tag 62')
  const imported = await app.inject({ method: 'PUT', url: '/_mock/state', payload: exported.json() as object })
  t.equal(imported.statusCode, 204, imported.body)
  const read = await app.inject({ url: `/v1/qrcodes/${qr.id}`, headers: await bearer(app) })
  t.equal(read.statusCode, 200)
  t.notOk('additional_info' in read.json())
  t.equal((read.json() as QrBody).qr_code_data, qr.qr_code_data)
  await expectMatchesSpec(t, app, read)
})
