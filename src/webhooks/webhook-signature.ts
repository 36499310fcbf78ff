import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header that carries the signature of each webhook notification (CONTRACT §4 "Webhooks"). */
export const SIGNATURE_HEADER = 'X-Passport-Signature'

/**
 * The hex HMAC-SHA256 of `"<t>.<raw body>"` under the endpoint's secret: the `v1` part of
 * `X-Passport-Signature`. Signing the time with the body lets a receiver refuse replays.
 */
export function computeSignature(secret: string, timestampSeconds: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex')
}

/**
 * The whole header value, `t=<unix seconds>,v1=<hex>` (CONTRACT §4). `t` is real time, not the
 * mock's clock (CONTRACT §5 "Clock"), so a receiver's replay window works against its own clock.
 *
 * @example signatureHeader('whsec', '{"id":"…"}', 1760000000000) // 't=1760000000,v1=5f…'
 */
export function signatureHeader(secret: string, body: string | Buffer, realNowMs: number): string {
  const t = Math.floor(realNowMs / 1000)
  return `t=${t},v1=${computeSignature(secret, t, body)}`
}

/** `t` and every `v1` of a header; undefined when it is not `t=<digits>,v1=<hex>[,…]`. */
export function parseSignatureHeader(header: string): { timestampSeconds: number; signatures: string[] } | undefined {
  let timestampSeconds: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) return undefined
    const name = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (name === 't') {
      if (!/^[0-9]{1,12}$/.test(value) || timestampSeconds !== undefined) return undefined
      timestampSeconds = Number(value)
    } else if (name === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return undefined
      signatures.push(value)
    }
    // Other schemes (v0, a future v2) are skipped, as receivers of Stripe-style headers do.
  }
  if (timestampSeconds === undefined || signatures.length === 0) return undefined
  return { timestampSeconds, signatures }
}

/**
 * Checks an `X-Passport-Signature` header against the raw body (the bytes received, before any
 * JSON parsing) and the endpoint's secret, in constant time. With `toleranceSeconds`, also
 * refuses a `t` further than that from `nowMs` (pass your clock: `Date.now()`).
 *
 * @example
 * // In a receiver: keep the raw body, then
 * if (!verifySignature(req.headers['x-passport-signature'], rawBody, process.env.WEBHOOK_SECRET, 300, Date.now())) reply.code(400)
 */
export function verifySignature(header: string | string[] | undefined, body: string | Buffer, secret: string): boolean
export function verifySignature(header: string | string[] | undefined, body: string | Buffer, secret: string, toleranceSeconds: number, nowMs: number): boolean
export function verifySignature(header: string | string[] | undefined, body: string | Buffer, secret: string, toleranceSeconds?: number, nowMs?: number): boolean {
  if (typeof header !== 'string') return false
  const parsed = parseSignatureHeader(header)
  if (!parsed) return false
  if (toleranceSeconds !== undefined) {
    if (nowMs === undefined) throw new TypeError('verifySignature: pass nowMs (e.g. Date.now()) along with toleranceSeconds')
    if (Math.abs(nowMs / 1000 - parsed.timestampSeconds) > toleranceSeconds) return false
  }
  const expected = Buffer.from(computeSignature(secret, parsed.timestampSeconds, body), 'hex')
  return parsed.signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected))
}
