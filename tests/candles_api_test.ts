/**
 * Candles end to end against the simulator: the start-up backfill from its
 * kline endpoint gives a full day at once, `/api/candles` answers and
 * refuses as documented, and candle and trades frames reach the sockets that
 * asked for them and no others.
 */
import assert from "node:assert/strict";
import type {
  Candle,
  CandleFrame,
  CandlesResponse,
} from "../lib/protocol/candles.ts";
import type { ServerFrame } from "../lib/protocol/frames.ts";
import type { TradesFrame } from "../lib/protocol/trades.ts";
import { connectClient } from "./support/ws_client.ts";
import { pollUntil, readMetrics, startStack } from "./support/start_stack.ts";

const MINUTE = 60_000;
const isCandle = (f: ServerFrame): f is CandleFrame => f.type === "candle";
const isTrades = (f: ServerFrame): f is TradesFrame => f.type === "trades";

async function candles(base: string, query: string): Promise<CandlesResponse> {
  const response = await fetch(`${base}/api/candles?${query}`);
  assert.equal(response.status, 200, await response.clone().text());
  return await response.json();
}

function assertContiguous(bars: readonly Candle[], ms: number): void {
  for (let i = 1; i < bars.length; i++) {
    assert.equal(bars[i].t - bars[i - 1].t, ms, `gap after ${bars[i - 1].t}`);
  }
}

Deno.test("candles - a fresh install shows a full day of 1 m bars from the simulator's klines", async () => {
  const stack = await startStack({ env: { CANDLES_BACKFILL_HOURS: "24" } });
  try {
    const base = stack.service.url;
    // Two pages of 1,000 cover the day; the backfill fills the newer first.
    const day = await pollUntil(
      async () => {
        const latest = await candles(
          base,
          "symbol=BTC-USDT&interval=1m&limit=1000",
        );
        if (latest.candles.length < 1_000) return false;
        const older = await candles(
          base,
          `symbol=BTC-USDT&interval=1m&limit=1000&to=${latest.candles[0].t}`,
        );
        const lastClosed = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
        const minutes = [...older.candles, ...latest.candles].filter((c) =>
          c.t >= lastClosed - 24 * 60 * MINUTE + MINUTE && c.t <= lastClosed
        );
        return minutes.length >= 1_439 && minutes;
      },
      "a day of 1 m bars",
      30_000,
    );
    assertContiguous(day, MINUTE);
    for (const bar of day) {
      assert.ok(
        bar.l <= Math.min(bar.o, bar.c) && bar.h >= Math.max(bar.o, bar.c),
      );
      assert.ok(bar.v >= 0 && bar.turnover >= 0);
    }
    for (const symbol of ["ETH-USDT", "SOL-USDT", "1000SATS-USDT"]) {
      const body = await pollUntil(
        async () => {
          const answer = await candles(
            base,
            `symbol=${symbol}&interval=15m&limit=96`,
          );
          return answer.candles.length >= 96 && answer;
        },
        `a day of 15 m bars of ${symbol}`,
        30_000,
      );
      assertContiguous(body.candles, 15 * MINUTE);
    }
    const hours = await candles(base, "symbol=BTC-USDT&interval=1h&limit=25");
    assert.ok(hours.candles.length >= 24, `${hours.candles.length} hours`);
    assertContiguous(hours.candles, 60 * MINUTE);
    const state = stack.exchange.exchange.state();
    assert.ok(
      state.requests.kline >= 8,
      "the backfill used the kline endpoint",
    );
    assert.ok(
      state.requests.kline <= 16,
      `few requests: ${state.requests.kline}`,
    );
    const metrics = await pollUntil(async () => {
      const m = await readMetrics(stack);
      return m.candles?.backfill_steps_pending === 0 && m;
    }, "the backfill finished");
    assert.ok(metrics.candles!.bars_backfilled_total >= 4 * 1_439);
    const prometheus = await (await fetch(`${base}/metrics`)).text();
    assert.match(prometheus, /^sentinel_candle_backfill_steps_pending 0$/m);
    assert.match(prometheus, /^sentinel_candle_books_loading 0$/m);
  } finally {
    await stack.stop();
  }
});

Deno.test("candles - parameters and errors of GET /api/candles", async () => {
  const stack = await startStack();
  try {
    const base = stack.service.url;
    const live = await pollUntil(async () => {
      const body = await candles(base, "symbol=btc-usdt&interval=1s&limit=5");
      return body.candles.length >= 2 && body;
    }, "live 1 s bars");
    assert.equal(live.symbol, "BTC-USDT");
    assert.equal(live.interval, "1s");
    assert.deepEqual(live.outages, []);
    assert.ok(live.candles.length <= 5);
    assertContiguous(live.candles.slice(0, -1), 1_000);
    const bar = live.candles[0];
    assert.deepEqual(Object.keys(bar).sort(), [
      "c",
      "h",
      "l",
      "o",
      "t",
      "turnover",
      "v",
      "volume_source",
    ]);
    assert.equal(
      bar.volume_source,
      "turnover",
      "REST polling: estimated volume",
    );
    const iso = new Date(bar.t).toISOString();
    const from = await candles(
      base,
      `symbol=BTC-USDT&interval=1s&from=${iso}&to=${bar.t + 1_000}`,
    );
    assert.deepEqual(from.candles.map((c) => c.t), [bar.t]);
    const defaults = await candles(base, "symbol=BTC-USDT");
    assert.equal(defaults.interval, "1m");

    const refusals: [string, number, RegExp][] = [
      ["interval=1m", 400, /symbol/],
      ["symbol=BTC-USDT&interval=2m", 400, /interval: expected one of/],
      ["symbol=BTC-USDT&limit=1001", 400, /limit/],
      ["symbol=BTC-USDT&from=soon", 400, /from: expected epoch milliseconds/],
      ["symbol=BTC-USDT&from=2000&to=1000", 400, /from must be before to/],
      ["symbol=BTC-USDT&limt=5", 400, /unknown parameter limt/],
      ["symbol=BTC-USDT&limit=5&limit=6", 400, /at most once/],
      ["symbol=DOGE-USDT", 404, /not tracked/],
    ];
    for (const [query, status, detail] of refusals) {
      const response = await fetch(`${base}/api/candles?${query}`);
      const body = await response.json();
      assert.equal(response.status, status, query);
      assert.match(body.detail, detail, query);
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("candles - candle and trades frames reach the sockets that asked, and only those", async () => {
  const stack = await startStack({
    env: { INGEST_MODE: "ws", STREAM_HEARTBEAT_DELAY: "1" },
  });
  try {
    const asked = await connectClient(
      `${stack.wsUrl}/ws/stream?symbols=BTC-USDT,ETH-USDT&candles=1s&trades=1&history=0`,
    );
    const plain = await connectClient(`${stack.wsUrl}/ws/stream?history=0`);
    const closed = await asked.waitForCount(
      (f) => isCandle(f) && f.closed,
      4,
      20_000,
    ) as CandleFrame[];
    await asked.waitFor(isTrades, 10_000);
    await plain.waitForCount((f) => f.type === "tick", 20, 10_000);
    assert.deepEqual(
      plain.frames.filter((f) => isCandle(f) || isTrades(f)),
      [],
    );

    const frames = asked.frames.filter(isCandle);
    for (const frame of frames) {
      assert.equal(frame.interval, "1s");
      assert.ok(["BTC-USDT", "ETH-USDT"].includes(frame.symbol));
    }
    const keys = closed.map((f) => `${f.symbol}|${f.t}`);
    assert.equal(new Set(keys).size, keys.length, "each bar closed once");
    // A closed frame is sent once its bar is stored: the API has it. (A late
    // trade may amend the stored bar's high, low and volume, never its open
    // or close.)
    for (const frame of closed.slice(0, 2)) {
      const api = await candles(
        stack.service.url,
        `symbol=${frame.symbol}&interval=1s&from=${frame.t}&to=${
          frame.t + 1_000
        }`,
      );
      assert.deepEqual(
        api.candles.map((c) => [c.t, c.o, c.c]),
        [[frame.t, frame.o, frame.c]],
      );
    }
    const tape = asked.frames.filter(isTrades);
    for (const frame of tape) {
      assert.ok(frame.trades.length > 0);
      for (const trade of frame.trades) {
        assert.equal(trade.notional, trade.price * trade.size);
      }
    }
    const recent = stack.service.services.recentTrades("BTC-USDT");
    assert.ok(recent.length > 0 && recent.length <= 100);

    const refused = await fetch(
      `${stack.service.url}/ws/stream?candles=2m`,
      { headers: { upgrade: "websocket" } },
    );
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).detail, /candles must be one of/);
    await asked.close();
    await plain.close();
  } finally {
    await stack.stop();
  }
});
