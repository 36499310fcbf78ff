import type { Database, Statement } from 'better-sqlite3'

export interface Entity {
  id: string
  name: string
  createdAt: string
}

export interface Client {
  clientId: string
  entityId: string
  clientSecret: string
  /** As granted: may hold `x.*` families. */
  scopes: string[]
  createdAt: string
}

interface ClientRow {
  client_id: string
  entity_id: string
  client_secret: string
  scopes: string
  created_at: string
}

function clientFromRow(row: ClientRow): Client {
  return { clientId: row.client_id, entityId: row.entity_id, clientSecret: row.client_secret, scopes: JSON.parse(row.scopes) as string[], createdAt: row.created_at }
}

/** Entities (Passport's platform customers) and their API clients (CONTRACT §3). */
export class IdentityStore {
  readonly #insertEntity: Statement
  readonly #findEntity: Statement
  readonly #insertClient: Statement
  readonly #findClient: Statement

  constructor(db: Database) {
    this.#insertEntity = db.prepare('INSERT INTO entities (id, name, created_at) VALUES (@id, @name, @createdAt)')
    this.#findEntity = db.prepare('SELECT id, name, created_at AS createdAt FROM entities WHERE id = ?')
    this.#insertClient = db.prepare(
      'INSERT INTO clients (client_id, entity_id, client_secret, scopes, created_at) VALUES (@clientId, @entityId, @clientSecret, @scopes, @createdAt)',
    )
    this.#findClient = db.prepare('SELECT * FROM clients WHERE client_id = ?')
  }

  insertEntity(entity: Entity): void {
    this.#insertEntity.run(entity)
  }

  findEntity(id: string): Entity | undefined {
    return this.#findEntity.get(id) as Entity | undefined
  }

  insertClient(client: Client): void {
    this.#insertClient.run({ ...client, scopes: JSON.stringify(client.scopes) })
  }

  findClient(clientId: string): Client | undefined {
    const row = this.#findClient.get(clientId) as ClientRow | undefined
    return row && clientFromRow(row)
  }
}
