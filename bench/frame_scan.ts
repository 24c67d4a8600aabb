/**
 * Cheap field extraction from tick frames.
 *
 * At thousands of sockets × 20 ticks/s the load generator cannot afford a
 * `JSON.parse` (one object and a dozen strings) per delivered frame, or it
 * measures its own garbage collector instead of the server. Every target
 * serialises frames with `type` first (the service's `Channel.publish`, the
 * peers' tick source), so the type is read with one `startsWith`, and `seq`
 * and `ts` are read by scanning digits in place. A frame that does not start
 * with `{"type":"` takes the slow, always-correct `JSON.parse` path.
 */

/** What a frame is, as far as the load generator cares. */
export type FrameKind = "tick" | "batch" | "other";

/** Reusable out-parameter of {@linkcode scanTick}, so scanning allocates nothing. */
export interface TickFields {
  /** Per-symbol sequence number. */
  seq: number;
  /** Server emit time, epoch ms. */
  ts: number;
  /** Index of the frame's symbol in the list given, or -1 if not found. */
  symbolIndex: number;
}

const TYPE_PREFIX = '{"type":"';
const TICK_PREFIX = '{"type":"tick"';
const BATCH_PREFIX = '{"type":"batch"';

/** Classifies the JSON object starting at `start` in `text`. */
export function frameKind(text: string, start = 0): FrameKind {
  if (text.startsWith(TICK_PREFIX, start)) return "tick";
  if (text.startsWith(BATCH_PREFIX, start)) return "batch";
  if (text.startsWith(TYPE_PREFIX, start)) return "other";
  try {
    const type = JSON.parse(start === 0 ? text : text.slice(start))?.type;
    return type === "tick" || type === "batch" ? type : "other";
  } catch {
    return "other";
  }
}

/** Search needle for the `seq` field, built once rather than per frame. */
export const SEQ_FIELD = '"seq":';
/** Search needle for the `ts` field (`"upstream_ts":` does not contain it). */
export const TS_FIELD = '"ts":';

/**
 * Reads the number that follows `field` (a needle like {@linkcode SEQ_FIELD})
 * in a flat JSON object, starting the search at `from`. NaN when absent.
 * Valid for tick frames because they hold no nested objects or strings that
 * could contain the needle.
 */
export function readNumberField(text: string, field: string, from = 0): number {
  const at = text.indexOf(field, from);
  if (at < 0) return NaN;
  return readNumberAt(text, at + field.length);
}

/** The number literal starting at `pos`, digits scanned without slicing. */
export function readNumberAt(text: string, pos: number): number {
  let i = pos;
  let value = 0;
  let digits = 0;
  const negative = text.charCodeAt(i) === 45;
  if (negative) i++;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    digits++;
  }
  if (digits === 0) return NaN;
  const next = text.charCodeAt(i);
  // A fraction or exponent is rare on these fields: let the engine parse it.
  if (next === 46 || next === 101 || next === 69) {
    let end = i + 1;
    while (end < text.length && /[0-9eE+\-.]/.test(text[end])) end++;
    return Number(text.slice(pos, end));
  }
  return negative ? -value : value;
}

/**
 * Fills `out` with `seq`, `ts` and the symbol's index in `symbols` for the
 * tick frame whose object starts at `start`. Returns false when `seq` or `ts`
 * is missing or not a number.
 */
export function scanTick(
  text: string,
  start: number,
  symbols: readonly string[],
  out: TickFields,
): boolean {
  out.seq = readNumberField(text, SEQ_FIELD, start);
  out.ts = readNumberField(text, TS_FIELD, start);
  out.symbolIndex = -1;
  const at = text.indexOf('"symbol":"', start);
  if (at >= 0) {
    const value = at + 10;
    for (let i = 0; i < symbols.length; i++) {
      const symbol = symbols[i];
      if (
        text.startsWith(symbol, value) &&
        text.charCodeAt(value + symbol.length) === 34
      ) {
        out.symbolIndex = i;
        break;
      }
    }
  }
  return Number.isFinite(out.seq) && Number.isFinite(out.ts);
}

/**
 * The `seq` of the newest tick in a history batch frame (frames are oldest
 * first, so it is the last `"seq":` in the text), or NaN for an empty batch.
 */
export function lastSeqOfBatch(text: string): number {
  const at = text.lastIndexOf(SEQ_FIELD);
  return at < 0 ? NaN : readNumberAt(text, at + SEQ_FIELD.length);
}

/** The symbol of a batch frame, as an index in `symbols`, or -1. */
export function batchSymbolIndex(
  text: string,
  symbols: readonly string[],
): number {
  const at = text.indexOf('"symbol":"');
  if (at < 0) return -1;
  for (let i = 0; i < symbols.length; i++) {
    if (
      text.startsWith(symbols[i], at + 10) &&
      text.charCodeAt(at + 10 + symbols[i].length) === 34
    ) {
      return i;
    }
  }
  return -1;
}
