/**
 * The QA console's page glue (issue 6): tabs, polling, forms and tables over the `/_mock` routes
 * of CONTRACT §5. Every decision that can be made without the DOM lives in ./logic.ts.
 * Text from the API is only ever written with textContent, never as HTML.
 */
import * as L from './logic.js'

/** How often the visible panel refreshes itself. */
const POLL_MS = 1000
/** Rows per page of the accounts and payments tables (the views' maximum is 100). */
const PAGE_SIZE = 50

type Panel = 'accounts' | 'customers' | 'keys' | 'payments' | 'recipients' | 'qrcodes' | 'tokens' | 'requests' | 'faults' | 'webhooks'

// ---------------------------------------------------------------------------------------------
// DOM helpers

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`#${id} is missing from index.html`)
  return el as T
}

type Child = Node | string | null | undefined | false

/** An element with attributes and children; strings become text nodes (never HTML). */
function h(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(name, value)
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child)
  return el
}

function button(label: string, testid: string, onClick: () => void | Promise<void>, attrs: Record<string, string> = {}): HTMLElement {
  const b = h('button', { type: 'button', 'data-testid': testid, ...attrs }, label)
  b.addEventListener('click', () => void run(onClick, b))
  return b
}

/**
 * Where an action's feedback goes besides the status line (issue 14): just after the form or
 * group of buttons that caused it, or just above the table whose row did (rows are redrawn).
 */
function feedbackBeside(source: HTMLElement): HTMLElement | null {
  const box = source.closest('.table-box')
  const group = box ?? source.closest('form, fieldset, .buttons')
  if (!group) return null
  const existing = box ? group.previousElementSibling : group.nextElementSibling
  if (existing?.classList.contains('feedback')) return existing as HTMLElement
  const out = h('p', { class: 'feedback', role: 'status', 'data-testid': 'feedback' })
  if (box) group.before(out)
  else group.after(out)
  return out
}

/** The element whose action runs now: `say` also writes beside it. */
let actionSource: HTMLElement | null = null

/** Copies text to the clipboard, or selects it where the page may not write the clipboard (plain http). */
async function copyText(text: string, el: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    say(`Copied ${text}`)
    return
  } catch {
    const range = document.createRange()
    range.selectNodeContents(el)
    const selection = window.getSelection()
    selection?.removeAllRanges()
    selection?.addRange(range)
    say('Selected: press Ctrl+C (or ⌘C) to copy')
  }
}

/** An id in monospace with a copy button; a click on the id selects it. */
function idCell(id: string): HTMLElement {
  const span = h('span', { class: 'id', 'data-testid': 'id' }, id)
  span.addEventListener('click', () => {
    const range = document.createRange()
    range.selectNodeContents(span)
    window.getSelection()?.removeAllRanges()
    window.getSelection()?.addRange(range)
  })
  const copy = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${id}`, title: 'Copy' }, 'copy')
  copy.addEventListener('click', () => void copyText(id, span))
  return h('span', {}, span, copy)
}

function badge(status: string, testid: string): HTMLElement {
  return h('span', { class: `badge ${status}`, 'data-testid': testid }, status)
}

function emptyRow(columns: number, text: string): HTMLElement {
  return h('tr', {}, h('td', { colspan: String(columns), class: 'empty' }, text))
}

function formFields(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of new FormData(form)) out[name] = typeof value === 'string' ? value : ''
  return out
}

/** A form whose submit runs `action` with its fields (through `run`: errors go to the status line). */
function onSubmit(form: HTMLFormElement, action: (fields: Record<string, string>) => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void run(() => action(formFields(form)), form)
  })
}

/** The status line under the title: what an action did, or why it failed. */
function say(text: string, isError = false): void {
  const line = byId('status-line')
  line.textContent = text
  line.classList.toggle('error', isError)
  const beside = actionSource && feedbackBeside(actionSource)
  if (beside) {
    beside.textContent = text
    beside.classList.toggle('error', isError)
  }
}

// ---------------------------------------------------------------------------------------------
// Calls, with the admin token (CONTRACT §5)

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(L.describeError(status, body))
  }
}

/** Thrown while the page waits for the admin token: nothing to report. */
class TokenPending extends Error {}

let adminToken: string | null = sessionStorage.getItem(L.ADMIN_TOKEN_STORAGE_KEY)

/** A call to the mock; `body` goes as JSON, or as it stands with `contentType` (a scenario file's text). */
async function api<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { ...L.adminHeaders(adminToken), accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = contentType ?? 'application/json'
  const sent = body === undefined ? null : contentType === undefined ? JSON.stringify(body) : String(body)
  const res = await fetch(path, { method, headers, body: sent, cache: 'no-store' })
  const text = await res.text()
  let parsed: unknown = null
  if (text !== '') {
    try {
      parsed = JSON.parse(text) as unknown
    } catch {
      parsed = text
    }
  }
  if (L.asksForAdminToken(res.status, parsed)) {
    askForToken((parsed as { code: string }).code === 'invalid_admin_token' && adminToken !== null)
    throw new TokenPending()
  }
  if (!res.ok) throw new ApiError(res.status, parsed)
  return parsed as T
}

function askForToken(wrong: boolean): void {
  const form = byId<HTMLFormElement>('token-form')
  if (!form.hidden) return
  byId('token-error').textContent = wrong ? 'That token was refused: check MOCK_ADMIN_TOKEN.' : ''
  form.hidden = false
  byId<HTMLInputElement>('token-input').focus()
}

function setUpTokenForm(): void {
  const form = byId<HTMLFormElement>('token-form')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const value = byId<HTMLInputElement>('token-input').value.trim()
    if (value === '') return
    adminToken = value
    sessionStorage.setItem(L.ADMIN_TOKEN_STORAGE_KEY, value)
    byId<HTMLInputElement>('token-input').value = ''
    form.hidden = true
    say('Admin token kept for this tab.')
    void refreshNow()
  })
}

/** Runs a user action: its failure goes to the status line, and the visible panel refreshes after. */
async function run(action: () => void | Promise<void>, source: HTMLElement | null = null): Promise<void> {
  actionSource = source
  try {
    await action()
  } catch (error) {
    if (error instanceof TokenPending) return
    say(error instanceof Error ? error.message : String(error), true)
  } finally {
    actionSource = null
  }
  await refreshNow()
}

// ---------------------------------------------------------------------------------------------
// Accounts

let entities: L.EntityView[] = []
/** Accounts refreshes since the entities were read: they are read again every ten. */
let refreshesSinceEntities = 0
let accountsPage = 1
let lastAccountsSignature = ''

async function loadEntities(): Promise<void> {
  const res = await api<{ entities: L.EntityView[] }>('GET', '/_mock/entities?page_size=100')
  entities = res.entities
  refreshesSinceEntities = 0
  replaceOptions(byId<HTMLSelectElement>('accounts-entity'), [['', 'every entity'], ...entities.map((e): [string, string] => [e.id, e.name])])
  for (const id of ['customers-entity', 'keys-entity', 'recipients-entity', 'qrcodes-entity', 'tokens-entity']) {
    replaceOptions(byId<HTMLSelectElement>(id), [['', 'every entity'], ...entities.map((e): [string, string] => [e.id, e.name])])
  }
  replaceOptions(byId<HTMLSelectElement>('authorization-entity'), entities.map((e): [string, string] => [e.id, e.name]))
  await loadCustomers()
}

/** The seed customer choices: the default entity's customers, oldest account first. */
async function loadCustomers(): Promise<void> {
  const entity = L.pickDefaultEntity(entities)
  const select = byId<HTMLSelectElement>('seed-customer')
  if (!entity) return
  const res = await api<{ accounts: L.AccountView[] }>('GET', `/_mock/accounts?entity_id=${entity.id}&page_size=100&order_key=created_at&order_direction=ASC`)
  const customers = L.customersOf(res.accounts, entity.id)
  replaceOptions(select, [['', `a new customer of ${entity.name} (generated)`], ...customers.map((c): [string, string] => [c, `customer ${c}`])])
}

/** Rebuilds a select's options only when they changed (an open list stays open), keeping the choice. */
function replaceOptions(select: HTMLSelectElement, options: [value: string, label: string][]): void {
  const signature = JSON.stringify(options)
  if (select.dataset.options === signature) return
  select.dataset.options = signature
  const chosen = select.value
  select.replaceChildren(...options.map(([value, label]) => h('option', { value }, label)))
  select.value = options.some(([value]) => value === chosen) ? chosen : ''
}

function entityName(id: string): string {
  return entities.find((e) => e.id === id)?.name ?? id
}

async function refreshAccounts(): Promise<void> {
  if (entities.length === 0 || ++refreshesSinceEntities >= 10) await loadEntities()
  const query = L.listQuery(
    { entity_id: byId<HTMLSelectElement>('accounts-entity').value, status: byId<HTMLSelectElement>('accounts-status').value, q: L.accountSearch(byId<HTMLInputElement>('accounts-text').value) },
    accountsPage,
    PAGE_SIZE,
  )
  const res = await api<{ accounts: L.AccountView[]; pagination_info: { total_elements: number; total_pages: number } }>('GET', `/_mock/accounts?${query}`)
  const rows = res.accounts
  const signature = JSON.stringify([rows, res.pagination_info.total_elements, accountsPage, entities.length])
  if (signature === lastAccountsSignature) return
  lastAccountsSignature = signature
  renderPager('accounts-pager', accountsPage, res.pagination_info, (page) => {
    accountsPage = page
  })
  const body = byId('accounts-body')
  if (rows.length === 0) {
    body.replaceChildren(emptyRow(9, 'No accounts match.'))
    return
  }
  body.replaceChildren(
    ...rows.map((a) =>
      h(
        'tr',
        { 'data-testid': 'account-row', 'data-id': a.id },
        h('td', {}, idCell(a.id)),
        h('td', {}, entityName(a.entity_id)),
        h('td', { 'data-testid': 'account-customer' }, a.customer_name ?? '', a.customer_name ? h('br') : null, h('span', { class: 'id muted' }, a.customer_id)),
        h('td', {}, a.account_number),
        h('td', {}, a.account_type),
        h('td', {}, badge(a.status, 'account-status')),
        h('td', { class: 'num', 'data-testid': 'account-available' }, L.formatMoney(a.available_balance)),
        h('td', { class: 'num', 'data-testid': 'account-pending' }, L.formatMoney(a.pending_balance)),
        h('td', {}, a.updated_at),
      ),
    ),
  )
}

function renderPager(id: string, page: number, info: { total_elements: number; total_pages: number }, go: (page: number) => void): void {
  const pages = Math.max(1, info.total_pages)
  const prev = button('‹ Newer', `${id}-prev`, () => go(Math.max(1, page - 1)))
  const next = button('Older ›', `${id}-next`, () => go(Math.min(pages, page + 1)))
  if (page <= 1) prev.setAttribute('disabled', '')
  if (page >= pages) next.setAttribute('disabled', '')
  byId(id).replaceChildren(prev, `page ${page} of ${pages} · ${info.total_elements} in all, newest first`, next)
}

async function seed(document: L.SeedDocument): Promise<void> {
  const result = await api<Parameters<typeof L.createdObjects>[0]>('POST', '/_mock/seed', document)
  const created = L.createdObjects(result)
  byId('seed-result').replaceChildren(
    h('strong', {}, 'Created:'),
    h(
      'ul',
      {},
      ...created.map((o) => h('li', { 'data-testid': 'created', 'data-kind': o.kind }, h('span', { class: 'kind' }, o.kind), idCell(o.id), ' ', o.detail)),
    ),
  )
  say(`Seeded ${created.filter((o) => o.kind === 'account').length} account(s).`)
  accountsPage = 1
  await loadCustomers()
}

function setUpAccounts(): void {
  const buttons = byId('seed-buttons')
  for (const edge of L.EDGE_CASES) {
    buttons.append(
      button(edge.label, `seed-${edge.kind}`, async () => {
        const built = L.edgeCaseDocument(edge.kind, byId<HTMLSelectElement>('seed-customer').value || undefined, byId<HTMLInputElement>('seed-balance').value)
        if ('error' in built) throw new Error(built.error)
        await seed(built.document)
      }),
    )
  }
  const form = byId<HTMLFormElement>('seed-form')
  onSubmit(form, async (f) => {
    const built = L.customSeedDocument({
      status: f.status ?? '',
      accountType: f.accountType ?? '',
      available: f.available ?? '',
      pending: f.pending ?? '',
      customerId: f.customerId ?? '',
      keyType: f.keyType ?? '',
      keyValue: f.keyValue ?? '',
      entityName: f.entityName ?? '',
    })
    if ('error' in built) throw new Error(built.error)
    await seed(built.document)
    refreshesSinceEntities = 10
  })
  for (const id of ['accounts-entity', 'accounts-status']) {
    byId(id).addEventListener('change', () => {
      accountsPage = 1
      void refreshNow()
    })
  }
  byId('accounts-text').addEventListener('input', () => {
    accountsPage = 1
    void refreshNow()
  })
}

// ---------------------------------------------------------------------------------------------
// Customers (issue 14): GET /_mock/customers, searched on the server

interface CustomerView {
  id: string
  entity_id: string
  status: string
  business_name: string
  email: string
  mobile_phone_number: string
  identification_type: string
  identification_number: string
  created_at: string
}

let customersPage = 1
let lastCustomersSignature = ''

async function refreshCustomers(): Promise<void> {
  if (entities.length === 0) await loadEntities()
  const query = L.listQuery(
    { entity_id: byId<HTMLSelectElement>('customers-entity').value, q: L.accountSearch(byId<HTMLInputElement>('customers-text').value) },
    customersPage,
    PAGE_SIZE,
  )
  const res = await api<{ customers: CustomerView[]; pagination_info: { total_elements: number; total_pages: number } }>('GET', `/_mock/customers?${query}`)
  const signature = JSON.stringify([res.customers, res.pagination_info.total_elements, customersPage, entities.length])
  if (signature === lastCustomersSignature) return
  lastCustomersSignature = signature
  renderPager('customers-pager', customersPage, res.pagination_info, (page) => {
    customersPage = page
  })
  const body = byId('customers-body')
  if (res.customers.length === 0) {
    body.replaceChildren(emptyRow(8, 'No customers match.'))
    return
  }
  body.replaceChildren(
    ...res.customers.map((c) =>
      h(
        'tr',
        { 'data-testid': 'customer-row', 'data-id': c.id },
        h('td', { 'data-testid': 'customer-name' }, c.business_name),
        h('td', {}, idCell(c.id)),
        h('td', {}, entityName(c.entity_id)),
        h('td', {}, badge(c.status, 'customer-status')),
        h('td', {}, `${c.identification_type} ${c.identification_number}`),
        h('td', {}, c.email),
        h('td', {}, c.mobile_phone_number),
        h('td', {}, c.created_at),
      ),
    ),
  )
}

function setUpCustomers(): void {
  byId('customers-entity').addEventListener('change', () => {
    customersPage = 1
    void refreshNow()
  })
  byId('customers-text').addEventListener('input', () => {
    customersPage = 1
    void refreshNow()
  })
}

// ---------------------------------------------------------------------------------------------
// Payments

let paymentsPage = 1
let lastPaymentsSignature = ''
const paymentStatuses = new Map<string, string>()

async function refreshPayments(): Promise<void> {
  if (entities.length === 0) await loadEntities()
  const query = L.listQuery(
    {
      status: byId<HTMLSelectElement>('payments-status').value,
      direction: byId<HTMLSelectElement>('payments-direction').value,
      type: byId<HTMLSelectElement>('payments-type').value,
      q: L.accountSearch(byId<HTMLInputElement>('payments-text').value),
    },
    paymentsPage,
    PAGE_SIZE,
  )
  const res = await api<{ payments: L.PaymentView[]; pagination_info: { total_elements: number; total_pages: number } }>('GET', `/_mock/payments?${query}`)
  const changed = new Set(L.statusChanges(paymentStatuses, res.payments))
  const signature = JSON.stringify([res.payments, res.pagination_info.total_elements, paymentsPage])
  if (signature === lastPaymentsSignature) return
  lastPaymentsSignature = signature
  renderPager('payments-pager', paymentsPage, res.pagination_info, (page) => {
    paymentsPage = page
  })
  const body = byId('payments-body')
  if (res.payments.length === 0) {
    body.replaceChildren(emptyRow(9, byId<HTMLInputElement>('payments-text').value.trim() ? 'No payments match.' : 'No payments yet: make one through /v1, or simulate an inbound one above.'))
    return
  }
  body.replaceChildren(
    ...res.payments.map((p) => {
      const actions = L.canSettle(p.status)
        ? h(
            'td',
            {},
            button('Settle', 'payment-settle', () => api('POST', `/_mock/payments/${p.id}/settle`).then(() => say(`Settled ${p.id}.`))),
            ' ',
            button('Reject', 'payment-reject', () => {
              // Empty: the rail's default code (B002 Bre-B, R03 ACH).
              const code = byId<HTMLInputElement>('reject-code').value.trim()
              return api('POST', `/_mock/payments/${p.id}/reject`, code ? { error_code: code } : {}).then(() => say(`Rejected ${p.id}.`))
            }),
          )
        : h('td', {}, p.error ? `${p.error.error_code}: ${p.error.error_description}` : '')
      return h(
        'tr',
        { 'data-testid': 'payment-row', 'data-id': p.id, class: changed.has(p.id) ? 'changed' : undefined },
        h('td', {}, p.created_at),
        h('td', {}, idCell(p.id)),
        h('td', { 'data-testid': 'payment-type' }, p.type ?? ''),
        h('td', {}, p.direction),
        h(
          'td',
          { 'data-testid': 'payment-account' },
          p.account_number ?? '',
          p.customer_name ? ` · ${p.customer_name}` : '',
          h('br'),
          h('span', { class: 'id muted' }, p.account_id),
          h('br'),
          h('span', { class: 'muted' }, entityName(p.entity_id)),
        ),
        h('td', {}, L.receiverLabel(p)),
        h('td', { class: 'num', 'data-testid': 'payment-amount' }, L.formatMoney(p.amount)),
        h('td', {}, badge(p.status, 'payment-status')),
        actions,
      )
    }),
  )
}

function setUpPayments(): void {
  const form = byId<HTMLFormElement>('inbound-form')
  onSubmit(form, async (f) => {
    const built = L.inboundPaymentBody({ accountId: f.accountId ?? '', amount: f.amount ?? '', senderName: f.senderName ?? '' })
    if ('error' in built) throw new Error(built.error)
    const payment = await api<L.PaymentView>('POST', '/_mock/simulations/inbound-payment', built.body)
    say(`Inbound payment ${payment.id}: ${payment.status}, ${L.formatMoney(payment.amount)}.`)
  })
  for (const id of ['payments-status', 'payments-direction', 'payments-type']) {
    byId(id).addEventListener('change', () => {
      paymentsPage = 1
      void refreshNow()
    })
  }
  byId('payments-text').addEventListener('input', () => {
    paymentsPage = 1
    void refreshNow()
  })
}

// ---------------------------------------------------------------------------------------------
// Keys, recipients, QR codes and tokens (issue 14): paged /_mock views of every entity's rows

interface PageInfo {
  total_elements: number
  total_pages: number
}

/**
 * A paged table over one `/_mock` view: the filters' values go to the server, the page and the
 * last drawn answer are kept here (a poll that brings the same rows redraws nothing).
 */
function pagedTable<T>(spec: {
  path: string
  collection: string
  pager: string
  body: string
  columns: number
  filters: () => Record<string, string>
  /** Inputs and selects that change the filters: page 1 again, and refresh. */
  inputs: string[]
  empty: (filtered: boolean) => string
  row: (item: T) => HTMLElement
}): { refresh: () => Promise<void>; forget: () => void; reset: () => void } {
  let page = 1
  let signature = ''
  for (const id of spec.inputs) {
    byId(id).addEventListener(byId(id).tagName === 'SELECT' ? 'change' : 'input', () => {
      page = 1
      void refreshNow()
    })
  }
  return {
    async refresh() {
      if (entities.length === 0 || ++refreshesSinceEntities >= 10) await loadEntities()
      const filters = spec.filters()
      const res = await api<Record<string, unknown> & { pagination_info: PageInfo }>('GET', `${spec.path}?${L.listQuery(filters, page, PAGE_SIZE)}`)
      const rows = res[spec.collection] as T[]
      const next = JSON.stringify([rows, res.pagination_info.total_elements, page, entities.length])
      if (next === signature) return
      signature = next
      renderPager(spec.pager, page, res.pagination_info, (to) => {
        page = to
      })
      const body = byId(spec.body)
      body.replaceChildren(...(rows.length === 0 ? [emptyRow(spec.columns, spec.empty(Object.values(filters).some((v) => v !== '')))] : rows.map(spec.row)))
    },
    forget() {
      signature = ''
    },
    reset() {
      page = 1
      signature = ''
    },
  }
}

/** A customer's name above its id (issue 14: names beside ids). */
function customerCell(name: string | null | undefined, id: string, testid = 'customer'): HTMLElement {
  return h('td', { 'data-testid': testid }, name ?? '', name ? h('br') : null, h('span', { class: 'id muted' }, id))
}

interface KeyView {
  id: string
  entity_id: string
  customer_id: string
  customer_name: string | null
  account_id: string
  account_number: string | null
  status: string
  key: { key_type: string; key_value: string }
  display_name?: string
  updated_at: string
}

const KEY_ACTION_LABELS = { suspend: 'Suspend', activate: 'Activate', delete: 'Delete' } as const

const keysTable = pagedTable<KeyView>({
  path: '/_mock/keys',
  collection: 'keys',
  pager: 'keys-pager',
  body: 'keys-body',
  columns: 8,
  inputs: ['keys-entity', 'keys-status', 'keys-text'],
  filters: () => ({ entity_id: byId<HTMLSelectElement>('keys-entity').value, status: byId<HTMLSelectElement>('keys-status').value, q: L.accountSearch(byId<HTMLInputElement>('keys-text').value) }),
  empty: (filtered) => (filtered ? 'No keys match.' : 'No Bre-B keys yet: register one with POST /v1/keys, or seed an account with a key.'),
  row: (k) =>
    h(
      'tr',
      { 'data-testid': 'key-row', 'data-id': k.id },
      h('td', { 'data-testid': 'key-value' }, `${k.key.key_type} ${k.key.key_value}`, k.display_name ? h('br') : null, k.display_name ? h('span', { class: 'muted' }, k.display_name) : null),
      h('td', {}, idCell(k.id)),
      h('td', {}, entityName(k.entity_id)),
      customerCell(k.customer_name, k.customer_id, 'key-customer'),
      h('td', {}, k.account_number ?? '', h('br'), h('span', { class: 'id muted' }, k.account_id)),
      h('td', {}, badge(k.status, 'key-status')),
      h('td', {}, k.updated_at),
      h(
        'td',
        {},
        ...L.keyActions(k.status).map((action) =>
          button(KEY_ACTION_LABELS[action], `key-${action}`, async () => {
            if (action === 'delete') {
              await api('DELETE', `/_mock/keys/${encodeURIComponent(k.id)}`)
              say(`Deleted key ${k.key.key_value}: the value can be registered again.`)
            } else {
              const changed = await api<KeyView>('PATCH', `/_mock/keys/${encodeURIComponent(k.id)}/${action}`)
              say(`Key ${changed.key.key_value} is ${changed.status}.`)
            }
          }),
        ),
      ),
    ),
})

interface RecipientView {
  id: string
  entity_id: string
  customer_id: string
  customer_name: string | null
  type: string
  alias?: string
  key?: { key_type: string; key_value: string }
  owner?: { name?: string; business_name?: string; identification_type?: string; identification_number?: string }
  account?: { account_type: string; account_number: string; bank_name: string }
  created_at: string
}

const recipientsTable = pagedTable<RecipientView>({
  path: '/_mock/recipients',
  collection: 'recipients',
  pager: 'recipients-pager',
  body: 'recipients-body',
  columns: 7,
  inputs: ['recipients-entity', 'recipients-type'],
  filters: () => ({ entity_id: byId<HTMLSelectElement>('recipients-entity').value, type: byId<HTMLSelectElement>('recipients-type').value }),
  empty: (filtered) => (filtered ? 'No recipients match.' : 'No recipients yet: save one with POST /v1/recipients/breb or /ach.'),
  row: (r) =>
    h(
      'tr',
      { 'data-testid': 'recipient-row', 'data-id': r.id },
      h('td', {}, r.created_at),
      h('td', {}, idCell(r.id)),
      h('td', { 'data-testid': 'recipient-type' }, r.type),
      h('td', {}, r.alias ?? ''),
      customerCell(r.customer_name, r.customer_id, 'recipient-customer'),
      h('td', {}, entityName(r.entity_id)),
      h(
        'td',
        { 'data-testid': 'recipient-pays' },
        r.key
          ? `${r.key.key_type} ${r.key.key_value}`
          : `${r.account?.bank_name ?? ''} ${r.account?.account_type ?? ''} ${r.account?.account_number ?? ''}`.trim(),
        r.owner ? h('br') : null,
        r.owner ? h('span', { class: 'muted' }, `${r.owner.name ?? r.owner.business_name ?? ''} ${r.owner.identification_type ?? ''} ${r.owner.identification_number ?? ''}`.trim()) : null,
      ),
    ),
})

interface QrCodeView {
  id: string
  entity_id: string
  customer_id: string
  customer_name: string | null
  key: { key_type: string; key_value: string }
  type: string
  channel: string
  amount?: L.Money
  qr_code_reference: string
  qr_code_data: string
  qr_code_image: string
  decoded: unknown
  data_objects: { id: string; value: string }[]
  created_at: string
}

/** A definition list of label/value pairs (text only). */
function fieldList(rows: [string, string][], testid: string): HTMLElement {
  return h('dl', { class: 'fields', 'data-testid': testid }, ...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]))
}

const qrCodesTable = pagedTable<QrCodeView>({
  path: '/_mock/qrcodes',
  collection: 'qr_codes',
  pager: 'qrcodes-pager',
  body: 'qrcodes-body',
  columns: 6,
  inputs: ['qrcodes-entity', 'qrcodes-type'],
  filters: () => ({ entity_id: byId<HTMLSelectElement>('qrcodes-entity').value, type: byId<HTMLSelectElement>('qrcodes-type').value }),
  empty: (filtered) => (filtered ? 'No QR codes match.' : 'No QR codes yet: create one with POST /v1/qrcodes.'),
  row: (q) => {
    const src = L.pngDataUrl(q.qr_code_image)
    return h(
      'tr',
      { 'data-testid': 'qrcode-row', 'data-id': q.id },
      h('td', {}, src ? h('img', { src, alt: `QR code ${q.qr_code_reference} for ${q.key.key_value}`, width: '132', height: '132', class: 'qr', 'data-testid': 'qrcode-image' }) : '(no image)'),
      h('td', {}, idCell(q.id), h('br'), `${q.type} · ${q.channel} · ${q.qr_code_reference}`, h('br'), h('span', { class: 'muted' }, `${entityName(q.entity_id)} · ${q.created_at}`)),
      customerCell(q.customer_name, q.customer_id, 'qrcode-customer'),
      h('td', {}, `${q.key.key_type} ${q.key.key_value}`),
      h('td', { class: 'num' }, q.amount ? L.formatMoney(q.amount) : 'payer enters it'),
      h(
        'td',
        {},
        h(
          'details',
          { 'data-testid': 'qrcode-payload' },
          h('summary', {}, 'Decoded fields'),
          q.decoded ? fieldList(L.decodedFields(q.decoded), 'qrcode-fields') : h('p', { class: 'error' }, 'The payload does not decode.'),
          h('h3', {}, 'EMVCo data objects'),
          fieldList(
            q.data_objects.map((o): [string, string] => [`${o.id} ${L.emvTagName(o.id)}`, o.value]),
            'qrcode-data-objects',
          ),
          h('h3', {}, 'Payload'),
          h('pre', { tabindex: '0', 'aria-label': 'EMVCo payload' }, q.qr_code_data),
        ),
      ),
    )
  },
})

interface TokenView {
  token_id: string
  entity_id: string
  client_id: string
  token_hash_prefix: string
  status: string
  expires_in: number
  expires_at: string
  revoked_at: string | null
  created_at: string
}

const tokensTable = pagedTable<TokenView>({
  path: '/_mock/tokens',
  collection: 'tokens',
  pager: 'tokens-pager',
  body: 'tokens-body',
  columns: 8,
  inputs: ['tokens-entity'],
  filters: () => ({ entity_id: byId<HTMLSelectElement>('tokens-entity').value }),
  empty: (filtered) => (filtered ? 'No tokens match.' : 'No tokens yet: POST /v1/iam/oauth/tokens issues one.'),
  row: (tk) =>
    h(
      'tr',
      { 'data-testid': 'token-row', 'data-id': tk.token_id },
      h('td', {}, tk.created_at),
      h('td', {}, idCell(tk.token_id)),
      h('td', {}, h('code', { title: 'The first 12 hex digits of the SHA-256 of the token' }, `${tk.token_hash_prefix}…`)),
      h('td', {}, tk.client_id),
      h('td', {}, entityName(tk.entity_id)),
      h('td', {}, badge(tk.status, 'token-status')),
      h('td', {}, L.tokenExpiry(tk)),
      h(
        'td',
        {},
        L.canRevoke(tk.status)
          ? button('Revoke', 'token-revoke', async () => {
              const revoked = await api<TokenView>('DELETE', `/_mock/tokens/${encodeURIComponent(tk.token_id)}`)
              say(`Revoked token ${revoked.token_id}: /v1 now answers it 401 token_revoked.`)
            })
          : '',
      ),
    ),
})

// ---------------------------------------------------------------------------------------------
// Requests (the journal)

interface JournalEntry extends L.JournalRequest {
  trace_id: string
  status: number
  duration_ms: number
  at: string
  response?: { status: number; headers: Record<string, string | string[]>; body: unknown; body_truncated?: boolean }
}

const openBodies = new Set<string>()
let lastRequestsSignature = ''

async function refreshRequests(): Promise<void> {
  const form = byId<HTMLFormElement>('requests-filter')
  const f = formFields(form)
  const built = L.journalQuery({ path: f.path ?? '', status: f.status ?? '', method: f.method ?? '' })
  if ('error' in built) {
    say(built.error, true)
    return
  }
  const res = await api<{ requests: JournalEntry[] }>('GET', `/_mock/requests?${built.query}`)
  const signature = JSON.stringify(res.requests.map((r) => r.trace_id))
  if (signature === lastRequestsSignature) return
  lastRequestsSignature = signature
  const body = byId('requests-body')
  if (res.requests.length === 0) {
    body.replaceChildren(emptyRow(5, 'No /v1 requests match (yet).'))
    return
  }
  body.replaceChildren(
    ...res.requests.map((r) => {
      const curl = L.curlCommand(r, location.origin)
      const curlText = h('pre', { class: 'curl', 'data-testid': 'request-curl', tabindex: '0', 'aria-label': 'The request as a curl command' }, curl)
      const response = r.response
      const details = h(
        'details',
        { 'data-trace': r.trace_id },
        h('summary', {}, r.url),
        h('div', { class: 'muted' }, `trace_id ${r.trace_id}`),
        h(
          'div',
          { class: 'exchange' },
          h(
            'div',
            { 'data-testid': 'request-request' },
            h('h3', {}, 'Request'),
            h('pre', { tabindex: '0', 'aria-label': 'Request line and headers' }, `${r.method} ${r.url}\n${L.headerLines(r.request_headers)}`),
            h('pre', { tabindex: '0', 'aria-label': 'Request body' }, r.request_body_omitted ? '(body over 64 KiB, not kept)' : L.formatBody(r.request_body)),
          ),
          h(
            'div',
            { 'data-testid': 'request-response' },
            h('h3', {}, 'Response'),
            response
              ? h(
                  'div',
                  {},
                  h('pre', { tabindex: '0', 'aria-label': 'Response status and headers' }, `${response.status}\n${L.headerLines(response.headers)}`),
                  h('pre', { 'data-testid': 'response-body', tabindex: '0', 'aria-label': 'Response body' }, `${response.body_truncated ? '(cut at 65,536 characters)\n' : ''}${typeof response.body === 'string' ? response.body : L.formatBody(response.body)}`),
                )
              : h('p', { class: 'muted' }, 'Not recorded.'),
          ),
        ),
        h(
          'div',
          { class: 'curl-box' },
          h('strong', {}, 'As curl'),
          ' (secrets as the journal keeps them: ',
          h('code', {}, '[REDACTED]'),
          '; put your token back before running it) ',
          button('Copy as curl', 'request-copy-curl', () => copyText(curl, curlText)),
          curlText,
        ),
      )
      if (openBodies.has(r.trace_id)) details.setAttribute('open', '')
      return h(
        'tr',
        { 'data-testid': 'request-row', 'data-status': String(r.status) },
        h('td', {}, r.at),
        h('td', { 'data-testid': 'request-method' }, r.method),
        h('td', { 'data-testid': 'request-path' }, details),
        h('td', {}, h('span', { class: L.statusClass(r.status), 'data-testid': 'request-status' }, String(r.status))),
        h('td', { class: 'num' }, L.formatDuration(r.duration_ms)),
      )
    }),
  )
}

function setUpRequests(): void {
  const form = byId<HTMLFormElement>('requests-filter')
  form.addEventListener('input', () => {
    lastRequestsSignature = ''
    void refreshNow()
  })
  form.addEventListener('submit', (event) => event.preventDefault())
  // `toggle` does not bubble: listen in the capture phase to remember which bodies are open.
  byId('requests-body').addEventListener(
    'toggle',
    (event) => {
      const details = event.target as HTMLDetailsElement
      const trace = details.dataset.trace
      if (!trace) return
      if (details.open) openBodies.add(trace)
      else openBodies.delete(trace)
    },
    true,
  )
  byId('requests-clear').addEventListener('click', () =>
    void run(async () => {
      await api('DELETE', '/_mock/requests')
      say('Journal cleared.')
    }, byId('requests-clear')),
  )
}

// ---------------------------------------------------------------------------------------------
// Faults and clock

let lastFaultsSignature = ''

async function refreshFaults(): Promise<void> {
  const [clock, faults] = await Promise.all([api<{ now: string; frozen: boolean }>('GET', '/_mock/clock'), api<{ faults: L.FaultRule[] }>('GET', '/_mock/faults')])
  byId('clock-now').textContent = clock.now
  byId('clock-frozen').textContent = clock.frozen ? 'frozen (nothing settles until it moves)' : 'running'
  const signature = JSON.stringify(faults.faults)
  if (signature === lastFaultsSignature) return
  lastFaultsSignature = signature
  const body = byId('faults-body')
  if (faults.faults.length === 0) {
    body.replaceChildren(emptyRow(5, 'No fault rules.'))
    return
  }
  body.replaceChildren(
    ...faults.faults.map((rule) =>
      h(
        'tr',
        { 'data-testid': 'fault-row', 'data-id': rule.id },
        h('td', {}, idCell(rule.id)),
        h('td', {}, L.describeFaultMatch(rule)),
        h('td', {}, L.describeFaultEffect(rule)),
        h('td', {}, rule.builtin ? 'yes' : 'no'),
        h(
          'td',
          {},
          button('Remove', 'fault-remove', async () => {
            await api('DELETE', `/_mock/faults/${rule.id}`)
            say(`Removed rule ${rule.id}.`)
          }),
        ),
      ),
    ),
  )
}

async function moveClock(body: { set?: string; advance_seconds?: number; freeze?: boolean }, what: string): Promise<void> {
  const clock = await api<{ now: string; frozen: boolean }>('POST', '/_mock/clock', body)
  say(`${what}: the mock's clock is now ${clock.now}${clock.frozen ? ' (frozen)' : ''}.`)
}

function setUpFaults(): void {
  const buttons = byId('clock-buttons')
  for (const step of L.CLOCK_STEPS) buttons.append(button(step.label, `clock-advance-${step.seconds}`, () => moveClock({ advance_seconds: step.seconds }, `Advanced ${step.label.replace(/^\+/, '')}`)))
  byId('clock-freeze').addEventListener('click', () => void run(() => moveClock({ freeze: true }, 'Frozen'), byId('clock-freeze')))
  byId('clock-unfreeze').addEventListener('click', () => void run(() => moveClock({ freeze: false }, 'Unfrozen'), byId('clock-unfreeze')))
  const setForm = byId<HTMLFormElement>('clock-set')
  onSubmit(setForm, async (f) => {
    const built = L.clockSetValue(f.set ?? '')
    if ('error' in built) throw new Error(built.error)
    await moveClock({ set: built.value }, 'Set')
  })
  // The picker fills the text box (what it gives is a local date-time; clockSetValue reads it so).
  const picker = byId<HTMLInputElement>('clock-set-picker')
  for (const type of ['input', 'change']) {
    picker.addEventListener(type, () => {
      byId<HTMLInputElement>('clock-set-text').value = picker.value
    })
  }
  setUpState()
  const form = byId<HTMLFormElement>('fault-form')
  onSubmit(form, async (f) => {
    const built = L.faultRuleBody({
      method: f.method ?? '',
      path: f.path ?? '',
      accountId: f.accountId ?? '',
      keyValue: f.keyValue ?? '',
      status: f.status ?? '',
      code: f.code ?? '',
      message: f.message ?? '',
      delayMs: f.delayMs ?? '',
      times: f.times ?? '',
    })
    if ('error' in built) throw new Error(built.error)
    const rule = await api<L.FaultRule>('POST', '/_mock/faults', built.body)
    say(`Added rule ${rule.id}: ${L.describeFaultMatch(rule)} → ${L.describeFaultEffect(rule)}.`)
  })
  byId('faults-clear').addEventListener('click', () =>
    void run(async () => {
      await api('DELETE', '/_mock/faults')
      say('Removed every rule but the built-in ones.')
    }, byId('faults-clear')),
  )
}

/** Export, import and reset (CONTRACT §5: GET and PUT /_mock/state, POST /_mock/reset). */
function setUpState(): void {
  const exportButton = byId('state-export')
  exportButton.addEventListener('click', () =>
    void run(async () => {
      const state = await api<unknown>('GET', '/_mock/state')
      const url = URL.createObjectURL(new Blob([JSON.stringify(state, null, 2)], { type: 'application/json' }))
      const link = h('a', { href: url, download: 'passport-mock-state.json', hidden: '' })
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10000)
      say('State downloaded as passport-mock-state.json (it holds the clients’ secrets: keep it private).')
    }, exportButton),
  )
  const file = byId<HTMLInputElement>('state-import')
  file.addEventListener('change', () =>
    void run(async () => {
      const chosen = file.files?.[0]
      if (!chosen) return
      let document: unknown
      try {
        document = JSON.parse(await chosen.text()) as unknown
      } catch {
        throw new Error(`${chosen.name} is not JSON: nothing was loaded`)
      } finally {
        file.value = ''
      }
      await api('PUT', '/_mock/state', document)
      refreshesSinceEntities = 10
      say(`Loaded the state from ${chosen.name}.`)
    }, file),
  )
  // A scenario file, JSON or YAML, sent as its text (JSON is YAML too): the server parses it as
  // `--scenario FILE` does, so a 400 says the line and column of the field it names.
  const scenario = byId<HTMLInputElement>('scenario-import')
  scenario.addEventListener('change', () =>
    void run(async () => {
      const chosen = scenario.files?.[0]
      if (!chosen) return
      const text = await chosen.text()
      scenario.value = ''
      try {
        await api('PUT', '/_mock/scenario', text, 'application/yaml')
      } catch (error) {
        if (error instanceof ApiError) throw new Error(`${chosen.name}: ${error.message}`)
        throw error
      }
      refreshesSinceEntities = 10
      accountsPage = paymentsPage = 1
      for (const table of [keysTable, recipientsTable, qrCodesTable, tokensTable]) table.reset()
      say(`Applied the scenario ${chosen.name}.`)
    }, scenario),
  )
  const reset = byId('state-reset')
  const confirm = byId('state-reset-confirm')
  reset.addEventListener('click', () => {
    confirm.hidden = false
    byId('state-reset-no').focus()
  })
  byId('state-reset-no').addEventListener('click', () => {
    confirm.hidden = true
    reset.focus()
  })
  const yes = byId('state-reset-yes')
  yes.addEventListener('click', () =>
    void run(async () => {
      confirm.hidden = true
      await api('POST', '/_mock/reset', {})
      refreshesSinceEntities = 10
      accountsPage = paymentsPage = 1
      for (const table of [keysTable, recipientsTable, qrCodesTable, tokensTable]) table.reset()
      say('Back to the fixtures.')
    }, yes),
  )
}

// ---------------------------------------------------------------------------------------------
// Webhooks

interface WebhookEndpoint {
  id: string
  url: string
  mode: string
  events: string[] | null
  entity_id: string | null
  source: string
}

let lastWebhooksSignature = ''

interface PaymentAuthorization {
  entity_id: string
  url: string
  auto_approve_error: boolean
  updated_at: string
}

async function refreshWebhooks(): Promise<void> {
  if (entities.length === 0) await loadEntities()
  const [endpoints, deliveries, authorizations, attempts] = await Promise.all([
    api<{ webhooks: WebhookEndpoint[] }>('GET', '/_mock/webhooks'),
    api<{ deliveries: L.Delivery[] }>('GET', '/_mock/webhooks/deliveries?limit=100'),
    api<{ payment_authorizations: PaymentAuthorization[] }>('GET', '/_mock/payment-authorizations'),
    api<{ attempts: L.AuthorizationAttempt[] }>('GET', '/_mock/webhooks/authorizations?limit=100'),
  ])
  const signature = JSON.stringify([endpoints, deliveries, authorizations, attempts])
  if (signature === lastWebhooksSignature) return
  lastWebhooksSignature = signature
  const hooks = byId('webhooks-body')
  hooks.replaceChildren(
    ...(endpoints.webhooks.length === 0
      ? [emptyRow(6, 'No endpoint: set WEBHOOK_URL, or add one above.')]
      : endpoints.webhooks.map((w) =>
          h(
            'tr',
            { 'data-testid': 'webhook-row' },
            h('td', {}, idCell(w.id)),
            h('td', {}, w.url),
            h('td', {}, w.mode),
            h('td', {}, w.events ? w.events.join(', ') : 'every type'),
            h('td', {}, w.entity_id ? entityName(w.entity_id) : 'every entity'),
            h(
              'td',
              {},
              w.source === 'control'
                ? button('Remove', 'webhook-remove', async () => {
                    await api('DELETE', `/_mock/webhooks/${encodeURIComponent(w.id)}`)
                    say(`Removed endpoint ${w.url}.`)
                  })
                : 'WEBHOOK_URL',
            ),
          ),
        )),
  )
  const list = byId('deliveries-body')
  list.replaceChildren(
    ...(deliveries.deliveries.length === 0
      ? [emptyRow(6, 'No delivery attempts yet.')]
      : deliveries.deliveries.map((d) => {
          const outcome = L.deliveryOutcome(d)
          return h(
            'tr',
            { 'data-testid': 'delivery-row' },
            h('td', {}, d.at),
            h('td', {}, d.type),
            h('td', {}, h('span', { class: 'id' }, d.event_id)),
            h('td', {}, d.url),
            h('td', { class: 'num' }, String(d.attempt)),
            h('td', {}, h('span', { class: outcome.cls }, outcome.text)),
          )
        })),
  )
  byId('authorizations-body').replaceChildren(
    ...(authorizations.payment_authorizations.length === 0
      ? [emptyRow(5, 'No entity asks a callback: inbound payments settle at once.')]
      : authorizations.payment_authorizations.map((a) =>
          h(
            'tr',
            { 'data-testid': 'authorization-row' },
            h('td', {}, entityName(a.entity_id)),
            h('td', {}, a.url),
            h('td', {}, a.auto_approve_error ? 'yes' : 'no'),
            h('td', {}, a.updated_at),
            h(
              'td',
              {},
              button('Edit', 'authorization-edit', () => editAuthorization(a)),
              ' ',
              button('Turn off', 'authorization-remove', async () => {
                await api('DELETE', `/_mock/entities/${encodeURIComponent(a.entity_id)}/payment-authorization`)
                say(`Payment authorization is off for ${entityName(a.entity_id)}.`)
              }),
            ),
          ),
        )),
  )
  byId('authorization-attempts-body').replaceChildren(
    ...(attempts.attempts.length === 0
      ? [emptyRow(7, 'No callback attempts yet.')]
      : attempts.attempts.map((a) => {
          const answer = L.authorizationAnswer(a)
          return h(
            'tr',
            { 'data-testid': 'authorization-attempt-row' },
            h('td', {}, a.at),
            h('td', {}, h('span', { class: 'id' }, a.payment_id)),
            h('td', {}, a.url),
            h('td', { class: 'num' }, String(a.attempt)),
            h('td', {}, h('span', { class: answer.cls }, answer.text)),
            h('td', { class: 'num' }, L.formatDuration(a.duration_ms)),
            h('td', {}, L.authorizationDecision(a)),
          )
        })),
  )
}

/**
 * Fills the callback form with an entity's setting (issue 14: the payment-authorization settings
 * editable in the console). The secret is never answered by the API, so it is asked again.
 */
function editAuthorization(a: PaymentAuthorization): void {
  const form = byId<HTMLFormElement>('authorization-form')
  const details = form.closest('details')
  if (details) details.open = true
  byId<HTMLSelectElement>('authorization-entity').value = a.entity_id
  form.querySelector<HTMLInputElement>('input[name="url"]')!.value = a.url
  form.querySelector<HTMLInputElement>('input[name="auto_approve_error"]')!.checked = a.auto_approve_error
  const secret = form.querySelector<HTMLInputElement>('input[name="secret"]')!
  secret.value = ''
  secret.focus()
  say(`Editing ${entityName(a.entity_id)}'s callback: type its secret token again (the API never shows it) and Save.`)
}

function setUpWebhooks(): void {
  const authorizationForm = byId<HTMLFormElement>('authorization-form')
  onSubmit(authorizationForm, async (f) => {
    const entity = f.entity ?? ''
    await api('PUT', `/_mock/entities/${encodeURIComponent(entity)}/payment-authorization`, {
      url: (f.url ?? '').trim(),
      secret: f.secret ?? '',
      auto_approve_error: f.auto_approve_error === 'true',
    })
    say(`${entityName(entity)} now asks ${(f.url ?? '').trim()} about each inbound payment.`)
    authorizationForm.reset()
  })
  const form = byId<HTMLFormElement>('webhook-form')
  onSubmit(form, async (f) => {
    const added = await api<WebhookEndpoint>('POST', '/_mock/webhooks', { url: (f.url ?? '').trim(), secret: f.secret ?? '', mode: f.mode ?? 'retry' })
    say(`Added endpoint ${added.id}.`)
    form.reset()
  })
}

// ---------------------------------------------------------------------------------------------
// Narrow screens (issue 14)

/**
 * Gives each cell its column's heading as `data-label`, which the phone layout (console.css,
 * under 720 px) shows above the cell when a row becomes a card. Runs whenever a table body is
 * redrawn, so every table, present and future, is labelled without each renderer knowing.
 */
function labelCellsOnRedraw(): void {
  for (const tbody of document.querySelectorAll<HTMLTableSectionElement>('.table-box tbody')) {
    const label = () => {
      const headings = [...(tbody.closest('table')?.querySelectorAll('thead th') ?? [])].map((th) => th.textContent ?? '')
      for (const row of tbody.rows) {
        for (const cell of row.cells) {
          if (cell.colSpan === 1 && headings[cell.cellIndex]) cell.dataset.label = headings[cell.cellIndex]
        }
      }
    }
    new MutationObserver(label).observe(tbody, { childList: true })
    label()
  }
}

// ---------------------------------------------------------------------------------------------
// Tabs and polling

const refreshers: Record<Panel, () => Promise<void>> = {
  accounts: refreshAccounts,
  customers: refreshCustomers,
  keys: () => keysTable.refresh(),
  payments: refreshPayments,
  recipients: () => recipientsTable.refresh(),
  qrcodes: () => qrCodesTable.refresh(),
  tokens: () => tokensTable.refresh(),
  requests: refreshRequests,
  faults: refreshFaults,
  webhooks: refreshWebhooks,
}

let current: Panel = 'accounts'
let inFlight: Promise<void> | undefined
let pollFailed = false

/** Refreshes the visible panel now (or right after the refresh under way). */
async function refreshNow(): Promise<void> {
  if (inFlight) await inFlight
  if (!byId('token-form').hidden) return
  inFlight = (async () => {
    try {
      await refreshers[current]()
      if (pollFailed) {
        pollFailed = false
        say('Connected again.')
      }
    } catch (error) {
      if (error instanceof TokenPending) return
      pollFailed = true
      say(error instanceof ApiError ? `Refresh failed: ${error.message}` : 'The mock does not answer: is it still running?', true)
    } finally {
      inFlight = undefined
    }
  })()
  await inFlight
}

function show(panel: Panel): void {
  current = panel
  for (const tab of document.querySelectorAll<HTMLButtonElement>('nav [role="tab"]')) {
    const selected = tab.dataset.panel === panel
    tab.setAttribute('aria-selected', String(selected))
    // One tab stop for the strip (WAI-ARIA tabs pattern): the arrow keys move between tabs.
    tab.tabIndex = selected ? 0 : -1
    byId(`panel-${tab.dataset.panel ?? ''}`).hidden = !selected
  }
  // A panel shown again redraws from fresh data.
  lastAccountsSignature = lastCustomersSignature = lastPaymentsSignature = lastRequestsSignature = lastFaultsSignature = lastWebhooksSignature = ''
  for (const table of [keysTable, recipientsTable, qrCodesTable, tokensTable]) table.forget()
  if (location.hash !== `#${panel}`) history.replaceState(null, '', `#${panel}`)
  void refreshNow()
}

function isPanel(name: string): name is Panel {
  return name in refreshers
}

function start(): void {
  labelCellsOnRedraw()
  setUpTokenForm()
  setUpAccounts()
  setUpCustomers()
  setUpPayments()
  setUpRequests()
  setUpFaults()
  setUpWebhooks()
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('nav [role="tab"]')]
  for (const [index, tab] of tabs.entries()) {
    tab.addEventListener('click', () => show(tab.dataset.panel as Panel))
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key]
      const target = step !== undefined ? tabs[(index + step + tabs.length) % tabs.length] : event.key === 'Home' ? tabs[0] : event.key === 'End' ? tabs.at(-1) : undefined
      if (!target) return
      event.preventDefault()
      show(target.dataset.panel as Panel)
      target.focus()
    })
  }
  const fromHash = location.hash.slice(1)
  show(isPanel(fromHash) ? fromHash : 'accounts')
  setInterval(() => {
    if (!inFlight && !document.hidden) void refreshNow()
  }, POLL_MS)
}

start()
