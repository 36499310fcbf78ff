/**
 * The `operationId` of every documented operation (issue 13 §3): what generated clients call
 * their methods. `/v1` ids are the titles of the docs' pages in camelCase
 * (https://docs.passportfintech.com/EN/retrieve-account-id "Retrieve Account" → `retrieveAccount`),
 * with the rail named where the docs have one page per rail (`initiateBrebPayment`,
 * `initiateAchPayment`); ids of operations no page documents follow the same pattern. `/_mock`
 * ids start with `mock`. A route missing here fails the document (and its test), so a new route
 * cannot go out without one.
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  // https://docs.passportfintech.com/EN/access-tokens and the token pages
  'POST /v1/iam/oauth/tokens': 'createToken',
  'GET /v1/iam/oauth/tokens': 'listTokenInformation',
  'GET /v1/iam/oauth/tokens/{token_id}': 'retrieveTokenInformation',
  'DELETE /v1/iam/oauth/tokens/{token_id}': 'revokeAccessToken',
  // Customers: Link a Merchant, List / Retrieve / Update Customer
  'POST /v1/customers/business/link': 'linkMerchant',
  'GET /v1/customers': 'listCustomers',
  'GET /v1/customers/{customer_id}': 'retrieveCustomer',
  'PATCH /v1/customers/{customer_id}': 'updateCustomer',
  // Accounts: Link Account, List Accounts, Retrieve Account
  'POST /v1/accounts/link': 'linkAccount',
  'GET /v1/accounts': 'listAccounts',
  'GET /v1/accounts/{account_id}': 'retrieveAccount',
  // Keys: Create Key, List Keys, Retrieve Key, Delete Key, Suspend Key, Activate Key
  'POST /v1/keys': 'createKey',
  'GET /v1/keys': 'listKeys',
  'GET /v1/keys/{key_id}': 'retrieveKey',
  'DELETE /v1/keys/{key_id}': 'deleteKey',
  'PATCH /v1/keys/{key_id}/suspend': 'suspendKey',
  'PATCH /v1/keys/{key_id}/activate': 'activateKey',
  // Resolve Bre-B Key, Validate Key
  'POST /v1/resolve-key': 'resolveKey',
  'POST /v1/validate-key': 'validateKey',
  // Recipients: Create Recipient, Create Recipient (ACH), List Recipients, Retrieve Recipient, Delete Recipient, Resolve a Recipient
  'POST /v1/recipients/breb': 'createBrebRecipient',
  'POST /v1/recipients/ach': 'createAchRecipient',
  'GET /v1/recipients': 'listRecipients',
  'GET /v1/recipients/breb/{recipient_id}': 'retrieveRecipient',
  'GET /v1/recipients/ach/{recipient_id}': 'retrieveAchRecipient',
  'DELETE /v1/recipients/{recipient_id}': 'deleteRecipient',
  'POST /v1/recipients/{recipient_id}/resolve': 'resolveRecipient',
  // Payments: Initiate a Payment, Confirm Payment, List Payments, Retrieve Payment, Initiate ACH Payment
  'POST /v1/payments/breb': 'initiateBrebPayment',
  'POST /v1/payments/breb/confirm': 'confirmPayment',
  'GET /v1/payments': 'listPayments',
  'GET /v1/payments/{payment_id}': 'retrievePayment',
  'POST /v1/payments/ach': 'initiateAchPayment',
  // QR codes: Create QR Codes, List QR Codes, Decode QR code, Retrieve QR Code, Delete QR Code
  'POST /v1/qrcodes': 'createQrCode',
  'GET /v1/qrcodes': 'listQrCodes',
  'POST /v1/qrcodes/decode': 'decodeQrCode',
  'GET /v1/qrcodes/{qr_code_id}': 'retrieveQrCode',
  'DELETE /v1/qrcodes/{qr_code_id}': 'deleteQrCode',
  // The control plane (CONTRACT §5)
  'GET /_mock/health': 'mockHealth',
  'POST /_mock/reset': 'mockReset',
  'GET /_mock/state': 'mockExportState',
  'PUT /_mock/state': 'mockImportState',
  'PUT /_mock/scenario': 'mockApplyScenario',
  'GET /_mock/scenario': 'mockExportScenario',
  'POST /_mock/seed': 'mockSeed',
  'GET /_mock/webhooks': 'mockListWebhooks',
  'POST /_mock/webhooks': 'mockAddWebhook',
  'DELETE /_mock/webhooks/{id}': 'mockRemoveWebhook',
  'GET /_mock/webhooks/deliveries': 'mockListWebhookDeliveries',
  'POST /_mock/payments/{payment_id}/settle': 'mockSettlePayment',
  'POST /_mock/payments/{payment_id}/reject': 'mockRejectPayment',
  'PUT /_mock/entities/{entity_id}/payment-authorization': 'mockSetPaymentAuthorization',
  'GET /_mock/entities/{entity_id}/payment-authorization': 'mockGetPaymentAuthorization',
  'DELETE /_mock/entities/{entity_id}/payment-authorization': 'mockRemovePaymentAuthorization',
  'GET /_mock/payment-authorizations': 'mockListPaymentAuthorizations',
  'GET /_mock/webhooks/authorizations': 'mockListAuthorizationAttempts',
  'POST /_mock/faults': 'mockAddFault',
  'GET /_mock/faults': 'mockListFaults',
  'DELETE /_mock/faults': 'mockClearFaults',
  'DELETE /_mock/faults/{id}': 'mockRemoveFault',
  'GET /_mock/clock': 'mockGetClock',
  'POST /_mock/clock': 'mockMoveClock',
  'GET /_mock/requests': 'mockListRequests',
  'DELETE /_mock/requests': 'mockClearRequests',
  'GET /_mock/entities': 'mockListEntities',
  'GET /_mock/accounts': 'mockListAccounts',
  'GET /_mock/customers': 'mockListCustomers',
  'GET /_mock/payments': 'mockListPayments',
  'POST /_mock/simulations/inbound-payment': 'mockSimulateInboundPayment',
}
