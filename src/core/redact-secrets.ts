/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]'

/** Nesting deeper than this is not copied: whatever sits there is replaced by TRUNCATED, secrets included. */
export const MAX_REDACT_DEPTH = 32

/** What stands where a body nested deeper than MAX_REDACT_DEPTH was cut (issue 11 item 13). */
export const TRUNCATED = `[TRUNCATED: nested deeper than ${MAX_REDACT_DEPTH}]`

/**
 * Whether a field name carries a secret (CONTRACT §5 "Journal"): `client_secret`, `secret`,
 * `access_token`, in any case and spelling (`clientSecret`, `Access-Token`), and any `…secret`.
 */
export function isSecretName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  return normalized.endsWith('secret') || normalized === 'accesstoken'
}

/**
 * A copy of a parsed JSON or form body with every secret field's value replaced by
 * `[REDACTED]`, at any depth, so a journal can keep it. Nesting past MAX_REDACT_DEPTH is cut
 * (TRUNCATED stands there) and `cut.truncated` is set, so the journal can say so.
 *
 * @example redactSecrets({ client_id: 'a', client_secret: 'b' }) // { client_id: 'a', client_secret: '[REDACTED]' }
 */
export function redactSecrets(value: unknown, cut: { truncated: boolean } = { truncated: false }, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_REDACT_DEPTH) {
    cut.truncated = true
    return TRUNCATED
  }
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, cut, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const [name, item] of Object.entries(value)) copy[name] = isSecretName(name) ? REDACTED : redactSecrets(item, cut, depth + 1)
  return copy
}

/**
 * A request URL with the values of secret query parameters replaced by `[REDACTED]`; any
 * other URL is returned as it came, byte for byte.
 *
 * @example redactSecretsInUrl('/v1/iam/oauth/tokens?client_secret=s') // '/v1/iam/oauth/tokens?client_secret=%5BREDACTED%5D'
 */
export function redactSecretsInUrl(url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const params = new URLSearchParams(url.slice(q + 1))
  let found = false
  for (const name of new Set(params.keys())) {
    if (!isSecretName(name)) continue
    found = true
    params.set(name, REDACTED)
  }
  return found ? `${url.slice(0, q)}?${params.toString()}` : url
}
