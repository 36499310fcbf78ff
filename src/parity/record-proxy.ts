import { appendFileSync, mkdirSync } from 'node:fs'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Redactor } from './redact.js'

/**
 * `passport-mock record` (issue 12 §2): a reverse proxy a developer points their own client at
 * while it talks to the sandbox. Every exchange is forwarded as it is, both ways, and written,
 * redacted, as one JSON line of `<dir>/recording.jsonl`, which `passport-mock replay` sends to
 * the mock. Nothing secret is written: `Authorization` becomes the label of its token (or
 * `basic`), access tokens in answers become the same labels, secrets and personal data are
 * replaced as in `parity` reports.
 */
export interface RecordedExchange {
  n: number
  request: {
    method: string
    /** Path and query; query values of personal fields are replaced too. */
    url: string
    /** `<token:…>` label, `basic`, or absent. */
    auth?: string
    content_type?: string
    body?: unknown
  }
  response: { status: number; content_type?: string; body?: unknown; duration_ms: number }
}

export const RECORDING_FILE = 'recording.jsonl'

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1), plus what fetch sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'accept-encoding', 'content-encoding'])
/** A request body bigger than the Passport API takes (1 MiB on /v1) is not buffered past this. */
const MAX_BODY_BYTES = 8 * 1024 * 1024

function parseBody(contentType: string | undefined, raw: Buffer): unknown {
  if (raw.length === 0) return undefined
  const text = raw.toString('utf8')
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text))
  try {
    return JSON.parse(text) as unknown
  } catch {
    return { '(not JSON)': `${text.length} characters` }
  }
}

function redactUrl(url: string, redactor: Redactor): string {
  const parsed = new URL(url, 'http://x')
  const params = [...parsed.searchParams].map(([k, v]) => [k, String(redactor.value(v, k))] as [string, string])
  const query = new URLSearchParams(params).toString()
  return `${redactor.text(parsed.pathname)}${query === '' ? '' : `?${query}`}`
}

export interface RecordProxy {
  url: string
  server: Server
  /** Exchanges written so far. */
  count(): number
  close(): Promise<void>
}

export async function startRecordProxy(options: { upstream: string; port: number; host?: string; dir: string; redactor: Redactor; onExchange?: (e: RecordedExchange) => void }): Promise<RecordProxy> {
  mkdirSync(options.dir, { recursive: true })
  const file = join(options.dir, RECORDING_FILE)
  const { redactor } = options
  let n = 0

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'application/json' }).end('{"code":"payload_too_large","message":"passport-mock record: the request body is over 8 MiB"}')
        return
      }
      chunks.push(chunk as Buffer)
    }
    const raw = Buffer.concat(chunks)
    const headers: Record<string, string> = { 'accept-encoding': 'identity' }
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    const authorization = req.headers.authorization
    const bearer = authorization?.match(/^Bearer\s+(\S+)/i)?.[1]
    if (bearer) redactor.addSecret(bearer)
    const started = performance.now()
    let upstream: Response
    try {
      upstream = await fetch(new URL(req.url ?? '/', options.upstream), { method: req.method, headers, body: raw.length > 0 ? raw : undefined, redirect: 'manual' })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'bad_gateway', message: `passport-mock record: cannot reach ${options.upstream}: ${cause}` }))
      return
    }
    const answer = Buffer.from(await upstream.arrayBuffer())
    const durationMs = Math.round(performance.now() - started)
    const outHeaders: Record<string, string> = {}
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) outHeaders[name] = value
    })
    res.writeHead(upstream.status, outHeaders).end(answer)

    const responseType = upstream.headers.get('content-type') ?? undefined
    const responseBody = parseBody(responseType, answer)
    const token = (responseBody as { access_token?: unknown } | undefined)?.access_token
    if (typeof token === 'string') redactor.addSecret(token)
    const exchange: RecordedExchange = {
      n: ++n,
      request: {
        method: req.method ?? 'GET',
        url: redactUrl(req.url ?? '/', redactor),
        ...(bearer ? { auth: redactor.tokenLabel(bearer) } : authorization ? { auth: 'basic' } : {}),
        ...(req.headers['content-type'] && { content_type: req.headers['content-type'] }),
        ...(raw.length > 0 && { body: redactor.value(parseBody(req.headers['content-type'], raw)) }),
      },
      response: { status: upstream.status, ...(responseType && { content_type: responseType }), ...(responseBody !== undefined && { body: redactor.value(responseBody) }), duration_ms: durationMs },
    }
    appendFileSync(file, `${JSON.stringify(exchange)}\n`)
    options.onExchange?.(exchange)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'internal_error', message: `passport-mock record: ${(error as Error).message}` }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    server,
    count: () => n,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
