import type { Database, Statement } from 'better-sqlite3'
import type { BrebKey, KeyType } from '../../core/key-formats.js'
import type { Owner, Participant, ReceiverAccount } from './directory.js'

export interface Resolution {
  id: string
  entityId: string
  customerId: string
  recipientId: string | null
  key: BrebKey
  receiverAccountId: string | null
  owner: Owner
  participant: Participant
  account: ReceiverAccount
  receptorNode: string
  resolvedAt: string
  expiresAt: string
  createdAt: string
  updatedAt: string
}

interface ResolutionRow {
  id: string
  entity_id: string
  customer_id: string
  recipient_id: string | null
  key_type: KeyType
  key_value: string
  receiver_account_id: string | null
  owner: string
  participant: string
  account: string
  receptor_node: string
  resolved_at: string
  expires_at: string
  created_at: string
  updated_at: string
}

function fromRow(r: ResolutionRow): Resolution {
  return {
    id: r.id,
    entityId: r.entity_id,
    customerId: r.customer_id,
    recipientId: r.recipient_id,
    key: { key_type: r.key_type, key_value: r.key_value },
    receiverAccountId: r.receiver_account_id,
    owner: JSON.parse(r.owner) as Owner,
    participant: JSON.parse(r.participant) as Participant,
    account: JSON.parse(r.account) as ReceiverAccount,
    receptorNode: r.receptor_node,
    resolvedAt: r.resolved_at,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** Key resolutions: a snapshot of the directory's answer, valid 30 minutes (CONTRACT §4). */
export class ResolutionsStore {
  readonly #insert: Statement
  readonly #byId: Statement

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO resolutions (id, entity_id, customer_id, recipient_id, key_type, key_value, receiver_account_id, owner, participant, account,
                                receptor_node, resolved_at, expires_at, created_at, updated_at)
       VALUES (@id, @entity_id, @customer_id, @recipient_id, @key_type, @key_value, @receiver_account_id, @owner, @participant, @account,
               @receptor_node, @resolved_at, @expires_at, @created_at, @updated_at)`,
    )
    this.#byId = db.prepare('SELECT * FROM resolutions WHERE id = ?')
  }

  insert(r: Resolution): void {
    this.#insert.run({
      id: r.id,
      entity_id: r.entityId,
      customer_id: r.customerId,
      recipient_id: r.recipientId,
      key_type: r.key.key_type,
      key_value: r.key.key_value,
      receiver_account_id: r.receiverAccountId,
      owner: JSON.stringify(r.owner),
      participant: JSON.stringify(r.participant),
      account: JSON.stringify(r.account),
      receptor_node: r.receptorNode,
      resolved_at: r.resolvedAt,
      expires_at: r.expiresAt,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    })
  }

  findById(id: string): Resolution | undefined {
    const row = this.#byId.get(id) as ResolutionRow | undefined
    return row && fromRow(row)
  }
}
