import { createHmac } from 'node:crypto'
import t from 'tap'
import { computeSignature, parseSignatureHeader, signatureHeader, verifySignature } from '../../src/webhooks/webhook-signature.js'

const SECRET = 'whsec_test'
const BODY = '{"id":"5f0c6a4e-3a0b-4d0e-9a55-2d8f1f3c9b10","type":"payment.outbound.settled","created_at":"2026-01-15T12:00:01.000Z","data":{"amount":{"value":"10","currency":"COP"}}}'
const NOW_MS = 1_760_000_000_750

/** CONTRACT §4, computed here by hand: hex HMAC-SHA256 of "<t>.<raw body>". */
function expected(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex')
}

t.test('signs "<t>.<raw body>" with HMAC-SHA256 and answers t=<unix seconds>,v1=<hex>', async (t) => {
  const header = signatureHeader(SECRET, BODY, NOW_MS)
  t.equal(header, `t=1760000000,v1=${expected(SECRET, 1760000000, BODY)}`)
  t.match(header, /^t=[0-9]+,v1=[0-9a-f]{64}$/)
  t.equal(computeSignature(SECRET, 1760000000, Buffer.from(BODY)), expected(SECRET, 1760000000, BODY), 'a Buffer body signs the same bytes')
})

t.test('signs the raw bytes: non-ASCII bodies as UTF-8', async (t) => {
  const body = '{"name":"Diego Andrés Muñoz Díaz"}'
  t.equal(computeSignature(SECRET, 1, body), expected(SECRET, 1, body))
  t.equal(computeSignature(SECRET, 1, Buffer.from(body, 'utf8')), expected(SECRET, 1, body))
})

t.test('verifies its own headers and refuses a changed body, secret or time', async (t) => {
  const header = signatureHeader(SECRET, BODY, NOW_MS)
  t.equal(verifySignature(header, BODY, SECRET), true)
  t.equal(verifySignature(header, Buffer.from(BODY), SECRET), true)
  t.equal(verifySignature(header, BODY.replace('"10"', '"11"'), SECRET), false, 'body changed')
  t.equal(verifySignature(header, `${BODY} `, SECRET), false, 'one byte more')
  t.equal(verifySignature(header, BODY, 'other-secret'), false, 'another secret')
  t.equal(verifySignature(header.replace('t=1760000000', 't=1760000001'), BODY, SECRET), false, 't is part of the signed text')
})

t.test('verifies a header built by hand from the documented scheme', async (t) => {
  const header = `t=1700000000,v1=${expected('s', 1700000000, BODY)}`
  t.equal(verifySignature(header, BODY, 's'), true)
  t.equal(verifySignature(` t=1700000000 , v1=${expected('s', 1700000000, BODY)} `, BODY, 's'), true, 'spaces around parts are tolerated')
})

t.test('accepts any one of several v1 signatures and skips unknown schemes', async (t) => {
  const good = expected(SECRET, 42, BODY)
  const bad = expected('old-secret', 42, BODY)
  t.equal(verifySignature(`t=42,v1=${bad},v1=${good}`, BODY, SECRET), true)
  t.equal(verifySignature(`t=42,v0=abc,v1=${good}`, BODY, SECRET), true)
  t.equal(verifySignature(`t=42,v1=${bad}`, BODY, SECRET), false)
})

t.test('refuses malformed or missing headers', async (t) => {
  const good = expected(SECRET, 42, BODY)
  for (const header of [
    undefined,
    '',
    ['t=42', `v1=${good}`],
    `v1=${good}`,
    't=42',
    `t=abc,v1=${good}`,
    `t=-42,v1=${good}`,
    `t=42,t=42,v1=${good}`,
    `t=42,v1=${good.toUpperCase()}`,
    `t=42,v1=${good.slice(0, 62)}`,
    `t=42;v1=${good}`,
    `t=42,v1`,
  ]) {
    t.equal(verifySignature(header, BODY, SECRET), false, `refuses ${JSON.stringify(header)}`)
  }
  t.equal(parseSignatureHeader('nonsense'), undefined)
  t.same(parseSignatureHeader(`t=42,v1=${good}`), { timestampSeconds: 42, signatures: [good] })
})

t.test('with a tolerance, refuses a t too far from the given now, either way', async (t) => {
  const header = signatureHeader(SECRET, BODY, NOW_MS)
  t.equal(verifySignature(header, BODY, SECRET, 300, NOW_MS), true)
  t.equal(verifySignature(header, BODY, SECRET, 300, NOW_MS + 299_000), true)
  t.equal(verifySignature(header, BODY, SECRET, 300, NOW_MS + 301_000), false, 'too old')
  t.equal(verifySignature(header, BODY, SECRET, 300, NOW_MS - 301_000), false, 'from the future')
  t.throws(() => (verifySignature as (...args: unknown[]) => boolean)(header, BODY, SECRET, 300), TypeError, 'a tolerance needs a now')
})
