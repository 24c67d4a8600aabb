import assert from "node:assert/strict";
import type { LatencySummary } from "./latency_histogram.ts";
import type { TargetKind } from "./load_options.ts";
import type { LoadFigures } from "./load_run.ts";
import {
  formatCell,
  formatResultTable,
  median,
  type RunResult,
} from "./result_table.ts";

function latency(p50: number, p99: number, max: number): LatencySummary {
  return {
    count: 100,
    min_ms: 0.1,
    mean_ms: p50,
    p50_ms: p50,
    p90_ms: p99,
    p99_ms: p99,
    p999_ms: max,
    max_ms: max,
  };
}

function run(
  target: TargetKind,
  subscribers: number,
  p99: number,
  cpu: number,
): RunResult {
  const load = {
    target,
    url: "http://127.0.0.1:1",
    connections: subscribers,
    symbols: ["BTC-USDT"],
    mux_ratio: 0,
    aborted: null,
    ready_ms: 10,
    handshakes: {
      attempted: subscribers,
      accepted: subscribers,
      failed: 0,
      failure_reasons: {},
      ramp_s: 1,
      latency: latency(1, 2, 3),
    },
    delivery: {
      window_s: 10,
      emitted_per_symbol: { "BTC-USDT": 200 },
      subscribers_per_symbol: { "BTC-USDT": subscribers },
      offered: subscribers * 200,
      delivered: subscribers * 200,
      delivered_ratio: 1,
      offered_per_s: subscribers * 20,
      delivered_per_s: subscribers * 20,
      live_ticks_total: subscribers * 200,
      seq_gaps: 0,
      seq_gap_events: 0,
      seq_out_of_order: 0,
      starved_sockets: 0,
      replayed_in_window: 0,
      avg_tick_bytes: 340,
      latency: latency(p99 / 2, p99, p99 * 2),
    },
    server_emitted_per_symbol: null,
    closes_by_code: { "1006": 2 },
    other_frames: 0,
    malformed_frames: 0,
    generator: { rss_mb: 50, loop_lag: latency(1, 4, 5) },
  } satisfies LoadFigures;
  return {
    target,
    subscribers,
    status: "ok",
    load,
    server: {
      cpu_percent: cpu,
      rss_mb_idle: 40,
      rss_mb_loaded: 80,
      rss_mb_max: 90,
      rss_kb_per_subscriber: 40 * 1024 / subscribers,
    },
    generator_cpu_percent: 30,
    simulator_cpu_percent: null,
  };
}

Deno.test("formatCell - value with ratio, dashes for missing values", () => {
  assert.equal(formatCell(3, 4, 2, true), "3.00 (0.75×)");
  assert.equal(formatCell(3, 4, 1, false), "3.0");
  assert.equal(formatCell(null, 4, 1, true), "—");
  assert.equal(formatCell(3, 0, 0, true), "3");
  assert.equal(formatCell(3, null, 0, true), "3");
  assert.equal(formatCell("10 / 0", 4, 0, true), "10 / 0");
});

Deno.test("formatResultTable - one block per subscriber count with ratios to the service", () => {
  const text = formatResultTable([
    run("bare", 1000, 4, 30),
    run("sentinel", 1000, 8, 60),
    run("socketio", 1000, 16, 90),
    run("sentinel", 50, 1, 5),
  ], { ratePerSymbol: 20, durationSeconds: 10 });
  const blocks = text.split("\n\n");
  assert.equal(blocks.length, 2);
  assert.match(
    blocks[0],
    /^== 50 subscribers · 20 ticks\/s per symbol · 10 s window · ratios vs sentinel ==/,
  );
  assert.match(blocks[1], /^== 1000 subscribers/);
  const p99 = blocks[1].split("\n").find((line) =>
    line.startsWith("latency p99 ms")
  )!;
  assert.match(p99, /8\.00\s+4\.00 \(0\.50×\)\s+16\.00 \(2\.00×\)$/);
  const cpu = blocks[1].split("\n").find((line) =>
    line.startsWith("server CPU")
  )!;
  assert.match(cpu, /60\s+30 \(0\.50×\)\s+90 \(1\.50×\)$/);
  const closes = blocks[1].split("\n").find((line) =>
    line.startsWith("unexpected closes")
  )!;
  assert.match(closes, /2\s+2\s+2$/);
  assert.ok(
    !blocks[1].includes("simulator CPU"),
    "an all-empty row is left out",
  );
  const header = blocks[1].split("\n")[1];
  assert.match(header, /sentinel/);
  assert.ok(header.indexOf("bare Deno") < header.indexOf("socket.io (Node)"));
});

Deno.test("formatResultTable - without a baseline run there are no ratios", () => {
  const text = formatResultTable([
    run("bare", 100, 4, 30),
    run("ws", 100, 8, 40),
  ]);
  assert.match(text, /no baseline run/);
  assert.ok(!text.includes("×"));
});

Deno.test("formatResultTable - failed runs are listed with their reason", () => {
  const failed: RunResult = {
    target: "sentinel",
    subscribers: 100,
    status: "failed",
    error: "Server at http://127.0.0.1:1/api/health was not ready",
  };
  const text = formatResultTable([failed, run("bare", 100, 4, 30)]);
  assert.match(text, /status\s+failed\s+ok/);
  assert.match(text, /sentinel failed: Server at .* was not ready/);
  assert.match(text, /no baseline run/);
});

Deno.test("median - middle value, mean of the middle two, null when empty", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
});

Deno.test("formatResultTable - repeated runs show medians, summed handshakes and the p99 range", () => {
  const repeat = (
    target: TargetKind,
    p99s: number[],
    cpus: number[],
  ): RunResult[] =>
    p99s.map((p99, i) => ({
      ...run(target, 1000, p99, cpus[i]),
      repetition: i + 1,
    }));
  const failedRun: RunResult = {
    target: "bare",
    subscribers: 1000,
    repetition: 3,
    status: "failed",
    error: "Run cut short: deadline",
  };
  const text = formatResultTable([
    ...repeat("sentinel", [10, 30, 20], [50, 70, 60]),
    ...repeat("bare", [40, 80], [30, 30]),
    failedRun,
  ]);
  const line = (label: string) =>
    text.split("\n").find((l) => l.startsWith(label))!;
  assert.match(text, /median of 3 runs · ratios vs sentinel/);
  assert.match(line("latency p99 ms "), /20\.00\s+60\.00 \(3\.00×\)$/);
  assert.match(line("server CPU"), /60\s+30 \(0\.50×\)$/);
  assert.match(line("handshakes ok / failed"), /3000 \/ 0\s+2000 \/ 0$/);
  assert.match(line("latency p99 ms range"), /10–30\s+40–80$/);
  assert.match(line("status"), /ok\s+2\/3 ok$/);
  assert.match(text, /bare Deno \(run 3\) failed: Run cut short: deadline/);
});
