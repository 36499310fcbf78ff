import type { Database, Statement } from 'better-sqlite3'
import type { PageRequest } from '../../core/pagination.js'
import { PagedLister } from '../../database/list-query.js'

export interface Address {
  line1: string
  line2: string | null
  line3: string | null
  city: string
  state: string
  postCode: string
  country: string
}

export interface Customer {
  id: string
  entityId: string
  type: 'BUSINESS'
  status: 'ACTIVE' | 'INACTIVE'
  businessName: string
  email: string
  mobilePhoneNumber: string
  identificationType: string
  identificationNumber: string
  merchantCategoryCode: string
  address: Address
  createdAt: string
  updatedAt: string
}

interface CustomerRow {
  id: string
  entity_id: string
  type: 'BUSINESS'
  status: 'ACTIVE' | 'INACTIVE'
  business_name: string
  email: string
  mobile_phone_number: string
  identification_type: string
  identification_number: string
  merchant_category_code: string
  address_line_1: string
  address_line_2: string | null
  address_line_3: string | null
  address_city: string
  address_state: string
  address_post_code: string
  address_country: string
  created_at: string
  updated_at: string
}

function fromRow(r: CustomerRow): Customer {
  return {
    id: r.id,
    entityId: r.entity_id,
    type: r.type,
    status: r.status,
    businessName: r.business_name,
    email: r.email,
    mobilePhoneNumber: r.mobile_phone_number,
    identificationType: r.identification_type,
    identificationNumber: r.identification_number,
    merchantCategoryCode: r.merchant_category_code,
    address: {
      line1: r.address_line_1,
      line2: r.address_line_2,
      line3: r.address_line_3,
      city: r.address_city,
      state: r.address_state,
      postCode: r.address_post_code,
      country: r.address_country,
    },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

function toParams(c: Customer) {
  return {
    id: c.id,
    entity_id: c.entityId,
    type: c.type,
    status: c.status,
    business_name: c.businessName,
    email: c.email,
    mobile_phone_number: c.mobilePhoneNumber,
    identification_type: c.identificationType,
    identification_number: c.identificationNumber,
    merchant_category_code: c.merchantCategoryCode,
    address_line_1: c.address.line1,
    address_line_2: c.address.line2,
    address_line_3: c.address.line3,
    address_city: c.address.city,
    address_state: c.address.state,
    address_post_code: c.address.postCode,
    address_country: c.address.country,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  }
}

export interface CustomerFilters {
  identification_number?: string
  id?: string
  identification_type?: string
  /** https://docs.passportfintech.com/EN/query-parameters: `customer_status`, `email`, `mobile`. */
  status?: string
  email?: string
  mobile_phone_number?: string
  /** The console's search (issue 14): a customer id exactly, or the start of the name (any case, customers_name_nocase, migration 0009). */
  q?: string
}

/** Business customers of an entity (reference A §3). */
export class CustomersStore {
  readonly #insert: Statement
  readonly #update: Statement
  readonly #byId: Statement
  readonly #byNit: Statement
  readonly #byEmail: Statement
  readonly #lister: PagedLister

  constructor(db: Database) {
    const columns = Object.keys(toParams({ address: {} } as Customer))
    this.#insert = db.prepare(`INSERT INTO customers (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`)
    this.#update = db.prepare(
      `UPDATE customers SET business_name = @business_name, email = @email, mobile_phone_number = @mobile_phone_number,
         identification_number = @identification_number, merchant_category_code = @merchant_category_code, updated_at = @updated_at
       WHERE id = @id`,
    )
    this.#byId = db.prepare('SELECT * FROM customers WHERE id = ?')
    this.#byNit = db.prepare('SELECT * FROM customers WHERE entity_id = ? AND identification_number = ?')
    // Contract 2: emails compare without case (ASCII letters, SQLite's NOCASE), through the
    // customers_entity_email_nocase index.
    this.#byEmail = db.prepare('SELECT * FROM customers WHERE entity_id = ? AND email = ? COLLATE NOCASE')
    this.#lister = new PagedLister(db, 'customers', {
      email: 'email = @value COLLATE NOCASE',
      q: '(id = @value OR (business_name >= @value COLLATE NOCASE AND business_name < @value || char(1114111) COLLATE NOCASE))',
    })
  }

  insert(customer: Customer): void {
    this.#insert.run(toParams(customer))
  }

  update(customer: Customer): void {
    this.#update.run(toParams(customer))
  }

  findById(id: string): Customer | undefined {
    const row = this.#byId.get(id) as CustomerRow | undefined
    return row && fromRow(row)
  }

  findByIdentificationNumber(entityId: string, nit: string): Customer | undefined {
    const row = this.#byNit.get(entityId, nit) as CustomerRow | undefined
    return row && fromRow(row)
  }

  findByEmail(entityId: string, email: string): Customer | undefined {
    const row = this.#byEmail.get(entityId, email) as CustomerRow | undefined
    return row && fromRow(row)
  }

  hasAny(entityId: string): boolean {
    return this.#lister.hasAny(entityId)
  }

  /** Every entity's customers, for the control plane's cross-entity view (issue 14); `entity_id` narrows it to one. */
  listAll(filters: CustomerFilters & { entity_id?: string }, page: PageRequest): { rows: Customer[]; total: number } {
    const { rows, total } = this.#lister.list<CustomerRow>(undefined, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  list(entityId: string, filters: CustomerFilters, page: PageRequest): { rows: Customer[]; total: number } {
    const { rows, total } = this.#lister.list<CustomerRow>(entityId, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }
}
