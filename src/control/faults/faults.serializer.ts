import { defaultFaultCode } from './faults.service.js'
import type { FaultRule } from './faults.store.js'

/** A rule on the wire: every field, null when unset; `code` is the one its answer carries. */
export function serializeFaultRule(rule: FaultRule) {
  return {
    id: rule.id,
    builtin: rule.builtin,
    method: rule.method,
    path: rule.path,
    account_id: rule.accountId,
    key_value: rule.keyValue,
    status: rule.status,
    code: rule.status === null ? null : (rule.code ?? defaultFaultCode(rule.status)),
    message: rule.message,
    delay_ms: rule.delayMs,
    times_left: rule.timesLeft,
    created_at: rule.createdAt,
  }
}
