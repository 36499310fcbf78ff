import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import type { EventsService } from '../../webhooks/events.service.js'
import type { AuthorizationAttempt, AuthorizationRequest, AuthorizationsStore, DecidedBy } from '../../webhooks/authorizations.store.js'
import type { Account, AccountsStore } from '../accounts/accounts.store.js'
import { receiverStateRejection, rejection } from './payment-errors.js'
import { serializePayment } from './payments.serializer.js'
import type { Payment, PaymentsStore } from './payments.store.js'

/**
 * Rejection codes of an authorization (our choice, ISO 20022 ExternalStatusReason1Code; the docs
 * name none): the callback answered `{"accept": false}` (MS02, "not specified reason, customer
 * generated": the receiving customer's own system refused it); it gave no answer in 3 s (AB05,
 * "timeout at the creditor agent"); or it answered wrongly (MS03, "not specified reason, agent
 * generated"), each of the last two only when Auto Approve Error is off.
 */
export const AUTHORIZATION_REJECTION = { refused: 'MS02', timeout: 'AB05', error: 'MS03' } as const

/** What the callback's attempt came to, as the decision needs it. */
export type Verdict = { accept: boolean } | { failure: 'timeout' | 'error' }

/** The attempt as the sender saw it; the decision is added when it is recorded. */
export type AttemptReport = Omit<AuthorizationAttempt, 'id' | 'requestId' | 'paymentId' | 'entityId' | 'attempt' | 'decision'>

/**
 * The INBOUND record of a payment between two accounts of the mock, as the receiver's entity
 * sees it: the payer's record with the receiver's ids, direction and a fresh id.
 */
export function inboundRecord(outbound: Payment, receiver: Account, at: string): Payment {
  return {
    ...outbound,
    id: randomUUID(),
    entityId: receiver.entityId,
    accountId: receiver.id,
    customerId: receiver.customerId,
    direction: 'INBOUND',
    resolutionId: null,
    receiverAccountId: null,
    outcome: 'settle',
    outcomeErrorCode: null,
    settleAt: null,
    createdAt: at,
    updatedAt: at,
  }
}

/**
 * Payment authorization (issue 10 §2; https://docs.passportfintech.com/EN/payment-authorization-feature):
 * an INBOUND payment to an entity with a callback is stored PROCESSING and a question is queued
 * (a row with a due time, STYLE rule 3); the sender (src/webhooks/authorization-delivery.ts) asks
 * the callback off the request path, and its answer is applied here, in one transaction:
 * approved, the money moves as at a settlement; rejected, nothing reaches the receiver and an
 * internal payer's hold goes back to available. No balance is ever negative (the store refuses).
 */
export class PaymentAuthorization {
  readonly #record: (requestId: string, attempt: AttemptReport, verdict: Verdict) => AuthorizationAttempt | undefined
  readonly #force: (paymentId: string, approve: boolean, errorCode: string) => Payment | undefined
  readonly #skip: (requestId: string) => void

  constructor(
    db: Database,
    private readonly store: AuthorizationsStore,
    private readonly payments: PaymentsStore,
    private readonly accounts: AccountsStore,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly realNowMs: () => number,
  ) {
    this.#record = db.transaction((requestId: string, attempt: AttemptReport, verdict: Verdict) => this.#recordWithin(requestId, attempt, verdict))
    this.#force = db.transaction((paymentId: string, approve: boolean, errorCode: string) => {
      const request = this.store.pendingFor(paymentId)
      if (!request) return undefined
      this.#decideWithin(request, approve ? undefined : errorCode, 'control', request.attempts)
      return this.payments.findById(paymentId)
    })
    this.#skip = db.transaction((requestId: string) => {
      const request = this.store.findRequest(requestId)
      if (request?.state === 'pending') this.#decideWithin(request, undefined, 'no_configuration', request.attempts)
    })
  }

  /** Whether an inbound payment to this entity waits for the entity's callback. */
  wanted(entityId: string): boolean {
    return this.store.findConfig(entityId) !== undefined
  }

  /**
   * Inside the caller's transaction: stores the INBOUND record PROCESSING, queues the question
   * (due now, real time) and tells the receiver's entity `payment.inbound.received`.
   */
  ask(inbound: Payment, outbound: Payment | null): void {
    const at = inbound.createdAt
    this.payments.insert(inbound)
    this.store.insertRequest({
      id: randomUUID(),
      entityId: inbound.entityId,
      paymentId: inbound.id,
      outboundPaymentId: outbound?.id ?? null,
      attempts: 0,
      nextAttemptMs: this.realNowMs(),
      state: 'pending',
      decidedBy: null,
      createdAt: at,
      updatedAt: at,
    })
    this.events.emit(inbound.entityId, 'payment.inbound.received', serializePayment(inbound))
  }

  /**
   * Settlement's step "ask the authorizer before moving money", inside its transaction: the
   * payer's OUTBOUND record stays PROCESSING with its hold and leaves the settlement queue; the
   * receiver gets its INBOUND record PROCESSING. Answers the OUTBOUND record as it now stands.
   */
  handOff(outbound: Payment, receiver: Account, at: string): Payment {
    this.payments.awaitAuthorization(outbound.id)
    this.ask({ ...inboundRecord(outbound, receiver, at), status: 'PROCESSING' }, outbound)
    return { ...outbound, settleAt: null }
  }

  /** Records one callback attempt and, if the question is still pending, applies its verdict: one transaction. */
  record(requestId: string, attempt: AttemptReport, verdict: Verdict): AuthorizationAttempt | undefined {
    return this.#record(requestId, attempt, verdict)
  }

  /** The entity's configuration is gone: the payment goes on as for an entity without the feature. */
  skip(requestId: string): void {
    this.#skip(requestId)
  }

  /**
   * `/_mock/payments/{id}/settle|reject` of a payment that awaits its callback (by its INBOUND
   * or OUTBOUND id): the control plane decides instead, both records alike. Undefined when the
   * payment awaits nothing.
   */
  force(paymentId: string, approve: boolean, errorCode = 'B002'): Payment | undefined {
    return this.#force(paymentId, approve, errorCode)
  }

  #recordWithin(requestId: string, report: AttemptReport, verdict: Verdict): AuthorizationAttempt | undefined {
    const request = this.store.findRequest(requestId)
    // Gone with a reset or an import while the callback was asked: nothing to decide or log.
    if (!request) return undefined
    const attemptNumber = request.attempts + 1
    let decision: AuthorizationAttempt['decision'] = null
    if (request.state === 'pending') {
      const config = this.store.findConfig(request.entityId)
      const autoApprove = config?.autoApproveError ?? false
      let errorCode: string | undefined
      let decidedBy: DecidedBy = 'callback'
      if ('accept' in verdict) errorCode = verdict.accept ? undefined : AUTHORIZATION_REJECTION.refused
      else if (autoApprove) decidedBy = 'auto_approve_error'
      else {
        decidedBy = 'error'
        errorCode = AUTHORIZATION_REJECTION[verdict.failure]
      }
      decision = this.#decideWithin(request, errorCode, decidedBy, attemptNumber)
    }
    const attempt: AuthorizationAttempt = { ...report, id: randomUUID(), requestId, paymentId: request.paymentId, entityId: request.entityId, attempt: attemptNumber, decision }
    this.store.insertAttempt(attempt)
    return attempt
  }

  /**
   * Applies a decision (no `errorCode`: approve) to both records, inside a transaction.
   * Approving still checks the receiving account, as a settlement does (AC04/AC06).
   */
  #decideWithin(request: AuthorizationRequest, errorCode: string | undefined, decidedBy: DecidedBy, attempts: number): 'approved' | 'rejected' {
    const at = this.clock.now().toISOString()
    const inbound = this.payments.findById(request.paymentId)
    const outbound = request.outboundPaymentId === null ? undefined : this.payments.findById(request.outboundPaymentId)
    let error = errorCode === undefined ? undefined : rejection(errorCode)
    if (!error && inbound) {
      const receiver = this.accounts.findById(inbound.accountId)
      if (receiver?.status !== 'ACTIVE') error = receiverStateRejection(receiver?.status ?? 'CLOSED')
    }
    const state = error ? 'rejected' : 'approved'
    this.store.close(request.id, state, decidedBy, attempts, at)
    if (outbound?.status === 'PROCESSING') {
      if (error) this.#adjust(outbound.accountId, outbound.amountMinor, -outbound.amountMinor, at)
      else this.#adjust(outbound.accountId, 0n, -outbound.amountMinor, at)
      this.#finish(outbound, error, at, error ? 'payment.outbound.rejected' : 'payment.outbound.settled')
    }
    if (inbound?.status === 'PROCESSING') {
      if (!error) this.#adjust(inbound.accountId, inbound.amountMinor, 0n, at)
      this.#finish(inbound, error, at, error ? 'payment.inbound.rejected' : 'payment.inbound.confirmed')
    }
    return state
  }

  #finish(payment: Payment, error: { code: string; description: string } | undefined, at: string, event: 'payment.outbound.settled' | 'payment.outbound.rejected' | 'payment.inbound.confirmed' | 'payment.inbound.rejected'): void {
    this.payments.finish(payment.id, error ? 'REJECTED' : 'SETTLED', error ?? null, at)
    const finished: Payment = { ...payment, status: error ? 'REJECTED' : 'SETTLED', settleAt: null, errorCode: error?.code ?? null, errorDescription: error?.description ?? null, updatedAt: at }
    this.events.emit(payment.entityId, event, serializePayment(finished))
  }

  /** Adds to an account's balances, reading it fresh (payer and receiver may be one account). */
  #adjust(accountId: string, availableDelta: bigint, pendingDelta: bigint, at: string): void {
    const account = this.accounts.findById(accountId)
    if (account) this.accounts.setBalances(account.id, account.availableMinor + availableDelta, account.pendingMinor + pendingDelta, at)
  }
}
