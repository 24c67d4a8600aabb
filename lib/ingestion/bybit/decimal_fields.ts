/**
 * Bybit's numbers arrive as decimal strings (`"21109.77"`, `""` for "not
 * applicable"). This turns them into finite, plausible numbers.
 *
 * It is a plain loop over a table of fields, not a zod transform per field,
 * because it runs on every upstream message: at whole-market scale (about
 * 16,000 messages a second) a transform per field cost the ingestion worker
 * a fifth of its time. zod still checks the shape first — every field a
 * string, or absent where allowed — and this loop then reads the strings with
 * the same rules and the same messages the per-field transforms had.
 */
import { implausible, type PlausibleRange } from "./plausible_ranges.ts";
import { operatorSafeText } from "./upstream_error.ts";

/** Plain decimal or exponent notation; no hex, no spaces, no `Infinity`. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const EXCERPT_LENGTH = 24;

/**
 * The finite number `raw` spells, inside `range` when one is given; or, as
 * a string, why it is not one. A number comes back without allocating, so
 * the common case costs a regular-expression test and a `Number()`.
 */
export function readDecimal(
  raw: string,
  range?: PlausibleRange,
): number | string {
  const value = DECIMAL.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value)) {
    return `expected a finite decimal string, got ${
      JSON.stringify(operatorSafeText(raw, EXCERPT_LENGTH))
    }`;
  }
  return (range && implausible(value, range)) || value;
}

/** One decimal-string field of a message and the rules its value obeys. */
export interface DecimalField {
  /** Key of the field, in the message and in the result. */
  readonly key: string;
  /** Where the value must lie to be believed. */
  readonly range: PlausibleRange;
  /** `""` or a missing field is absent rather than invalid. Default false. */
  readonly optional?: boolean;
  /**
   * When set, zero is refused too, with this message (a liquidation's price
   * and size): the range's minimum is inclusive.
   */
  readonly aboveZero?: string;
}

/** Why a message's field was refused: its key and the reason. */
export class FieldProblem {
  /** Dotted path of the field, e.g. `lastPrice`. */
  readonly path: string;
  /** What is wrong with it, never quoting more than a short excerpt. */
  readonly message: string;

  /** A problem of the field at `path`. */
  constructor(path: string, message: string) {
    this.path = path;
    this.message = message;
  }

  /** `path: message` (the message alone without a path), as reasons read. */
  toString(): string {
    return this.path ? `${this.path}: ${this.message}` : this.message;
  }
}

/**
 * Reads each of `fields` from `source` (whose shape zod has checked: the
 * fields are strings, or absent where optional) into `into` as numbers, in
 * order; an absent optional field is left out. Returns `into`, or the first
 * field that fails. (Giving `into` its number fields up front, e.g.
 * `{ p: 0, v: 0 }`, keeps its shape fixed, so the writes stay cheap.)
 */
export function readDecimalFields<T extends object>(
  source: Readonly<Record<string, unknown>>,
  fields: readonly DecimalField[],
  into: T,
): T | FieldProblem {
  const target = into as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const raw = source[field.key];
    if (field.optional && (raw === undefined || raw === "")) continue;
    const value = typeof raw === "string"
      ? readDecimal(raw, field.range)
      : "expected a decimal string";
    if (typeof value === "string") return new FieldProblem(field.key, value);
    if (field.aboveZero !== undefined && value <= 0) {
      return new FieldProblem(field.key, field.aboveZero);
    }
    target[field.key] = value;
  }
  return into;
}

/** Price and size of a trade-like item, and their product. */
export interface PriceAndSize {
  p: number;
  v: number;
  notional: number;
}

/**
 * Reads the price `p` and size `v` of a trade-like item (a trade, a
 * liquidation) by `fields`, with their notional; or the first problem. The
 * caller bounds the notional as its kind needs.
 */
export function readPriceAndSize(
  item: Readonly<{ p: string; v: string }>,
  fields: readonly DecimalField[],
): PriceAndSize | FieldProblem {
  const read = readDecimalFields(item, fields, { p: 0, v: 0, notional: 0 });
  if (read instanceof FieldProblem) return read;
  read.notional = read.p * read.v;
  return read;
}
