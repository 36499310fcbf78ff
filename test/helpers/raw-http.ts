import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
  /** The whole answer as received. */
  raw: string
  /** Milliseconds from connect to the socket's end. */
  ms: number
}

/**
 * Sends bytes on a fresh TCP connection to 127.0.0.1 and reads the answer until the server
 * closes or the answer is complete (Content-Length), for requests `fetch` and `app.inject`
 * refuse to send: broken chunking, a NUL in the path, conflicting lengths, a trickled body.
 * `write` is called once connected and may keep writing (it gets the socket); the promise
 * rejects after `timeoutMs` so no test waits without bound.
 */
export function rawRequest(port: number, write: string | Buffer | ((socket: import('node:net').Socket) => void), timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    let settled = false
    const done = (error?: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (error) return reject(error)
      const raw = Buffer.concat(chunks).toString('utf8')
      const split = raw.indexOf('\r\n\r\n')
      const head = split === -1 ? raw : raw.slice(0, split)
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: split === -1 ? '' : raw.slice(split + 4), raw, ms: performance.now() - started })
    }
    const timer = setTimeout(() => done(new Error(`no complete answer within ${timeoutMs} ms; got: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`)), timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const raw = Buffer.concat(chunks).toString('utf8')
      const split = raw.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: *([0-9]+)/i.exec(raw.slice(0, split))?.[1]
      if (split !== -1 && length !== undefined && Buffer.byteLength(raw.slice(split + 4)) >= Number(length)) done()
    })
    socket.on('end', () => done())
    socket.on('close', () => done())
    // A reset after the answer (the server closing while we still write) is not a failure.
    socket.on('error', (error) => (chunks.length > 0 ? done() : done(error)))
    socket.on('connect', () => {
      if (typeof write === 'function') write(socket)
      else socket.write(write)
    })
  })
}

/** Polls `url` with GET every few ms until `stop()` and reports the slowest answer, in ms. */
export function pollLatency(url: string, everyMs = 20): { stop: () => Promise<{ count: number; maxMs: number; failures: number }> } {
  let running = true
  let count = 0
  let maxMs = 0
  let failures = 0
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
        await res.arrayBuffer()
        if (res.status !== 200) failures++
      } catch {
        failures++
      }
      maxMs = Math.max(maxMs, performance.now() - started)
      count++
      await new Promise((r) => setTimeout(r, everyMs))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return { count, maxMs, failures }
    },
  }
}
