import assert from "node:assert/strict";
import { SimMarket, type TickerItem } from "./market_model.ts";
import type { SpotTickerItem } from "./spot_ticker.ts";
import { DEFAULT_SYMBOL_SPECS } from "./symbol_specs.ts";
import { TURNOVER_DECAY_MS } from "./symbol_market.ts";

const START = 1_700_000_000_000;
const MINUTE = 60_000;
const DECIMAL = /^-?\d+(\.\d+)?$/;

function market(seed = 42): SimMarket {
  return new SimMarket({ startMs: START, seed });
}

/** Asserts every invariant a client may rely on, for one item. */
function assertConsistent(ticker: TickerItem): void {
  const item = ticker as SpotTickerItem;
  const spec = DEFAULT_SYMBOL_SPECS.find((s) => s.symbol === item.symbol)!;
  for (const [key, value] of Object.entries(item)) {
    if (key === "symbol") continue;
    assert.equal(typeof value, "string", key);
    assert.match(value, DECIMAL, `${item.symbol}.${key} = ${value}`);
    assert.ok(Number.isFinite(Number(value)), key);
  }
  const n = (key: keyof SpotTickerItem) => Number(item[key]);
  const where = JSON.stringify(item);
  assert.ok(n("lowPrice24h") <= n("lastPrice"), where);
  assert.ok(n("lastPrice") <= n("highPrice24h"), where);
  assert.ok(n("lowPrice24h") <= n("prevPrice24h"), where);
  assert.ok(n("prevPrice24h") <= n("highPrice24h"), where);
  assert.ok(n("bid1Price") <= n("lastPrice"), where);
  assert.ok(n("bid1Price") < n("ask1Price"), where);
  assert.ok(n("lastPrice") <= n("ask1Price"), where);
  assert.ok(n("bid1Size") > 0 && n("ask1Size") > 0, where);
  assert.ok(n("turnover24h") > 0 && n("volume24h") > 0, where);
  const change = n("lastPrice") / n("prevPrice24h") - 1;
  assert.ok(Math.abs(n("price24hPcnt") - change) <= 0.00005 + 1e-12, where);
  assert.equal(item.lastPrice.split(".")[1]?.length ?? 0, spec.priceDecimals);
  assert.equal(
    item.highPrice24h.split(".")[1]?.length ?? 0,
    spec.priceDecimals,
  );
}

Deno.test("SimMarket - the same seed and times give the same tickers and trades", () => {
  const a = market();
  const b = market();
  for (
    const ms of [START + 49, START + 1_000, START + 1_070, START + 5 * MINUTE]
  ) {
    a.advanceTo(ms);
    b.advanceTo(ms);
    assert.deepEqual(a.tickers(), b.tickers());
  }
  assert.ok(a.lastTradeSeq > 0);
  assert.deepEqual(a.tradesSince(0), b.tradesSince(0));
  assert.notDeepEqual(market(43).tickers(), market(42).tickers());
});

Deno.test("SimMarket - advancing by elapsed time matches stepping", () => {
  const byTime = market();
  for (let ms = START; ms < START + 3_000; ms += 7) byTime.advanceTo(ms);
  byTime.advanceTo(START + 3_000);
  const bySteps = market();
  for (let i = 0; i < 60; i++) bySteps.step();
  assert.equal(byTime.steps, 60);
  assert.equal(byTime.time, START + 3_000);
  assert.deepEqual(byTime.tickers(), bySteps.tickers());
});

Deno.test("SimMarket - one step per 50 ms; earlier times do nothing", () => {
  const m = market();
  assert.equal(m.advanceTo(START + 49), 0);
  assert.equal(m.advanceTo(START + 1_000), 20);
  assert.equal(m.advanceTo(START + 500), 0);
  assert.equal(m.time, START + 1_000);
});

Deno.test("SimMarket - reading tickers and trades does not change the market", () => {
  const read = market();
  const unread = market();
  for (let i = 0; i < 200; i++) {
    read.step();
    read.tickers();
    read.ticker("BTCUSDT");
    read.tradesSince(0);
    unread.step();
  }
  assert.deepEqual(read.tickers(), unread.tickers());
});

Deno.test("SimMarket - a long gap is skipped past the catch-up limit", () => {
  const m = new SimMarket({ startMs: START, maxCatchUpSteps: 100 });
  assert.equal(m.advanceTo(START + 86_400_000), 100);
  assert.equal(m.time, START + 86_400_000);
  assert.equal(m.steps, 100);
  m.tickers().forEach(assertConsistent);
});

Deno.test("SimMarket - starting prices are realistic and on each symbol's grid", () => {
  const m = market();
  const price = (symbol: string) => Number(m.ticker(symbol)!.lastPrice);
  assert.ok(Math.abs(price("BTCUSDT") / 60_000 - 1) < 0.01);
  assert.ok(Math.abs(price("ETHUSDT") / 3_000 - 1) < 0.01);
  assert.ok(Math.abs(price("SOLUSDT") / 150 - 1) < 0.01);
  assert.match(m.ticker("1000SATSUSDT")!.lastPrice, /^0\.000[23]\d{3}$/);
  assert.deepEqual(m.symbols, [
    "BTCUSDT",
    "ETHUSDT",
    "SOLUSDT",
    "1000SATSUSDT",
    "XRPUSDT",
    "DOGEUSDT",
  ]);
  assert.equal(m.ticker("NOPEUSDT"), undefined);
  assert.equal(m.lists("BTCUSDT"), true);
  assert.equal(m.lists("btcusdt"), false);
});

Deno.test("SimMarket - every ticker stays consistent over two simulated hours", () => {
  const m = market(7);
  const bands: Record<string, [number, number]> = {
    BTCUSDT: [30e6, 80e6],
    ETHUSDT: [10e6, 30e6],
    SOLUSDT: [2e6, 8e6],
    "1000SATSUSDT": [0.5e6, 2e6],
  };
  let btcCrossings = 0;
  let btcBefore = Number(m.ticker("BTCUSDT")!.turnover24h);
  for (let minute = 0; minute <= 120; minute++) {
    m.advanceTo(START + minute * MINUTE);
    for (const item of m.tickers()) {
      assertConsistent(item);
      const band = bands[item.symbol];
      const turnover = Number(item.turnover24h);
      if (band) {
        assert.ok(
          turnover >= band[0] && turnover <= band[1],
          JSON.stringify(item),
        );
      }
    }
    const btc = Number(m.ticker("BTCUSDT")!.turnover24h);
    if (btcBefore < 50e6 && btc >= 50e6) btcCrossings++;
    btcBefore = btc;
  }
  assert.ok(btcCrossings >= 1, "BTC turnover never crossed 50 M upward");
});

Deno.test("SimMarket - turnover decays and grows by exactly the notional traded", () => {
  const m = market();
  for (let i = 0; i < 20; i++) m.step();
  for (let i = 0; i < 200; i++) {
    const before = Number(m.ticker("BTCUSDT")!.turnover24h);
    const seq = m.lastTradeSeq;
    m.step();
    const traded = m.tradesSince(seq)
      .filter((t) => t.symbol === "BTCUSDT")
      .reduce((sum, t) => sum + t.notional, 0);
    const after = Number(m.ticker("BTCUSDT")!.turnover24h);
    const expected = before * Math.exp(-50 / TURNOVER_DECAY_MS) + traded;
    assert.ok(Math.abs(after - expected) < 0.001, `${after} vs ${expected}`);
  }
});

Deno.test("SimMarket - trades are sequenced, timed within their step and priced in range", () => {
  const m = market();
  let seq = 0;
  let whales = 0;
  const lastTime = new Map<string, number>();
  for (let i = 0; i < 6_000; i++) {
    const from = m.time;
    m.step();
    for (const trade of m.tradesSince(seq)) {
      assert.equal(trade.seq, seq + 1);
      seq = trade.seq;
      assert.ok(trade.time > from && trade.time <= m.time);
      assert.ok(trade.time >= (lastTime.get(trade.symbol) ?? 0));
      lastTime.set(trade.symbol, trade.time);
      const item = m.ticker(trade.symbol)!;
      assert.ok(Number(trade.price) <= Number(item.highPrice24h));
      assert.ok(Number(trade.price) >= Number(item.lowPrice24h));
      assert.ok(
        Math.abs(trade.notional - Number(trade.price) * Number(trade.size)) <
          1e-6 * trade.notional,
      );
      assert.ok(trade.side === "Buy" || trade.side === "Sell");
      if (trade.symbol === "BTCUSDT" && trade.notional >= 250_000) whales++;
    }
  }
  assert.equal(seq, m.lastTradeSeq);
  assert.ok(whales >= 1, "no BTC whale trade in five simulated minutes");
});

Deno.test("SimMarket - a reader too far behind the tape sees the gap", () => {
  const m = new SimMarket({ startMs: START, tapeCapacity: 16 });
  for (let i = 0; i < 100; i++) m.step();
  const trades = m.tradesSince(0);
  assert.equal(trades.length, 16);
  assert.equal(trades.at(-1)!.seq, m.lastTradeSeq);
  assert.ok(trades[0].seq > 1);
  assert.deepEqual(m.tradesSince(m.lastTradeSeq), []);
});

Deno.test("SimMarket - rejects bad options naming them", () => {
  assert.throws(() => new SimMarket({ startMs: NaN }), /startMs/);
  assert.throws(() => new SimMarket({ startMs: 0, stepMs: 0 }), /stepMs/);
  assert.throws(
    () => new SimMarket({ startMs: 0, maxCatchUpSteps: 1.5 }),
    /maxCatchUpSteps/,
  );
  assert.throws(
    () =>
      new SimMarket({
        startMs: 0,
        specs: [DEFAULT_SYMBOL_SPECS[0], DEFAULT_SYMBOL_SPECS[0]],
      }),
    /twice/,
  );
  assert.throws(
    () =>
      new SimMarket({
        startMs: 0,
        specs: [{ ...DEFAULT_SYMBOL_SPECS[0], turnoverMean: 1_000 }],
      }),
    /Whale flow of BTCUSDT/,
  );
});

Deno.test("SimMarket - setPrice moves a symbol's price; the walk goes on from there", () => {
  const m = new SimMarket({ startMs: START, seed: 3 });
  m.setPrice("SOLUSDT", 200);
  assert.equal(m.ticker("SOLUSDT")!.lastPrice, "200.00");
  m.advanceTo(START + 1_000);
  assert.ok(Math.abs(Number(m.ticker("SOLUSDT")!.lastPrice) - 200) < 2);
  assert.throws(() => m.setPrice("NOPE", 1), RangeError);
  assert.throws(() => m.setPrice("SOLUSDT", 0), RangeError);
});
