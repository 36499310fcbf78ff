import t from 'tap'
import {
  adminHeaders,
  asksForAdminToken,
  canSettle,
  CLOCK_STEPS,
  clockSetValue,
  createdObjects,
  customersOf,
  customSeedDocument,
  decimalFromMinor,
  authorizationAnswer,
  authorizationDecision,
  deliveryOutcome,
  describeError,
  describeFaultEffect,
  describeFaultMatch,
  EDGE_CASES,
  edgeCaseDocument,
  faultRuleBody,
  formatDuration,
  formatMoney,
  inboundPaymentBody,
  journalQuery,
  listQuery,
  accountSearch,
  minorFromDecimal,
  parseAmount,
  pickDefaultEntity,
  receiverLabel,
  statusChanges,
  statusClass,
  type AccountView,
  type CustomSeedFields,
  type FaultFields,
  type FaultRule,
} from '../../src/ui/logic.js'
import { loadConfig } from '../../src/config.js'
import { canRevoke, curlCommand, decodedFields, emvTagName, headerLines, keyActions, pngDataUrl, shellQuote, tokenExpiry } from '../../src/ui/logic.js'

// The QA console's DOM-free logic (issue 6), run in Node.

const DOCS_CUSTOMER = 'db7e89e7-59d8-4ab1-b675-a2ae52c3339e'
const DEFAULT_ENTITY = '9f1c2b7e-4d3a-4e8b-a5c6-7d8e9f0a1b2c'
const OTHER_ENTITY = '2b8e4f1a-6c3d-4a9e-b7f5-1c2d3e4f5a6b'

function account(overrides: Partial<AccountView>): AccountView {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    entity_id: DEFAULT_ENTITY,
    customer_id: DOCS_CUSTOMER,
    account_number: '880310992',
    account_type: 'ORDINARY',
    status: 'ACTIVE',
    available_balance: { value: '0', currency: 'COP' },
    pending_balance: { value: '0', currency: 'COP' },
    created_at: '2025-10-09T00:00:00.000Z',
    updated_at: '2025-10-09T00:00:00.000Z',
    ...overrides,
  }
}

t.test('shows amounts exactly as the API gives them, even past 2^53', async (t) => {
  t.equal(formatMoney({ value: '500.25', currency: 'COP' }), '500.25 COP')
  t.equal(formatMoney({ value: '90000000000000000', currency: 'COP' }), '90000000000000000 COP')
  t.equal(formatMoney({ value: '9007199254740993.01', currency: 'COP' }), '9007199254740993.01 COP', 'a JavaScript number would print 9007199254740992')
  t.equal(formatMoney(undefined), '—')
})

t.test('converts minor units to the API’s decimal form and back with string and BigInt math', async (t) => {
  t.equal(decimalFromMinor('50025'), '500.25')
  t.equal(decimalFromMinor('100000'), '1000')
  t.equal(decimalFromMinor('5'), '0.05')
  t.equal(decimalFromMinor('0'), '0')
  t.equal(decimalFromMinor('25050'), '250.50')
  t.equal(decimalFromMinor('900719925474099301'), '9007199254740993.01')
  t.equal(decimalFromMinor('000120'), '1.20')
  t.throws(() => decimalFromMinor('-1'))
  t.throws(() => decimalFromMinor('1.5'))
  t.equal(minorFromDecimal('500.25'), '50025')
  t.equal(minorFromDecimal('500.5'), '50050')
  t.equal(minorFromDecimal('9007199254740993.01'), '900719925474099301')
  t.equal(minorFromDecimal('1e3'), undefined)
  t.equal(minorFromDecimal('-1'), undefined)
  t.equal(minorFromDecimal('1.234'), undefined)
})

t.test('reads a typed amount into the canonical wire form or names the field', async (t) => {
  t.same(parseAmount('500.25', 'Amount'), { value: '500.25' })
  t.same(parseAmount(' 0500.5 ', 'Amount'), { value: '500.50' })
  t.same(parseAmount('12.00', 'Amount'), { value: '12' })
  t.same(parseAmount('1 000', 'Amount'), { value: '1000' })
  t.same(parseAmount('0', 'Amount'), { value: '0' })
  for (const bad of ['', '1,5', '1.234', '-3', 'abc', '1e5', '.5']) t.match(parseAmount(bad, 'Amount'), { error: /^Amount must be an amount such as 500\.25/ }, JSON.stringify(bad))
  t.same(parseAmount('1'.repeat(31), 'Amount'), { error: 'Amount is too large' })
})

t.test('colours a status by its class', async (t) => {
  t.equal(statusClass(200), 's2xx')
  t.equal(statusClass(204), 's2xx')
  t.equal(statusClass(302), 's3xx')
  t.equal(statusClass(404), 's4xx')
  t.equal(statusClass(499), 's4xx')
  t.equal(statusClass(500), 's5xx')
  t.equal(statusClass(503), 's5xx')
  t.equal(statusClass(101), 'sother')
  t.equal(formatDuration(0.84), '0.8 ms')
  t.equal(formatDuration(5003.4), '5003 ms')
  t.equal(formatDuration(-1), '—')
})

t.test('sends the admin token only once the page has one, and asks for it on the two 401 codes', async (t) => {
  t.same(adminHeaders(null), {})
  t.same(adminHeaders(''), {})
  t.same(adminHeaders('s3cret'), { 'X-Mock-Admin-Token': 's3cret' })
  t.ok(asksForAdminToken(401, { code: 'admin_token_required' }))
  t.ok(asksForAdminToken(401, { code: 'invalid_admin_token' }))
  t.notOk(asksForAdminToken(401, { code: 'token_expired' }), 'a /v1 token problem is not the admin token')
  t.notOk(asksForAdminToken(403, { code: 'admin_token_required' }))
  t.notOk(asksForAdminToken(401, null))
  t.equal(describeError(409, { code: 'invalid_state', message: 'The account is BLOCKED' }), '409 invalid_state: The account is BLOCKED')
  t.equal(describeError(502, 'Bad gateway'), 'HTTP 502')
})

t.test('picks the default entity by name, then by client, then the first', async (t) => {
  const other = { id: OTHER_ENTITY, name: 'Other Entity', clients: [{ client_id: 'passport-mock-other' }] }
  const byName = { id: DEFAULT_ENTITY, name: 'Passport Mock Default Entity', clients: [] }
  const byClient = { id: DEFAULT_ENTITY, name: 'Renamed', clients: [{ client_id: 'passport-mock-client' }] }
  t.equal(pickDefaultEntity([other, byName])?.id, DEFAULT_ENTITY)
  t.equal(pickDefaultEntity([other, byClient])?.id, DEFAULT_ENTITY)
  t.equal(pickDefaultEntity([other])?.id, OTHER_ENTITY)
  t.equal(pickDefaultEntity([]), undefined)
})

t.test('lists an entity’s customers once each, in account order, and filters rows by words', async (t) => {
  const rows = [
    account({ customer_id: DOCS_CUSTOMER }),
    account({ id: '00000000-0000-4000-8000-000000000403', entity_id: OTHER_ENTITY, customer_id: '5e7a9c1b-3d5f-4b7a-9c1e-3f5a7b9d1c2e' }),
    account({ customer_id: 'a9326341-40e6-497e-b44a-72c49a2c3910' }),
    account({ customer_id: DOCS_CUSTOMER }),
  ]
  t.same(customersOf(rows, DEFAULT_ENTITY), [DOCS_CUSTOMER, 'a9326341-40e6-497e-b44a-72c49a2c3910'])
})

t.test('the Find box becomes the server search q: trimmed, at most 200 characters, empty for none', async (t) => {
  t.equal(accountSearch('  88827643001 '), '88827643001')
  t.equal(accountSearch('   '), '')
  t.equal(accountSearch('x'.repeat(250)).length, 200)
  t.match(listQuery({ q: accountSearch(' Ferretería Quindío ') }, 1, 50), /&q=Ferreter%C3%ADa%20Quind%C3%ADo$/)
  t.notMatch(listQuery({ q: accountSearch(' ') }, 1, 50), /q=/, 'no q when the box is blank')
})

t.test('asks the views for one page, newest first, with only the filters that are set', async (t) => {
  t.equal(listQuery({ status: 'BLOCKED', entity_id: '' }, 2, 50), 'page_size=50&page_number=2&order_key=created_at&order_direction=DESC&status=BLOCKED')
  t.equal(listQuery({}, 1, 100), 'page_size=100&page_number=1&order_key=created_at&order_direction=DESC')
})

t.test('builds one seed document per edge case of CONTRACT §6', async (t) => {
  t.same(
    EDGE_CASES.map((e) => e.kind),
    ['empty', 'inactive', 'blocked', 'closed', 'pending', 'balance'],
  )
  t.same(edgeCaseDocument('empty', undefined), { document: { accounts: [{ status: 'ACTIVE', available_balance: '0', pending_balance: '0' }] } })
  t.same(edgeCaseDocument('inactive', DOCS_CUSTOMER), { document: { accounts: [{ status: 'INACTIVE', customer_id: DOCS_CUSTOMER }] } })
  t.same(edgeCaseDocument('blocked', undefined), { document: { accounts: [{ status: 'BLOCKED', available_balance: '500.25' }] } })
  t.same(edgeCaseDocument('closed', undefined), { document: { accounts: [{ status: 'CLOSED' }] } })
  t.same(edgeCaseDocument('pending', undefined), { document: { accounts: [{ status: 'ACTIVE', available_balance: '1000', pending_balance: '250.50' }] } })
  t.same(edgeCaseDocument('balance', undefined, '1234567.8'), { document: { accounts: [{ status: 'ACTIVE', available_balance: '1234567.80' }] } })
  t.match(edgeCaseDocument('balance', undefined, '12,5'), { error: /^The custom balance must be an amount/ })
  t.match(edgeCaseDocument('nope' as never, undefined), { error: /unknown edge case/ })
  // The table is not shared with callers: a document is a copy.
  const doc = edgeCaseDocument('blocked', DOCS_CUSTOMER)
  t.equal(EDGE_CASES.find((e) => e.kind === 'blocked')?.account.customer_id, undefined, `${JSON.stringify(doc)} left the table alone`)
})

const emptyForm: CustomSeedFields = { status: '', accountType: '', available: '', pending: '', customerId: '', keyType: '', keyValue: '', entityName: '' }

t.test('turns the custom seed form into a document, leaving blank fields to the mock', async (t) => {
  t.same(customSeedDocument(emptyForm), { document: { accounts: [{}] } })
  t.same(customSeedDocument({ ...emptyForm, status: 'BLOCKED', accountType: 'LOW_VALUE', available: '10.5', pending: '2', customerId: ` ${DOCS_CUSTOMER} ` }), {
    document: { accounts: [{ status: 'BLOCKED', account_type: 'LOW_VALUE', available_balance: '10.50', pending_balance: '2', customer_id: DOCS_CUSTOMER }] },
  })
  t.same(customSeedDocument({ ...emptyForm, keyType: 'PHONE', keyValue: '3001234567' }), { document: { accounts: [{}], keys: [{ key: { key_type: 'PHONE', key_value: '3001234567' } }] } })
  t.same(customSeedDocument({ ...emptyForm, keyType: 'EMAIL' }), { document: { accounts: [{}], keys: [{ key: { key_type: 'EMAIL' } }] } })
  t.same(customSeedDocument({ ...emptyForm, entityName: 'ci-job-42', customerId: DOCS_CUSTOMER }), { document: { accounts: [{}], entity: { name: 'ci-job-42' } } }, 'a new entity gets a new customer')
  t.same(customSeedDocument({ ...emptyForm, status: 'OPEN' }), { error: 'Status must be one of ACTIVE, INACTIVE, BLOCKED, CLOSED' })
  t.same(customSeedDocument({ ...emptyForm, accountType: 'SAVINGS' }), { error: 'Account type must be one of ORDINARY, LOW_VALUE' })
  t.match(customSeedDocument({ ...emptyForm, pending: '1.001' }), { error: /^Pending balance must be an amount/ })
  t.same(customSeedDocument({ ...emptyForm, customerId: 'db7e89e7' }), { error: 'Customer must be a customer id (a UUID)' })
  t.same(customSeedDocument({ ...emptyForm, keyValue: '3001234567' }), { error: 'Choose a key type for the key value' })
  t.same(customSeedDocument({ ...emptyForm, entityName: 'x'.repeat(141) }), { error: 'Entity name is at most 140 characters' })
})

t.test('lists what a seed created, ids first', async (t) => {
  const objects = createdObjects({
    entity: { id: OTHER_ENTITY, name: 'ci-job-42' },
    client: { client_id: 'client-1', client_secret: 'secret-1' },
    customers: [{ id: DOCS_CUSTOMER, business_name: 'Tienda QA' }],
    accounts: [{ id: '00000000-0000-4000-8000-000000000002', status: 'BLOCKED', account_number: '123', available_balance: { value: '500.25', currency: 'COP' }, pending_balance: { value: '0', currency: 'COP' } }],
    keys: [{ id: '00000000-0000-4000-8000-00000000000a', key: { key_type: 'PHONE', key_value: '3001234567' } }],
  })
  t.same(objects, [
    { kind: 'entity', id: OTHER_ENTITY, detail: 'ci-job-42' },
    { kind: 'client', id: 'client-1', detail: 'client_secret secret-1' },
    { kind: 'customer', id: DOCS_CUSTOMER, detail: 'Tienda QA' },
    { kind: 'account', id: '00000000-0000-4000-8000-000000000002', detail: 'BLOCKED · 123 · available 500.25 COP · pending 0 COP' },
    { kind: 'key', id: '00000000-0000-4000-8000-00000000000a', detail: 'PHONE 3001234567' },
  ])
  t.same(createdObjects({}), [])
})

t.test('highlights payments whose status moved since the last poll, not new ones', async (t) => {
  const seen = new Map<string, string>()
  t.same(statusChanges(seen, [{ id: 'a', status: 'PROCESSING' }, { id: 'b', status: 'PROCESSING' }]), [], 'the first load highlights nothing')
  t.same(statusChanges(seen, [{ id: 'c', status: 'PROCESSING' }, { id: 'a', status: 'SETTLED' }, { id: 'b', status: 'PROCESSING' }]), ['a'])
  t.same(statusChanges(seen, [{ id: 'a', status: 'SETTLED' }, { id: 'b', status: 'REJECTED' }]), ['b'])
  t.equal(seen.get('b'), 'REJECTED')
})

t.test('offers Settle and Reject on PROCESSING (Bre-B) and PENDING (ACH) payments only', async (t) => {
  t.same(
    ['PROCESSING', 'PENDING', 'SETTLED', 'REJECTED'].map(canSettle),
    [true, true, false, false],
  )
})

t.test('names the receiver by its Bre-B key, or by bank and account number for ACH', async (t) => {
  t.equal(receiverLabel({ receiver: { key: { key_type: 'PHONE', key_value: '3001234567' } } }), 'PHONE 3001234567')
  t.equal(receiverLabel({ receiver: { account: { account_number: '1234567890', bank_name: 'BANCO DE BOGOTA' } } }), 'BANCO DE BOGOTA 1234567890')
  t.equal(receiverLabel({}), '')
})

t.test('builds the inbound simulation body with the amount as a string', async (t) => {
  t.same(inboundPaymentBody({ accountId: ' 6c23f053-0e1a-46b4-b902-97ba47e351bc ', amount: '1500.5', senderName: '' }), {
    body: { account_id: '6c23f053-0e1a-46b4-b902-97ba47e351bc', amount: { value: '1500.50', currency: 'COP' } },
  })
  t.same(inboundPaymentBody({ accountId: '6c23f053-0e1a-46b4-b902-97ba47e351bc', amount: '10', senderName: 'Camila Gómez' }), {
    body: { account_id: '6c23f053-0e1a-46b4-b902-97ba47e351bc', amount: { value: '10', currency: 'COP' }, sender: { owner: { name: 'Camila Gómez' } } },
  })
  t.same(inboundPaymentBody({ accountId: 'nope', amount: '10', senderName: '' }), { error: 'Account must be an account id (a UUID)' })
  t.match(inboundPaymentBody({ accountId: '6c23f053-0e1a-46b4-b902-97ba47e351bc', amount: '10.001', senderName: '' }), { error: /^Amount must be an amount/ })
})

t.test('turns the journal filters into the query of GET /_mock/requests', async (t) => {
  t.same(journalQuery({ path: '', status: '', method: '' }), { query: 'limit=100' })
  t.same(journalQuery({ path: '/v1/payments', status: '4XX', method: 'post' }, 20), { query: 'limit=20&path=%2Fv1%2Fpayments&status=4xx&method=POST' })
  t.same(journalQuery({ path: '', status: '503', method: '' }), { query: 'limit=100&status=503' })
  t.same(journalQuery({ path: 'v1', status: '', method: '' }), { error: 'Path must start with / (it is a prefix, e.g. /v1/payments)' })
  t.same(journalQuery({ path: '', status: '45', method: '' }), { error: 'Status must be a status such as 404 or a class such as 4xx' })
  t.same(journalQuery({ path: '', status: '', method: 'GE T' }), { error: 'Method must be a word such as GET' })
})

const noFault: FaultFields = { method: '', path: '', accountId: '', keyValue: '', status: '', code: '', message: '', delayMs: '', times: '' }

t.test('turns the fault form into a rule body with numbers where the API takes numbers', async (t) => {
  t.same(faultRuleBody({ ...noFault, method: 'get', path: '/v1/accounts/:account_id', status: '503', times: '1' }), {
    body: { method: 'GET', path: '/v1/accounts/:account_id', status: 503, times: 1 },
  })
  t.same(faultRuleBody({ ...noFault, accountId: '00000000-0000-4000-8000-000000000003', delayMs: '2000', code: 'rate_limited', status: '429', message: 'Slow down', keyValue: '3001234567' }), {
    body: { account_id: '00000000-0000-4000-8000-000000000003', key_value: '3001234567', status: 429, code: 'rate_limited', message: 'Slow down', delay_ms: 2000 },
  })
  t.same(faultRuleBody(noFault), { error: 'A rule needs a status or a delay' })
  t.same(faultRuleBody({ ...noFault, status: '200' }), { error: 'Status must be between 400 and 599' })
  t.same(faultRuleBody({ ...noFault, status: '5o3' }), { error: 'Status must be a whole number' })
  t.same(faultRuleBody({ ...noFault, delayMs: '60001' }), { error: 'Delay must be between 0 and 60000' })
  t.same(faultRuleBody({ ...noFault, status: '500', times: '0' }), { error: 'Times must be between 1 and 1000000000' })
  t.same(faultRuleBody({ ...noFault, status: '500', path: 'v1' }), { error: 'Path must start with / (e.g. /v1/accounts/:account_id)' })
  t.same(faultRuleBody({ ...noFault, status: '500', code: 'Bad-Code' }), { error: 'Code must be lower_snake_case, e.g. service_unavailable' })
})

t.test('describes a rule’s match and effect in words', async (t) => {
  const rule: FaultRule = { id: 'x', builtin: false, method: 'GET', path: '/v1/accounts/:account_id', account_id: null, key_value: null, status: 503, code: 'service_unavailable', delay_ms: null, times_left: 1 }
  t.equal(describeFaultMatch(rule), 'GET · /v1/accounts/:account_id')
  t.equal(describeFaultEffect(rule), '503 service_unavailable · once more')
  const slow: FaultRule = { ...rule, method: null, path: null, account_id: '…0504', key_value: '300', status: null, code: null, delay_ms: 5000, times_left: null }
  t.equal(describeFaultMatch(slow), 'any method · any path · account …0504 · key 300')
  t.equal(describeFaultEffect(slow), '+5000 ms · always')
  t.equal(describeFaultEffect({ ...rule, times_left: 3 }), '503 service_unavailable · 3 more times')
  t.equal(describeFaultEffect({ ...rule, message: 'Banco caído' }), '503 service_unavailable “Banco caído” · once more', 'the custom message is shown')
})

t.test('the clock’s Set to takes a timestamp, or what a date picker gives, read as local time', async (t) => {
  t.same(clockSetValue(' 2026-03-01T09:30:00.000Z '), { value: '2026-03-01T09:30:00.000Z' }, 'a timestamp with its zone passes as it is')
  t.same(clockSetValue('2026-03-01T09:30:00-05:00'), { value: '2026-03-01T09:30:00-05:00' })
  t.same(clockSetValue('2026-03-01T09:30'), { value: new Date(2026, 2, 1, 9, 30).toISOString() }, 'a datetime-local value is local time')
  t.same(clockSetValue('2026-03-01T09:30:15'), { value: new Date(2026, 2, 1, 9, 30, 15).toISOString() })
  t.same(clockSetValue('2026-03-01'), { value: new Date(2026, 2, 1).toISOString() }, 'a date is its local midnight')
  t.match(clockSetValue(''), { error: /enter a date/ })
  t.match(clockSetValue('tomorrow'), { error: /"tomorrow" is not a date/ })
  t.match(clockSetValue('2026-02-31T25:00'), { error: /not a real date/ })
})

t.test('advances the clock by an hour, a day, and one second past the default token lifetime', async (t) => {
  t.same(
    CLOCK_STEPS.map((s) => s.seconds),
    [3600, 86400, loadConfig({}).tokenTtlSeconds + 1],
  )
  t.match(CLOCK_STEPS[2]?.label, /token lifetime/)
})

t.test('shows a delivery attempt’s status, or why none came', async (t) => {
  const base = { event_id: 'e', type: 'payment.outbound.settled', url: 'http://127.0.0.1:9/hook', attempt: 1, at: '2026-01-15T12:00:00.000Z' }
  t.same(deliveryOutcome({ ...base, status: 200 }), { text: '200', cls: 's2xx' })
  t.same(deliveryOutcome({ ...base, status: 500 }), { text: '500', cls: 's5xx' })
  t.same(deliveryOutcome({ ...base, status: null, error: 'ECONNREFUSED' }), { text: 'no answer: ECONNREFUSED', cls: 's5xx' })
  t.same(deliveryOutcome({ ...base, status: null }), { text: 'no answer', cls: 's5xx' })
})

t.test('shows a callback attempt’s answer, why it did not count, or why none came, and its decision', async (t) => {
  const base = { payment_id: 'p', entity_id: 'e', url: 'http://127.0.0.1:9/authorize', attempt: 1, response: null, duration_ms: 12, at: '2026-01-15T12:00:00.000Z' }
  t.same(authorizationAnswer({ ...base, status: 200, accept: true, decision: 'approved' }), { text: '200 accept: true', cls: 's2xx' })
  t.same(authorizationAnswer({ ...base, status: 200, accept: false, decision: 'rejected' }), { text: '200 accept: false', cls: 's2xx' })
  t.same(authorizationAnswer({ ...base, status: 200, accept: null, error: 'Malformed answer', decision: 'rejected' }), { text: '200: Malformed answer', cls: 's4xx' }, 'a 200 that did not count is not green')
  t.same(authorizationAnswer({ ...base, status: 500, accept: null, error: 'HTTP 500', decision: 'approved' }), { text: '500: HTTP 500', cls: 's5xx' })
  t.same(authorizationAnswer({ ...base, status: null, accept: null, error: 'No answer in 3000 ms', decision: 'rejected' }), { text: 'no answer: No answer in 3000 ms', cls: 's5xx' })
  t.equal(authorizationDecision({ ...base, status: 200, accept: true, decision: null }), 'already decided')
  t.equal(authorizationDecision({ ...base, status: 200, accept: true, decision: 'approved' }), 'approved')
})

// Issue 14: keys, tokens, QR codes and the journal's curl.

t.test('keyActions offers what the API allows from a key’s status; canRevoke what the revoke route takes', async (t) => {
  t.same(keyActions('ACTIVE'), ['suspend', 'delete'])
  t.same(keyActions('SUSPENDED'), ['activate', 'delete'])
  t.ok(canRevoke('ACTIVE'))
  t.ok(canRevoke('EXPIRED'), 'an expired token can still be revoked')
  t.notOk(canRevoke('REVOKED'), 'a revoked one is 404 (Contract 2): no button')
})

t.test('tokenExpiry says how long a token has, or when it ended', async (t) => {
  t.equal(tokenExpiry({ status: 'ACTIVE', expires_in: 86400, expires_at: 'x' }), 'in 24 h 0 min')
  t.equal(tokenExpiry({ status: 'ACTIVE', expires_in: 3599, expires_at: 'x' }), 'in 59 min')
  t.equal(tokenExpiry({ status: 'ACTIVE', expires_in: 45, expires_at: 'x' }), 'in 45 s')
  t.equal(tokenExpiry({ status: 'EXPIRED', expires_in: 0, expires_at: '2026-01-16T12:00:00.000Z' }), 'expired 2026-01-16T12:00:00.000Z')
  t.equal(tokenExpiry({ status: 'REVOKED', expires_in: 0, expires_at: 'x', revoked_at: '2026-01-15T13:00:00.000Z' }), 'revoked 2026-01-15T13:00:00.000Z')
})

t.test('decodedFields lays a decoded payload out as rows; emvTagName names the data objects', async (t) => {
  t.same(
    decodedFields({ type: 'STATIC', key: { key_type: 'PHONE', key_value: '3001234567' }, amount: { value: '14907', currency: 'COP' }, merchant: { merchant_name: 'changing' }, qr_code_data: '0002…' }),
    [
      ['type', 'STATIC'],
      ['key.key_type', 'PHONE'],
      ['key.key_value', '3001234567'],
      ['amount', '14907 COP'],
      ['merchant.merchant_name', 'changing'],
    ],
  )
  t.same(decodedFields(null), [])
  t.equal(emvTagName('00'), 'Payload format indicator')
  t.equal(emvTagName('26'), 'Merchant account information')
  t.equal(emvTagName('63'), 'CRC')
  t.equal(emvTagName('90'), 'Unreserved template')
  t.equal(emvTagName('70'), 'Reserved for future use')
})

t.test('pngDataUrl makes an <img> source of plain base64 only', async (t) => {
  t.equal(pngDataUrl('iVBORw0KGgo='), 'data:image/png;base64,iVBORw0KGgo=')
  t.equal(pngDataUrl('"><script>'), undefined, 'anything else draws nothing')
  t.equal(pngDataUrl(null), undefined)
})

t.test('curlCommand rebuilds a journal entry’s request, secrets as the journal stored them, quoted for a shell', async (t) => {
  t.equal(shellQuote("it's"), `'it'\\''s'`)
  const curl = curlCommand(
    {
      method: 'POST',
      url: '/v1/payments/breb?x=1',
      request_headers: { host: '127.0.0.1:8080', 'content-length': '42', authorization: '[REDACTED]', 'content-type': 'application/json', 'sec-fetch-mode': 'cors' },
      request_body: { account_id: 'a', note: "O'Brien" },
    },
    'http://127.0.0.1:8080',
  )
  t.equal(
    curl,
    `curl -X POST 'http://127.0.0.1:8080/v1/payments/breb?x=1' -H 'authorization: [REDACTED]' -H 'content-type: application/json' --data-raw '{"account_id":"a","note":"O'\\''Brien"}'`,
  )
  const form = curlCommand(
    { method: 'POST', url: '/v1/iam/oauth/tokens', request_headers: { 'content-type': 'application/x-www-form-urlencoded' }, request_body: { client_id: 'c', client_secret: '[REDACTED]' } },
    'http://h',
  )
  t.match(form, /--data-raw 'client_id=c&client_secret=%5BREDACTED%5D'$/, 'a form body goes out as a form')
  t.notMatch(curlCommand({ method: 'GET', url: '/v1/accounts', request_body: null }, 'http://h'), /--data/, 'no body, no --data')
  t.match(curlCommand({ method: 'POST', url: '/v1/x', request_body: null, request_body_omitted: true }, 'http://h'), /not kept/)
  t.equal(headerLines({ a: '1', 'set-cookie': ['x', 'y'] }), 'a: 1\nset-cookie: x\nset-cookie: y')
})
