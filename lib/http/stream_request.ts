/**
 * Parses and validates the query of a stream socket request (`since`,
 * `epoch`, `symbols`, `history`, and the derived frames `candles=<interval>`
 * and `trades=1`) before the upgrade, so a malformed value gets a 400 with a
 * reason instead of an accepted socket that misbehaves.
 *
 * The rule for `/ws/stream`: one socket follows at most
 * {@linkcode MAX_STREAM_SYMBOLS} symbols in detail (ticks, history, resume).
 * `symbols` names them; left out, it means every tracked symbol while there
 * are at most that many, and is refused (400) beyond, pointing to
 * `/ws/market` — the conflated view of every symbol — so a page watching
 * the whole market never asks for a thousand detail channels.
 */
import { CANDLE_INTERVALS, type CandleInterval } from "../protocol/candles.ts";
import { HttpError } from "../web/mod.ts";
import { resolveSymbol, type SymbolTable } from "./symbol_policy.ts";

/** Most symbols one multiplexed socket may follow. */
export const MAX_STREAM_SYMBOLS = 32;

// Plain patterns, not zod: these run on every handshake, where a schema's
// parse cost several times what the whole check needs (bench:hot).
const SEQ = /^\d{1,15}$/;
const EPOCH = /^[A-Za-z0-9-]{1,64}$/;
const INTERVALS: ReadonlySet<string> = new Set(CANDLE_INTERVALS);

/** A validated join request (symbols canonical, resume points per symbol). */
export interface StreamRequest {
  readonly symbols: string[];
  readonly since: Map<string, number>;
  readonly epoch?: string;
  /**
   * Most history ticks replayed per symbol on a fresh join (`history=<n>`;
   * 0 for live ticks only). Resume points (`since`) are always honoured in
   * full, so a limit never opens a gap.
   */
  readonly historyLimit?: number;
  /** Interval of the candle frames asked for (`candles=<interval>`). */
  readonly candles?: CandleInterval;
  /** Trades frames asked for (`trades=1`). */
  readonly trades?: boolean;
  /** The market overview (`/ws/market`) rather than detail channels. */
  readonly market?: boolean;
}

function badQuery(detail: string): HttpError {
  return new HttpError(400, "invalid_query", detail);
}

function parseEpoch(params: URLSearchParams): string | undefined {
  const raw = params.get("epoch");
  if (raw === null) return undefined;
  if (!EPOCH.test(raw)) {
    throw badQuery("epoch must be 1 to 64 letters, digits or dashes");
  }
  return raw;
}

function parseHistoryLimit(params: URLSearchParams): number | undefined {
  const raw = params.get("history");
  return raw === null ? undefined : parseSeq(raw, "history");
}

/** `candles=<interval>` and `trades=1|0`: the derived frames a socket asks for. */
function parseDerived(
  params: URLSearchParams,
): Pick<StreamRequest, "candles" | "trades"> {
  const candles = params.get("candles");
  const trades = params.get("trades");
  const parsed: { candles?: CandleInterval; trades?: boolean } = {};
  if (candles !== null) {
    if (!INTERVALS.has(candles)) {
      throw badQuery(`candles must be one of ${CANDLE_INTERVALS.join(", ")}`);
    }
    parsed.candles = candles as CandleInterval;
  }
  if (trades !== null) {
    if (trades !== "1" && trades !== "0") {
      throw badQuery("trades must be 1 (send the trades tape) or 0");
    }
    if (trades === "1") parsed.trades = true;
  }
  return parsed;
}

function parseSeq(raw: string, name: string): number {
  if (!SEQ.test(raw)) throw badQuery(`${name} must be a non-negative integer`);
  return Number(raw);
}

/** `/ws/price/:symbol?since=<seq>&epoch=<epoch>&history=<n>`. */
export function parseSingleStream(
  rawSymbol: string,
  params: URLSearchParams,
  table: SymbolTable,
): StreamRequest {
  const symbol = resolveSymbol(rawSymbol, table);
  const since = new Map<string, number>();
  const rawSince = params.get("since");
  if (rawSince !== null) since.set(symbol, parseSeq(rawSince, "since"));
  return {
    symbols: [symbol],
    since,
    epoch: parseEpoch(params),
    historyLimit: parseHistoryLimit(params),
    ...parseDerived(params),
  };
}

/**
 * `/ws/stream?symbols=A,B&since=A:<seq>,B:<seq>&epoch=<epoch>&history=<n>&candles=<interval>&trades=1`;
 * without `symbols`, every tracked symbol.
 */
export function parseMultiplexedStream(
  params: URLSearchParams,
  table: SymbolTable,
): StreamRequest {
  const rawSymbols = params.get("symbols");
  if (rawSymbols === null && table.size > MAX_STREAM_SYMBOLS) {
    throw badQuery(
      `symbols is required while more than ${MAX_STREAM_SYMBOLS} symbols are tracked (${table.size}): name at most ${MAX_STREAM_SYMBOLS}, or open /ws/market for every symbol at once`,
    );
  }
  const names = rawSymbols === null
    ? [...table.values()]
    : rawSymbols.split(",").filter((s) => s !== "");
  if (names.length === 0) {
    throw badQuery("symbols must name at least one symbol");
  }
  if (names.length > MAX_STREAM_SYMBOLS) {
    throw badQuery(
      `symbols may name at most ${MAX_STREAM_SYMBOLS} symbols; open /ws/market for every symbol at once`,
    );
  }
  const symbols = [...new Set(names.map((name) => resolveSymbol(name, table)))];
  const since = new Map<string, number>();
  const rawSince = params.get("since");
  if (rawSince !== null && rawSince !== "") {
    for (const pair of rawSince.split(",")) {
      const at = pair.lastIndexOf(":");
      if (at <= 0) {
        throw badQuery("since must be SYMBOL:SEQ pairs separated by commas");
      }
      const symbol = resolveSymbol(pair.slice(0, at), table);
      if (!symbols.includes(symbol)) {
        throw badQuery(`since names ${symbol}, which is not in symbols`);
      }
      since.set(symbol, parseSeq(pair.slice(at + 1), `since for ${symbol}`));
    }
  }
  return {
    symbols,
    since,
    epoch: parseEpoch(params),
    historyLimit: parseHistoryLimit(params),
    ...parseDerived(params),
  };
}

/**
 * `/ws/market`: the conflated overview of every tracked symbol. It takes no
 * parameters; any given is refused, so a typo is not silently ignored.
 */
export function parseMarketStream(params: URLSearchParams): StreamRequest {
  for (const name of params.keys()) {
    throw badQuery(`/ws/market takes no query parameters, got ${name}`.slice(
      0,
      120,
    ));
  }
  return { symbols: [], since: new Map(), market: true };
}
