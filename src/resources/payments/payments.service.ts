import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { positiveAmountMinor } from '../../core/amount.js'
import type { Clock } from '../../core/clock.js'
import { invalidField, notFound } from '../../core/errors.js'
import type { PageRequest } from '../../core/pagination.js'
import { type Principal, requireOwned } from '../../core/principal.js'
import type { EventsService } from '../../webhooks/events.service.js'
import type { AccountsStore } from '../accounts/accounts.store.js'
import type { CustomersStore } from '../customers/customers.store.js'
import type { KeysStore } from '../keys/keys.store.js'
import type { ResolutionsService } from '../resolutions/resolutions.service.js'
import type { Resolution } from '../resolutions/resolutions.store.js'
import { newEndToEndId } from './end-to-end-id.js'
import { internalParty } from './parties.js'
import { holdOrRejectForFunds } from './hold.js'
import { requirePayer } from './payer.js'
import type { Payment, PaymentFilters, PaymentsStore, Receiver } from './payments.store.js'

export interface CreatePaymentInput {
  account_id: string
  resolution_id: string
  amount: { value: string; currency: 'COP' }
}

function receiverOf(resolution: Resolution): Receiver {
  const owner = resolution.owner
  const name =
    owner.type === 'BUSINESS' ? owner.business_name : [owner.first_name, owner.second_name, owner.first_last_name, owner.second_last_name].filter((s) => s !== '').join(' ')
  return {
    account: { account_number: resolution.account.account_number, account_type: resolution.account.account_type },
    key: resolution.key,
    participant: resolution.participant,
    owner: { identification_number: owner.identification_number, identification_type: owner.identification_type, type: owner.type, name },
  }
}

interface QueuedPayment {
  principal: Principal
  input: CreatePaymentInput
  amountMinor: bigint
  resolve: (payment: Payment) => void
  reject: (error: unknown) => void
}

type QueuedOutcome = { payment: Payment } | { error: unknown }

/** Outbound Bre-B payments (CONTRACT §4 "Payments"): the order of checks, the hold, AM04. */
export class PaymentsService {
  constructor(
    private readonly db: Database,
    private readonly payments: PaymentsStore,
    private readonly accounts: AccountsStore,
    private readonly customers: CustomersStore,
    private readonly keys: KeysStore,
    private readonly resolutions: ResolutionsService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly settlementDelayMs: number,
  ) {
    // Made once, not per request; called inside #createAll, #create is a savepoint.
    this.#create = db.transaction((principal: Principal, input: CreatePaymentInput, amountMinor: bigint) => this.#createWithin(principal, input, amountMinor))
    this.#createAll = db.transaction((batch: QueuedPayment[]) =>
      batch.map((item): QueuedOutcome => {
        try {
          return { payment: this.#create(item.principal, item.input, item.amountMinor) }
        } catch (error) {
          return { error }
        }
      }),
    )
  }

  readonly #create: (principal: Principal, input: CreatePaymentInput, amountMinor: bigint) => Payment
  readonly #createAll: (batch: QueuedPayment[]) => QueuedOutcome[]
  #queue: QueuedPayment[] = []

  require(principal: Principal, paymentId: string): Payment {
    return requireOwned(principal, 'payment', this.payments.findById(paymentId))
  }

  /**
   * After validation, in CONTRACT §4's order: resolution 404/403 → an existing payment for it
   * is answered as it is → expired resolution 400 → account 404/403/409 → funds (AM04, no
   * balance moves). Otherwise the amount is held (available → pending) and the payment is
   * PROCESSING until settlement. All of it is one transaction (a savepoint, see below).
   *
   * One commit serves the payments that arrive together. The commit (writing the WAL frames) is
   * most of a payment's cost, so the payments whose requests reached the handler in one turn of
   * the event loop are made in one transaction, in arrival order, each in a savepoint of its own
   * (one that fails leaves no trace and the others go on, as with a transaction each). The
   * transaction opens and commits within one callback, so no other request ever sees a payment
   * before its commit, and each answer waits for that commit: what was acknowledged is on disk
   * as before (WAL, synchronous=NORMAL). If the commit itself fails, none of them was made and
   * each request gets the error.
   */
  create(principal: Principal, input: CreatePaymentInput): Promise<Payment> {
    const amountMinor = positiveAmountMinor(input.amount.value)
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(this.#flush)
      this.#queue.push({ principal, input, amountMinor, resolve, reject })
    })
  }

  readonly #flush = (): void => {
    const batch = this.#queue
    this.#queue = []
    let outcomes: QueuedOutcome[]
    try {
      outcomes = this.#createAll(batch)
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i] as QueuedOutcome
      if ('payment' in outcome) item.resolve(outcome.payment)
      else item.reject(outcome.error)
    })
  }

  #createWithin(principal: Principal, input: CreatePaymentInput, amountMinor: bigint): Payment {
    const resolution = this.resolutions.require(principal, input.resolution_id)
    const existing = this.payments.findByResolution(resolution.id)
    if (existing) return existing
    if (this.resolutions.isExpired(resolution)) {
      throw invalidField({
        en: "Field 'resolution_id' names an expired resolution: resolve the key again",
        es: "El campo 'resolution_id' corresponde a una resolución vencida: resuelva la llave de nuevo",
      })
    }
    const { account, customer } = requirePayer(principal, { accounts: this.accounts, customers: this.customers }, input.account_id)
    const now = this.clock.now()
    const at = now.toISOString()
    const sender = internalParty(account, customer)
    const magic = this.keys.findMagic(resolution.key.key_type, resolution.key.key_value)
    const payment: Payment = {
      id: randomUUID(),
      entityId: principal.entityId,
      accountId: account.id,
      customerId: customer.id,
      direction: 'OUTBOUND',
      type: 'BREB',
      status: 'PROCESSING',
      resolutionId: resolution.id,
      recipientId: null,
      description: null,
      amountMinor,
      qrCodeReference: '',
      endToEndIdentification: newEndToEndId(now),
      receiver: receiverOf(resolution),
      sender,
      receiverAccountId: resolution.receiverAccountId,
      outcome: magic?.behaviour === 'reject' || magic?.behaviour === 'hold' ? magic.behaviour : 'settle',
      outcomeErrorCode: magic?.behaviour === 'reject' ? (magic.errorCode ?? 'B002') : null,
      settleAt: new Date(now.getTime() + this.settlementDelayMs).toISOString(),
      errorCode: null,
      errorDescription: null,
      createdAt: at,
      updatedAt: at,
    }
    return holdOrRejectForFunds({ accounts: this.accounts, payments: this.payments, events: this.events }, account, payment)
  }

  list(principal: Principal, filters: PaymentFilters, page: PageRequest): { rows: Payment[]; total: number } {
    // CONTRACT §4: List Payments answers 404 when the entity has no payments at all.
    if (!this.payments.hasAny(principal.entityId)) throw notFound('payment')
    return this.payments.list(principal.entityId, filters, page)
  }
}
