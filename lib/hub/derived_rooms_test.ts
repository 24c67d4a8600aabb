import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { CandleFrame } from "../protocol/candles.ts";
import type { TradesFrame } from "../protocol/trades.ts";
import { StreamHub } from "./stream_hub.ts";
import { DEFAULT_SLOW_CONSUMER_POLICY } from "./subscriber.ts";
import { FakeSocket } from "./test_utils.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

const candle = (
  t: number,
  closed = false,
  symbol = "BTC-USDT",
): CandleFrame => ({
  type: "candle",
  symbol,
  interval: "1m",
  t,
  o: 1,
  h: 2,
  l: 1,
  c: 2,
  v: 3,
  closed,
});

const trades = (symbol: string): TradesFrame => ({
  type: "trades",
  symbol,
  trades: [{ id: "a", ts: 1, side: "Buy", price: 1, size: 1, notional: 1 }],
});

const derived = (socket: FakeSocket) =>
  socket.frames().filter((f) => f.type === "candle" || f.type === "trades");

Deno.test("StreamHub - candle and trades frames go only to sockets that asked, for their symbols", () => {
  const hub = new StreamHub({ symbols: SYMBOLS, historySize: 5 });
  const plain = new FakeSocket();
  const minute = new FakeSocket();
  const seconds = new FakeSocket();
  const tape = new FakeSocket();
  hub.join(plain, { symbols: SYMBOLS, ip: "1" });
  hub.join(minute, { symbols: ["BTC-USDT"], ip: "2", candles: "1m" });
  hub.join(seconds, { symbols: SYMBOLS, ip: "3", candles: "1s" });
  hub.join(tape, { symbols: ["ETH-USDT"], ip: "4", trades: true });
  assert.deepEqual(hub.candleDemand().sort(), [
    ["BTC-USDT", "1m"],
    ["BTC-USDT", "1s"],
    ["ETH-USDT", "1s"],
  ]);
  assert.equal(hub.wantsTrades("ETH-USDT"), true);
  assert.equal(hub.wantsTrades("BTC-USDT"), false);
  hub.publishCandle(candle(60_000));
  hub.publishCandle(candle(60_000, false, "ETH-USDT"));
  hub.publishTrades(trades("ETH-USDT"));
  hub.publishTrades(trades("BTC-USDT"));
  assert.deepEqual(derived(plain), []);
  assert.deepEqual(derived(minute), [candle(60_000)]);
  assert.deepEqual(derived(seconds), []);
  assert.deepEqual(derived(tape), [trades("ETH-USDT")]);
});

Deno.test("StreamHub - a closed socket leaves the derived rooms", () => {
  const hub = new StreamHub({ symbols: SYMBOLS, historySize: 5 });
  const socket = new FakeSocket();
  const leave = hub.join(socket, {
    symbols: ["BTC-USDT"],
    ip: "1",
    candles: "1m",
    trades: true,
  });
  leave();
  assert.deepEqual(hub.candleDemand(), []);
  assert.equal(hub.wantsTrades("BTC-USDT"), false);
  const dead = new FakeSocket();
  hub.join(dead, { symbols: ["BTC-USDT"], ip: "1", candles: "1m" });
  dead.readyState = 3;
  hub.publishCandle(candle(0));
  assert.deepEqual(hub.candleDemand(), [], "found closed on delivery");
});

Deno.test("StreamHub - a socket that is behind keeps each bar's newest frame, the closed one included", () => {
  const clock = new FakeClock(0);
  const hub = new StreamHub({ symbols: SYMBOLS, historySize: 5, clock });
  const socket = new FakeSocket();
  hub.join(socket, { symbols: ["BTC-USDT"], ip: "1", candles: "1m" });
  socket.bufferedAmount = 64 * DEFAULT_SLOW_CONSUMER_POLICY.highWaterBytes;
  hub.publishCandle(candle(0));
  hub.publishCandle({ ...candle(0), c: 5 });
  hub.publishCandle({ ...candle(0), c: 6, closed: true });
  hub.publishCandle(candle(60_000));
  assert.deepEqual(derived(socket), [], "held while behind");
  socket.bufferedAmount = 0;
  clock.advance(DEFAULT_SLOW_CONSUMER_POLICY.recheckMs);
  hub.sweep();
  const frames = derived(socket) as CandleFrame[];
  assert.deepEqual(frames.map((f) => [f.t, f.c, f.closed]), [
    [0, 6, true],
    [60_000, 2, false],
  ]);
});
