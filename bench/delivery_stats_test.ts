import assert from "node:assert/strict";
import { DeliveryStats } from "./delivery_stats.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

Deno.test("DeliveryStats - offered is the seq advance times subscribers", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const a = stats.track([0]);
  const b = stats.track([0]);
  stats.opened(a);
  stats.opened(b);
  stats.tick(a, 0, 10, 500, 100);
  stats.tick(b, 0, 10, 500, 100);
  stats.startWindow();
  for (let seq = 11; seq <= 20; seq++) {
    stats.tick(a, 0, seq, 1_000, 100);
    stats.tick(b, 0, seq, 3_000, 100);
  }
  stats.endWindow(2_000);
  const summary = stats.finish();
  assert.equal(summary.emitted_per_symbol["BTC-USDT"], 10);
  assert.equal(summary.subscribers_per_symbol["BTC-USDT"], 2);
  assert.equal(summary.offered, 20);
  assert.equal(summary.delivered, 20);
  assert.equal(summary.delivered_ratio, 1);
  assert.equal(summary.delivered_per_s, 10);
  assert.equal(summary.live_ticks_total, 22);
  assert.equal(summary.latency.count, 20);
  assert.ok(Math.abs(summary.latency.p50_ms! - 1) < 0.02);
  assert.equal(summary.latency.max_ms, 3);
  assert.equal(summary.avg_tick_bytes, 100);
});

Deno.test("DeliveryStats - conflation shows as seq gaps and missing deliveries", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const slow = stats.track([1]);
  const fast = stats.track([1]);
  stats.opened(slow);
  stats.opened(fast);
  stats.baseline(slow, 1, 5);
  stats.baseline(fast, 1, 5);
  stats.startWindow();
  for (let seq = 6; seq <= 15; seq++) stats.tick(fast, 1, seq, 100, 10);
  stats.tick(slow, 1, 6, 100, 10);
  stats.tick(slow, 1, 15, 100, 10);
  stats.endWindow(1_000);
  const summary = stats.finish();
  assert.equal(summary.offered, 20);
  assert.equal(summary.delivered, 12);
  assert.equal(summary.seq_gaps, 8);
  assert.equal(summary.seq_gap_events, 1);
  assert.equal(summary.seq_out_of_order, 0);
});

Deno.test("DeliveryStats - stragglers in the drain count, later ticks do not", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const fast = stats.track([0]);
  const late = stats.track([0]);
  stats.opened(fast);
  stats.opened(late);
  stats.tick(fast, 0, 1, 0, 1);
  stats.tick(late, 0, 1, 0, 1);
  stats.startWindow();
  stats.tick(fast, 0, 2, 0, 1);
  stats.tick(fast, 0, 3, 0, 1);
  stats.endWindow(1_000);
  assert.equal(stats.drained(), false);
  stats.tick(late, 0, 2, 900_000, 1);
  stats.tick(late, 0, 3, 900_000, 1);
  assert.equal(stats.drained(), true);
  stats.tick(fast, 0, 4, 0, 1);
  const summary = stats.finish();
  assert.equal(summary.offered, 4);
  assert.equal(summary.delivered, 4);
  assert.equal(summary.latency.max_ms, 900);
});

Deno.test("DeliveryStats - a history baseline makes the first live gap visible", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const track = stats.track([0, 1]);
  stats.opened(track);
  stats.baseline(track, 0, 100);
  stats.baseline(track, 1, 50);
  stats.startWindow();
  stats.tick(track, 0, 103, 0, 1);
  stats.tick(track, 1, 51, 0, 1);
  stats.tick(track, 1, 51, 0, 1);
  stats.endWindow(1_000);
  const summary = stats.finish();
  assert.equal(summary.seq_gaps, 2);
  assert.equal(summary.seq_out_of_order, 1);
  assert.equal(summary.emitted_per_symbol["BTC-USDT"], 3);
  assert.equal(summary.emitted_per_symbol["ETH-USDT"], 1);
});

Deno.test("DeliveryStats - warmup ticks and closed sockets", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const stays = stats.track([0]);
  const leaves = stats.track([0]);
  const never = stats.track([0]);
  stats.opened(stays);
  stats.opened(leaves);
  stats.tick(stays, 0, 1, 50_000, 1);
  stats.startWindow();
  stats.closed(leaves);
  stats.tick(stays, 0, 2, 0, 1);
  stats.endWindow(1_000);
  assert.equal(stats.drained(), true);
  const summary = stats.finish();
  assert.equal(summary.subscribers_per_symbol["BTC-USDT"], 2);
  assert.equal(summary.offered, 2);
  assert.equal(summary.delivered, 1);
  assert.equal(summary.starved_sockets, 1);
  assert.equal(summary.latency.count, 1);
  assert.equal(never.open, false);
});

Deno.test("DeliveryStats - a symbol first seen in the window counts from there", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const track = stats.track([1]);
  stats.opened(track);
  stats.startWindow();
  for (let seq = 40; seq <= 44; seq++) stats.tick(track, 1, seq, 0, 1);
  stats.endWindow(1_000);
  const summary = stats.finish();
  assert.equal(summary.emitted_per_symbol["ETH-USDT"], 5);
  assert.equal(summary.offered, 5);
  assert.equal(summary.delivered_ratio, 1);
});

Deno.test("DeliveryStats - the window waits for every socket to stream", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const early = stats.track([0]);
  const late = stats.track([0, 1]);
  stats.opened(early);
  stats.opened(late);
  stats.tick(early, 0, 3, 0, 1);
  assert.equal(stats.allStreaming(), false);
  stats.baseline(late, 0, 3);
  assert.equal(stats.allStreaming(), false);
  stats.tick(late, 1, 8, 0, 1);
  assert.equal(stats.allStreaming(), true);
});

Deno.test("DeliveryStats - history that overlaps the window is reported", () => {
  const stats = new DeliveryStats(SYMBOLS);
  const early = stats.track([0]);
  const late = stats.track([0]);
  stats.opened(early);
  stats.opened(late);
  stats.tick(early, 0, 10, 0, 1);
  stats.startWindow();
  stats.tick(early, 0, 11, 0, 1);
  stats.tick(early, 0, 12, 0, 1);
  stats.baseline(late, 0, 12);
  stats.endWindow(1_000);
  const summary = stats.finish();
  assert.equal(summary.offered, 4);
  assert.equal(summary.delivered, 2);
  assert.equal(summary.replayed_in_window, 2);
});
