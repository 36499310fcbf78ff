import { randomUUID } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import { alreadyExists, invalidField, notFound } from '../../core/errors.js'
import type { PageRequest } from '../../core/pagination.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { Customer, CustomerFilters, CustomersStore } from './customers.store.js'

export interface LinkBusinessInput {
  business_name: string
  email: string
  mobile_phone_number: string
  identification_type: 'NIT'
  identification_number: string
  merchant_category_code: string
  address: { line_1: string; line_2?: string; line_3?: string; city: string; state: string; post_code: string; country: 'CO' }
}

export interface UpdateCustomerInput {
  id?: string
  business_name?: string
  email?: string
  mobile_phone_number?: string
  identification_number?: string
  merchant_category_code?: string
}

/** Customer management (CONTRACT §4; reference A §3). */
export class CustomersService {
  constructor(
    private readonly customers: CustomersStore,
    private readonly clock: Clock,
  ) {}

  /** A single lookup: 404 when absent, 403 when it is another entity's (CONTRACT §3). */
  require(principal: Principal, customerId: string): Customer {
    return requireOwned(principal, 'customer', this.customers.findById(customerId))
  }

  linkBusiness(principal: Principal, input: LinkBusinessInput): Customer {
    // Contract 2: the email is kept as sent; uniqueness compares without case (the store).
    const email = input.email
    this.#assertUnique(principal.entityId, input.identification_number, email, undefined)
    const now = this.clock.now().toISOString()
    const customer: Customer = {
      id: randomUUID(),
      entityId: principal.entityId,
      type: 'BUSINESS',
      status: 'ACTIVE',
      businessName: input.business_name,
      email,
      mobilePhoneNumber: input.mobile_phone_number,
      identificationType: input.identification_type,
      identificationNumber: input.identification_number,
      merchantCategoryCode: input.merchant_category_code,
      address: {
        line1: input.address.line_1,
        line2: input.address.line_2 ?? null,
        line3: input.address.line_3 ?? null,
        city: input.address.city,
        state: input.address.state,
        postCode: input.address.post_code,
        country: input.address.country,
      },
      createdAt: now,
      updatedAt: now,
    }
    this.customers.insert(customer)
    return customer
  }

  list(principal: Principal, filters: CustomerFilters, page: PageRequest): { rows: Customer[]; total: number } {
    // CONTRACT §4: List Customers answers 404 when the entity has no customers at all.
    if (!this.customers.hasAny(principal.entityId)) throw notFound('customer')
    return this.customers.list(principal.entityId, filters, page)
  }

  /** Validation (the body's `id`) → existence → ownership → uniqueness, in contract order. */
  update(principal: Principal, customerId: string, input: UpdateCustomerInput): Customer {
    if (input.id !== undefined && input.id !== customerId) {
      throw invalidField({ en: "Field 'id' cannot be changed: it must equal the customer_id in the path", es: "El campo 'id' no se puede cambiar: debe ser igual al customer_id de la ruta" })
    }
    const current = this.require(principal, customerId)
    const email = input.email
    this.#assertUnique(principal.entityId, input.identification_number, email, current.id)
    const changed = ['business_name', 'email', 'mobile_phone_number', 'identification_number', 'merchant_category_code'].some(
      (field) => input[field as keyof UpdateCustomerInput] !== undefined,
    )
    if (!changed) return current
    const updated: Customer = {
      ...current,
      businessName: input.business_name ?? current.businessName,
      email: email ?? current.email,
      mobilePhoneNumber: input.mobile_phone_number ?? current.mobilePhoneNumber,
      identificationNumber: input.identification_number ?? current.identificationNumber,
      merchantCategoryCode: input.merchant_category_code ?? current.merchantCategoryCode,
      updatedAt: this.clock.now().toISOString(),
    }
    this.customers.update(updated)
    return updated
  }

  /** NIT and email are unique within the entity (CONTRACT §4); emails compare without case (Contract 2). */
  #assertUnique(entityId: string, nit: string | undefined, email: string | undefined, selfId: string | undefined): void {
    const byNit = nit === undefined ? undefined : this.customers.findByIdentificationNumber(entityId, nit)
    if (byNit && byNit.id !== selfId) {
      throw alreadyExists({ en: 'A customer with this identification_number already exists', es: 'Ya existe un cliente con este identification_number' })
    }
    const byEmail = email === undefined ? undefined : this.customers.findByEmail(entityId, email)
    if (byEmail && byEmail.id !== selfId) {
      throw alreadyExists({ en: 'A customer with this email already exists', es: 'Ya existe un cliente con este email' })
    }
  }
}
