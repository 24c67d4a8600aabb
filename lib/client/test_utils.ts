/**
 * Test doubles shared by the client's tests: a hand-driven socket,
 * hand-fired window/document events, and builders of wire frames with
 * realistic defaults (override what the test is about). Time is driven with
 * `FakeClock` from `lib/clock/fake_clock.ts`, the one fake clock.
 */
import type { Candle } from "../protocol/candles.ts";
import type { AlertFrame, ServerFrame, TickFrame } from "../protocol/frames.ts";
import type { ScreenerRow } from "./screener.ts";
import type { BrowserEvents, SocketLike } from "./stream_connection.ts";

/** A socket the test opens, feeds and drops by hand. */
export class FakeSocket implements SocketLike {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedWith: number | undefined;
  constructor(readonly url: string) {}
  open() {
    this.onopen?.(new Event("open"));
  }
  send(frame: ServerFrame) {
    this.onmessage?.(
      new MessageEvent("message", { data: JSON.stringify(frame) }),
    );
  }
  drop(code = 1006, reason = "") {
    this.onclose?.(new CloseEvent("close", { code, reason }));
  }
  close(code?: number) {
    this.closedWith = code;
  }
}

/** Browser events (online, offline, visibility) the test fires by hand. */
export class FakeEvents implements BrowserEvents {
  online = true;
  visible = true;
  listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void) {
    this.listeners.get(type)?.delete(listener);
  }
  isOnline() {
    return this.online;
  }
  isVisible() {
    return this.visible;
  }
  fire(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
  get count() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

/** A tick frame for `symbol` with sequence `seq`. */
export function tickFrame(
  symbol: string,
  seq: number,
  overrides: Partial<TickFrame> = {},
): TickFrame {
  return {
    type: "tick",
    symbol,
    seq,
    ts: 1_700_000_000_000 + seq * 1_000,
    price: 100 + seq,
    high: 200,
    low: 50,
    volume: 1_000_000,
    change: 1.5,
    spread: 300,
    is_whale: false,
    whale_alert: false,
    whale_threshold: 5_000_000,
    tier: "ELEVATED",
    range_position: 40,
    velocity: 0.01,
    upstream_ts: 1_700_000_000_000 + seq * 1_000,
    source: "simulator",
    ...overrides,
  };
}

/** An alert frame with a sortable id from `n`. */
export function alertFrame(
  n: number,
  overrides: Partial<AlertFrame> = {},
): AlertFrame {
  return {
    type: "alert",
    id: `a${String(n).padStart(6, "0")}`,
    time: new Date(1_700_000_000_000 + n * 1_000).toISOString(),
    symbol: "BTC-USDT",
    kind: "threshold_crossing",
    price: 60_000,
    notional: 20_000_000,
    threshold: 10_000_000,
    source: "simulator",
    ...overrides,
  };
}

/** A bar at `t` with these prices, volume `v` and turnover `v × c`. */
export function candle(
  t: number,
  o: number,
  h: number,
  l: number,
  c: number,
  v = 1,
): Candle {
  return { t, o, h, l, c, v, turnover: v * c };
}

/** A screener row of `symbol`, a quiet spot market unless `fields` say otherwise. */
export function screenerRow(
  symbol: string,
  fields: Partial<ScreenerRow> = {},
): ScreenerRow {
  return {
    symbol,
    price: 1,
    change: 0,
    volume: 0,
    spread: 0,
    velocity: 0,
    tier: "STABLE",
    is_whale: false,
    market: "spot",
    lastAlertAt: null,
    lastAlertKind: null,
    ...fields,
  };
}
