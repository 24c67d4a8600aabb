/**
 * The threshold audit trail as the public API shows it. The store's record
 * (`ThresholdChange`) and the API's entry (`AuditEntry`) are separate types,
 * mapped field by field here, so a field added to what the store keeps never
 * reaches the wire by accident, and the API type does not depend on storage.
 */
import type { AuditEntry, AuditResponse } from "../protocol/api_types.ts";
import type { AuditPage, ThresholdChange } from "../ledger/threshold_store.ts";

/** One stored change as an API audit entry. */
export function auditEntry(change: ThresholdChange): AuditEntry {
  return {
    id: change.id,
    time: change.time,
    symbol: change.symbol,
    kind: change.kind,
    previous: change.previous,
    threshold: change.threshold,
    actor_ip: change.actor_ip,
    ...(change.action === undefined ? {} : {
      action: change.action,
      alert_id: change.alert_id,
      direction: change.direction,
    }),
  };
}

/** A page of the stored trail as the body of `GET /api/audit`. */
export function auditResponse(page: AuditPage): AuditResponse {
  return {
    changes: page.changes.map(auditEntry),
    next_cursor: page.next_cursor,
  };
}
