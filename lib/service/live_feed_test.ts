import assert from "node:assert/strict";
import { MemoryCandleStore } from "../candles/candle_store.ts";
import { CandleService } from "../candles/candle_service.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import type { CandleFrame, CandleInterval } from "../protocol/candles.ts";
import type { TradesFrame } from "../protocol/trades.ts";
import { TradeTape } from "../tape/trade_tape.ts";
import { LiveFeed } from "./live_feed.ts";

const H = 1_699_999_200_000;

class FakeHub {
  demand: [string, CandleInterval][] = [];
  tapes = new Set<string>();
  candles: CandleFrame[] = [];
  trades: TradesFrame[] = [];
  candleDemand() {
    return this.demand;
  }
  wantsTrades(symbol: string) {
    return this.tapes.has(symbol);
  }
  publishCandle(frame: CandleFrame) {
    this.candles.push(frame);
  }
  publishTrades(frame: TradesFrame) {
    this.trades.push(frame);
  }
}

async function setup() {
  const clock = new FakeClock(H);
  const candles = await CandleService.open({
    symbols: ["BTC-USDT", "ETH-USDT"],
    store: new MemoryCandleStore(),
    horizonsMs: { "1s": 7_200_000, "1m": 86_400_000, "1h": 86_400_000 * 30 },
    clock,
  });
  const tape = new TradeTape(["BTC-USDT", "ETH-USDT"]);
  const hub = new FakeHub();
  const feed = new LiveFeed({ hub, candles, tape, clock, intervalMs: 250 });
  /** A tick every 50 ms for `ms`, price 100 + tenths of seconds since H. */
  const run = async (ms: number) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      await clock.settle();
      clock.advance(50);
      const t = clock.now();
      candles.observeTicks([{
        symbol: "BTC-USDT",
        price: 100 + Math.floor((t - H) / 100),
        volume: 0,
        upstream_ts: t,
      }]);
    }
  };
  return { clock, candles, tape, hub, feed, run };
}

Deno.test("LiveFeed - the open bar at most once a cycle, each bar closed once", async () => {
  const { hub, feed, run, clock, candles } = await setup();
  hub.demand = [["BTC-USDT", "1s"]];
  feed.start();
  await run(3_000);
  feed.stop();
  const opens = hub.candles.filter((f) => !f.closed);
  const closes = hub.candles.filter((f) => f.closed);
  assert.ok(opens.length <= 12, `${opens.length} open frames in 3 s`);
  assert.deepEqual(closes.map((f) => f.t - H), [0, 1_000]);
  assert.equal(
    new Set(closes.map((f) => f.t)).size,
    closes.length,
    "once each",
  );
  assert.deepEqual(
    [closes[0].o, closes[0].c, closes[0].interval, closes[0].symbol],
    [100, 109, "1s", "BTC-USDT"],
  );
  assert.equal(clock.pending().length, 0, "stopped");
  await candles.stop();
});

Deno.test("LiveFeed - nothing is sent for what nobody asked", async () => {
  const { hub, feed, run, candles, tape } = await setup();
  await run(2_000);
  tape.add([{
    symbol: "BTC-USDT",
    id: "x",
    time: H,
    price: 1,
    size: 1,
    notional: 1,
    side: "Buy",
  }]);
  feed.cycle();
  assert.deepEqual(hub.candles, []);
  assert.deepEqual(hub.trades, []);
  await candles.stop();
});

Deno.test("LiveFeed - longer intervals and the tape", async () => {
  const { hub, feed, run, candles, tape } = await setup();
  hub.demand = [["BTC-USDT", "5m"]];
  hub.tapes.add("ETH-USDT");
  await run(1_000);
  feed.cycle();
  const [open] = hub.candles;
  assert.deepEqual([open.interval, open.t, open.closed], ["5m", H, false]);
  feed.cycle();
  assert.equal(hub.candles.length, 1, "unchanged: not sent again");
  tape.add([1, 2].map((i) => ({
    symbol: "ETH-USDT",
    id: `e${i}`,
    time: H + i,
    price: 10,
    size: 1,
    notional: 10,
    side: "Sell" as const,
  })));
  feed.cycle();
  assert.deepEqual(hub.trades.map((f) => f.trades.map((t) => t.id)), [[
    "e1",
    "e2",
  ]]);
  await candles.stop();
});

Deno.test("LiveFeed - a bar's closed frame waits until the bar is stored", async () => {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  const put = store.put.bind(store);
  store.put = async (bars) => {
    await gate;
    return put(bars);
  };
  const candles = await CandleService.open({
    symbols: ["BTC-USDT"],
    store,
    horizonsMs: { "1s": 7_200_000, "1m": 86_400_000, "1h": 86_400_000 },
    clock,
  });
  const hub = new FakeHub();
  hub.demand = [["BTC-USDT", "1s"]];
  const feed = new LiveFeed({
    hub,
    candles,
    tape: new TradeTape(["BTC-USDT"]),
    clock,
  });
  for (const t of [H + 100, H + 1_100, H + 2_100]) {
    clock.advance(t - clock.now());
    candles.observeTicks([{
      symbol: "BTC-USDT",
      price: 1,
      volume: 0,
      upstream_ts: t,
    }]);
  }
  feed.cycle();
  assert.deepEqual(hub.candles.filter((f) => f.closed), [], "not stored yet");
  release();
  await candles.flushed();
  feed.cycle();
  assert.deepEqual(
    hub.candles.filter((f) => f.closed).map((f) => f.t - H),
    [0],
    "the second bar is still in its grace",
  );
  await candles.stop();
});
