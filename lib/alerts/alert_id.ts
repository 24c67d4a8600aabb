/**
 * Alert ids: `<ms>-<seq>`, both base-36 and zero-padded (10 + 4 characters),
 * so plain string order is creation order and an id doubles as a KV key part
 * and a pagination cursor. The millisecond part never goes backwards, even
 * when the wall clock does (after an NTP step or a restart on a machine whose
 * clock is behind): the generator continues from the last id it issued,
 * which the store persists with every write.
 */

/** The parts of an alert id. */
export interface AlertIdParts {
  /** Epoch milliseconds (at or after the alert's time). */
  readonly ms: number;
  /** Counter within that millisecond, from 0. */
  readonly seq: number;
}

const MS_DIGITS = 10;
const SEQ_DIGITS = 4;
const MAX_SEQ = 36 ** SEQ_DIGITS - 1;

/** Matches a well-formed alert id (for cursors arriving in query strings). */
export const ALERT_ID_PATTERN = /^[0-9a-z]{10}-[0-9a-z]{4}$/;

/** Formats `parts` as an id. */
export function formatAlertId(parts: AlertIdParts): string {
  return `${parts.ms.toString(36).padStart(MS_DIGITS, "0")}-${
    parts.seq.toString(36).padStart(SEQ_DIGITS, "0")
  }`;
}

/** Parses an id; undefined when it is not well-formed. */
export function parseAlertId(id: string): AlertIdParts | undefined {
  if (!ALERT_ID_PATTERN.test(id)) return undefined;
  return {
    ms: parseInt(id.slice(0, MS_DIGITS), 36),
    seq: parseInt(id.slice(MS_DIGITS + 1), 36),
  };
}

/**
 * The smallest id at epoch `ms`: every id issued at or after `ms` sorts at
 * or after it, every earlier one before it. Used as a range bound for time
 * filters.
 */
export function alertIdFloor(ms: number): string {
  return formatAlertId({ ms: Math.max(0, Math.floor(ms)), seq: 0 });
}

/**
 * The id after `last` for an alert raised at `now`: a new millisecond when the
 * clock moved on, otherwise the next counter value in the last one (spilling
 * into the next millisecond when 36⁴ ids were issued in one).
 */
export function nextAlertId(
  last: AlertIdParts | undefined,
  now: number,
): AlertIdParts {
  const ms = Math.max(0, Math.floor(now));
  if (last === undefined || ms > last.ms) return { ms, seq: 0 };
  if (last.seq < MAX_SEQ) return { ms: last.ms, seq: last.seq + 1 };
  return { ms: last.ms + 1, seq: 0 };
}
