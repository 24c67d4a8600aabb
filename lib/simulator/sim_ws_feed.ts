/**
 * One of the simulator's public WebSocket streams (spot or linear): every
 * open session, one push timer, and the standing WebSocket fault.
 *
 * Each push cycle advances the shared {@linkcode SimMarket} to now — the same
 * market the REST handler answers from, so a push and a REST answer at the
 * same instant carry the same numbers — then encodes each subscribed topic
 * once, when it is first sent, stamping it then (`tickers.*`, and `publicTrade.*` / `allLiquidation.*` arrays of what
 * the tapes gained since the previous cycle) and hands the same string to
 * every session that follows it. Spot tickers are snapshots; linear tickers
 * are a snapshot for a session that just subscribed, then deltas with only
 * the fields that changed, as Bybit pushes them. The timer runs only while a
 * session is open.
 */
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import type { SimLiquidation, SimMarket } from "./market_model.ts";
import type { SpotTickerItem } from "./spot_ticker.ts";
import { tickerDelta } from "./linear_ticker.ts";
import type { SimTrade } from "./trade_tape.ts";
import {
  type ActiveWsFault,
  WsFaultControl,
  type WsFaultOptions,
} from "./ws_fault_control.ts";
import { parseWsFault, type WsFault } from "./ws_faults.ts";
import {
  linearTickersPush,
  liquidationPush,
  MALFORMED_VARIANTS,
  malformedFrame,
  parseTopic,
  publicTradePushes,
  tickersPush,
} from "./ws_messages.ts";
import { type SimSocket, SimWsSession } from "./sim_ws_session.ts";

/** Default push interval: Bybit's spot ticker rate. */
export const DEFAULT_PUSH_INTERVAL_MS = 50;

/** A client this far behind (queued bytes) is dropped, as an exchange would. */
export const MAX_CLIENT_BACKLOG_BYTES = 8 << 20;

/** Options of {@linkcode SimWsFeed}. */
export interface SimWsFeedOptions {
  /** The market pushes are read from (shared with the REST handler). */
  readonly market: SimMarket;
  /** Time of pushes and of ack delays. Default: the system clock. */
  readonly clock?: Clock;
  /** Interval between push cycles, ms. Default {@linkcode DEFAULT_PUSH_INTERVAL_MS}. */
  readonly pushIntervalMs?: number;
}

/** What `GET /__sim/state` reports about the WebSocket side. */
export interface SimWsState {
  readonly pushIntervalMs: number;
  readonly activeFault: ActiveWsFault | null;
  /** Hits per canonical WebSocket fault name. */
  readonly faultsApplied: Record<string, number>;
  readonly connections: { readonly open: number; readonly total: number };
  /** Subscribe requests received over all connections. */
  readonly subscribeRequests: number;
  /** Data pushes sent (one per topic per session per cycle). */
  readonly pushesSent: number;
  /** Sessions muted by the `mute` fault (open, answering, sending no data). */
  readonly muted: number;
  /** Broken frames sent by the `malformed` fault. */
  readonly malformedSent: number;
}

/** Sessions, push cycles and faults of the simulated public stream. */
export class SimWsFeed {
  #market: SimMarket;
  #clock: Clock;
  #intervalMs: number;
  #faults = new WsFaultControl();
  #sessions = new Set<SimWsSession>();
  /** Subscribers per topic, so a cycle encodes only what someone follows. */
  #topicCounts = new Map<string, number>();
  #cs = new Map<string, number>();
  /** Linear: the last ticker sent per symbol, which deltas are taken from. */
  #lastItems = new Map<string, Readonly<Record<string, string>>>();
  #tradeSeq: number;
  #liquidationSeq: number;
  #timer: TimerId | undefined;
  #nextPushAt = 0;
  #closed = false;
  #connections = 0;
  #subscribeRequests = 0;
  #pushesSent = 0;
  #malformedSent = 0;
  #malformedTurn = 0;

  /** Throws a `RangeError` for a push interval that is not a positive integer. */
  constructor(options: SimWsFeedOptions) {
    const interval = options.pushIntervalMs ?? DEFAULT_PUSH_INTERVAL_MS;
    if (!Number.isInteger(interval) || interval < 1) {
      throw new RangeError(
        `pushIntervalMs must be a positive integer, got ${interval}`,
      );
    }
    this.#market = options.market;
    this.#clock = options.clock ?? systemClock;
    this.#intervalMs = interval;
    this.#tradeSeq = options.market.lastTradeSeq;
    this.#liquidationSeq = options.market.lastLiquidationSeq;
  }

  /**
   * Starts a session on an open socket; the standing `close` or `silence`
   * fault hits it at once. After `close()` every new socket is closed.
   */
  open(socket: SimSocket): SimWsSession {
    const session = new SimWsSession(
      socket,
      `sim-conn-${++this.#connections}`,
      {
        clock: this.#clock,
        category: this.#market.category,
        faults: this.#faults,
        lists: (symbol) => this.#market.lists(symbol),
        subscribed: (topic) =>
          this.#topicCounts.set(topic, (this.#topicCounts.get(topic) ?? 0) + 1),
        unsubscribed: (topic) => {
          const left = (this.#topicCounts.get(topic) ?? 1) - 1;
          if (left > 0) this.#topicCounts.set(topic, left);
          else this.#topicCounts.delete(topic);
        },
        ended: (ended) => {
          this.#subscribeRequests += ended.subscribeRequests;
          this.#sessions.delete(ended);
          if (this.#sessions.size === 0) this.#stopTimer();
        },
      },
    );
    this.#sessions.add(session);
    if (this.#closed || this.#faults.take("close")) {
      session.close();
      return session;
    }
    if (this.#faults.take("silence")) session.silence();
    else if (this.#faults.take("mute")) session.mute();
    this.#startTimer();
    return session;
  }

  /**
   * Sets the standing WebSocket fault (a name or a parsed fault); `close` and
   * `silence` hit the open connections at once. Throws a `RangeError` for an
   * unknown name or a bad count.
   */
  setFault(
    fault: WsFault | string,
    options: WsFaultOptions = {},
  ): ActiveWsFault {
    if (typeof fault === "string") {
      const parsed = parseWsFault(fault);
      if (!parsed.ok) throw new RangeError(capitalise(parsed.detail));
      fault = parsed.fault;
    }
    const active = this.#faults.set(fault, options);
    if (
      fault.kind === "close" || fault.kind === "silence" ||
      fault.kind === "mute"
    ) {
      const kind = fault.kind;
      for (const session of [...this.#sessions]) {
        if (session.silenced || session.muted) continue;
        if (this.#faults.take(kind) === null) break;
        if (kind === "close") session.close();
        else if (kind === "silence") session.silence();
        else session.mute();
      }
    }
    return this.#faults.active ?? { ...active, remaining: 0 };
  }

  /** Clears the standing fault; silenced connections stay silent. */
  clearFault(): void {
    this.#faults.clear();
  }

  /** Counts, connections and the standing fault. */
  state(): SimWsState {
    let requests = this.#subscribeRequests;
    for (const session of this.#sessions) requests += session.subscribeRequests;
    return {
      pushIntervalMs: this.#intervalMs,
      activeFault: this.#faults.active,
      faultsApplied: this.#faults.applied,
      connections: { open: this.#sessions.size, total: this.#connections },
      subscribeRequests: requests,
      pushesSent: this.#pushesSent,
      muted: [...this.#sessions].filter((s) => s.muted).length,
      malformedSent: this.#malformedSent,
    };
  }

  /** Closes every session and refuses new ones; stops the push timer. */
  close(): void {
    this.#closed = true;
    for (const session of [...this.#sessions]) session.close();
    this.#stopTimer();
  }

  /**
   * Runs one push cycle now (the timer calls this; tests may too). The
   * market advances once, at the cycle's start; each topic's push is encoded
   * when it is first sent and stamped (`ts`) then, as an exchange stamps a
   * push when it builds it — so a push sent late in a large cycle does not
   * carry the cycle's start as its time.
   */
  push(): void {
    const start = this.#clock.now();
    this.#market.advanceTo(start);
    const stamp = () => this.#clock.now();
    const linear = this.#market.category === "linear";
    const frames = new Map<string, () => readonly string[]>();
    const snapshots = new Map<string, () => string>();
    const tradeSymbols = new Set<string>();
    const liquidationSymbols = new Set<string>();
    for (const topic of this.#topicCounts.keys()) {
      const parsed = parseTopic(topic);
      if (parsed === null) continue;
      if (parsed.kind === "publicTrade") {
        tradeSymbols.add(parsed.symbol);
        continue;
      }
      if (parsed.kind === "allLiquidation") {
        liquidationSymbols.add(parsed.symbol);
        continue;
      }
      const item = this.#market.ticker(parsed.symbol);
      if (item === undefined) continue;
      const cs = (this.#cs.get(parsed.symbol) ?? 0) + 1;
      this.#cs.set(parsed.symbol, cs);
      if (!linear) {
        frames.set(
          topic,
          encodedOnce(() => [
            tickersPush(item as SpotTickerItem, stamp(), cs),
          ]),
        );
        continue;
      }
      const fields = item as unknown as Readonly<Record<string, string>>;
      const previous = this.#lastItems.get(parsed.symbol);
      this.#lastItems.set(parsed.symbol, fields);
      snapshots.set(
        topic,
        encodedOnce(() =>
          linearTickersPush(parsed.symbol, "snapshot", fields, stamp(), cs)
        ),
      );
      const delta = previous && tickerDelta(previous, fields);
      if (delta) {
        frames.set(
          topic,
          encodedOnce(() => [
            linearTickersPush(parsed.symbol, "delta", delta, stamp(), cs),
          ]),
        );
      }
    }
    const trades = this.#market.tradesSince(this.#tradeSeq);
    this.#tradeSeq = this.#market.lastTradeSeq;
    for (const [symbol, list] of groupBySymbol(trades, tradeSymbols)) {
      frames.set(
        `publicTrade.${symbol}`,
        encodedOnce(() => publicTradePushes(symbol, list, stamp())),
      );
    }
    const liquidations = this.#market.liquidationsSince(this.#liquidationSeq);
    this.#liquidationSeq = this.#market.lastLiquidationSeq;
    for (
      const [symbol, list] of groupBySymbol(liquidations, liquidationSymbols)
    ) {
      frames.set(
        `allLiquidation.${symbol}`,
        encodedOnce(() => [liquidationPush(symbol, list, stamp())]),
      );
    }
    const malformed = this.#topicCounts.size > 0
      ? this.#faults.take("malformed")
      : null;
    const variant = malformed
      ? MALFORMED_VARIANTS[this.#malformedTurn++ % MALFORMED_VARIANTS.length]
      : undefined;
    for (const session of [...this.#sessions]) {
      if (session.bufferedAmount > MAX_CLIENT_BACKLOG_BYTES) {
        session.close();
        continue;
      }
      for (const topic of session.topics) {
        const snapshot = snapshots.get(topic);
        if (snapshot !== undefined && !session.snapshotted.has(topic)) {
          // A linear topic starts with its snapshot; deltas follow it.
          session.snapshotted.add(topic);
          if (session.sendData(snapshot())) this.#pushesSent++;
          continue;
        }
        for (const frame of frames.get(topic)?.() ?? []) {
          if (session.sendData(frame)) this.#pushesSent++;
        }
      }
      if (variant !== undefined) this.#sendMalformed(session, variant, start);
    }
  }

  #sendMalformed(
    session: SimWsSession,
    variant: typeof MALFORMED_VARIANTS[number],
    now: number,
  ): void {
    for (const topic of session.topics) {
      const item = this.#market.ticker(parseTopic(topic)?.symbol ?? "");
      if (item === undefined) continue;
      if (
        session.sendData(malformedFrame(variant, item as SpotTickerItem, now))
      ) {
        this.#malformedSent++;
      }
      return;
    }
  }

  #startTimer(): void {
    if (this.#timer !== undefined) return;
    this.#nextPushAt = this.#clock.now() + this.#intervalMs;
    this.#arm();
  }

  /** Fixed-rate schedule; a late cycle is not followed by a burst. */
  #arm(): void {
    const now = this.#clock.now();
    if (this.#nextPushAt < now) this.#nextPushAt = now;
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.push();
      if (this.#sessions.size === 0 || this.#closed) return;
      this.#nextPushAt += this.#intervalMs;
      this.#arm();
    }, this.#nextPushAt - now);
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }
}

/** `encode`, run at its first call only: later calls get the same value. */
function encodedOnce<T>(encode: () => T): () => T {
  let encoded: { value: T } | undefined;
  return () => (encoded ??= { value: encode() }).value;
}

/** Events (trades, liquidations) of the wanted symbols, per symbol, order kept. */
function groupBySymbol<T extends SimTrade | SimLiquidation>(
  events: readonly T[],
  wanted: ReadonlySet<string>,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  if (wanted.size === 0) return groups;
  for (const event of events) {
    if (!wanted.has(event.symbol)) continue;
    const list = groups.get(event.symbol);
    if (list) list.push(event);
    else groups.set(event.symbol, [event]);
  }
  return groups;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
