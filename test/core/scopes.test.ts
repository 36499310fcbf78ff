import t from 'tap'
import { ALL_SCOPES, expandScopes, grants, READ_SCOPES, ROUTE_SCOPES, rolesFor, type Scope } from '../../src/core/scopes.js'
import { CONTRACT_SCOPES, DOCUMENTED_SCOPES } from '../helpers/contract-scopes.js'


t.test('lists every scope of the CONTRACT §3 table and of the docs’ token example, once', async (t) => {
  t.same([...ROUTE_SCOPES].sort(), [...CONTRACT_SCOPES].sort())
  t.same([...ALL_SCOPES].sort(), [...new Set([...CONTRACT_SCOPES, ...DOCUMENTED_SCOPES])].sort())
  t.equal(new Set(ALL_SCOPES).size, ALL_SCOPES.length)
  t.same(
    ALL_SCOPES.filter((s) => DOCUMENTED_SCOPES.includes(s)),
    DOCUMENTED_SCOPES,
    'the documented scopes come in the docs’ order',
  )
})

t.test('gives the read-only set every *.get and *.list.get scope and nothing else', async (t) => {
  t.same([...READ_SCOPES].sort(), CONTRACT_SCOPES.filter((s) => s.endsWith('.get')).sort())
  t.equal(READ_SCOPES.length, 14)
  t.notOk(READ_SCOPES.some((s) => /\.(post|patch|delete)$/.test(s)))
})

t.test('grants a scope held exactly', async (t) => {
  t.ok(grants(['paas.core.accounts.get'], 'paas.core.accounts.get'))
  t.notOk(grants(['paas.core.accounts.get'], 'paas.core.accounts.list.get'))
  t.notOk(grants([], 'paas.core.accounts.get'))
})

t.test('grants every scope under a family ending in .*', async (t) => {
  t.ok(grants(['paas.core.*'], 'paas.core.accounts.get'))
  t.ok(grants(['paas.core.*'], 'paas.core.qrcodes.delete'))
  t.ok(grants(['iam.oauth.tokens.*'], 'iam.oauth.tokens.delete'))
  t.ok(grants(['paas.core.accounts.*'], 'paas.core.accounts.list.get'))
  t.notOk(grants(['paas.core.*'], 'iam.oauth.tokens.get'), 'a family covers only its own prefix')
  t.notOk(grants(['paas.core.accounts.*'], 'paas.core.account_keys.get'), 'accounts.* does not reach account_keys')
  t.notOk(grants(['paas.core.accounts.get.*'], 'paas.core.accounts.get'), 'a family does not cover its own stem')
})

t.test('expands families in catalogue order, without duplicates', async (t) => {
  t.same(expandScopes(['paas.core.accounts.get', 'iam.oauth.tokens.*', 'paas.core.accounts.get', 'iam.oauth.tokens.get']), [
    'iam.oauth.tokens.list.get',
    'iam.oauth.tokens.get',
    'iam.oauth.tokens.delete',
    'paas.core.accounts.get',
  ])
  t.same(expandScopes(['iam.*', 'paas.core.*']), [...ALL_SCOPES], 'the admin client of the fixtures gets every scope')
  t.same(expandScopes(['iam.mfa.*']), ['iam.mfa.*'], 'the docs write iam.mfa.* as one scope')
  t.same(expandScopes(['paas.core.accounts.*']), ['paas.core.accounts.post', 'paas.core.accounts.get', 'paas.core.accounts.list.get'])
  t.same(expandScopes([]), [])
})

t.test('shows no wildcard but the docs’ own iam.mfa.*, and no unknown name, in an expansion', async (t) => {
  const expanded = expandScopes(['paas.core.*', 'made.up.scope', 'iam.*'])
  t.same(expanded.filter((s) => s.includes('*')), ['iam.mfa.*'])
  t.notOk((expanded as string[]).includes('made.up.scope'))
  t.same(expanded, [...ALL_SCOPES])
})

t.test('gives ENTITY_ADMIN to a client with every route scope', async (t) => {
  t.same(rolesFor([...ALL_SCOPES]), ['ENTITY_ADMIN'])
  t.same(rolesFor([...ALL_SCOPES].reverse()), ['ENTITY_ADMIN'], 'order does not matter')
  t.same(rolesFor(expandScopes(['iam.oauth.tokens.*', 'paas.core.*'])), ['ENTITY_ADMIN'], 'a client stored before the documented iam.* scopes keeps its role')
})

t.test('gives ENTITY_READER to the read-only client', async (t) => {
  t.same(rolesFor(READ_SCOPES), ['ENTITY_READER'])
  t.same(rolesFor(['paas.core.accounts.get', 'paas.core.accounts.list.get']), ['ENTITY_READER'], 'a subset of the read scopes reads too')
})

t.test('gives neither admin nor reader to a client with some write scopes but not all', async (t) => {
  const partial: Scope[] = ['paas.core.accounts.get', 'paas.core.accounts.post']
  const roles = rolesFor(partial)
  t.equal(roles.length, 1)
  t.notOk(roles.includes('ENTITY_ADMIN'))
  t.notOk(roles.includes('ENTITY_READER'))
  t.same(rolesFor(ALL_SCOPES.filter((s) => s !== 'paas.core.qrcodes.delete')), roles, 'one route scope short of all is not admin')
})
