import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { positiveAmountMinor } from '../../core/amount.js'
import type { Clock } from '../../core/clock.js'
import { invalidState, notFound } from '../../core/errors.js'
import type { BrebKey } from '../../core/key-formats.js'
import type { EventsService } from '../../webhooks/events.service.js'
import type { Account, AccountsStore } from '../accounts/accounts.store.js'
import type { Customer, CustomersStore } from '../customers/customers.store.js'
import type { KeysStore } from '../keys/keys.store.js'
import { type Owner, outsideOwner } from '../resolutions/directory.js'
import type { PaymentAuthorization } from './authorization.js'
import { internalParty } from './parties.js'
import { newEndToEndId } from './end-to-end-id.js'
import { serializePayment } from './payments.serializer.js'
import type { Party, Payment, PaymentsStore, Receiver } from './payments.store.js'

/** The sender block of a payment, every field optional: what is left out is generated. */
export interface SenderInput {
  account?: { account_number?: string; account_type?: string }
  participant?: { name?: string; identification_number?: string }
  owner?: { identification_number?: string; identification_type?: string; type?: 'BUSINESS' | 'INDIVIDUAL'; name?: string }
}

export interface InboundPaymentInput {
  account_id: string
  amount: { value: string; currency: 'COP' }
  sender?: SenderInput
  qr_code_reference?: string
}

const OLDEST_FIRST = { pageSize: 1, pageNumber: 1, offset: 0, orderKey: 'created_at', direction: 'ASC', snapshotAt: undefined } as const

function ownerName(owner: Owner): string {
  return owner.type === 'BUSINESS' ? owner.business_name : [owner.first_name, owner.second_name, owner.first_last_name, owner.second_last_name].filter((s) => s !== '').join(' ')
}

/**
 * A sender at an outside bank, as the directory would describe one (the same generator as
 * unregistered keys), seeded by the payment's end-to-end id; the fields the request gave win.
 * When the request fixes the owner's type, the generated identity is of that type (NIT for a
 * business, CC for a person), so the block stays coherent.
 */
function outsideSender(seed: string, given: SenderInput = {}): Party {
  let generated = outsideOwner({ key_type: 'ID', key_value: seed })
  for (let salt = 1; given.owner?.type !== undefined && generated.owner.type !== given.owner.type && salt < 64; salt++) {
    generated = outsideOwner({ key_type: 'ID', key_value: `${seed}:${salt}` })
  }
  return {
    account: {
      account_number: given.account?.account_number ?? generated.account.account_number,
      account_type: given.account?.account_type ?? generated.account.account_type,
    },
    participant: {
      name: given.participant?.name ?? generated.participant.name,
      identification_number: given.participant?.identification_number ?? generated.participant.identification_number,
    },
    owner: {
      identification_number: given.owner?.identification_number ?? generated.owner.identification_number,
      identification_type: given.owner?.identification_type ?? generated.owner.identification_type,
      type: given.owner?.type ?? generated.owner.type,
      name: given.owner?.name ?? ownerName(generated.owner),
    },
  }
}

/**
 * A payment from an outside bank into an account of the mock (CONTRACT §5,
 * `POST /_mock/simulations/inbound-payment`): the sponsor bank has already settled it, so the
 * INBOUND record is SETTLED at once, the account's available balance grows by the amount, and
 * the account's entity hears `payment.inbound.received` then `payment.inbound.confirmed`, as an
 * internal receiver does at settlement. All of it is one transaction.
 *
 * When the account's entity has a payment-authorization callback (issue 10 §2), the record is
 * PROCESSING instead, nothing is credited yet, and only `payment.inbound.received` is raised:
 * the callback's answer settles or rejects it later (src/resources/payments/authorization.ts).
 */
export class InboundPayments {
  constructor(
    private readonly db: Database,
    private readonly payments: PaymentsStore,
    private readonly accounts: AccountsStore,
    private readonly customers: CustomersStore,
    private readonly keys: KeysStore,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly authorization: PaymentAuthorization,
  ) {}

  receive(input: InboundPaymentInput): Payment {
    const amountMinor = positiveAmountMinor(input.amount.value)
    return this.db.transaction((): Payment => {
      const account = this.accounts.findById(input.account_id)
      if (!account) throw notFound('account')
      if (account.status !== 'ACTIVE') {
        throw invalidState({ en: `The account is ${account.status}: only ACTIVE accounts receive payments`, es: `La cuenta está ${account.status}: solo reciben pagos las cuentas ACTIVE` })
      }
      const customer = this.customers.findById(account.customerId)
      if (!customer) throw notFound('customer')
      const now = this.clock.now()
      const at = now.toISOString()
      const endToEndIdentification = newEndToEndId(now)
      const payment: Payment = {
        id: randomUUID(),
        entityId: account.entityId,
        accountId: account.id,
        customerId: customer.id,
        direction: 'INBOUND',
        type: 'BREB',
        status: 'SETTLED',
        resolutionId: null,
        recipientId: null,        description: null,        amountMinor,
        qrCodeReference: input.qr_code_reference ?? '',
        endToEndIdentification,
        receiver: this.#receiver(account, customer),
        sender: outsideSender(endToEndIdentification, input.sender),
        receiverAccountId: null,
        outcome: 'settle',
        outcomeErrorCode: null,
        settleAt: null,
        errorCode: null,
        errorDescription: null,
        createdAt: at,
        updatedAt: at,
      }
      if (this.authorization.wanted(account.entityId)) {
        const processing: Payment = { ...payment, status: 'PROCESSING' }
        this.authorization.ask(processing, null)
        return processing
      }
      this.accounts.setBalances(account.id, account.availableMinor + amountMinor, account.pendingMinor, at)
      this.payments.insert(payment)
      const body = serializePayment(payment)
      this.events.emit(account.entityId, 'payment.inbound.received', body)
      this.events.emit(account.entityId, 'payment.inbound.confirmed', body)
      return payment
    })()
  }

  /**
   * The account as a payer's bank reached it: through its oldest ACTIVE key, shown with the
   * key's display name; an account without one is reached by its owner's NIT as an ID key.
   */
  #receiver(account: Account, customer: Customer): Receiver {
    const key = this.keys.list(account.entityId, { account_id: account.id, status: 'ACTIVE' }, OLDEST_FIRST).rows[0]
    const brebKey: BrebKey = key ? { key_type: key.keyType, key_value: key.keyValue } : { key_type: 'ID', key_value: customer.identificationNumber }
    const party = internalParty(account, customer, key?.displayName ?? customer.businessName)
    return { account: party.account, key: brebKey, participant: party.participant, owner: party.owner }
  }
}
