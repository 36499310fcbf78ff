/**
 * Rejection codes a payment can carry in `error` (CONTRACT §4): ISO 20022 reasons for the
 * mock's own checks, and B002, the only code the real sandbox was seen to send, whose
 * description it gave as the code itself (reference B §6.3).
 */
export const REJECTION_DESCRIPTIONS: Record<string, string> = {
  AM04: 'Insufficient funds',
  AC04: 'Closed account number',
  AC06: 'Blocked account',
  B002: 'B002',
  // ACH returns: the R-codes ACH Colombia takes from the NACHA return reasons (our choice of
  // wording; the Passport docs show no ACH rejection).
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account / unable to locate account',
  R04: 'Invalid account number',
  // Payment authorization (src/resources/payments/authorization.ts): ISO 20022 ExternalStatusReason1Code names.
  MS02: 'Not specified reason customer generated',
  MS03: 'Not specified reason agent generated',
  AB05: 'Timeout at creditor agent',
}

/**
 * The code of a rejection that names none (`POST /_mock/payments/:id/reject` without
 * `error_code`): B002 for Bre-B, the code the real sandbox sent; R03 for ACH, the most common
 * return of a credit to an account the receiving bank cannot find (our choice).
 */
export const DEFAULT_REJECTION_CODE: Record<'BREB' | 'ACH', string> = { BREB: 'B002', ACH: 'R03' }

export function rejection(code: string): { code: string; description: string } {
  return { code, description: REJECTION_DESCRIPTIONS[code] ?? code }
}

/** CONTRACT §4: an internal receiver that is not ACTIVE at settlement. */
export function receiverStateRejection(status: string): { code: string; description: string } {
  return rejection(status === 'CLOSED' ? 'AC04' : 'AC06')
}
