import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Config } from './config.js'

/** What the HTTPS server needs, and the file a client trusts to reach it. */
export interface TlsMaterial {
  key: string
  cert: string
  /** The certificate to trust: the generated CA, or `TLS_CERT` as given. */
  caCertPath: string
  /** A temporary folder to remove at close (a `:memory:` database keeps nothing on disk). */
  cleanup?: () => void
}

export const CA_CERT_FILE = 'passport-mock-ca.crt'
export const TLS_CERT_FILE = 'passport-mock-tls.crt'
export const TLS_KEY_FILE = 'passport-mock-tls.key'

function yearsFromNow(now: Date, years: number): Date {
  const date = new Date(now)
  date.setUTCFullYear(date.getUTCFullYear() + years)
  return date
}

/**
 * A local CA and a server certificate it signs for localhost, 127.0.0.1 and ::1 (issue 13 §4),
 * made with `selfsigned` (Node's own crypto, no network). Trusting the CA file
 * (`NODE_EXTRA_CA_CERTS`, `curl --cacert`) trusts the server without turning checks off. EC
 * P-256 keys: made in ~0.1 s, where RSA 2048 takes up to a second. Its key is not kept: a new
 * server certificate comes with a new CA.
 */
export async function generateTlsFiles(dir: string, now: Date = new Date()): Promise<void> {
  const { default: selfsigned } = await import('selfsigned')
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'passport-mock local CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: yearsFromNow(now, 10),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  })
  const server = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    // Under 825 days: what macOS and browsers accept for a server certificate.
    notAfterDate: new Date(now.getTime() + 800 * 86_400_000),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, TLS_KEY_FILE), server.private, { mode: 0o600 })
  writeFileSync(join(dir, TLS_CERT_FILE), `${server.cert.trim()}\n${ca.cert.trim()}\n`)
  writeFileSync(join(dir, CA_CERT_FILE), ca.cert)
}

/**
 * The key and certificate for HTTPS: `TLS_CERT`/`TLS_KEY` when given; otherwise the files beside
 * the database, made at the first start and reused after (so a client trusts the CA once); for a
 * `:memory:` database, a fresh temporary folder removed at close.
 */
export async function loadTlsMaterial(config: Config): Promise<TlsMaterial> {
  if (config.tlsCert !== undefined && config.tlsKey !== undefined) {
    return { key: readFileSync(config.tlsKey, 'utf8'), cert: readFileSync(config.tlsCert, 'utf8'), caCertPath: config.tlsCert }
  }
  const temporary = config.databasePath === ':memory:'
  const dir = temporary ? mkdtempSync(join(tmpdir(), 'passport-mock-tls-')) : dirname(config.databasePath)
  const files = [CA_CERT_FILE, TLS_CERT_FILE, TLS_KEY_FILE].map((name) => join(dir, name))
  if (!files.every((file) => existsSync(file))) await generateTlsFiles(dir)
  return {
    key: readFileSync(join(dir, TLS_KEY_FILE), 'utf8'),
    cert: readFileSync(join(dir, TLS_CERT_FILE), 'utf8'),
    caCertPath: join(dir, CA_CERT_FILE),
    ...(temporary && { cleanup: () => rmSync(dir, { recursive: true, force: true }) }),
  }
}
