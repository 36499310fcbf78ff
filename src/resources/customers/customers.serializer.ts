import type { Customer } from './customers.store.js'

/** Customer → wire body (reference A §3.7). */
export function serializeCustomer(c: Customer) {
  return {
    id: c.id,
    type: c.type,
    status: c.status,
    business_name: c.businessName,
    email: c.email,
    mobile_phone_number: c.mobilePhoneNumber,
    identification_type: c.identificationType,
    identification_number: c.identificationNumber,
    merchant_category_code: c.merchantCategoryCode,
    address: {
      line_1: c.address.line1,
      ...(c.address.line2 !== null && { line_2: c.address.line2 }),
      ...(c.address.line3 !== null && { line_3: c.address.line3 }),
      city: c.address.city,
      state: c.address.state,
      post_code: c.address.postCode,
      country: c.address.country,
    },
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  }
}
