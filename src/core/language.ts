/** The two languages messages come in (CONTRACT §1). */
export type Language = 'en' | 'es'

/**
 * Picks the message language from `Accept-Language`: Spanish when `es` (or `es-CO`…) is
 * preferred over `en` by quality, then by order; English otherwise, and when the header is absent.
 */
export function pickLanguage(header: string | string[] | undefined): Language {
  const text = Array.isArray(header) ? header.join(',') : header
  if (!text) return 'en'
  let best: { lang: Language; q: number } | undefined
  for (const part of text.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';')
    const primary = tag.trim().split('-')[0]
    if (primary !== 'es' && primary !== 'en') continue
    let q = 1
    for (const param of params) {
      const [name, value] = param.trim().split('=')
      if (name === 'q' && value !== undefined) q = Number.parseFloat(value)
    }
    if (!Number.isFinite(q) || q <= 0) continue
    if (!best || q > best.q) best = { lang: primary, q }
  }
  return best?.lang ?? 'en'
}
