/**
 * A tick's wire text, split so a stream engine can number it: the leader
 * encodes the tick's fields once (`tickData`), the engine gives it its seq,
 * and every instance builds the frame text by prefixing type, symbol and seq
 * (`tickEntry`) — a string concatenation, not a second JSON encoding. The
 * result is byte for byte what `JSON.stringify` gives for the
 * {@linkcode TickFrame} (field order type, symbol, seq, ts, ...). The parsed
 * frame is only built when something asks for it (the API, diagnostics),
 * never on the broadcast path, and not kept.
 */
import { type AnalyzedTick, PERP_FIELDS } from "../protocol/analyzed_tick.ts";
import type { TickFrame } from "../protocol/frames.ts";

/** A numbered tick with its wire encoding, shared by every subscriber. */
export interface ChannelEntry {
  readonly seq: number;
  /** The frame, parsed from `encoded` when read. */
  readonly frame: TickFrame;
  /** The JSON text frame, encoded once. */
  readonly encoded: string;
}

/**
 * The tick's fields after `seq`, as JSON object text, stamped `ts = now`.
 * `JSON.stringify` gives one flat string. Written out piece by piece it was
 * faster to build (0.5 against 0.75 µs a spot tick) but stayed a rope of
 * some thirty parts until first read, and history holds it: 1,091 bytes of
 * heap per tick instead of 329, and a whole market's RSS over 500 MB.
 */
export function tickData(tick: AnalyzedTick, now: number): string {
  const fields: Record<string, unknown> = {
    ts: now,
    price: tick.price,
    high: tick.high,
    low: tick.low,
    volume: tick.volume,
    change: tick.change,
    spread: tick.spread,
    is_whale: tick.is_whale,
    whale_alert: tick.whale_alert,
    whale_threshold: tick.whale_threshold,
    tier: tick.tier,
    range_position: tick.range_position,
    velocity: tick.velocity,
    upstream_ts: tick.upstream_ts,
    source: tick.source,
  };
  // Perpetuals only: a spot frame stays exactly as it was on the wire.
  for (const field of PERP_FIELDS) {
    const value = tick[field];
    if (value !== undefined) fields[field] = value;
  }
  return JSON.stringify(fields);
}

/**
 * The `ts` that `data` (from {@linkcode tickData}) starts with, read without
 * parsing it (for the publish-to-delivery latency of every tick).
 */
export function tickDataTs(data: string): number | undefined {
  if (!data.startsWith('{"ts":')) return undefined;
  const end = data.indexOf(",", 6);
  const ts = Number(data.slice(6, end < 0 ? undefined : end));
  return Number.isFinite(ts) ? ts : undefined;
}

/**
 * A stored tick. The frame is decoded from its text on each read and never
 * kept: reads are rare (the API, a page's history), while a kept object
 * would cost about as much as its text again for every entry of every
 * channel's history.
 */
abstract class StoredTick implements ChannelEntry {
  abstract readonly seq: number;
  abstract readonly encoded: string;

  get frame(): TickFrame {
    return JSON.parse(this.encoded) as TickFrame;
  }
}

/** A stored tick whose text is kept as it was given (restored history). */
class EncodedEntry extends StoredTick {
  constructor(readonly seq: number, readonly encoded: string) {
    super();
  }
}

/**
 * A published tick: its fields' text (from {@linkcode tickData}, the same
 * string the stream engine numbered and holds) and its symbol. The frame
 * text is put together when asked for — once per broadcast, and on the rare
 * replay — and not kept: a kept copy would hold every tick's text twice
 * across the hub's and the engine's history, the largest part of the heap
 * with a whole market tracked.
 */
class DataEntry extends StoredTick {
  constructor(
    readonly symbol: string,
    readonly seq: number,
    readonly data: string,
  ) {
    super();
  }

  get encoded(): string {
    return `{"type":"tick","symbol":${
      JSON.stringify(this.symbol)
    },"seq":${this.seq},${this.data.slice(1)}`;
  }
}

/** The entry for `data` (from {@linkcode tickData}) numbered `seq`. */
export function tickEntry(
  symbol: string,
  seq: number,
  data: string,
): ChannelEntry {
  return new DataEntry(symbol, seq, data);
}

/** The entry of an encoded frame numbered `seq` (restored history). */
export function encodedEntry(seq: number, encoded: string): ChannelEntry {
  return new EncodedEntry(seq, encoded);
}

/**
 * The fields after `seq` of a stored entry, as {@linkcode tickData} made
 * them: cut from its encoding, decoded only when it is not in that shape.
 */
export function entryData(entry: ChannelEntry): string {
  if (entry instanceof DataEntry) return entry.data;
  const marker = `,"seq":${entry.seq},`;
  const at = entry.encoded.indexOf(marker);
  if (entry.encoded.startsWith('{"type":"tick","symbol":') && at > 0) {
    return `{${entry.encoded.slice(at + marker.length)}`;
  }
  const { type: _type, symbol: _symbol, seq: _seq, ...rest } = entry.frame;
  return JSON.stringify(rest);
}

/**
 * The `ts` of a stored entry, cut from its encoding (the diagnostics read it
 * for every symbol); decoded only when the encoding is not in that shape.
 */
export function entryTs(entry: ChannelEntry): number {
  return tickDataTs(entryData(entry)) ?? entry.frame.ts;
}

/** The entry of an already built frame (restored history). */
export function frameEntry(frame: TickFrame): ChannelEntry {
  return new EncodedEntry(frame.seq, JSON.stringify(frame));
}
