import assert from "node:assert/strict";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import type { Candle } from "../protocol/candles.ts";
import {
  backfillCandles,
  type KlineSource,
  missingWindows,
} from "./candle_backfill.ts";
import { type CandleStore, MemoryCandleStore } from "./candle_store.ts";
import { CandleService } from "./candle_service.ts";
import { heldOlderReads, testBar } from "./test_utils.ts";

const M = 60_000;
const H = 1_699_999_200_000;

Deno.test("missingWindows - each window starts at the newest missing slot, newest first, at most maxSlots", () => {
  const present = new Set([7, 8, 3, 2].map((i) => i * M));
  const windows = missingWindows((t) => present.has(t), 0, 10 * M, M, 3);
  assert.deepEqual(windows.map((w) => [w.start / M, w.end / M]), [
    [7, 9],
    [4, 6],
    [0, 1],
  ]);
  assert.deepEqual(missingWindows(() => true, 0, 10 * M, M), []);
  assert.deepEqual(
    missingWindows(() => false, 0.5 * M, 2 * M, M),
    [{ start: M, end: M }],
    "a partial first slot is not asked for",
  );
});

/** An exchange with a bar for every slot, counting requests. */
class FakeExchange implements KlineSource {
  requests: {
    category: string;
    symbol: string;
    interval: string;
    start: number;
    end: number;
  }[] = [];
  failFor = new Set<string>();
  fetchBars(request: {
    category: string;
    symbol: string;
    interval: "1" | "60";
    start: number;
    end: number;
  }): Promise<Candle[]> {
    this.requests.push(request);
    if (this.failFor.has(request.symbol)) {
      return Promise.reject(new Error("HTTP 503"));
    }
    const ms = request.interval === "1" ? M : 60 * M;
    const bars: Candle[] = [];
    for (let t = request.start; t <= request.end + ms; t += ms) {
      bars.push(testBar(t));
    }
    return Promise.resolve(bars); // one more than asked: must be filtered
  }
}

const SYMBOLS: readonly TrackedSymbol[] = [
  { id: "BTC-USDT", upstream: "BTCUSDT", category: "spot" },
  { id: "ETH-USDT", upstream: "ETHUSDT", category: "spot" },
];
const HORIZONS = {
  "1s": 7_200_000,
  "1m": 7 * 86_400_000,
  "1h": 365 * 86_400_000,
};

/** A candle service for `symbols` on `store`, every horizon long enough. */
function openService(
  clock: FakeClock,
  symbols: readonly TrackedSymbol[] = SYMBOLS,
  store: CandleStore = new MemoryCandleStore(),
): Promise<CandleService> {
  return CandleService.open({
    symbols: symbols.map((s) => s.id),
    store,
    horizonsMs: HORIZONS,
    clock,
  });
}

Deno.test("backfillCandles - a fresh install gets a full day of 1 m and 1 h bars in few requests", async () => {
  const clock = new FakeClock(H + 30_000);
  const store = new MemoryCandleStore();
  const service = await openService(clock, SYMBOLS, store);
  const exchange = new FakeExchange();
  const progress: string[] = [];
  const report = await backfillCandles({
    service,
    source: exchange,
    symbols: SYMBOLS,
    spanMs: 86_400_000,
    horizonsMs: HORIZONS,
    clock,
    onProgress: (done, total) =>
      progress.push(`${done}/${total} after ${exchange.requests.length}`),
  });
  assert.deepEqual(report, {
    requests: 6,
    taken: { "1m": 2 * 1_440, "1h": 2 * 24 },
    failures: 0,
  });
  assert.deepEqual(
    progress,
    ["1/4 after 2", "2/4 after 4", "3/4 after 5", "4/4 after 6"],
    "one step per (resolution, symbol), told once it is done",
  );
  assert.deepEqual(
    exchange.requests.filter((r) => r.symbol === "BTCUSDT").map((r) => [
      r.interval,
      (H - r.start) / M,
      (H - r.end) / M,
    ]),
    [["1", 1_000, 1], ["1", 1_440, 1_001], ["60", 24 * 60, 60]],
  );
  const day = await service.candles({
    symbol: "BTC-USDT",
    interval: "1m",
    limit: 1_000,
  });
  assert.equal(day.candles.length, 1_000);
  assert.equal(day.candles.at(-1)!.t, H - M, "up to the last closed minute");
  await service.flushed();
  let count = 0;
  for await (const _ of store.load("ETH-USDT", "1m", 0)) count++;
  assert.equal(count, 1_440, "persisted");

  // Started again five minutes later: only the gap is asked for.
  clock.advance(5 * M);
  const again = await backfillCandles({
    service,
    source: exchange,
    symbols: SYMBOLS.slice(0, 1),
    spanMs: 86_400_000,
    horizonsMs: HORIZONS,
    clock,
  });
  assert.deepEqual(again.taken, { "1m": 5, "1h": 0 });
  assert.equal(again.requests, 1);
  await service.stop();
});

Deno.test("backfillCandles - a perpetual's bars are its own: asked of the linear market under the exchange's symbol", async () => {
  const clock = new FakeClock(H + 30_000);
  const symbols: readonly TrackedSymbol[] = [
    { id: "BTC-USDT", upstream: "BTCUSDT", category: "spot" },
    { id: "BTC-USDT-PERP", upstream: "BTCUSDT", category: "linear" },
  ];
  const service = await openService(clock, symbols);
  const exchange = new FakeExchange();
  const report = await backfillCandles({
    service,
    source: exchange,
    symbols,
    spanMs: 86_400_000,
    horizonsMs: HORIZONS,
    clock,
  });
  assert.deepEqual(report.taken, { "1m": 2 * 1_440, "1h": 2 * 24 });
  const categories = new Set(
    exchange.requests.map((r) => `${r.category} ${r.symbol}`),
  );
  assert.deepEqual([...categories].sort(), [
    "linear BTCUSDT",
    "spot BTCUSDT",
  ]);
  const perp = await service.candles({
    symbol: "BTC-USDT-PERP",
    interval: "1h",
    limit: 24,
  });
  assert.equal(perp.candles.length, 24);
});

Deno.test("backfillCandles - a failing symbol is reported and the others still fill; abort stops it", async () => {
  const clock = new FakeClock(H);
  const service = await openService(clock);
  const exchange = new FakeExchange();
  exchange.failFor.add("BTCUSDT");
  const errors: string[] = [];
  const hour = { service, source: exchange, symbols: SYMBOLS, clock };
  const report = await backfillCandles({
    ...hour,
    spanMs: 3_600_000,
    horizonsMs: HORIZONS,
    onError: (symbol) => errors.push(symbol),
  });
  assert.deepEqual(report.taken, { "1m": 60, "1h": 1 });
  assert.deepEqual(errors, ["BTC-USDT", "BTC-USDT"]);
  const stop = new AbortController();
  stop.abort();
  const none = await backfillCandles({
    ...hour,
    spanMs: 3_600_000,
    horizonsMs: HORIZONS,
    signal: stop.signal,
  });
  assert.equal(none.requests, 0);
  await service.stop();
});

Deno.test("backfillCandles - with concurrency, several symbols fill at once, never more than asked, to the same bars", async () => {
  const symbols: TrackedSymbol[] = Array.from({ length: 7 }, (_, i) => ({
    id: `S${i}-USDT`,
    upstream: `S${i}USDT`,
    category: "spot",
  }));
  const clock = new FakeClock(H + 30_000);
  const service = await openService(clock, symbols);
  // An exchange whose answers wait until the test lets them go.
  const exchange = new FakeExchange();
  let inFlight = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  const source: KlineSource = {
    fetchBars: async (request) => {
      most = Math.max(most, ++inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      return exchange.fetchBars(request);
    },
  };
  const progress: number[] = [];
  const running = backfillCandles({
    service,
    source,
    symbols,
    spanMs: 3_600_000,
    horizonsMs: HORIZONS,
    clock,
    concurrency: 3,
    onProgress: (done) => progress.push(done),
  });
  let settled = false;
  running.then(() => settled = true);
  while (!settled) {
    await Promise.resolve();
    waiting.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const report = await running;
  assert.equal(most, 3);
  assert.deepEqual(report, {
    requests: 14,
    taken: { "1m": 7 * 60, "1h": 7 },
    failures: 0,
  });
  assert.deepEqual(progress, Array.from({ length: 14 }, (_, i) => i + 1));
  for (const symbol of symbols) {
    const { candles } = await service.candles({
      symbol: symbol.id,
      interval: "1m",
      limit: 100,
    });
    assert.equal(candles.length, 60, symbol.id);
  }
  await service.stop();
});

Deno.test("backfillCandles - after a restart the plan waits for the books' older bars: stored bars are not asked for again", async () => {
  const clock = new FakeClock(H + 30_000);
  const store = new MemoryCandleStore();
  const options = (service: CandleService, exchange: FakeExchange) => ({
    service,
    source: exchange,
    symbols: SYMBOLS,
    spanMs: 86_400_000,
    horizonsMs: HORIZONS,
    clock,
  });
  const first = await openService(clock, SYMBOLS, store);
  await backfillCandles(options(first, new FakeExchange()));
  await first.stop();
  clock.advance(5 * M);
  const reads = heldOlderReads(store, clock.now(), HORIZONS);
  const second = await openService(clock, SYMBOLS, reads.store);
  const exchange = new FakeExchange();
  assert.deepEqual(reads.held, ["BTC-USDT 1m", "ETH-USDT 1m"], "they wait");
  const backfill = backfillCandles(options(second, exchange));
  assert.equal(exchange.requests.length, 0, "so does the plan");
  reads.release();
  const report = await backfill;
  assert.deepEqual(report.taken, { "1m": 2 * 5, "1h": 0 }, "the gap only");
  assert.equal(report.requests, 2);
  await second.stop();
});
