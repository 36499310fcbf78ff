import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import { invalidState, notFound } from '../../core/errors.js'
import type { EventsService } from '../../webhooks/events.service.js'
import type { AccountsStore } from '../accounts/accounts.store.js'
import { inboundRecord, type PaymentAuthorization } from './authorization.js'
import { DEFAULT_REJECTION_CODE, receiverStateRejection, rejection } from './payment-errors.js'
import { serializePayment } from './payments.serializer.js'
import type { Payment, PaymentsStore, UnreadablePayment } from './payments.store.js'

const BATCH = 200

/**
 * The code of a payment the settlement step could not move (issue 11 item 2): MS03, ISO 20022
 * ExternalStatusReason1Code "Not specified reason agent generated". The failure is the agent's
 * (the mock's own data), not the payer's or the receiver's, and the code is already one the mock
 * sends and documents (payment authorization), so clients need to know of no new code (our choice).
 */
export const UNSETTLEABLE_CODE = 'MS03'

/** Passes a payment may fail before it is given up (rejected or set aside): a passing fault gets a second chance. */
export const SETTLE_ATTEMPTS = 3

/**
 * Errors of the database as a whole (a full disk, an I/O error, a lock), not of one payment:
 * they end the pass, as before, and every payment is tried again on the next one, uncounted.
 */
function isDatabaseWide(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|NOMEM|CANTOPEN|CORRUPT|NOTADB|PROTOCOL)/.test(code)
}

/** What the settlement step reports about a payment it could not move: one line per payment, once. */
export type UnsettleableReport = (message: string, error: unknown) => void

/** Not yet settled or rejected: PROCESSING for Bre-B, PENDING for ACH (tracker issue 10 §1). */
function isUnsettled(payment: Payment): boolean {
  return payment.status === 'PROCESSING' || payment.status === 'PENDING'
}

/**
 * Settlement and rejection of PROCESSING (Bre-B) and PENDING (ACH) payments (CONTRACT §4
 * lifecycle table), each step one transaction: the hold leaves the payer's pending balance,
 * and either the internal receiver is credited (with an INBOUND record of its own) or the
 * hold goes back to available. A status only moves forward; no balance goes negative (the
 * store refuses to write one).
 */
export class Settlement {
  constructor(
    private readonly db: Database,
    private readonly payments: PaymentsStore,
    private readonly accounts: AccountsStore,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly authorization: PaymentAuthorization,
    private readonly report: UnsettleableReport = () => undefined,
  ) {
    // Made once (not per call): better-sqlite3 nests a transaction function called inside
    // another as a savepoint.
    this.#runBatch = db.transaction((now: string, tried: Set<string>) => this.#batch(now, tried))
    this.#settleDue = db.transaction((payment: Payment) => this.#settleWithin(payment))
    this.#rejectDue = db.transaction((payment: Payment, errorCode: string) => this.#rejectWithin(payment, rejection(errorCode), this.clock.now().toISOString()))
    this.#setAsideDue = db.transaction((paymentId: string) => this.payments.setAside(paymentId))
    // For /_mock: the payment read again in the transaction that moves it, if still PROCESSING (PENDING for ACH).
    this.#moveById = db.transaction((paymentId: string, move: (payment: Payment) => Payment) => {
      const payment = this.payments.findById(paymentId)
      if (!payment || !isUnsettled(payment)) return payment as Payment
      return move(payment)
    })
  }

  readonly #runBatch: (now: string, tried: Set<string>) => { settled: number; more: boolean; error?: unknown }
  readonly #settleDue: (payment: Payment) => Payment
  readonly #rejectDue: (payment: Payment, errorCode: string) => Payment
  readonly #setAsideDue: (paymentId: string) => void
  readonly #moveById: (paymentId: string, move: (payment: Payment) => Payment) => Payment
  /** Failed passes per payment not yet given up (memory: a restart gives each a fresh count). */
  readonly #failures = new Map<string, number>()

  /**
   * Settles or rejects every payment due on the mock's clock; held ones wait for /_mock.
   * A batch is one transaction (one commit for up to BATCH payments, the main cost under load),
   * each payment in it a savepoint of its own: one that cannot settle leaves no trace of the
   * attempt and never stops the others (issue 11 item 2); it is tried again on the next passes,
   * and after SETTLE_ATTEMPTS failed ones it is rejected with UNSETTLEABLE_CODE, its hold going
   * back; if even that fails (its payer's balances no longer hold it) or its row cannot be read,
   * it is set aside: out of the queue, still PROCESSING or PENDING, for /_mock to move. Either
   * way one line is reported, once, and the payment is not due again. Only an error of the
   * database as a whole (a full disk) ends the pass, after the commit, as it did.
   */
  runDue(): number {
    let done = 0
    // What this pass tried and left due: a failing payment is tried once per pass, not once per batch.
    const tried = new Set<string>()
    for (;;) {
      const { settled, more, error } = this.#runBatch(this.clock.now().toISOString(), tried)
      done += settled
      if (error !== undefined) throw error
      if (!more) return done
    }
  }

  #batch(now: string, tried: Set<string>): { settled: number; more: boolean; error?: unknown } {
    // The rows are read in the same transaction that moves them, so they are current.
    const due = this.payments.due(now, BATCH)
    let settled = 0
    let fresh = 0
    for (const payment of due) {
      if (tried.has(payment.id)) continue
      tried.add(payment.id)
      fresh++
      try {
        if ('unreadable' in payment) this.#setAside(payment, payment.unreadable)
        else if (this.#settleOne(payment)) settled++
      } catch (error) {
        // The database as a whole refuses (a full disk): what came before is committed.
        return { settled, more: false, error }
      }
    }
    // A full batch may hide more behind it; one that held nothing new means the rest waits for the next pass.
    return { settled, more: due.length === BATCH && fresh > 0 }
  }

  /** True when the payment settled or was rejected as due; false when it failed (tried again later, or given up). */
  #settleOne(payment: Payment): boolean {
    try {
      if (payment.outcome === 'reject') this.#rejectDue(payment, payment.outcomeErrorCode ?? DEFAULT_REJECTION_CODE[payment.type])
      else this.#settleDue(payment)
      this.#failures.delete(payment.id)
      return true
    } catch (error) {
      if (isDatabaseWide(error)) throw error
      const failures = (this.#failures.get(payment.id) ?? 0) + 1
      if (failures < SETTLE_ATTEMPTS) {
        this.#failures.set(payment.id, failures)
        return false
      }
      this.#failures.delete(payment.id)
      try {
        this.#rejectDue(payment, UNSETTLEABLE_CODE)
      } catch (second) {
        this.#setAside(payment, second)
        return false
      }
      this.report(`payment ${payment.id} could not settle (${describe(error)}): REJECTED with ${UNSETTLEABLE_CODE}, its hold returned to available`, error)
      return false
    }
  }

  #setAside(payment: Payment | UnreadablePayment, error: unknown): void {
    this.#setAsideDue(payment.id)
    this.report(
      `payment ${payment.id} could neither settle nor be rejected (${describe(error)}): set aside, still ${payment.status}, out of the settlement queue; ` +
        'POST /_mock/payments/{id}/reject or PUT /_mock/state can move it',
      error,
    )
  }

  /**
   * `POST /_mock/payments/:id/settle`: 404, or 409 unless PROCESSING (Bre-B) or PENDING (ACH).
   * The control plane's order is final: the receiver's payment-authorization callback is not
   * asked, and a payment already waiting for it is decided here, both records alike.
   */
  settle(paymentId: string): Payment {
    this.#requireProcessing(paymentId)
    return this.authorization.force(paymentId, true) ?? this.#moveById(paymentId, (payment) => this.#settleWithin(payment, false))
  }

  /** `POST /_mock/payments/:id/reject`: with the given code, else the rail's default (B002 Bre-B, R03 ACH). */
  reject(paymentId: string, errorCode?: string): Payment {
    this.#requireProcessing(paymentId)
    return (
      this.authorization.force(paymentId, false, errorCode) ??
      this.#moveById(paymentId, (payment) => this.#rejectWithin(payment, rejection(errorCode ?? DEFAULT_REJECTION_CODE[payment.type]), this.clock.now().toISOString()))
    )
  }

  #requireProcessing(paymentId: string): void {
    const payment = this.payments.findById(paymentId)
    if (!payment) throw notFound('payment')
    if (!isUnsettled(payment)) {
      throw invalidState({
        en: `The payment is ${payment.status}: only PROCESSING (Bre-B) and PENDING (ACH) payments move`,
        es: `El pago está ${payment.status}: solo se mueven los pagos PROCESSING (Bre-B) y PENDING (ACH)`,
      })
    }
  }

  /** Adds to an account's balances, reading it fresh (payer and receiver may be one account). */
  #adjust(accountId: string, availableDelta: bigint, pendingDelta: bigint, at: string) {
    const account = this.accounts.findById(accountId)
    if (!account) return undefined
    this.accounts.setBalances(account.id, account.availableMinor + availableDelta, account.pendingMinor + pendingDelta, at)
    return account
  }

  /**
   * Inside a transaction, with the payment as it stands (PROCESSING, or PENDING for ACH). An ACH
   * payment has no internal receiver (receiverAccountId null): its hold just leaves the payer.
   */
  #settleWithin(payment: Payment, askAuthorizer = true): Payment {
    const at = this.clock.now().toISOString()
    const receiver = payment.receiverAccountId === null ? undefined : this.accounts.findById(payment.receiverAccountId)
    if (payment.receiverAccountId !== null && receiver?.status !== 'ACTIVE') {
      return this.#rejectWithin(payment, receiverStateRejection(receiver?.status ?? 'CLOSED'), at)
    }
    // Ask the authorizer before moving money (issue 10 §2): when the receiver's entity has a
    // payment-authorization callback, nothing moves yet; its answer settles or rejects both records.
    if (receiver && askAuthorizer && this.authorization.wanted(receiver.entityId)) return this.authorization.handOff(payment, receiver, at)
    this.#adjust(payment.accountId, 0n, -payment.amountMinor, at)
    this.payments.finish(payment.id, 'SETTLED', null, at)
    const settled: Payment = { ...payment, status: 'SETTLED', settleAt: null, updatedAt: at }
    this.events.emit(payment.entityId, 'payment.outbound.settled', serializePayment(settled))
    if (receiver) {
      this.#adjust(receiver.id, payment.amountMinor, 0n, at)
      const inbound = inboundRecord(settled, receiver, at)
      this.payments.insert(inbound)
      this.events.emit(receiver.entityId, 'payment.inbound.received', serializePayment(inbound))
      this.events.emit(receiver.entityId, 'payment.inbound.confirmed', serializePayment(inbound))
    }
    return settled
  }

  /** The hold goes back to available; the payment is REJECTED with the error. */
  #rejectWithin(payment: Payment, error: { code: string; description: string }, at: string): Payment {
    this.#adjust(payment.accountId, payment.amountMinor, -payment.amountMinor, at)
    this.payments.finish(payment.id, 'REJECTED', error, at)
    const rejected: Payment = { ...payment, status: 'REJECTED', settleAt: null, errorCode: error.code, errorDescription: error.description, updatedAt: at }
    this.events.emit(payment.entityId, 'payment.outbound.rejected', serializePayment(rejected))
    return rejected
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
