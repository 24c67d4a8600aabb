/**
 * Candles survive a hard kill. The service runs as a real process on a KV
 * file against an in-process simulator's WebSocket; a client collects the
 * final (`closed`) 1 s frames; the process gets SIGKILL; a second process on
 * the same file must answer every bar the client saw as closed, with the
 * seconds before the kill complete up to the bar that was in progress, the
 * minute cut short closed with its seconds, and the time it was down as an
 * outage.
 */
import assert from "node:assert/strict";
import { startExchange } from "../lib/simulator/start_exchange.ts";
import type { CandleFrame, CandlesResponse } from "../lib/protocol/candles.ts";
import type { ServerFrame } from "../lib/protocol/frames.ts";
import { processEnv, withKillAndRestart } from "./support/service_process.ts";
import { pollUntil } from "./support/poll_until.ts";
import { connectClient } from "./support/ws_client.ts";

const isClosedCandle = (frame: ServerFrame): frame is CandleFrame =>
  frame.type === "candle" && frame.closed;

async function candles(base: string, query: string): Promise<CandlesResponse> {
  const response = await fetch(`${base}/api/candles?${query}`);
  assert.equal(response.status, 200);
  return await response.json();
}

Deno.test({
  name:
    "candle durability - after SIGKILL every bar a client saw closed is answered, only the bar in progress is lost",
  sanitizeResources: true,
  sanitizeOps: true,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-candles-" });
  const exchange = await startExchange({ hostname: "127.0.0.1", port: 0 });
  const env = processEnv(exchange, dir, {
    INGEST_MODE: "ws",
    CANDLES_BACKFILL_HOURS: "0",
  });
  try {
    await withKillAndRestart(env, async (first, restart) => {
      const client = await connectClient(
        `${
          first.url.replace(/^http/, "ws")
        }/ws/stream?symbols=BTC-USDT&candles=1s&history=0`,
      );
      await client.waitForCount(isClosedCandle, 6, 30_000);
      const status = await first.stop("SIGKILL");
      const killedAt = Date.now();
      assert.equal(status.signal, "SIGKILL");
      await client.closed;
      const seen = client.frames.filter(isClosedCandle);
      // Stay down a known while: that span must come back as an outage.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const second = await restart();
      const base = second.url;
      const firstSeen = seen[0].t;
      const lastSeen = seen[seen.length - 1].t;
      const stored = await candles(
        base,
        `symbol=BTC-USDT&interval=1s&from=${firstSeen}&to=${killedAt}&limit=1000`,
      );
      const byT = new Map(stored.candles.map((c) => [c.t, c]));
      for (const frame of seen) {
        const bar = byT.get(frame.t);
        assert.ok(bar, `bar ${frame.t} was seen closed, so it is stored`);
        assert.deepEqual([bar.o, bar.c], [frame.o, frame.c]);
      }
      // Every second from the first seen to the kill is there but the one in
      // progress (and the seconds whose final frame was still in flight).
      const seconds = stored.candles.filter((c) => c.t < killedAt - 2_000);
      for (let i = 1; i < seconds.length; i++) {
        assert.equal(seconds[i].t - seconds[i - 1].t, 1_000, "no second lost");
      }
      assert.ok(
        stored.candles[stored.candles.length - 1].t >= lastSeen,
        "nothing before the last bar seen is missing",
      );

      // The minute of the kill is closed from its seconds once it has passed.
      const newest = stored.candles[stored.candles.length - 1].t;
      const minute = Math.floor(newest / 60_000) * 60_000;
      const minutes = await pollUntil(
        async () => {
          const body = await candles(
            base,
            `symbol=BTC-USDT&interval=1m&from=${minute}&to=${minute + 60_000}`,
          );
          return body.candles.length === 1 && body;
        },
        "the minute of the kill",
        70_000,
      );
      assert.ok(minutes.candles[0].v > 0);

      const around = await candles(
        base,
        `symbol=BTC-USDT&interval=1s&from=${killedAt - 5_000}&limit=1000`,
      );
      const down = around.outages.find((o) =>
        o.reason === "Service not running"
      );
      assert.ok(
        down,
        `an outage for the downtime: ${JSON.stringify(around.outages)}`,
      );
      assert.ok(down.from <= killedAt && down.to! >= killedAt);
      assert.ok(down.from >= lastSeen, "it starts where the stored bars end");
    });
  } finally {
    await exchange.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "candle restart - the books read their older bars after the service answers, the same bars either way, and the backfill then asks only for the gap",
  sanitizeResources: true,
  sanitizeOps: true,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-candles-" });
  const exchange = await startExchange({ hostname: "127.0.0.1", port: 0 });
  const env = processEnv(exchange, dir, { CANDLES_BACKFILL_HOURS: "24" });
  const settled = (base: string) =>
    pollUntil(
      async () => {
        const metrics = await (await fetch(`${base}/api/metrics`)).json();
        return metrics.candles.backfill_steps_pending === 0 &&
          metrics.candles.books_loading === 0;
      },
      "the books read and the backfill done",
      60_000,
    );
  // 1 m bars from before the 2 hours a book reads first.
  const older = (base: string, before: number) =>
    candles(base, `symbol=ETH-USDT&interval=1m&limit=600&to=${before}`);
  try {
    await withKillAndRestart(env, async (first, restart) => {
      await settled(first.url);
      const before = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3_600_000;
      const seen = await older(first.url, before);
      assert.equal(seen.candles.length, 600, "backfilled minutes");
      const fresh = exchange.exchange.state().requests.kline;
      await first.stop("SIGKILL");
      const second = await restart();
      const answered = await older(second.url, before);
      await settled(second.url);
      assert.deepEqual(answered.candles, seen.candles, "read from the store");
      assert.deepEqual(
        (await older(second.url, before)).candles,
        seen.candles,
        "held in memory",
      );
      const again = exchange.exchange.state().requests.kline - fresh;
      assert.ok(
        again <= 8,
        `the gap only: ${again} kline requests after the restart, ${fresh} for the fresh install`,
      );
    });
  } finally {
    await exchange.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
