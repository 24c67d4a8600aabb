/**
 * The markets the service follows now, and what changes when the exchange's
 * listing does (`SYMBOLS=all`): a new listing starts streaming, a delisting
 * stops and is reported — and neither restarts anything. Each part that
 * keeps per-symbol state learns of the change here, once: the hub opens or
 * drops the channel, the alert rules and the threshold store track or forget
 * the symbol, the routes' symbol table follows, and ingestion gets the new
 * list of topics.
 *
 * Symbols are keyed by channel id, which names the market too
 * (`BTC-USDT` spot, `BTC-USDT-PERP` perpetual): (category, symbol) never
 * collide.
 */
import type { SymbolThresholds } from "../alerts/symbol_thresholds.ts";
import { lineFor, type ServiceConfig } from "../config/load_config.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import { RingBuffer } from "../hub/ring_buffer.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../market/tracked_symbol.ts";

/** What a listing changed. */
export interface ListingChange {
  /** Channel ids that appeared, in listing order. */
  readonly added: TrackedSymbol[];
  /** Channel ids that are gone. */
  readonly removed: TrackedSymbol[];
  /** Every symbol followed after the change: kept ones first, in order. */
  readonly next: TrackedSymbol[];
}

/**
 * What replacing `category`'s share of `current` with `listing` changes.
 * Pure. Symbols that stay keep their place; new ones follow in listing order.
 */
export function diffListing(
  current: readonly TrackedSymbol[],
  category: MarketCategory,
  listing: readonly TrackedSymbol[],
): ListingChange {
  const listed = new Map(
    listing.filter((s) => s.category === category).map((s) => [s.id, s]),
  );
  const next: TrackedSymbol[] = [];
  const removed: TrackedSymbol[] = [];
  const kept = new Set<string>();
  for (const symbol of current) {
    if (symbol.category !== category) next.push(symbol);
    else if (listed.has(symbol.id)) {
      next.push(listed.get(symbol.id)!);
      kept.add(symbol.id);
    } else removed.push(symbol);
  }
  const added = [...listed.values()].filter((s) => !kept.has(s.id));
  next.push(...added);
  return { added, removed, next };
}

/** The alert lines of `symbol` from the configuration (liquidation: perps only). */
export function configuredLines(
  config: Pick<ServiceConfig, "lines">,
  symbol: TrackedSymbol,
): SymbolThresholds {
  const lines = config.lines;
  return {
    whale: lineFor(lines.whale, symbol.id),
    trade: lineFor(lines.trade, symbol.id),
    spike: lineFor(lines.spike, symbol.id),
    ...(symbol.category === "linear" &&
      { liquidation: lineFor(lines.liquidation, symbol.id) }),
  };
}

/**
 * The configured lines of `symbols` by kind, as the threshold store takes its
 * defaults (a kind a symbol has no line of leaves it out).
 */
export function lineDefaults(
  config: Pick<ServiceConfig, "lines">,
  symbols: readonly TrackedSymbol[],
): Record<keyof SymbolThresholds, Record<string, number>> {
  const out: Record<keyof SymbolThresholds, Record<string, number>> = {
    whale: {},
    trade: {},
    spike: {},
    liquidation: {},
  };
  for (const symbol of symbols) {
    const lines = configuredLines(config, symbol);
    for (const kind of Object.keys(out) as (keyof SymbolThresholds)[]) {
      const value = lines[kind];
      if (value !== undefined) out[kind][symbol.id] = value;
    }
  }
  return out;
}

/** The parts that keep per-symbol state, as the catalog drives them. */
export interface CatalogParts {
  readonly hub: Pick<StreamHub, "addSymbols" | "removeSymbols">;
  readonly alerts: {
    track(symbol: string, thresholds: SymbolThresholds): void;
    untrack(symbol: string): void;
  };
  readonly thresholds: {
    /** Tracks with defaults; returns the values in force (overrides win). */
    track(
      symbol: string,
      defaults: Partial<Record<keyof SymbolThresholds, number>>,
    ): Partial<Record<keyof SymbolThresholds, number>>;
    untrack(symbol: string): void;
  };
  /** Bars, their backfill and the trades tape. */
  readonly candles: {
    track(symbols: readonly TrackedSymbol[]): void;
    untrack(symbols: readonly string[]): void;
  };
  readonly ingestion: {
    setSymbols(
      symbols: readonly TrackedSymbol[],
      thresholds: Readonly<Record<string, number>>,
    ): void;
  };
  /** The whale line in force of a tracked symbol. */
  whaleLine(symbol: string): number;
  readonly config: Pick<ServiceConfig, "lines">;
}

/** A delisting, as diagnostics report it. */
export interface Delisting {
  readonly symbol: string;
  /** Epoch ms it was noticed. */
  readonly at: number;
}

/** Delistings remembered for diagnostics. */
const DELISTINGS_KEPT = 50;

/** The live set of followed symbols. */
export class MarketCatalog {
  #symbols: TrackedSymbol[];
  #byId: Map<string, TrackedSymbol>;
  #table: Map<string, string>;
  #delisted = new RingBuffer<Delisting>(DELISTINGS_KEPT);

  /** Follows `initial`; the parts already know them. */
  constructor(initial: readonly TrackedSymbol[]) {
    this.#symbols = [...initial];
    this.#byId = new Map(initial.map((s) => [s.id, s]));
    this.#table = new Map(initial.map((s) => [s.id.toUpperCase(), s.id]));
  }

  /** Followed symbols, in order. */
  get symbols(): readonly TrackedSymbol[] {
    return this.#symbols;
  }

  /** Channel ids followed, in order. */
  ids(): string[] {
    return this.#symbols.map((s) => s.id);
  }

  /** The followed symbol `id`, if any. */
  get(id: string): TrackedSymbol | undefined {
    return this.#byId.get(id);
  }

  /**
   * Canonical ids by upper-case id, kept current: the routes' symbol table
   * (a live view, not a copy).
   */
  get table(): ReadonlyMap<string, string> {
    return this.#table;
  }

  /** Recent delistings, oldest first. */
  delistings(): Delisting[] {
    return this.#delisted.slice();
  }

  /**
   * Replaces `category`'s symbols with `listing` and tells every part; does
   * nothing when nothing changed. Returns the change.
   */
  apply(
    category: MarketCategory,
    listing: readonly TrackedSymbol[],
    parts: CatalogParts,
    now: number,
  ): ListingChange {
    const change = diffListing(this.#symbols, category, listing);
    if (change.added.length === 0 && change.removed.length === 0) {
      return change;
    }
    for (const symbol of change.removed) {
      parts.alerts.untrack(symbol.id);
      parts.thresholds.untrack(symbol.id);
      this.#byId.delete(symbol.id);
      this.#table.delete(symbol.id.toUpperCase());
      this.#delisted.push({ symbol: symbol.id, at: now });
    }
    const removed = change.removed.map((s) => s.id);
    parts.hub.removeSymbols(removed);
    parts.candles.untrack(removed);
    for (const symbol of change.added) {
      const values = parts.thresholds.track(
        symbol.id,
        configuredLines(parts.config, symbol),
      );
      parts.alerts.track(symbol.id, {
        whale: values.whale!,
        trade: values.trade!,
        spike: values.spike!,
        ...(values.liquidation !== undefined &&
          { liquidation: values.liquidation }),
      });
      this.#byId.set(symbol.id, symbol);
      this.#table.set(symbol.id.toUpperCase(), symbol.id);
    }
    parts.hub.addSymbols(change.added.map((s) => s.id));
    parts.candles.track(change.added);
    this.#symbols = change.next;
    parts.ingestion.setSymbols(
      change.next,
      Object.fromEntries(change.next.map((s) => [s.id, parts.whaleLine(s.id)])),
    );
    return change;
  }
}
