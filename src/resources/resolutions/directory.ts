import { createHash } from 'node:crypto'
import { PassportError } from '../../core/errors.js'
import type { BrebKey } from '../../core/key-formats.js'
import type { AccountsStore } from '../accounts/accounts.store.js'
import type { CustomersStore } from '../customers/customers.store.js'
import type { KeysStore } from '../keys/keys.store.js'

export interface Owner {
  type: 'BUSINESS' | 'INDIVIDUAL'
  identification_type: string
  identification_number: string
  business_name: string
  first_name: string
  second_name: string
  first_last_name: string
  second_last_name: string
}

export interface Participant {
  name: string
  identification_number: string
}

export interface ReceiverAccount {
  account_type: string
  account_number: string
}

/** What the Bre-B directory says about a key. */
export interface DirectoryEntry {
  /** The account behind the key when it is registered here; null at an outside bank. */
  accountId: string | null
  owner: Owner
  participant: Participant
  account: ReceiverAccount
  receptorNode: string
}

const FIRST_NAMES = ['Andrés', 'Camila', 'Juan', 'Valentina', 'Santiago', 'Daniela', 'Carlos', 'Mariana', 'Luis', 'Laura', 'Diego', 'Sofía', 'Jorge', 'Paula', 'Felipe', 'Natalia']
const LAST_NAMES = ['Rodríguez', 'Gómez', 'González', 'Martínez', 'García', 'López', 'Hernández', 'Sánchez', 'Ramírez', 'Pérez', 'Díaz', 'Muñoz', 'Rojas', 'Moreno', 'Jiménez', 'Vargas']
const BUSINESS_WORDS = ['Comercializadora', 'Distribuidora', 'Inversiones', 'Soluciones', 'Servicios', 'Tienda', 'Café', 'Panadería']
const BUSINESS_NAMES = ['Andina', 'del Valle', 'Caribe', 'La Esquina', 'El Progreso', 'Santa Fe', 'Los Andes', 'Pacífico']
const OUTSIDE_BANKS = ['BANCOLOMBIA', 'BANCO DE BOGOTA', 'BANCO DAVIVIENDA', 'BANCO DE OCCIDENTE', 'BANCO POPULAR', 'BANCO AV VILLAS', 'NEQUI', 'DAVIPLATA']

/**
 * The participant behind every account of the mock, as the docs' examples show it (Contract 2;
 * docs-audit gap 16): `{"name": "", "identification_number": "123456789"}` in
 * https://docs.passportfintech.com/EN/resolve-recipient and the resolve-key and payment
 * examples, so validate-key with the docs' participant MATCHes the mock's own keys.
 */
export const INTERNAL_PARTICIPANT: Participant = { name: '', identification_number: '123456789' }
export const INTERNAL_NODE = 'VIS'
export const OUTSIDE_NODE = 'BRB'

/** Digits taken from a hash, for stable generated numbers. */
function digits(hash: Buffer, from: number, count: number): string {
  let out = ''
  for (let i = 0; out.length < count; i++) out += (hash[(from + i) % hash.length]! % 10).toString()
  return out
}

function pick<T>(list: readonly T[], byte: number | undefined): T {
  return list[(byte ?? 0) % list.length] as T
}

/**
 * The owner of a key registered nowhere here, as the directory would report a key at an
 * outside bank: derived from a hash of the key, so the same value always gets the same owner.
 */
export function outsideOwner(key: BrebKey): DirectoryEntry {
  const h = createHash('sha256').update(`${key.key_type}:${key.key_value}`).digest()
  const business = h[0]! % 3 === 0
  const owner: Owner = business
    ? {
        type: 'BUSINESS',
        identification_type: 'NIT',
        identification_number: `9${digits(h, 1, 8)}`,
        business_name: `${pick(BUSINESS_WORDS, h[2])} ${pick(BUSINESS_NAMES, h[3])} S.A.S.`,
        first_name: '',
        second_name: '',
        first_last_name: '',
        second_last_name: '',
      }
    : {
        type: 'INDIVIDUAL',
        identification_type: 'CC',
        identification_number: `1${digits(h, 1, 9)}`,
        business_name: '',
        first_name: pick(FIRST_NAMES, h[2]),
        second_name: h[3]! % 2 === 0 ? pick(FIRST_NAMES, h[4]) : '',
        first_last_name: pick(LAST_NAMES, h[5]),
        second_last_name: pick(LAST_NAMES, h[6]),
      }
  const bank = pick(OUTSIDE_BANKS, h[7])
  const bankHash = createHash('sha256').update(bank).digest()
  return {
    accountId: null,
    owner,
    participant: { name: bank, identification_number: `8${digits(bankHash, 0, 8)}` },
    account: { account_type: h[8]! % 4 === 0 ? 'LOW_VALUE' : 'ORDINARY', account_number: digits(h, 10, 11) },
    receptorNode: OUTSIDE_NODE,
  }
}

/**
 * The national Bre-B directory as the mock sees it (CONTRACT §4): a key registered here
 * resolves to its account and owner, in whichever entity; a well-formed value registered
 * nowhere resolves to an outside bank; a SUSPENDED key and the reserved "never resolves"
 * values are 404 `key_not_found`.
 */
export class Directory {
  constructor(
    private readonly keys: KeysStore,
    private readonly accounts: AccountsStore,
    private readonly customers: CustomersStore,
  ) {}

  lookup(key: BrebKey): DirectoryEntry {
    if (this.keys.findMagic(key.key_type, key.key_value)?.behaviour === 'unresolvable') throw new PassportError('key_not_found')
    const registered = this.keys.findByValue(key.key_value)
    if (!registered || registered.keyType !== key.key_type) return outsideOwner(key)
    if (registered.status !== 'ACTIVE') throw new PassportError('key_not_found')
    const account = this.accounts.findById(registered.accountId)
    const customer = this.customers.findById(registered.customerId)
    if (!account || !customer) throw new PassportError('key_not_found')
    return {
      accountId: account.id,
      owner: {
        type: 'BUSINESS',
        identification_type: customer.identificationType,
        identification_number: customer.identificationNumber,
        business_name: registered.displayName ?? customer.businessName,
        first_name: '',
        second_name: '',
        first_last_name: '',
        second_last_name: '',
      },
      participant: INTERNAL_PARTICIPANT,
      account: { account_type: account.accountType, account_number: account.accountNumber },
      receptorNode: INTERNAL_NODE,
    }
  }
}
