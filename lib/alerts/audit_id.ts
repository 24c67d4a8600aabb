/**
 * Ids of threshold audit entries: `<ms>-<rand>`, the time part base-36 and
 * zero-padded to 10 characters, then 8 hex digits of randomness. Plain string
 * order is time order, so an id doubles as a KV key part and a pagination
 * cursor; the random part keeps two instances writing on one KV apart. The
 * store keeps the time part increasing within a process (see
 * `lib/ledger/threshold_store.ts`).
 */

/** Matches a well-formed audit id (for cursors arriving in query strings). */
export const AUDIT_ID_PATTERN = /^[0-9a-z]{10}-[0-9a-f]{8}$/;

const MS_DIGITS = 10;

/** The audit id for time `ms` (epoch ms) with a random suffix. */
export function formatAuditId(ms: number): string {
  return `${
    Math.max(0, Math.floor(ms)).toString(36).padStart(MS_DIGITS, "0")
  }-${crypto.randomUUID().slice(0, 8)}`;
}

/** The time part of an audit id, epoch ms; 0 when it is unreadable. */
export function auditIdMs(id: string): number {
  return parseInt(id.split("-")[0], 36) || 0;
}
