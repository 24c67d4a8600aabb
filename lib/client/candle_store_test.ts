import assert from "node:assert/strict";
import { CandleStore, loadChunks, MAX_SERIES } from "./candle_store.ts";

Deno.test("loadChunks - fixed chunks of at most 1,000 bars, newest first, covering the range", () => {
  const chunks = loadChunks(0, 1_440 * 60_000, 60_000);
  assert.deepEqual(chunks, [
    { from: 440 * 60_000, to: 1_440 * 60_000 },
    { from: 0, to: 440 * 60_000 },
  ]);
  assert.deepEqual(loadChunks(500, 3_000, 1_000), [{ from: 0, to: 3_000 }]);
});

function store(answer: (url: URL) => unknown) {
  const urls: URL[] = [];
  const candles = new CandleStore({
    fetch: (input) => {
      const url = new URL(input, "http://x");
      urls.push(url);
      return Promise.resolve(Response.json(answer(url)));
    },
    now: () => 10_000_000,
    clockOffset: () => 0,
  });
  return { candles, urls };
}

Deno.test("CandleStore - loads a day of minute bars in two unambiguous requests", async () => {
  const { candles, urls } = store((url) => ({
    symbol: "BTC-USDT",
    interval: "1m",
    candles: [{
      t: Number(url.searchParams.get("from")),
      o: 1,
      h: 1,
      l: 1,
      c: 1,
      v: 1,
      turnover: 1,
    }],
    outages: [{ from: 5, to: 6, reason: "feed" }],
  }));
  await candles.load("BTC-USDT", "1m", 86_400_000);
  assert.equal(urls.length, 2);
  for (const url of urls) {
    assert.equal(url.pathname, "/api/candles");
    assert.ok(url.searchParams.has("from") && url.searchParams.has("to"));
    assert.equal(url.searchParams.get("limit"), "1000");
  }
  assert.equal(candles.series("BTC-USDT", "1m").bars.length, 2);
  assert.deepEqual(candles.outages("BTC-USDT"), [{
    from: 5,
    to: 6,
    reason: "feed",
  }]);
  assert.deepEqual(candles.loadState("BTC-USDT", "1m"), { phase: "idle" });
});

Deno.test("CandleStore - a failed load says why, in the API client's words", async () => {
  const candles = new CandleStore({
    fetch: () => Promise.reject(new TypeError("fetch failed")),
    now: () => 0,
    clockOffset: () => 0,
  });
  await candles.load("BTC-USDT", "1s", 60_000);
  assert.deepEqual(candles.loadState("BTC-USDT", "1s"), {
    phase: "error",
    detail: "The server cannot be reached",
  });
});

Deno.test("CandleStore - keeps a few series, least recently used dropped", () => {
  const { candles } = store(() => ({}));
  const first = candles.series("A", "1s");
  for (let i = 0; i < MAX_SERIES; i++) candles.series(`S${i}`, "1s");
  assert.notEqual(candles.series("A", "1s"), first);
});

Deno.test("CandleStore - frames and ticks reach every series of their symbol", () => {
  const { candles } = store(() => ({}));
  const seconds = candles.series("BTC-USDT", "1s");
  const minutes = candles.series("BTC-USDT", "1m");
  const other = candles.series("ETH-USDT", "1s");
  candles.applyCandles([{
    type: "candle",
    symbol: "BTC-USDT",
    interval: "1s",
    t: 61_000,
    o: 1,
    h: 2,
    l: 1,
    c: 2,
    v: 3,
    closed: true,
  }]);
  candles.applyTicks([]);
  assert.equal(seconds.bars.length, 1);
  assert.deepEqual(minutes.bars.map((b) => [b.t, b.v]), [[60_000, 3]]);
  assert.equal(other.bars.length, 0);
});
