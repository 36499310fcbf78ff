import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto'

/** SHA-256 hex: how access tokens are stored (CONTRACT §3: never the token itself). */
export function sha256Hex(text: string): string {
  // The one-shot crypto.hash (Node 20.12+) skips the Hash object: about a µs per request.
  return hash('sha256', text, 'hex')
}

/** 256 random bits as 64 lowercase hex characters, like the real API's opaque tokens. */
export function newAccessToken(): string {
  return randomBytes(32).toString('hex')
}

/**
 * Compares two secrets in constant time. Both sides are hashed first, so the comparison
 * takes the same work whatever the lengths, and a wrong length tells nothing.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}
