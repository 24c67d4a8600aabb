/**
 * Decides when market data is worth an alert. Pure: ticks and trades go in,
 * alert drafts come out; the clock is injected. The original raised a
 * "whale alert" on every poll while turnover sat above the line and flooded
 * its ledger; here every kind is an event, not a level:
 *
 * - `threshold_crossing`: 24 h turnover goes from below the whale line to at
 *   or above it. It re-arms only once turnover falls below the line by the
 *   hysteresis margin, so a market hovering at the line fires once. The first
 *   observation of a symbol only arms: a restart never re-announces a market
 *   that was already above.
 * - `whale_trade`: one trade whose notional is at or above the trade line.
 * - `volume_spike`: notional traded within the spike window reaches the spike
 *   line. Edge-triggered like a crossing, with the same hysteresis, so a busy
 *   hour is one spike, not one per trade. The flow comes from trades while
 *   they arrive; without trades (REST polling) from the growth of 24 h
 *   turnover between consecutive ticks.
 *
 * - `liquidation`: one forced close of a perpetual position whose notional
 *   is at or above the symbol's liquidation line, with the liquidated side,
 *   the price and the size. Liquidations arrive validated (absurd values
 *   never get here); a spot symbol has no liquidation line.
 *
 * A cooldown per (symbol, kind) then limits the rate: an alert that would
 * fire inside it is suppressed and counted, never dropped silently.
 *
 * A trade is judged once per exchange trade id (a reconnect replays recent
 * trades), and the whole state moves between leaders as an
 * {@linkcode AlertHandover}, so a new leader does not raise again what the
 * old one raised.
 *
 * Symbols come and go at runtime (`SYMBOLS=all`): `track` adds one with its
 * lines, `untrack` forgets it and its state; the others are untouched.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import type { AlertKind } from "../protocol/frames.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { MarketLiquidation } from "../market/market_liquidation.ts";
import type { TickSource } from "../market/market_tick.ts";
import type { AlertDraft } from "./alert_draft.ts";
import type { AlertHandover, SymbolHandover } from "./alert_handover.ts";
import { SeenTradeIds } from "./seen_trade_ids.ts";
import { SlidingSum } from "./sliding_sum.ts";
import type { SymbolThresholds } from "./symbol_thresholds.ts";

/** The part of an analysed tick the engine reads. */
export interface EngineTick {
  readonly symbol: string;
  readonly price: number;
  /** 24 h turnover, USDT. */
  readonly volume: number;
  /** Exchange time of the snapshot, epoch ms. */
  readonly upstream_ts: number;
  readonly source: TickSource;
}

/** Options of {@linkcode AlertEngine}. */
export interface AlertEngineOptions {
  /** Lines per tracked symbol; other symbols are ignored. */
  readonly thresholds: Readonly<Record<string, SymbolThresholds>>;
  /** Minimum time between two alerts of one (symbol, kind), ms. Default 30 000; 0 disables. */
  readonly cooldownMs?: number;
  /**
   * How far below its line a crossing or spike measure must fall before it
   * can fire again, as a fraction of the line. Default 0.02 (2 %).
   */
  readonly hysteresis?: number;
  /** Window of the volume-spike flow, ms. Default 60 000. */
  readonly spikeWindowMs?: number;
  /** Trade ids remembered to judge each trade once. Default 10 000. */
  readonly seenTrades?: number;
  /** Time of cooldowns and of each alert's `at`. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** Alerts raised and suppressed, by symbol then kind. */
export type AlertCounts = Record<string, Record<AlertKind, number>>;

/** Counters of {@linkcode AlertEngine}. */
export interface AlertEngineStats {
  readonly raised: AlertCounts;
  readonly suppressed: AlertCounts;
}

/** Crossing state: no observation yet, ready to fire, or fired and waiting to re-arm. */
type CrossingState = "unknown" | "armed" | "fired";

interface SymbolState {
  thresholds: SymbolThresholds;
  crossing: CrossingState;
  spikeArmed: boolean;
  flow: SlidingSum;
  /** Last tick's turnover and exchange time, for the REST flow estimate. */
  lastTurnover?: { volume: number; ts: number };
  /** Local time of the last trade seen; flow comes from trades until it is a window old. */
  lastTradeAt: number;
  lastFired: Map<AlertKind, number>;
  raised: Record<AlertKind, number>;
  suppressed: Record<AlertKind, number>;
}

const zeroCounts = (): Record<AlertKind, number> => ({
  threshold_crossing: 0,
  volume_spike: 0,
  whale_trade: 0,
  price_level: 0,
  liquidation: 0,
});

/** The alerting rules, with per-symbol state. */
export class AlertEngine {
  #symbols = new Map<string, SymbolState>();
  #cooldownMs: number;
  #hysteresis: number;
  #spikeWindowMs: number;
  #seen: SeenTradeIds;
  #clock: Clock;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: AlertEngineOptions) {
    const cooldownMs = options.cooldownMs ?? 30_000;
    const hysteresis = options.hysteresis ?? 0.02;
    const spikeWindowMs = options.spikeWindowMs ?? 60_000;
    if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
      throw new RangeError(
        `cooldownMs must be a non-negative number, got ${cooldownMs}`,
      );
    }
    if (!(hysteresis >= 0 && hysteresis < 1)) {
      throw new RangeError(
        `hysteresis must be a fraction from 0 up to 1, got ${hysteresis}`,
      );
    }
    if (!Number.isFinite(spikeWindowMs) || spikeWindowMs <= 0) {
      throw new RangeError(
        `spikeWindowMs must be a positive number, got ${spikeWindowMs}`,
      );
    }
    this.#cooldownMs = cooldownMs;
    this.#hysteresis = hysteresis;
    this.#spikeWindowMs = spikeWindowMs;
    this.#seen = new SeenTradeIds({ capacity: options.seenTrades });
    this.#clock = options.clock ?? systemClock;
    for (const [symbol, thresholds] of Object.entries(options.thresholds)) {
      this.track(symbol, thresholds);
    }
  }

  /**
   * Starts judging `symbol` (a new listing) with `thresholds`; a symbol
   * already tracked keeps its state and gets the new lines. Throws a
   * `RangeError` for a bad value.
   */
  track(symbol: string, thresholds: SymbolThresholds): void {
    checkThresholds(symbol, thresholds);
    const state = this.#symbols.get(symbol);
    if (state) {
      state.thresholds = { ...thresholds };
      return;
    }
    this.#symbols.set(symbol, {
      thresholds: { ...thresholds },
      crossing: "unknown",
      spikeArmed: true,
      flow: new SlidingSum({ windowMs: this.#spikeWindowMs }),
      lastTradeAt: -Infinity,
      lastFired: new Map(),
      raised: zeroCounts(),
      suppressed: zeroCounts(),
    });
  }

  /** Stops judging `symbol` (delisted) and forgets its state and counts. */
  untrack(symbol: string): void {
    this.#symbols.delete(symbol);
  }

  /** One symbol's lines, or undefined when it is not tracked. */
  thresholds(symbol: string): SymbolThresholds | undefined {
    return this.#symbols.get(symbol)?.thresholds;
  }

  /**
   * Changes some of a tracked symbol's lines. The state is kept: lowering the
   * whale line below the turnover of an armed symbol fires on the next tick,
   * raising it above re-arms once the next tick is below the margin.
   * Throws a `RangeError` for an unknown symbol or a bad value.
   */
  setThresholds(symbol: string, changes: Partial<SymbolThresholds>): void {
    const state = this.#symbols.get(symbol);
    if (!state) {
      throw new RangeError(`symbol must be a tracked symbol, got "${symbol}"`);
    }
    const next = { ...state.thresholds, ...changes };
    checkThresholds(symbol, next);
    state.thresholds = next;
  }

  /** Judges ticks in arrival order; returns the alerts they raise. */
  observeTicks(ticks: readonly EngineTick[]): AlertDraft[] {
    const drafts: AlertDraft[] = [];
    for (const tick of ticks) {
      const state = this.#symbols.get(tick.symbol);
      if (!state) continue;
      if (!Number.isFinite(tick.volume) || !Number.isFinite(tick.price)) {
        continue;
      }
      this.#judgeCrossing(state, tick, drafts);
      this.#judgeTurnoverFlow(state, tick, drafts);
    }
    return drafts;
  }

  /** Judges trades (ascending in time per symbol); returns the alerts they raise. */
  observeTrades(
    trades: readonly MarketTrade[],
    source: TickSource,
  ): AlertDraft[] {
    const drafts: AlertDraft[] = [];
    const now = this.#clock.now();
    for (const trade of trades) {
      const state = this.#symbols.get(trade.symbol);
      if (!state) continue;
      if (!this.#seen.add(trade.symbol, trade.id)) continue;
      const { price, notional, time } = trade;
      if (
        !Number.isFinite(price) || !Number.isFinite(notional) ||
        !Number.isFinite(time) || notional <= 0
      ) continue;
      state.lastTradeAt = now;
      const line = state.thresholds.trade;
      if (notional >= line) {
        this.#fire(state, drafts, {
          symbol: trade.symbol,
          kind: "whale_trade",
          price,
          notional,
          threshold: line,
          side: trade.side,
          source,
        });
      }
      this.#addFlow(state, time, notional, {
        symbol: trade.symbol,
        price,
        source,
      }, drafts);
    }
    return drafts;
  }

  /**
   * The state a new leader needs: crossings, spike arming, last firings and
   * the trade ids judged recently. Flow windows are not included: they
   * refill within one window.
   */
  handover(savedAt: number): AlertHandover {
    const symbols: Record<string, SymbolHandover> = {};
    for (const [symbol, state] of this.#symbols) {
      symbols[symbol] = {
        crossing: state.crossing,
        spikeArmed: state.spikeArmed,
        lastFired: Object.fromEntries(state.lastFired),
      };
    }
    return { savedAt, symbols, seenTrades: this.#seen.toArray() };
  }

  /** Continues from the state another leader handed over. */
  adopt(handover: AlertHandover): void {
    for (const [symbol, saved] of Object.entries(handover.symbols)) {
      const state = this.#symbols.get(symbol);
      if (!state) continue;
      state.crossing = saved.crossing;
      state.spikeArmed = saved.spikeArmed;
      for (const [kind, at] of Object.entries(saved.lastFired)) {
        if (typeof at === "number") state.lastFired.set(kind as AlertKind, at);
      }
    }
    this.#seen.restore(handover.seenTrades);
  }

  /**
   * Judges liquidations; returns the alerts they raise: one per liquidation
   * at or above its symbol's liquidation line (within the cooldown).
   */
  observeLiquidations(
    liquidations: readonly MarketLiquidation[],
    source: TickSource,
  ): AlertDraft[] {
    const drafts: AlertDraft[] = [];
    for (const liquidation of liquidations) {
      const state = this.#symbols.get(liquidation.symbol);
      const line = state?.thresholds.liquidation;
      if (state === undefined || line === undefined) continue;
      const { price, size, notional } = liquidation;
      if (
        !Number.isFinite(price) || !Number.isFinite(size) ||
        !Number.isFinite(notional) || !(notional > 0)
      ) continue;
      if (notional < line) continue;
      this.#fire(state, drafts, {
        symbol: liquidation.symbol,
        kind: "liquidation",
        price,
        notional,
        threshold: line,
        side: liquidation.side,
        size,
        source,
      });
    }
    return drafts;
  }

  /** Alerts raised and suppressed so far, by symbol and kind. */
  stats(): AlertEngineStats {
    const raised: AlertCounts = {};
    const suppressed: AlertCounts = {};
    for (const [symbol, state] of this.#symbols) {
      raised[symbol] = { ...state.raised };
      suppressed[symbol] = { ...state.suppressed };
    }
    return { raised, suppressed };
  }

  #judgeCrossing(
    state: SymbolState,
    tick: EngineTick,
    drafts: AlertDraft[],
  ): void {
    const line = state.thresholds.whale;
    const above = tick.volume >= line;
    if (state.crossing === "unknown") {
      state.crossing = above ? "fired" : "armed";
      return;
    }
    if (state.crossing === "fired") {
      if (tick.volume < line * (1 - this.#hysteresis)) state.crossing = "armed";
      return;
    }
    if (!above) return;
    state.crossing = "fired";
    this.#fire(state, drafts, {
      symbol: tick.symbol,
      kind: "threshold_crossing",
      price: tick.price,
      notional: tick.volume,
      threshold: line,
      source: tick.source,
    });
  }

  /**
   * Without trades, the flow of the last interval is estimated by how much
   * 24 h turnover grew since the previous tick. A gap longer than the window
   * (an outage) is not a spike: it only moves the baseline.
   */
  #judgeTurnoverFlow(
    state: SymbolState,
    tick: EngineTick,
    drafts: AlertDraft[],
  ): void {
    const previous = state.lastTurnover;
    state.lastTurnover = { volume: tick.volume, ts: tick.upstream_ts };
    if (this.#clock.now() - state.lastTradeAt <= this.#spikeWindowMs) return;
    if (previous === undefined) return;
    const elapsed = tick.upstream_ts - previous.ts;
    if (!(elapsed > 0 && elapsed <= this.#spikeWindowMs)) return;
    const grown = tick.volume - previous.volume;
    if (!(grown > 0)) return;
    this.#addFlow(state, tick.upstream_ts, grown, tick, drafts);
  }

  #addFlow(
    state: SymbolState,
    at: number,
    amount: number,
    context: Pick<EngineTick, "symbol" | "price" | "source">,
    drafts: AlertDraft[],
  ): void {
    const line = state.thresholds.spike;
    // Re-arm on the flow before this sample: after a quiet spell, one big
    // trade must be able to both re-arm and fire.
    if (
      !state.spikeArmed &&
      state.flow.total(at) < line * (1 - this.#hysteresis)
    ) {
      state.spikeArmed = true;
    }
    state.flow.add(at, amount);
    const total = state.flow.total(at);
    if (!state.spikeArmed || total < line) return;
    state.spikeArmed = false;
    this.#fire(state, drafts, {
      symbol: context.symbol,
      kind: "volume_spike",
      price: context.price,
      notional: total,
      threshold: line,
      source: context.source,
    });
  }

  #fire(
    state: SymbolState,
    drafts: AlertDraft[],
    alert: Omit<AlertDraft, "at">,
  ): void {
    const now = this.#clock.now();
    const last = state.lastFired.get(alert.kind);
    if (last !== undefined && now - last < this.#cooldownMs) {
      state.suppressed[alert.kind]++;
      return;
    }
    state.lastFired.set(alert.kind, now);
    state.raised[alert.kind]++;
    drafts.push({ ...alert, at: now });
  }
}

function checkThresholds(symbol: string, thresholds: SymbolThresholds): void {
  for (const kind of ["whale", "trade", "spike", "liquidation"] as const) {
    const value = thresholds[kind];
    if (kind === "liquidation" && value === undefined) continue;
    if (!Number.isFinite(value) || value! <= 0) {
      throw new RangeError(
        `${kind} threshold of ${symbol} must be a positive finite number, got ${value}`,
      );
    }
  }
}
