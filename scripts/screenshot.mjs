#!/usr/bin/env node
// The README's pictures of the QA console (issue 14): `npm run screenshot` after `npm run build`.
// Starts a mock on a free port (port 0, its own temporary database), puts something in every
// table (an edge-case account, a held payment, a fault rule with a message, a journal entry, a key,
// a QR code, a recipient), and photographs the Accounts, Payments, QR codes and Requests panels
// with the machine's Chromium (playwright-core, as the browser test does). Rerun it whenever the console changes; the PNGs are committed.
import { mkdirSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { startPassportMock } from '../dist/testing.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

const mock = await startPassportMock()
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] })
try {
  await mock.seed({ accounts: [{ status: 'BLOCKED', available_balance: '500.25' }, { status: 'ACTIVE', pending_balance: '1500.50' }] })
  await mock.faults.add({ method: 'GET', path: '/v1/accounts/:account_id', status: 503, message: 'Servicio no disponible', times: 1 })
  await mock.clock.freeze()
  const token = await mock.token()
  const v1 = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const resolution = await (
    await fetch(`${mock.url}/v1/resolve-key`, { method: 'POST', headers: v1, body: JSON.stringify({ customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3109876543' } }) })
  ).json()
  await fetch(`${mock.url}/v1/payments/breb`, { method: 'POST', headers: v1, body: JSON.stringify({ account_id: DOCS_ACCOUNT, resolution_id: resolution.id, amount: { value: '10.50', currency: 'COP' } }) })
  await fetch(`${mock.url}/v1/accounts/${DOCS_ACCOUNT}`, { headers: v1 })
  // A key with a QR code, and a recipient, for the Keys, QR codes and Recipients panels.
  const key = await (
    await fetch(`${mock.url}/v1/keys`, { method: 'POST', headers: v1, body: JSON.stringify({ account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3001234567' }, display_name: 'Tienda principal' }) })
  ).json()
  await fetch(`${mock.url}/v1/qrcodes`, {
    method: 'POST',
    headers: v1,
    body: JSON.stringify({ key_id: key.id, customer_id: DOCS_CUSTOMER, type: 'DYNAMIC', channel: 'POS', amount: { value: '14907', currency: 'COP' }, vat: { vat_type: 'FIXED', vat_value: '0' }, inc: { inc_type: 'FIXED', inc_value: '0' } }),
  })
  await fetch(`${mock.url}/v1/recipients/breb`, { method: 'POST', headers: v1, body: JSON.stringify({ customer_id: DOCS_CUSTOMER, key: { key_type: 'PHONE', key_value: '3109876543' }, alias: 'Proveedor' }) })

  mkdirSync('docs', { recursive: true })
  const shots = [
    { file: 'docs/qa-console.png', width: 1280, height: 800, panel: 'accounts' },
    { file: 'docs/qa-console-phone.png', width: 390, height: 844, panel: 'payments' },
    { file: 'docs/qa-console-qrcodes.png', width: 1280, height: 800, panel: 'qrcodes', open: '#panel-qrcodes details' },
    { file: 'docs/qa-console-requests.png', width: 1280, height: 800, panel: 'requests', open: '#panel-requests tbody details' },
  ]
  for (const shot of shots) {
    const page = await browser.newPage({ viewport: { width: shot.width, height: shot.height } })
    await page.goto(`${mock.url}/_mock/ui#${shot.panel}`)
    await page.locator(`#panel-${shot.panel} tbody tr`).first().waitFor({ timeout: 10000 })
    await page.waitForTimeout(1200)
    // Open the first row's details (the decoded payload, the request and its response).
    if (shot.open) await page.locator(`${shot.open} summary`).first().click()
    await page.screenshot({ path: shot.file })
    await page.close()
    console.log(`wrote ${shot.file} (${shot.width}×${shot.height}, ${shot.panel})`)
  }
} finally {
  await browser.close()
  await mock.close()
}
