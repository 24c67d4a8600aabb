import assert from "node:assert/strict";
import { MemoryCandleStore } from "../candles/candle_store.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { loadConfig } from "../config/load_config.ts";
import { StreamHub } from "../hub/stream_hub.ts";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import { createLogger } from "../observability/logger.ts";
import { startCandleStage } from "./candle_stage.ts";

/**
 * Starts the stage for `count` symbols, tracks as many again and then one
 * more, stops it; returns its memory-window log records.
 */
async function startLog(env: Record<string, string>, count: number) {
  const loaded = loadConfig({ CANDLES_BACKFILL_HOURS: "0", ...env });
  assert.ok(loaded.ok);
  const symbols: TrackedSymbol[] = Array.from({ length: count }, (_, i) => ({
    id: `S${i}-USDT`,
    upstream: `S${i}USDT`,
    category: "spot",
  }));
  const clock = new FakeClock(1_700_000_000_000);
  const lines: string[] = [];
  const stage = await startCandleStage({
    config: { ...loaded.config, symbols },
    store: new MemoryCandleStore(),
    hub: new StreamHub({
      symbols: symbols.map((s) => s.id),
      historySize: 5,
      epoch: "epoch-1",
      clock,
    }),
    logger: createLogger({ write: (line) => lines.push(line) }),
    clock,
  });
  // A listing adding as many again, then one more.
  stage.track(symbols.map((s, i) => ({ ...s, id: `N${i}-USDT` })));
  stage.track([{ ...symbols[0], id: "LAST-USDT" }]);
  await stage.stop();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((r) => String(r.msg).startsWith("Candle memory windows"));
}

Deno.test("startCandleStage - logs each resolution's memory window at start, whole horizons while the books fit", async () => {
  const [record] = await startLog({}, 4);
  assert.equal(record.level, "info");
  assert.equal(record.window_1s_seconds, 7_200);
  assert.equal(record.window_1h_seconds, 365 * 86_400);
  assert.equal(record.symbols, 4);
  assert.equal(record.budget_mb, 128);
});

Deno.test("startCandleStage - logs the windows again when a listing change moves them, not when it leaves them", async () => {
  const records = await startLog({ CANDLES_MEMORY_MB: "16" }, 10);
  assert.deepEqual(records.map((r) => r.symbols), [10, 20, 21]);
  assert.ok(
    Number(records[1].window_1s_seconds) <
      Number(records[0].window_1s_seconds),
    "more symbols, shorter windows",
  );
  const whole = await startLog({}, 2);
  assert.deepEqual(
    whole.map((r) => r.symbols),
    [2],
    "whole horizons for 2, 4 and 5 symbols alike: logged once",
  );
});

Deno.test("startCandleStage - warns when the least memory windows take more than CANDLES_MEMORY_MB", async () => {
  const records = await startLog({ CANDLES_MEMORY_MB: "1" }, 100);
  assert.equal(records.length, 1, "past the budget the least windows stay");
  assert.equal(records[0].level, "warn");
  assert.match(String(records[0].msg), /more than CANDLES_MEMORY_MB/);
  assert.equal(records[0].window_1s_seconds, 300);
  assert.ok(Number(records[0].memory_mb) > 1);
});
