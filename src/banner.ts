import { readFileSync } from 'node:fs'
import type { Config } from './config.js'

/**
 * The start-up banner (issue 13 §1): where everything is and how to get a first token, so a new
 * user needs no README to take the first step. The same fields go out as text on a terminal and
 * as one structured log line otherwise (JSON logs, CI, containers).
 */
export interface BannerFields {
  base_url: string
  openapi_url: string
  swagger_ui_url: string
  console_url: string
  client_id: string | null
  client_secret: string | null
  token_curl: string | null
  /** With TLS_PORT: the HTTPS address and the CA certificate to trust. */
  https_url?: string
  ca_cert?: string
}

/** The host a client can reach: a wildcard listen address (0.0.0.0, ::) is reached at 127.0.0.1. */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

/**
 * The fixtures' first client of the first entity that has one: the default entity's all-scope
 * client (CONTRACT §6). The file was read and checked when the database was filled; a file that
 * cannot be read now gives no client rather than stopping a running server.
 */
export function defaultClient(fixturesPath: string): { client_id: string; client_secret: string } | undefined {
  try {
    const fixtures = JSON.parse(readFileSync(fixturesPath, 'utf8')) as { entities?: { clients?: { client_id: string; client_secret: string }[] }[] }
    for (const entity of fixtures.entities ?? []) {
      const client = entity.clients?.[0]
      if (client) return client
    }
  } catch {
    // No client to show; the banner says where the docs are instead.
  }
  return undefined
}

export function bannerFields(config: Config, port: number, tls?: { port: number; caCertPath: string }): BannerFields {
  const host = reachableHost(config.host)
  const base = `http://${host}:${port}`
  const client = defaultClient(config.fixturesPath)
  const body = client && JSON.stringify({ client_id: client.client_id, client_secret: client.client_secret, grant_type: 'client_credentials' })
  return {
    base_url: base,
    openapi_url: `${base}/documentation/json`,
    swagger_ui_url: `${base}/documentation`,
    console_url: `${base}/_mock/ui`,
    client_id: client?.client_id ?? null,
    client_secret: client?.client_secret ?? null,
    token_curl: body ? `curl -s ${base}/v1/iam/oauth/tokens -H 'Content-Type: application/json' -d '${body}'` : null,
    ...(tls && { https_url: `https://${host}:${tls.port}`, ca_cert: tls.caCertPath }),
  }
}

/** The banner as a terminal shows it. */
export function bannerText(fields: BannerFields): string {
  const lines = [
    '',
    `  passport-mock is ready at ${fields.base_url}`,
    '',
    `  OpenAPI      ${fields.openapi_url}`,
    `  Swagger UI   ${fields.swagger_ui_url}`,
    `  QA console   ${fields.console_url}`,
  ]
  if (fields.https_url) {
    lines.push(`  HTTPS        ${fields.https_url}  (trust ${fields.ca_cert}: NODE_EXTRA_CA_CERTS=${fields.ca_cert}, curl --cacert ${fields.ca_cert})`)
  }
  if (fields.client_id && fields.client_secret && fields.token_curl) {
    lines.push(`  Client       ${fields.client_id} / ${fields.client_secret}`, '', '  A token:', `  ${fields.token_curl}`)
  }
  lines.push('', '')
  return lines.join('\n')
}
