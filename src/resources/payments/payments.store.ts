import type { Database, Statement } from 'better-sqlite3'
import type { KeyType } from '../../core/key-formats.js'
import { minorFromText, minorToText } from '../../core/money.js'
import type { PageRequest } from '../../core/pagination.js'
import { PagedLister } from '../../database/list-query.js'

/** PENDING is an ACH payment's first status, PROCESSING a Bre-B one's (CONTRACT 2). */
export type PaymentStatus = 'PENDING' | 'PROCESSING' | 'SETTLED' | 'REJECTED'
export type PaymentDirection = 'OUTBOUND' | 'INBOUND'
export type PaymentType = 'BREB' | 'ACH'
export type PaymentOutcome = 'settle' | 'reject' | 'hold'

export interface PartyOwner {
  identification_number: string
  identification_type: string
  type: string
  name: string
}

export interface Party {
  account: { account_number: string; account_type: string }
  participant: { name: string; identification_number: string }
  owner: PartyOwner
}

/** A Bre-B receiver: reached through a key, at a participant. */
export interface BrebReceiver extends Party {
  key: { key_type: KeyType; key_value: string }
}

/** An ACH receiver: the ACH recipient's bank account and owner (reference B §5.2). */
export interface AchReceiver {
  account: { account_number: string; account_type: string; bank_name: string }
  owner: PartyOwner
}

export type Receiver = BrebReceiver | AchReceiver

export interface Payment {
  id: string
  entityId: string
  accountId: string
  customerId: string
  direction: PaymentDirection
  type: PaymentType
  status: PaymentStatus
  resolutionId: string | null
  /** ACH: the ACH recipient paid; null for Bre-B. */
  recipientId: string | null
  /** ACH: the payer's free text (the docs' "Payment reference"), null when not sent. */
  description: string | null
  amountMinor: bigint
  qrCodeReference: string
  endToEndIdentification: string
  receiver: Receiver
  sender: Party
  /** The internal account credited at settlement; null for an outside bank. */
  receiverAccountId: string | null
  outcome: PaymentOutcome
  outcomeErrorCode: string | null
  /** When settlement is due, on the mock's clock. */
  settleAt: string | null
  errorCode: string | null
  errorDescription: string | null
  createdAt: string
  updatedAt: string
}

interface PaymentRow {
  id: string
  entity_id: string
  account_id: string
  customer_id: string
  direction: PaymentDirection
  type: PaymentType
  status: PaymentStatus
  resolution_id: string | null
  recipient_id: string | null
  description: string | null
  amount_minor: string
  qr_code_reference: string
  end_to_end_identification: string
  receiver: string
  sender: string
  receiver_account_id: string | null
  outcome: PaymentOutcome
  outcome_error_code: string | null
  settle_at: string | null
  error_code: string | null
  error_description: string | null
  created_at: string
  updated_at: string
}

function fromRow(r: PaymentRow): Payment {
  return {
    id: r.id,
    entityId: r.entity_id,
    accountId: r.account_id,
    customerId: r.customer_id,
    direction: r.direction,
    type: r.type,
    status: r.status,
    resolutionId: r.resolution_id,
    recipientId: r.recipient_id,
    description: r.description,
    amountMinor: minorFromText(r.amount_minor),
    qrCodeReference: r.qr_code_reference,
    endToEndIdentification: r.end_to_end_identification,
    receiver: JSON.parse(r.receiver) as Receiver,
    sender: JSON.parse(r.sender) as Party,
    receiverAccountId: r.receiver_account_id,
    outcome: r.outcome,
    outcomeErrorCode: r.outcome_error_code,
    settleAt: r.settle_at,
    errorCode: r.error_code,
    errorDescription: r.error_description,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** A due payment whose row could not be read into a Payment (damaged JSON). */
export interface UnreadablePayment {
  id: string
  status: PaymentStatus
  unreadable: unknown
}

/** A reserved ACH recipient account number and its outcome: magic values are data (STYLE rule 12). */
export interface MagicAchAccount {
  accountNumber: string
  behaviour: 'reject' | 'hold'
  errorCode: string | null
}

export interface PaymentFilters {
  id?: string
  customer_id?: string
  account_id?: string
  direction?: string
  key_value?: string
  status?: string
  qr_code_reference?: string
  type?: string
  end_to_end_identification?: string
  sender_type?: string
  sender_name?: string
  sender_identification_type?: string
  sender_identification_number?: string
  sender_account_type?: string
  sender_account_number?: string
  /** https://docs.passportfintech.com/EN/list-payments "Sender Filters"; read from the stored sender block. */
  sender_participant_name?: string
  sender_participant_identification_number?: string
}

/**
 * The console's Find box over every entity's payments (issue 14, GET /_mock/payments?q=): a
 * payment id exactly, or the start of an end-to-end id, of the receiver's key value, or of the
 * number of the mock account that paid or was paid. Each is a range on an index (0012), so a
 * search over 100,000 payments reads only the rows it finds (a scan took 25–60 ms idle and 400 ms
 * on a busy machine).
 */
const SEARCH_CONDITION = `(id = @value
  OR (end_to_end_identification >= @value AND end_to_end_identification < @value || char(1114111))
  OR (key_value >= @value AND key_value < @value || char(1114111))
  OR account_id IN (SELECT id FROM accounts WHERE account_number >= @value AND account_number < @value || char(1114111)))`

/** Bre-B (reference B §6) and ACH (reference B §6.7) payments, OUTBOUND and INBOUND records alike. */
export class PaymentsStore {
  readonly #insert: Statement
  readonly #byId: Statement
  readonly #byResolution: Statement
  readonly #finish: Statement
  readonly #due: Statement
  readonly #insertMagicAch: Statement
  readonly #magicAch: Statement
  readonly #awaitAuthorization: Statement
  readonly #setAside: Statement
  readonly #lister: PagedLister

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO payments (id, entity_id, account_id, customer_id, direction, type, status, resolution_id, amount_minor, qr_code_reference,
         end_to_end_identification, receiver, sender, key_type, key_value, sender_type, sender_name, sender_identification_type,
         sender_identification_number, sender_account_type, sender_account_number, receiver_account_id, outcome, outcome_error_code,
         settle_at, error_code, error_description, created_at, updated_at, recipient_id, description)
       VALUES (@id, @entity_id, @account_id, @customer_id, @direction, @type, @status, @resolution_id, @amount_minor, @qr_code_reference,
         @end_to_end_identification, @receiver, @sender, @key_type, @key_value, @sender_type, @sender_name, @sender_identification_type,
         @sender_identification_number, @sender_account_type, @sender_account_number, @receiver_account_id, @outcome, @outcome_error_code,
         @settle_at, @error_code, @error_description, @created_at, @updated_at, @recipient_id, @description)`,
    )
    this.#byId = db.prepare('SELECT * FROM payments WHERE id = ?')
    this.#byResolution = db.prepare("SELECT * FROM payments WHERE resolution_id = ? AND direction = 'OUTBOUND'")
    // Only a PROCESSING (Bre-B) or PENDING (ACH) payment moves, and only forward (CONTRACT §4).
    this.#finish = db.prepare(
      `UPDATE payments SET status = @status, error_code = @error_code, error_description = @error_description, settle_at = NULL, updated_at = @updated_at
       WHERE id = @id AND status IN ('PROCESSING', 'PENDING')`,
    )
    // The same condition as the partial index payments_due (0006), so SQLite uses it.
    this.#due = db.prepare("SELECT * FROM payments WHERE status IN ('PROCESSING', 'PENDING') AND outcome <> 'hold' AND settle_at <= ? ORDER BY settle_at, id LIMIT ?")
    this.#insertMagicAch = db.prepare('INSERT INTO magic_ach_accounts (account_number, behaviour, error_code) VALUES (@accountNumber, @behaviour, @errorCode)')
    this.#magicAch = db.prepare('SELECT account_number AS accountNumber, behaviour, error_code AS errorCode FROM magic_ach_accounts WHERE account_number = ?')
    // Out of the settlement queue, still PROCESSING with its hold: the receiver's callback decides (issue 10 §2).
    this.#awaitAuthorization = db.prepare("UPDATE payments SET settle_at = NULL WHERE id = ? AND status = 'PROCESSING'")
    // Out of the settlement queue for good, status and hold untouched (issue 11 item 2): /_mock may still move it.
    this.#setAside = db.prepare("UPDATE payments SET settle_at = NULL WHERE id = ? AND status IN ('PROCESSING', 'PENDING')")
    // The sender's participant lives only in the `sender` JSON: these two filters read it there
    // (no column, no migration; a measured need would bring an expression index).
    this.#lister = new PagedLister(db, 'payments', {
      q: SEARCH_CONDITION,
      sender_participant_name: "json_extract(sender, '$.participant.name') = @value",
      sender_participant_identification_number: "json_extract(sender, '$.participant.identification_number') = @value",
    })
  }

  insert(p: Payment): void {
    this.#insert.run({
      id: p.id,
      entity_id: p.entityId,
      account_id: p.accountId,
      customer_id: p.customerId,
      direction: p.direction,
      type: p.type,
      status: p.status,
      resolution_id: p.resolutionId,
      recipient_id: p.recipientId,
      description: p.description,
      amount_minor: minorToText(p.amountMinor),
      qr_code_reference: p.qrCodeReference,
      end_to_end_identification: p.endToEndIdentification,
      receiver: JSON.stringify(p.receiver),
      sender: JSON.stringify(p.sender),
      key_type: 'key' in p.receiver ? p.receiver.key.key_type : null,
      key_value: 'key' in p.receiver ? p.receiver.key.key_value : null,
      sender_type: p.sender.owner.type,
      sender_name: p.sender.owner.name,
      sender_identification_type: p.sender.owner.identification_type,
      sender_identification_number: p.sender.owner.identification_number,
      sender_account_type: p.sender.account.account_type,
      sender_account_number: p.sender.account.account_number,
      receiver_account_id: p.receiverAccountId,
      outcome: p.outcome,
      outcome_error_code: p.outcomeErrorCode,
      settle_at: p.settleAt,
      error_code: p.errorCode,
      error_description: p.errorDescription,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })
  }

  findById(id: string): Payment | undefined {
    const row = this.#byId.get(id) as PaymentRow | undefined
    return row && fromRow(row)
  }

  findByResolution(resolutionId: string): Payment | undefined {
    const row = this.#byResolution.get(resolutionId) as PaymentRow | undefined
    return row && fromRow(row)
  }

  /** PROCESSING or PENDING → SETTLED or REJECTED; false when the payment had already moved. */
  finish(id: string, status: 'SETTLED' | 'REJECTED', error: { code: string; description: string } | null, at: string): boolean {
    return this.#finish.run({ id, status, error_code: error?.code ?? null, error_description: error?.description ?? null, updated_at: at }).changes === 1
  }

  /**
   * PROCESSING and PENDING payments whose settlement is due at `now`, oldest first. A row that
   * cannot be read (its stored JSON damaged) comes back as its id and the error, so that one row
   * never hides the others from the sweeper (issue 11 item 2).
   */
  due(now: string, limit: number): (Payment | UnreadablePayment)[] {
    return (this.#due.all(now, limit) as PaymentRow[]).map((row) => {
      try {
        return fromRow(row)
      } catch (error) {
        return { id: row.id, status: row.status, unreadable: error }
      }
    })
  }

  /** Takes a payment out of the settlement queue, still PROCESSING or PENDING with its hold (it could not settle). */
  setAside(id: string): void {
    this.#setAside.run(id)
  }

  insertMagicAchAccount(magic: MagicAchAccount): void {
    this.#insertMagicAch.run(magic)
  }

  /** What a reserved ACH account number does to a payment to it (fixtures' `magic_ach_accounts`). */
  findMagicAchAccount(accountNumber: string): MagicAchAccount | undefined {
    return this.#magicAch.get(accountNumber) as MagicAchAccount | undefined
  }

  /** Takes a PROCESSING payment out of the settlement queue while its receiver's callback is asked. */
  awaitAuthorization(id: string): void {
    this.#awaitAuthorization.run(id)
  }

  hasAny(entityId: string): boolean {
    return this.#lister.hasAny(entityId)
  }

  list(entityId: string, filters: PaymentFilters, page: PageRequest): { rows: Payment[]; total: number } {
    const { rows, total } = this.#lister.list<PaymentRow>(entityId, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }

  /** Every entity's payments, for the control plane's cross-entity view (CONTRACT §5); `entity_id` narrows it to one. */
  listAll(filters: PaymentFilters & { entity_id?: string; q?: string }, page: PageRequest): { rows: Payment[]; total: number } {
    const { rows, total } = this.#lister.list<PaymentRow>(undefined, { ...filters }, page)
    return { rows: rows.map(fromRow), total }
  }
}
