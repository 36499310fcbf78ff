/**
 * Every scope a route of the mock requires (CONTRACT §3 "Scopes by route").
 */
export const ROUTE_SCOPES = [
  'iam.oauth.tokens.list.get',
  'iam.oauth.tokens.get',
  'iam.oauth.tokens.delete',
  'paas.core.entity_customers.post',
  'paas.core.entity_customers.patch',
  'paas.core.entity_customers.get',
  'paas.core.entity_customers.list.get',
  'paas.core.accounts.post',
  'paas.core.accounts.get',
  'paas.core.accounts.list.get',
  'paas.core.account_keys.post',
  'paas.core.account_keys.get',
  'paas.core.account_keys.list.get',
  'paas.core.account_keys.patch',
  'paas.core.account_keys.delete',
  'paas.core.account_keys.resolve.post',
  'paas.core.breb_recipients.post',
  'paas.core.breb_recipients.get',
  'paas.core.breb_recipients.list.get',
  'paas.core.breb_recipients.delete',
  'paas.core.breb_payments.post',
  'paas.core.breb_payments.get',
  'paas.core.breb_payments.list.get',
  'paas.core.qrcodes.post',
  'paas.core.qrcodes.get',
  'paas.core.qrcodes.list.get',
  'paas.core.qrcodes.delete',
] as const

/**
 * Every scope a token may show: the docs' Retrieve Token example in its order
 * (https://docs.passportfintech.com/EN/retrieve-token-information and the ES copy, which reaches
 * `paas.core.webhooks.get` before it is cut; `iam.mfa.*` is written so there), with the route
 * scopes the docs' list does not show placed after their family (Contract 2). Clients may be
 * granted families with a trailing `*` (`paas.core.*`); token responses show them expanded
 * against this list.
 */
export const ALL_SCOPES = [
  'iam.accounts.get',
  'iam.users.get',
  'iam.users.list.get',
  'iam.login_profiles.patch',
  'iam.oauth.tokens.list.get',
  'iam.oauth.tokens.get',
  'iam.oauth.tokens.delete',
  'iam.logout.post',
  'iam.mfa.*',
  'iam.roles.get',
  'iam.roles.list.get',
  'iam.roles.users.list.get',
  'iam.users.roles.list.get',
  'paas.core.entity_customers.post',
  'paas.core.entity_customers.patch',
  'paas.core.entity_customers.get',
  'paas.core.entity_customers.list.get',
  'paas.core.accounts.post',
  'paas.core.accounts.get',
  'paas.core.accounts.list.get',
  'paas.core.account_keys.post',
  'paas.core.account_keys.get',
  'paas.core.account_keys.list.get',
  'paas.core.account_keys.patch',
  'paas.core.account_keys.delete',
  'paas.core.account_keys.resolve.post',
  'paas.core.breb_recipients.post',
  'paas.core.breb_recipients.get',
  'paas.core.breb_recipients.list.get',
  'paas.core.breb_recipients.delete',
  'paas.core.breb_payments.post',
  'paas.core.breb_payments.get',
  'paas.core.breb_payments.list.get',
  'paas.core.webhooks.post',
  'paas.core.webhooks.get',
  'paas.core.qrcodes.post',
  'paas.core.qrcodes.get',
  'paas.core.qrcodes.list.get',
  'paas.core.qrcodes.delete',
] as const

export type Scope = (typeof ALL_SCOPES)[number]
export type RouteScope = (typeof ROUTE_SCOPES)[number]

/** The read-only client's scopes: every route's `*.get` and `*.list.get` (CONTRACT §3). */
export const READ_SCOPES: readonly Scope[] = ROUTE_SCOPES.filter((s) => s.endsWith('.get'))

/** True when `granted` (which may hold `x.*` families) covers `required`. */
export function grants(granted: readonly string[], required: string): boolean {
  for (const scope of granted) {
    if (scope === required) return true
    if (scope.endsWith('*') && required.startsWith(scope.slice(0, -1))) return true
  }
  return false
}

/** The granted list with families expanded, in catalogue order, without duplicates. */
export function expandScopes(granted: readonly string[]): Scope[] {
  return ALL_SCOPES.filter((scope) => grants(granted, scope))
}

/**
 * CONTRACT §3: ENTITY_ADMIN for every route scope (a client made before the documented iam.*
 * scopes were listed keeps its role), ENTITY_READER for the read-only set.
 */
export function rolesFor(scopes: readonly Scope[]): string[] {
  if (ROUTE_SCOPES.every((s) => scopes.includes(s))) return ['ENTITY_ADMIN']
  if (scopes.every((s) => READ_SCOPES.includes(s))) return ['ENTITY_READER']
  return ['ENTITY_OPERATOR']
}
