/**
 * The main thread's quick check of the analysed ticks a worker batch carries:
 * the same rules as the tick's zod schema in `worker_messages.ts`, field by
 * field: 0.34 µs a tick against zod's 1.8–2.4 µs (which also copies it).
 *
 * With a whole market tracked the main thread takes about 16,000 ticks a
 * second from the worker, and zod's object parse (which also builds a copy
 * of every tick) was 5 % of that thread's profile. A batch whose ticks all
 * pass here is taken as it came; anything this check does not accept —
 * a bad value, a missing field, a key the schema does not know — goes to
 * the zod schema, which stays the judge and writes the reason, so the two
 * paths never disagree on what is accepted.
 */
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";

/** A finite number (zod's `number()`: not NaN, not ±∞). */
function finite(value: unknown): boolean {
  return typeof value === "number" && value - value === 0;
}

/** A finite number, zero or more. */
function nonNegative(value: unknown): boolean {
  return typeof value === "number" && value >= 0 && value < Infinity;
}

/** Absent, or a finite number zero or more: counts 1 when present. */
function optionalNonNegative(value: unknown): number {
  if (value === undefined) return 0;
  return nonNegative(value) ? 1 : NaN;
}

/** Absent, or a finite number: counts 1 when present. */
function optionalFinite(value: unknown): number {
  if (value === undefined) return 0;
  return finite(value) ? 1 : NaN;
}

/** The symbol rule of `worker_messages.ts`: a channel id or exchange symbol. */
const SYMBOL = /^[A-Za-z0-9-]{1,32}$/;

/** Fields every tick has. */
const REQUIRED_FIELDS = 15;

/**
 * Whether `value` is a tick the zod schema accepts unchanged: every field
 * valid, optional ones absent or valid, and no other own key (zod would
 * strip it, so such a tick is left to zod). Written field by field, not as
 * a loop over names: reading a property by a name held in a variable was
 * most of the cost (3 µs a tick against zod's 2.4).
 */
export function isCleanTick(value: unknown): value is AnalyzedTick {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return false;
  }
  const tick = value as Partial<Record<keyof AnalyzedTick, unknown>>;
  const valid = typeof tick.symbol === "string" && SYMBOL.test(tick.symbol) &&
    nonNegative(tick.price) && nonNegative(tick.high) &&
    nonNegative(tick.low) && nonNegative(tick.volume) &&
    finite(tick.change) && finite(tick.spread) &&
    typeof tick.is_whale === "boolean" &&
    typeof tick.whale_alert === "boolean" &&
    nonNegative(tick.whale_threshold) &&
    (tick.tier === "STABLE" || tick.tier === "ACTIVE" ||
      tick.tier === "ELEVATED") &&
    finite(tick.range_position) && finite(tick.velocity) &&
    nonNegative(tick.upstream_ts) &&
    (tick.source === "ws" || tick.source === "rest" ||
      tick.source === "simulator");
  if (!valid) return false;
  const optional = optionalNonNegative(tick.mark_price) +
    optionalNonNegative(tick.index_price) +
    optionalNonNegative(tick.open_interest) +
    optionalNonNegative(tick.open_interest_value) +
    optionalFinite(tick.funding_rate) +
    optionalNonNegative(tick.next_funding_time);
  // NaN when an optional field is present and wrong; a key present with the
  // value undefined, or one the schema does not know, changes the count.
  return Object.keys(tick).length === REQUIRED_FIELDS + optional;
}
