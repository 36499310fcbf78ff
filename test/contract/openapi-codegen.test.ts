import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import createClient from 'openapi-fetch'
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript'
import t from 'tap'
import { OPENAPI_COMPONENTS } from '../../src/plugins/openapi-components.js'
import { OPERATION_IDS } from '../../src/plugins/operation-ids.js'
import { CLIENTS } from '../helpers/auth.js'
import { buildTestApp } from '../helpers/build-test-app.js'
import type { components, paths } from '../helpers/passport-api.js'

/**
 * Issue 13 §3: the document is made for codegen. It lints clean with Redocly's recommended rules,
 * openapi-typescript names every component and operation, and a client generated from it
 * (openapi-fetch over test/helpers/passport-api.d.ts) type-checks (`npm run typecheck`) and talks
 * to a real mock. The .d.ts is checked here against a fresh generation; to regenerate it:
 * `UPDATE_OPENAPI_TYPES=1 npx tap test/contract/openapi-codegen.test.ts`.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TYPES_FILE = join(ROOT, 'test', 'helpers', 'passport-api.d.ts')
const REDOCLY = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js')
const DOCS_ACCOUNT = '6c23f053-0e1a-46b4-b902-97ba47e351bc'

type Document = {
  servers?: { url: string }[]
  paths: Record<string, Record<string, { operationId?: string; security?: Record<string, string[]>[]; responses: Record<string, { description?: string }> }>>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; flows?: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } } }> }
}

async function documentOf(t: Parameters<typeof buildTestApp>[0]): Promise<Document> {
  const { app } = await buildTestApp(t)
  return (await app.inject({ url: '/documentation/json' })).json() as Document
}

t.test('passes redocly lint with the recommended rules: no error', async (t) => {
  const dir = t.testdir({ 'openapi.json': JSON.stringify(await documentOf(t)) })
  // Offline: no usage telemetry, no update check (traffic stays on this machine).
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }
  const run = await promisify(execFile)(process.execPath, [REDOCLY, 'lint', 'openapi.json', '--extends=recommended', '--format=json'], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  )
  const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; severity: string; message: string }[] }
  const errors = report.problems.filter((p) => p.severity === 'error')
  t.equal(report.totals.errors, 0, `no error${errors.length ? `: ${errors.map((p) => `${p.ruleId}: ${p.message}`).join('; ')}` : ''}`)
  // Reported, not failed, and only these: the Bre-B and the {recipient_id} paths overlap as the
  // real API's do; health has no 4xx; the server is localhost, as a local mock's is.
  const known = ['no-ambiguous-paths', 'operation-4xx-response', 'no-server-example.com']
  for (const warning of report.problems.filter((p) => p.severity === 'warn')) {
    t.comment(`redocly warning ${warning.ruleId}: ${warning.message}`)
    t.ok(known.includes(warning.ruleId), `warning ${warning.ruleId} is a known one`)
  }
})

t.test('gives every operation an operationId from the table, a description on every response, and no id twice', async (t) => {
  const doc = await documentOf(t)
  const ids: string[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const name = `${method.toUpperCase()} ${path}`
      t.equal(op.operationId, OPERATION_IDS[name], `${name} is ${OPERATION_IDS[name]}`)
      ids.push(op.operationId ?? '')
      for (const [status, response] of Object.entries(op.responses)) t.ok(response.description && response.description !== 'Default Response', `${name} ${status}: ${response.description}`)
    }
  }
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique')
  t.same(ids.sort(), Object.values(OPERATION_IDS).sort(), 'every id of the table is used')
  for (const id of ['retrieveAccount', 'createToken', 'initiateBrebPayment', 'initiateAchPayment', 'mockReset', 'mockSeed']) t.ok(ids.includes(id), `${id} is there`)
})

t.test('declares the admin token on every /_mock operation but health, and the OAuth2 client-credentials flow at the token endpoint', async (t) => {
  const doc = await documentOf(t)
  t.match(doc.components.securitySchemes.mockAdminToken, { type: 'apiKey', in: 'header', name: 'X-Mock-Admin-Token' })
  t.match(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer' })
  const flow = doc.components.securitySchemes.oauth2?.flows?.clientCredentials
  t.match(flow?.tokenUrl, /\/v1\/iam\/oauth\/tokens$/)
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const name = `${method.toUpperCase()} ${path}`
      if (path === '/_mock/health') t.same(op.security, [], 'health needs no admin token')
      else if (path.startsWith('/_mock/')) t.same(op.security, [{ mockAdminToken: [] }, {}], `${name}: the admin token (when MOCK_ADMIN_TOKEN is set)`)
      else if (name === 'POST /v1/iam/oauth/tokens') t.same(op.security, [], `${name} needs nothing`)
      else {
        const scope = op.security?.[1]?.oauth2?.[0]
        t.ok(scope && flow?.scopes[scope] !== undefined, `${name}: its scope ${scope} is one the flow offers`)
      }
    }
  }
})

t.test('names every component and every operation in openapi-typescript’s output, as the committed types do', async (t) => {
  const doc = await documentOf(t)
  const source = COMMENT_HEADER + astToString(await openapiTS(doc as never))
  if (process.env.UPDATE_OPENAPI_TYPES === '1') writeFileSync(TYPES_FILE, source)
  const [, schemas = ''] = /\n {4}schemas: \{\n([\s\S]*?)\n {4}\};\n {4}responses:/.exec(source) ?? []
  const named = [...schemas.matchAll(/^ {8}([A-Za-z0-9]+): /gm)].map((m) => m[1])
  t.same(named, Object.keys(doc.components.schemas), 'one named type per component, in order')
  for (const component of ['Account', 'Money', 'Customer', 'Error', 'Payment', 'Key', 'Resolution', 'Recipient', 'QrCode', 'Token', 'AccountList', 'MockFaultRule', 'MockClock']) {
    t.ok(named.includes(component), `${component} is a named type`)
  }
  t.same([...named].sort(), OPENAPI_COMPONENTS.map((c) => c.name).sort(), 'every component of the table is used, and nothing else is named')
  t.notMatch(source, /export type operations = Record<string, never>/, 'operations are not empty')
  for (const id of Object.values(OPERATION_IDS)) {
    t.match(source, new RegExp(`\\n {4}${id}: \\{`), `operations.${id} is a named type`)
    t.match(source, `operations["${id}"]`, `a path refers to operations.${id}`)
  }
  t.match(source, /error_code|components\["schemas"\]\["Error"\]/, 'error responses are the Error type')
  // 9,904 lines before issue 14's eight console routes (about 170 lines each: paging parameters and error answers).
  t.ok(source.split('\n').length < 12_000, `the output is a readable size (${source.split('\n').length} lines; it was 15,000+ without names)`)
  t.equal(readFileSync(TYPES_FILE, 'utf8'), source, 'test/helpers/passport-api.d.ts is current (UPDATE_OPENAPI_TYPES=1 regenerates it)')
})

t.test('a client generated from the document gets a token, an account and a typed 404 error from a running mock', async (t) => {
  const { app } = await buildTestApp(t)
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const client = createClient<paths>({ baseUrl })

  const token = await client.POST('/v1/iam/oauth/tokens', { body: { ...CLIENTS.admin, grant_type: 'client_credentials' } })
  t.equal(token.response.status, 200)
  const issued: components['schemas']['Token'] | undefined = token.data
  t.match(issued?.access_token, /^[0-9a-f]{64}$/)
  const headers = { Authorization: `Bearer ${issued?.access_token}` }

  const account = await client.GET('/v1/accounts/{account_id}', { params: { path: { account_id: DOCS_ACCOUNT } }, headers })
  t.equal(account.response.status, 200)
  const body: components['schemas']['Account'] | undefined = account.data
  t.equal(body?.id, DOCS_ACCOUNT)
  t.match(body?.available_balance, { value: /^[0-9]+(\.[0-9]{1,2})?$/, currency: 'COP' })

  const missing = await client.GET('/v1/accounts/{account_id}', { params: { path: { account_id: randomUUID() } }, headers })
  t.equal(missing.response.status, 404)
  const error: components['schemas']['Error'] | undefined = missing.error
  t.match(error, { code: 'account_not_found', http_code: 404, type: 'NOT_FOUND', resource: String, url: String, trace_id: String })
  t.equal(missing.data, undefined)

  // The key's oneOf: a PHONE key is the PhoneKeyInput variant; the service still checks it.
  const key = await client.POST('/v1/keys', { body: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '3009998877' } }, headers })
  t.equal(key.response.status, 200)
  t.same(key.data?.key, { key_type: 'PHONE', key_value: '3009998877' })

  const health = await client.GET('/_mock/health')
  t.same(health.data, { status: 'ok' })

  // What the generated types refuse (type-checked by `npm run typecheck`: an unused expect-error fails it).
  // @ts-expect-error account_id is the path parameter's name
  await client.GET('/v1/accounts/{account_id}', { params: { path: { id: DOCS_ACCOUNT } }, headers })
  // @ts-expect-error money is a string, never a JSON number
  await client.POST('/v1/payments/breb', { body: { account_id: DOCS_ACCOUNT, resolution_id: randomUUID(), amount: { value: 10, currency: 'COP' } }, headers })
})

t.test('names the server it was reached at, and the token URL there takes Swagger UI’s client-credentials request', async (t) => {
  const { app } = await buildTestApp(t)
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const doc = (await (await fetch(`${baseUrl}/documentation/json`)).json()) as Document
  t.same(doc.servers, [{ url: baseUrl, description: 'This mock' }])
  const tokenUrl = doc.components.securitySchemes.oauth2?.flows?.clientCredentials?.tokenUrl ?? ''
  t.equal(tokenUrl, `${baseUrl}/v1/iam/oauth/tokens`)
  const yaml = await (await fetch(`${baseUrl}/documentation/yaml`)).text()
  t.match(yaml, `servers:\n  - url: ${baseUrl}\n`)
  // Swagger UI's Authorize: a form body and the client in Authorization: Basic.
  const basic = Buffer.from(`${CLIENTS.admin.client_id}:${CLIENTS.admin.client_secret}`).toString('base64')
  const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials&scope=paas.core.accounts.get' })
  t.equal(res.status, 200)
  t.match(await res.json(), { access_token: /^[0-9a-f]{64}$/, token_type: 'Bearer' })
  // A Host header that is no host falls back to the configured address.
  const odd = await app.inject({ url: '/documentation/json', headers: { host: 'evil"host/x' } })
  t.match((odd.json() as Document).servers, [{ url: /^http:\/\/127\.0\.0\.1:[0-9]+$/ }])
})

t.test('the README’s codegen commands and client example work as written against a running mock', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('## OpenAPI and codegen\n')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  const [commands = ''] = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1])
  const [example = ''] = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  t.match(commands, 'npx openapi-typescript http://127.0.0.1:8080/documentation/json -o src/passport-api.d.ts')

  const { app } = await buildTestApp(t)
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const dir = t.testdir({ src: {} })
  // The package install is the one line left out: openapi-fetch is already a devDependency here.
  const script = commands.replaceAll('http://127.0.0.1:8080', baseUrl).replace(/^npm i openapi-fetch$/m, '')
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1', npm_config_offline: 'true' }
  const run = promisify(execFile)
  const { stdout, stderr } = await run('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: dir, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 })
  t.match(stdout + stderr, /valid/i, 'redocly finds the document valid')
  const generated = readFileSync(join(dir, 'src', 'passport-api.d.ts'), 'utf8')
  t.match(generated, 'retrieveAccount: {', 'the types name the operations')

  writeFileSync(join(dir, 'src', 'example.ts'), `${example.replaceAll('http://127.0.0.1:8080', baseUrl)}\nconsole.log(JSON.stringify({ id: account?.id, error }))\n`)
  const ran = await run(process.execPath, ['--import=tsx', join(dir, 'src', 'example.ts')], { cwd: ROOT, env, timeout: 30_000 })
  t.same(JSON.parse(ran.stdout.trim()), { id: DOCS_ACCOUNT }, 'the example reads the docs’ account, with no error')
})

t.test('leaves the schemas that validate and serialise as they were: only the document is rewritten', async (t) => {
  const before = OPENAPI_COMPONENTS.map((c) => JSON.stringify(c.schema))
  const { app } = await buildTestApp(t)
  const doc = (await app.inject({ url: '/documentation/json' })).json() as Document
  t.ok(Object.keys(doc.components.schemas).length > 50, 'the document was built')
  t.same(OPENAPI_COMPONENTS.map((c) => JSON.stringify(c.schema)), before, 'no schema gained a $ref or lost a field')
  // And the validator still answers with the service's own rule for a key value.
  const token = await app.inject({ method: 'POST', url: '/v1/iam/oauth/tokens', payload: { ...CLIENTS.admin, grant_type: 'client_credentials' } })
  const res = await app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: { authorization: `Bearer ${(token.json() as { access_token: string }).access_token}` },
    payload: { account_id: DOCS_ACCOUNT, key: { key_type: 'PHONE', key_value: '123' } },
  })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'invalid_parameter_value', message: "Field 'key.key_value' must be a 10-digit mobile number starting with 3, without +57" })
})
