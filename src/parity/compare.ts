/**
 * The shape comparison of `passport-mock parity` (issue 12): two answers to the same request are
 * alike when their status, their error `code` and `type`, and their bodies' shapes agree. A shape
 * keeps the set of fields, each field's JSON type and format (UUID, timestamp with milliseconds
 * and `Z`, decimal string…), recursively; values are masked, except enums, codes and statuses,
 * which are compared as they are (after LocalStack's snapshot transformers, STYLE Part 3).
 */

/** One way in which the mock's answer differs from the target's. */
export interface Difference {
  /** Where: `status`, or a JSON path into the body such as `body.receiver.owner.name` or `body.keys[].id`. */
  path: string
  kind: 'status' | 'missing_in_mock' | 'extra_in_mock' | 'renamed' | 'type' | 'value'
  target: string
  mock: string
}

/** A leaf's class: its JSON type, with a string's format or, for enums and codes, the value itself. */
type Leaf = { kind: 'leaf'; classes: Set<string> }
type Shape = Leaf | { kind: 'object'; fields: Map<string, Shape> } | { kind: 'array'; items: Shape | undefined }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TIMESTAMP_MS_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const TIMESTAMP_OTHER = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/
const DECIMAL = /^-?\d+(\.\d+)?$/
const HEX64 = /^[0-9a-f]{64}$/
/** Upper-case words (`ACTIVE`, `GRANT_FLOW_CLIENT_CREDENTIALS`, `BCODE`), no digits: enum values, compared as they are. Generated references (`P853427791`) have digits. */
const ENUM = /^[A-Z]+(_[A-Z]+)*$/
/** Fields whose values are compared as they are whatever they look like: codes and statuses. */
const VALUE_FIELDS = new Set(['code', 'error_code', 'http_code', 'status', 'type', 'token_type', 'grant_flow'])

/** The class of one string: its format, or itself when it is an enum value or a code. */
function stringClass(value: string, field: string, inArray: boolean): string {
  if (VALUE_FIELDS.has(field) && !inArray) return JSON.stringify(value)
  if (value === '') return 'string(empty)'
  if (UUID.test(value)) return 'string(uuid)'
  if (TIMESTAMP_MS_Z.test(value)) return 'string(timestamp ms Z)'
  if (TIMESTAMP_OTHER.test(value)) return `string(timestamp ${timestampForm(value)})`
  if (HEX64.test(value)) return 'string(hex64)'
  if (DECIMAL.test(value)) return value.includes('.') ? `string(decimal .${value.split('.')[1]?.length})` : 'string(integer)'
  // Inside a list, enum values depend on the rows each side holds: compare the kind only.
  if (ENUM.test(value)) return inArray ? 'string(enum)' : JSON.stringify(value)
  return 'string'
}

/** `2025-10-10T11:47:52.365840Z` → `µs Z`: how a timestamp differs from the contract's form. */
function timestampForm(value: string): string {
  const fraction = /\.(\d+)/.exec(value)?.[1]
  const zone = value.endsWith('Z') ? 'Z' : /[+-]\d\d:?\d\d$/.test(value) ? 'offset' : 'no zone'
  const precision = fraction === undefined ? 's' : fraction.length === 6 ? 'µs' : `${fraction.length} digits`
  return `${precision} ${zone}`
}

function shapeOf(value: unknown, field: string, inArray: boolean): Shape {
  if (Array.isArray(value)) {
    let items: Shape | undefined
    for (const item of value) items = merge(items, shapeOf(item, field, true))
    return { kind: 'array', items }
  }
  if (value !== null && typeof value === 'object') {
    const fields = new Map<string, Shape>()
    for (const [key, child] of Object.entries(value)) fields.set(key, shapeOf(child, key, inArray))
    return { kind: 'object', fields }
  }
  if (typeof value === 'string') return { kind: 'leaf', classes: new Set([stringClass(value, field, inArray)]) }
  if (typeof value === 'number') {
    if (VALUE_FIELDS.has(field) && !inArray) return { kind: 'leaf', classes: new Set([String(value)]) }
    return { kind: 'leaf', classes: new Set([Number.isInteger(value) ? 'number(integer)' : 'number']) }
  }
  return { kind: 'leaf', classes: new Set([value === null ? 'null' : typeof value]) }
}

/** The union of two shapes: the elements of one list, merged into one shape. */
function merge(a: Shape | undefined, b: Shape): Shape {
  if (a === undefined) return b
  if (a.kind === 'object' && b.kind === 'object') {
    const fields = new Map(a.fields)
    for (const [key, shape] of b.fields) fields.set(key, merge(fields.get(key), shape))
    return { kind: 'object', fields }
  }
  if (a.kind === 'array' && b.kind === 'array') return { kind: 'array', items: b.items === undefined ? a.items : merge(a.items, b.items) }
  return { kind: 'leaf', classes: new Set([...describe(a).split('|'), ...describe(b).split('|')]) }
}

function describe(shape: Shape): string {
  if (shape.kind === 'object') return 'object'
  if (shape.kind === 'array') return 'array'
  return [...shape.classes].sort().join('|')
}

/** A whole shape as one string, to tell a renamed field (same shape, other name) from two changes. */
function canonical(shape: Shape): string {
  if (shape.kind === 'leaf') return describe(shape)
  if (shape.kind === 'array') return `[${shape.items === undefined ? '' : canonical(shape.items)}]`
  return `{${[...shape.fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}:${canonical(v)}`).join(',')}}`
}

function diff(path: string, target: Shape, mock: Shape, out: Difference[]): void {
  if (target.kind === 'object' && mock.kind === 'object') {
    const missing = [...target.fields].filter(([key]) => !mock.fields.has(key))
    const extra = [...mock.fields].filter(([key]) => !target.fields.has(key))
    for (const [key, shape] of target.fields) {
      const other = mock.fields.get(key)
      if (other !== undefined) diff(`${path}.${key}`, shape, other, out)
    }
    for (const [key, shape] of missing) {
      // One field under another name with the same shape is one difference, not two.
      const twin = extra.findIndex(([, other]) => canonical(other) === canonical(shape))
      if (twin !== -1 && missing.filter(([, s]) => canonical(s) === canonical(shape)).length === 1) {
        const [mockKey] = extra.splice(twin, 1)[0] as [string, Shape]
        out.push({ path: `${path}.${key}`, kind: 'renamed', target: key, mock: mockKey })
      } else {
        out.push({ path: `${path}.${key}`, kind: 'missing_in_mock', target: describe(shape), mock: '(absent)' })
      }
    }
    for (const [key, shape] of extra) out.push({ path: `${path}.${key}`, kind: 'extra_in_mock', target: '(absent)', mock: describe(shape) })
    return
  }
  if (target.kind === 'array' && mock.kind === 'array') {
    // An empty list on one side says nothing about its rows' shape.
    if (target.items !== undefined && mock.items !== undefined) diff(`${path}[]`, target.items, mock.items, out)
    return
  }
  const a = describe(target)
  const b = describe(mock)
  if (a === b) return
  const valueLike = (s: string) => s.startsWith('"') || /^\d+$/.test(s)
  out.push({ path, kind: valueLike(a) && valueLike(b) ? 'value' : 'type', target: a, mock: b })
}

export interface Answer {
  status: number
  /** The parsed JSON body, or undefined when there is none (or it is not JSON). */
  body: unknown
}

/** Every difference between the target's answer and the mock's, in a stable order. */
export function compareAnswers(target: Answer, mock: Answer): Difference[] {
  const out: Difference[] = []
  if (target.status !== mock.status) out.push({ path: 'status', kind: 'status', target: String(target.status), mock: String(mock.status) })
  const hasTarget = target.body !== undefined
  const hasMock = mock.body !== undefined
  if (hasTarget !== hasMock) {
    out.push({ path: 'body', kind: hasTarget ? 'missing_in_mock' : 'extra_in_mock', target: hasTarget ? describe(shapeOf(target.body, '', false)) : '(no body)', mock: hasMock ? describe(shapeOf(mock.body, '', false)) : '(no body)' })
    return out
  }
  if (hasTarget) diff('body', shapeOf(target.body, '', false), shapeOf(mock.body, '', false), out)
  return out
}
