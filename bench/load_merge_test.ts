import assert from "node:assert/strict";
import { LatencyHistogram } from "./latency_histogram.ts";
import { mergeLoadSummaries } from "./load_merge.ts";
import type { LoadSummary } from "./load_run.ts";

/** A histogram of `micros` samples. */
function samples(micros: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of micros) histogram.record(value);
  return histogram;
}

/** One generator's summary: `sockets` sockets, each offered 100 ticks. */
function part(
  sockets: number,
  delivered: number,
  handshakes: LatencyHistogram,
  deliveries: LatencyHistogram,
  extra: Partial<LoadSummary> = {},
): LoadSummary {
  const lag = samples([1_000, 2_000]);
  return {
    target: "sentinel",
    url: "http://127.0.0.1:1",
    connections: sockets,
    symbols: ["BTC-USDT"],
    mux_ratio: 0,
    aborted: null,
    ready_ms: 10 * sockets,
    handshakes: {
      attempted: sockets,
      accepted: sockets,
      failed: 0,
      failure_reasons: {},
      ramp_s: sockets / 100,
      latency: handshakes.summary(),
    },
    delivery: {
      window_s: 10,
      emitted_per_symbol: { "BTC-USDT": 100 + sockets },
      subscribers_per_symbol: { "BTC-USDT": sockets },
      offered: sockets * 100,
      delivered,
      delivered_ratio: delivered / (sockets * 100),
      offered_per_s: sockets * 10,
      delivered_per_s: delivered / 10,
      live_ticks_total: delivered,
      seq_gaps: 1,
      seq_gap_events: 1,
      seq_out_of_order: 0,
      starved_sockets: 0,
      replayed_in_window: 0,
      avg_tick_bytes: sockets === 1 ? 300 : 400,
      latency: deliveries.summary(),
    },
    server_emitted_per_symbol: null,
    closes_by_code: { "1006": 1 },
    other_frames: 2,
    malformed_frames: 0,
    generator: { rss_mb: 40, loop_lag: lag.summary() },
    histograms: {
      handshake: handshakes.toData(),
      delivery: deliveries.toData(),
      loop_lag: lag.toData(),
    },
    ...extra,
  };
}

Deno.test("mergeLoadSummaries - counts add up and ratios are computed again from the sums", () => {
  const merged = mergeLoadSummaries([
    part(1, 100, samples([5_000]), samples([1_000])),
    part(3, 150, samples([6_000]), samples([2_000]), {
      handshakes: {
        attempted: 4,
        accepted: 3,
        failed: 1,
        failure_reasons: { "timeout": 1 },
        ramp_s: 9,
        latency: samples([6_000]).summary(),
      },
    }),
  ]);
  assert.equal(merged.connections, 4);
  assert.deepEqual(
    [merged.handshakes.attempted, merged.handshakes.accepted],
    [5, 4],
  );
  assert.equal(merged.handshakes.failed, 1);
  assert.deepEqual(merged.handshakes.failure_reasons, { timeout: 1 });
  assert.equal(merged.handshakes.ramp_s, 9);
  assert.equal(merged.ready_ms, 30);
  assert.equal(merged.delivery.offered, 400);
  assert.equal(merged.delivery.delivered, 250);
  assert.equal(merged.delivery.delivered_ratio, 250 / 400);
  assert.deepEqual(merged.delivery.subscribers_per_symbol, { "BTC-USDT": 4 });
  assert.deepEqual(merged.delivery.emitted_per_symbol, { "BTC-USDT": 103 });
  assert.equal(merged.delivery.avg_tick_bytes, 360);
  assert.equal(merged.delivery.seq_gaps, 2);
  assert.deepEqual(merged.closes_by_code, { "1006": 2 });
  assert.equal(merged.generator.rss_mb, 80);
});

Deno.test("mergeLoadSummaries - percentiles come from the merged histograms, not averaged", () => {
  // 99 fast deliveries in one process, one slow one in the other: the merged
  // p50 is the fast one and the max the slow one.
  const fast = samples(Array.from({ length: 99 }, () => 1_000));
  const slow = samples([900_000]);
  const merged = mergeLoadSummaries([
    part(1, 99, samples([1_000]), fast),
    part(1, 1, samples([2_000]), slow),
  ]);
  const all = samples([...Array.from({ length: 99 }, () => 1_000), 900_000]);
  assert.deepEqual(merged.delivery.latency, all.summary());
  assert.ok(merged.delivery.latency.p50_ms! < 2);
  assert.equal(merged.delivery.latency.max_ms, 900);
  assert.equal(merged.handshakes.latency.count, 2);
  assert.equal(merged.generator.loop_lag.count, 4);
});

Deno.test("mergeLoadSummaries - one part is returned as it is; none is refused", () => {
  const one = part(2, 200, samples([1]), samples([1]));
  assert.equal(mergeLoadSummaries([one]), one);
  assert.throws(() => mergeLoadSummaries([]), RangeError);
});
