import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import semver from 'semver'
import t from 'tap'
import { PACKAGE_ROOT } from '../../src/config.js'
import { readDockerfile } from '../helpers/dockerfile.js'

// `engines` says only what every installed package accepts too (issue 13 §1): `npm ci` warned
// EBADENGINE for cookie@2 and content-disposition@3 (ESM-only majors that ask for Node >= 22)
// while ours said >= 20.19. package.json's overrides pin their CommonJS majors, whose functions
// light-my-request and @fastify/static call are the same (stringifySetCookie, create).
interface LockEntry {
  version?: string
  dev?: boolean
  engines?: { node?: string } | string[]
}
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string }
  overrides: Record<string, Record<string, string>>
}
const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }
const ours = pkg.engines.node

t.test('every Node version engines admits is one every locked package admits (no EBADENGINE)', async (t) => {
  t.ok(semver.validRange(ours), `${ours} is a valid range`)
  t.equal(lock.packages['']?.engines && (lock.packages['']!.engines as { node: string }).node, ours, 'the lockfile has the same engines')
  const refused: string[] = []
  for (const [path, entry] of Object.entries(lock.packages)) {
    const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    if (path === '' || node === undefined || !semver.validRange(node)) continue
    if (!semver.subset(ours, node)) refused.push(`${path}@${entry.version} wants ${node}`)
  }
  t.same(refused, [], 'no package asks for a Node that engines does not already require')
})

t.test('engines admits Node 20 and the image’s Node 24, and this test runs on one of them', async (t) => {
  t.ok(semver.satisfies('20.19.0', ours), 'Node 20.19 (the oldest the README names)')
  t.notOk(semver.satisfies('20.18.0', ours), 'not Node 20.18: require(esm) is on by default from 20.19')
  const from = readDockerfile(PACKAGE_ROOT).at(-1)!.from
  const minor = /^node:(\d+\.\d+)-bookworm-slim$/.exec(from)?.[1]
  t.ok(minor, `${from} pins a Node minor`)
  t.ok(semver.satisfies(`${minor}.0`, ours), `the image's Node ${minor} satisfies ${ours}`)
  t.ok(semver.satisfies(process.versions.node, ours), `Node ${process.versions.node} running these tests satisfies ${ours}`)
})

t.test('the overridden packages are the CommonJS majors, installed where they are used', async (t) => {
  t.same(pkg.overrides, { 'light-my-request': { cookie: '^1.1.1' }, '@fastify/static': { 'content-disposition': '^2.0.1' } })
  const users = { cookie: ['light-my-request', 1], 'content-disposition': ['@fastify/static', 2] } as const
  for (const [name, [user, major]] of Object.entries(users)) {
    const entry = lock.packages[`node_modules/${user}/node_modules/${name}`]
    t.equal(entry && semver.major(entry.version!), major, `${user} gets ${name}@${entry?.version}`)
    t.notOk(Object.keys(lock.packages).some((p) => p.endsWith(`/${name}`) && semver.major(lock.packages[p]!.version!) !== major), `no other ${name} is locked`)
  }
  // The functions the two callers use, with the arguments they pass, loaded as they load them.
  const requireFrom = (user: string) => createRequire(join(PACKAGE_ROOT, 'node_modules', user, 'package.json'))
  const { stringifySetCookie } = requireFrom('light-my-request')('cookie') as { stringifySetCookie: (c: { name: string; value: string }) => string }
  t.equal(stringifySetCookie({ name: 'session', value: 'a b' }), 'session=a%20b', 'light-my-request’s call')
  const { create } = requireFrom('@fastify/static')('content-disposition') as { create: (filename: string) => string }
  t.equal(create('report.pdf'), 'attachment; filename=report.pdf', '@fastify/static’s call')
  t.equal(create('año.pdf'), 'attachment; filename="a?o.pdf"; filename*=UTF-8\'\'a%C3%B1o.pdf')
})
