/**
 * A byte scan of JSON text that counts nesting depth and values without building anything
 * (issue 11 item 1). `JSON.parse` of a hostile 150 MiB body of nested arrays ran the process out
 * of heap; this scan runs on each chunk as it arrives, so a body nested too deep or made of
 * millions of tiny values is refused after its first offending chunk, before it is kept whole.
 *
 * It reads structure only: brackets and braces outside strings, string starts, and the starts of
 * bare tokens (numbers, `true`, `false`, `null`). It does not check that the text is valid JSON;
 * `JSON.parse` does that afterwards, on a body now known to be shallow and bounded.
 * Hand-written rather than a streaming tokenizer (stream-json): we need two counters, and a
 * tokenizer emits an object per token, several times the cost of this loop on 64 MiB.
 */

/**
 * The deepest nesting a seed or state document may have. The documents the mock writes are 4
 * deep (document → table → row → money or snapshot object; measured on a 100,000-account state
 * export and seed); a snapshot column (a payment's participant) adds one or two. 16 leaves room
 * for any document a person writes by hand, and nothing a parser or validator could choke on.
 */
export const DOCUMENT_MAX_DEPTH = 16

/**
 * The most values (containers, strings, bare tokens) a document may have per byte of the body
 * limit: one per 8 bytes. A 100,000-account seed document spelling every field is 2.7 million
 * values in 36.4 MB (13.5 bytes a value); its state export, 2.1 million in 35.6 MB. A body of
 * `[0,0,0…]` or `[{},{},…]` within the limit would otherwise build tens of millions of objects.
 */
export const DOCUMENT_BYTES_PER_VALUE = 8

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d

/** A byte that starts or continues a bare token: digits, letters, `-`, `+`, `.`. */
const BARE = new Uint8Array(256)
for (const c of '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-+.') BARE[c.charCodeAt(0)] = 1

export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects allowed (the top-level container is depth 1). */
  maxDepth: number
  /** Most values allowed: containers, strings (keys included) and bare tokens. */
  maxValues: number
}

export type JsonShapeProblem = { kind: 'depth'; limit: number } | { kind: 'values'; limit: number }

export class JsonShapeScanner {
  depth = 0
  maxDepthSeen = 0
  values = 0
  #inString = false
  #escaped = false
  #inBare = false

  constructor(private readonly limits: JsonShapeLimits) {}

  /** Scans the next chunk; returns the first limit it crosses, or undefined. */
  feed(chunk: Uint8Array): JsonShapeProblem | undefined {
    const { maxDepth, maxValues } = this.limits
    let depth = this.depth
    let values = this.values
    let inString = this.#inString
    let escaped = this.#escaped
    let inBare = this.#inBare
    let problem: JsonShapeProblem | undefined
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number
      if (inString) {
        if (escaped) escaped = false
        else if (c === BACKSLASH) escaped = true
        else if (c === QUOTE) inString = false
        continue
      }
      if (BARE[c] === 1) {
        if (!inBare) {
          inBare = true
          values++
        }
        continue
      }
      inBare = false
      if (c === QUOTE) {
        inString = true
        values++
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++
        values++
        if (depth > this.maxDepthSeen) this.maxDepthSeen = depth
        if (depth > maxDepth) {
          problem = { kind: 'depth', limit: maxDepth }
          break
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--
      }
      if (values > maxValues) {
        problem = { kind: 'values', limit: maxValues }
        break
      }
    }
    if (!problem && values > maxValues) problem = { kind: 'values', limit: maxValues }
    this.depth = depth
    this.values = values
    this.#inString = inString
    this.#escaped = escaped
    this.#inBare = inBare
    return problem
  }
}
