/**
 * CONTRACT §3 "Scopes by route", written out from the table itself rather than imported from
 * src, so that a change to src/core/scopes.ts cannot quietly change what the tests expect.
 */
export const CONTRACT_SCOPES = [
  'iam.oauth.tokens.list.get',
  'iam.oauth.tokens.get',
  'iam.oauth.tokens.delete',
  'paas.core.entity_customers.post',
  'paas.core.entity_customers.get',
  'paas.core.entity_customers.list.get',
  'paas.core.entity_customers.patch',
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
]

/**
 * The docs' Retrieve Token example scopes, copied from the page itself (Contract 2:
 * https://docs.passportfintech.com/EN/retrieve-token-information; the ES copy reaches
 * paas.core.webhooks.get before the stored page is cut). The full-access client shows all of
 * these and all of CONTRACT_SCOPES.
 */
export const DOCUMENTED_SCOPES = [
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
  'paas.core.breb_recipients.post',
  'paas.core.breb_recipients.get',
  'paas.core.breb_recipients.list.get',
  'paas.core.breb_payments.post',
  'paas.core.breb_payments.get',
  'paas.core.breb_payments.list.get',
  'paas.core.webhooks.post',
  'paas.core.webhooks.get',
]
