import http from 'node:http'
import https from 'node:https'
import type { TargetPolicy } from '../core/target-policy.js'
import { SIGNATURE_HEADER } from './webhook-signature.js'

/**
 * What one signed POST came to: the status (and, when asked for, the start of the body), an
 * error (`timeout` when no answer came in time), or `aborted` when the app closed under it.
 */
export type PostOutcome = { status: number; body: string; tooLarge: boolean } | { error: string; timeout: boolean } | { aborted: true }

export interface SignedPost {
  url: string
  body: string
  /** The `X-Passport-Signature` value. */
  signature: string
  userAgent: string
  timeoutMs: number
  /** Which addresses may be sent to (issue 11 item 5). */
  policy: TargetPolicy
  /** The requests in flight, so that closing the app can abort them. */
  inFlight: Set<AbortController>
  /**
   * Absent: the outcome is the status, as soon as the headers arrive (a webhook: the body is
   * drained, unread). A number: the body is read, up to that many bytes (a callback's answer).
   */
  readBodyBytes?: number
  /** Keep-alive agents whose sockets sends share (webhooks); absent: a connection per send. */
  agents?: SendAgents
}

/** One keep-alive agent per scheme (their owner destroys them on close). */
export interface SendAgents {
  http: http.Agent
  https: https.Agent
}

/**
 * Idle sockets are closed after this long, real ms: well under the keep-alive timeouts servers
 * commonly use (Node 5 s, nginx 75 s), so the mock never sends on a socket the receiver is closing
 * as idle; a receiver's shorter `Keep-Alive: timeout=` hint wins (Node's agent reads it).
 */
export const IDLE_SOCKET_MS = 1000

/**
 * Keep-alive agents for one sender: at most `perReceiver` sockets to one host and port (the
 * sender's lanes never ask for more), `total` in all, idle ones closed after IDLE_SOCKET_MS.
 */
export function keepAliveAgents(perReceiver: number, total: number): SendAgents {
  const options = { keepAlive: true, maxSockets: perReceiver, maxFreeSockets: perReceiver, maxTotalSockets: total, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const }
  return { http: new http.Agent(options), https: new https.Agent(options) }
}

/**
 * One POST of the mock's outgoing HTTP, webhooks and payment-authorization callbacks alike, signed
 * as CONTRACT §4 says. An address in the URL is judged by the target policy here (a connection to
 * an IP literal asks no lookup); a name is judged by the policy's lookup, on the very addresses the
 * connection then uses (DNS rebinding). Nothing is sent to a refused target, so the log cannot tell
 * its open ports from closed ones. One deadline covers the whole exchange. Without `agents` a
 * receiver sees one connection per attempt; with them (webhooks, issue 15) sends reuse idle
 * sockets, and the owner destroys the agents on close, so none outlives it either way.
 */
export function signedPost(post: SignedPost): Promise<PostOutcome> {
  return new Promise<PostOutcome>((resolve) => {
    let target: URL
    try {
      target = new URL(post.url)
    } catch {
      resolve({ error: `Invalid URL: ${post.url}`, timeout: false })
      return
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      resolve({ error: `Unsupported protocol ${target.protocol} (http or https only)`, timeout: false })
      return
    }
    const refusal = post.policy.refusalOfHost(target.hostname)
    if (refusal !== undefined) {
      resolve({ error: `Refused by the target policy: ${refusal}`, timeout: false })
      return
    }
    const controller = new AbortController()
    post.inFlight.add(controller)
    let settled = false
    let timedOut = false
    const settle = (outcome: PostOutcome) => {
      if (settled) return
      settled = true
      resolve(outcome)
    }
    const done = () => {
      clearTimeout(timer)
      post.inFlight.delete(controller)
    }
    // No answer in time fails the attempt, and a body still trickling in is cut off then too.
    const timer = setTimeout(() => {
      timedOut = true
      settle({ error: `No answer in ${post.timeoutMs} ms`, timeout: true })
      controller.abort()
    }, post.timeoutMs)
    const https_ = target.protocol === 'https:'
    const request = (https_ ? https : http).request(
      target,
      {
        method: 'POST',
        agent: post.agents ? (https_ ? post.agents.https : post.agents.http) : false,
        lookup: post.policy.lookup as never,
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(post.body),
          'user-agent': post.userAgent,
          [SIGNATURE_HEADER.toLowerCase()]: post.signature,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0
        response.on('error', () => undefined)
        response.on('close', done)
        const limit = post.readBodyBytes
        if (limit === undefined) {
          settle({ status, body: '', tooLarge: false })
          response.resume()
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size <= limit) chunks.push(chunk)
          else {
            settle({ status, body: Buffer.concat(chunks).toString('utf8'), tooLarge: true })
            controller.abort()
          }
        })
        response.on('end', () => settle({ status, body: Buffer.concat(chunks).toString('utf8'), tooLarge: false }))
      },
    )
    request.on('error', (error) => {
      done()
      if (controller.signal.aborted && !timedOut) settle({ aborted: true })
      else settle({ error: describe(error), timeout: false })
    })
    request.end(post.body)
  })
}

/** A network error as one readable line; Node's connect errors may carry only a code. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as NodeJS.ErrnoException).code
  if (error.message === '' || error instanceof AggregateError) {
    const inner = error instanceof AggregateError ? (error.errors as unknown[]).map(describe).join('; ') : ''
    return [code, inner].filter(Boolean).join(': ') || error.name
  }
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message
}
