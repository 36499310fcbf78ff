import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { positiveAmountMinor } from '../../core/amount.js'
import type { Clock } from '../../core/clock.js'
import { invalidField } from '../../core/errors.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { EventsService } from '../../webhooks/events.service.js'
import type { AccountsStore } from '../accounts/accounts.store.js'
import type { CustomersStore } from '../customers/customers.store.js'
import type { AchOwner, AchRecipient, RecipientsStore } from '../recipients/recipients.store.js'
import { newEndToEndId } from './end-to-end-id.js'
import { internalParty } from './parties.js'
import { holdOrRejectForFunds } from './hold.js'
import { requirePayer } from './payer.js'
import type { AchReceiver, Payment, PaymentsStore } from './payments.store.js'

/** The body of `POST /v1/payments/ach` (https://docs.passportfintech.com/EN/initiate-ach-payment). */
export interface CreateAchPaymentInput {
  account_id: string
  recipient_id: string
  amount: { value: string; currency: 'COP' }
  description?: string
  type?: number
}

function ownerName(owner: AchOwner): string {
  if (owner.type === 'BUSINESS') return owner.business_name ?? ''
  return [owner.first_name, owner.second_name, owner.first_last_name, owner.second_last_name].filter((s) => s !== undefined && s !== '').join(' ')
}

/** The ACH recipient as the payment's receiver: its bank account (with the bank) and its owner. */
function receiverOf(recipient: AchRecipient): AchReceiver {
  const { owner, account } = recipient
  return {
    account: { account_number: account.account_number, account_type: account.account_type, bank_name: account.bank_name },
    owner: { identification_number: owner.identification_number, identification_type: owner.identification_type, type: owner.type, name: ownerName(owner) },
  }
}

/**
 * Outbound ACH payments (tracker issue 10 §1; docs: initiate-ach-payment). The docs page: "The
 * payment status will initially be PENDING. Once the payment is processed, it will change to
 * SETTLED", and "The pending balance will be updated. Once the ACH payment is processed, it will
 * lower the pending balance and update your available balance". The mock holds the amount as it
 * does for Bre-B (available → pending at creation) so that the two rails share one balance rule
 * and nothing can be spent twice; settlement and rejection are Bre-B's (settlement.ts).
 */
export class AchPaymentsService {
  readonly #create: (principal: Principal, input: CreateAchPaymentInput, amountMinor: bigint) => Payment

  constructor(
    db: Database,
    private readonly payments: PaymentsStore,
    private readonly accounts: AccountsStore,
    private readonly customers: CustomersStore,
    private readonly recipients: RecipientsStore,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly settlementDelayMs: number,
  ) {
    // Made once: every read and write of a payment in one synchronous transaction (STYLE rule 8).
    this.#create = db.transaction((principal: Principal, input: CreateAchPaymentInput, amountMinor: bigint) => this.#createWithin(principal, input, amountMinor))
  }

  /**
   * After validation: recipient 404/403, then a Bre-B recipient is 400 (an ACH payment goes to a
   * bank account) → account 404/403/409 unless ACTIVE → funds (REJECTED AM04, nothing moves, as
   * for Bre-B, CONTRACT §4). Otherwise the amount is held and the payment is PENDING.
   */
  create(principal: Principal, input: CreateAchPaymentInput): Payment {
    const amountMinor = positiveAmountMinor(input.amount.value)
    return this.#create(principal, input, amountMinor)
  }

  #createWithin(principal: Principal, input: CreateAchPaymentInput, amountMinor: bigint): Payment {
    const recipient = requireOwned(principal, 'recipient', this.recipients.findById(input.recipient_id))
    if (recipient.type !== 'ACH') {
      throw invalidField({
        en: "Field 'recipient_id' names a BREB recipient: ACH payments go to ACH recipients (POST /v1/recipients/ach)",
        es: "El campo 'recipient_id' corresponde a un destinatario BREB: los pagos ACH van a destinatarios ACH (POST /v1/recipients/ach)",
      })
    }
    const { account, customer } = requirePayer(principal, { accounts: this.accounts, customers: this.customers }, input.account_id)
    const now = this.clock.now()
    const at = now.toISOString()
    // Reserved account numbers (fixtures' magic_ach_accounts): rejected at settlement with their code, or held.
    const magic = this.payments.findMagicAchAccount(recipient.account.account_number)
    const payment: Payment = {
      id: randomUUID(),
      entityId: principal.entityId,
      accountId: account.id,
      customerId: customer.id,
      direction: 'OUTBOUND',
      type: 'ACH',
      status: 'PENDING',
      resolutionId: null,
      recipientId: recipient.id,
      description: input.description ?? null,
      amountMinor,
      qrCodeReference: '',
      endToEndIdentification: newEndToEndId(now),
      receiver: receiverOf(recipient),
      sender: internalParty(account, customer),
      // ACH pays a bank account outside the mock: nothing is credited here at settlement.
      receiverAccountId: null,
      outcome: magic?.behaviour ?? 'settle',
      outcomeErrorCode: magic?.behaviour === 'reject' ? magic.errorCode : null,
      settleAt: new Date(now.getTime() + this.settlementDelayMs).toISOString(),
      errorCode: null,
      errorDescription: null,
      createdAt: at,
      updatedAt: at,
    }
    return holdOrRejectForFunds({ accounts: this.accounts, payments: this.payments, events: this.events }, account, payment)
  }
}
