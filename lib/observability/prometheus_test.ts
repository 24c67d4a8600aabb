import assert from "node:assert/strict";
import type { MetricsResponse } from "../protocol/api_types.ts";
import { renderPrometheus } from "./prometheus.ts";

const METRICS: MetricsResponse = {
  uptime_s: 12.5,
  ticks_processed: 100,
  upstream_requests: 30,
  upstream_errors: 2,
  items_rejected: 1,
  sockets_active: 3,
  sockets_opened_total: 9,
  handshakes_rejected_total: 4,
  inbound_closes_total: 2,
  rate_limited_total: { api: 3, handshake: 1, page: 0 },
  messages_sent: 700,
  bytes_sent: 123_456,
  conflated_total: 5,
  slow_closes_total: 1,
  fanout_interval_ms: 200,
  ingestion_restarts: 0,
};

const ROOMS = { "BTC-USDT": 2, "1000SATS-USDT": 0 };

/** Every sample line as [name, labels, value]. */
function samples(text: string): [string, string, string][] {
  return text.split("\n").filter((l) => l !== "" && !l.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      assert.ok(match, `not a valid sample line: ${JSON.stringify(line)}`);
      return [match[1], match[2] ?? "", match[3]];
    });
}

Deno.test("renderPrometheus - every line is HELP, TYPE or a valid sample", () => {
  const text = renderPrometheus(METRICS, ROOMS);
  assert.ok(text.endsWith("\n"));
  for (const line of text.slice(0, -1).split("\n")) {
    assert.match(
      line,
      /^(# HELP [a-z_]+ \S.*|# TYPE [a-z_]+ (counter|gauge)|[a-z_]+(\{(symbol|bucket)="[A-Za-z0-9-]+"\})? -?[0-9.e+]+)$/,
    );
  }
  samples(text);
});

Deno.test("renderPrometheus - each metric has HELP then TYPE before its sample", () => {
  const lines = renderPrometheus(METRICS, ROOMS).split("\n");
  const names = new Set(samples(lines.join("\n")).map(([name]) => name));
  for (const name of names) {
    const help = lines.findIndex((l) => l.startsWith(`# HELP ${name} `));
    const type = lines.findIndex((l) => l.startsWith(`# TYPE ${name} `));
    const first = lines.findIndex((l) => l.startsWith(name));
    assert.ok(help >= 0 && help < type && type < first, name);
    assert.equal(
      lines.filter((l) => l.startsWith(`# TYPE ${name} `)).length,
      1,
      name,
    );
  }
});

Deno.test("renderPrometheus - values come from the metrics", () => {
  const values = new Map(
    samples(renderPrometheus(METRICS, {})).map(([n, , v]) => [n, v]),
  );
  assert.equal(values.get("sentinel_uptime_seconds"), "12.5");
  assert.equal(values.get("sentinel_ticks_processed_total"), "100");
  assert.equal(values.get("sentinel_sockets_active"), "3");
  assert.equal(values.get("sentinel_bytes_sent_total"), "123456");
  assert.equal(values.get("sentinel_slow_closes_total"), "1");
  assert.equal(values.get("sentinel_fanout_interval_ms"), "200");
});

Deno.test("renderPrometheus - counters end in _total, gauges do not", () => {
  const text = renderPrometheus(METRICS, ROOMS);
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    assert.equal(match[1].endsWith("_total"), match[2] === "counter", match[1]);
  }
});

Deno.test("renderPrometheus - one room gauge per symbol with a symbol label", () => {
  const rooms = samples(renderPrometheus(METRICS, ROOMS)).filter(([name]) =>
    name === "sentinel_room_subscribers"
  );
  assert.deepEqual(rooms, [
    ["sentinel_room_subscribers", '{symbol="BTC-USDT"}', "2"],
    ["sentinel_room_subscribers", '{symbol="1000SATS-USDT"}', "0"],
  ]);
});

Deno.test("renderPrometheus - ingestion source gauges and counters when present", () => {
  const text = renderPrometheus({
    ...METRICS,
    ingest: {
      mode: "rest-fallback",
      rest_fallback_active: 1,
      ws_connected: 0,
      ws_connects_total: 3,
      ws_subscribe_requests_total: 3,
      ws_messages_total: 5_000,
      ws_bad_messages_total: 4,
      ws_refusals_total: 0,
      trades_total: 1_234,
      rest_fallbacks_total: 2,
      ws_connections: 3,
      ws_connections_open: 2,
      ws_data_silence_replacements_total: 1,
      ws_topic_resubscribes_total: 7,
      deltas_without_snapshot_total: 2,
      liquidations_total: 40,
      liquidations_rejected_total: 1,
      rest_fallback_symbols: 12,
      worker_ticks_conflated_total: 7,
    },
  }, ROOMS);
  const values = new Map(samples(text).map(([name, , value]) => [name, value]));
  assert.equal(values.get("sentinel_rest_fallback_active"), "1");
  assert.equal(values.get("sentinel_ws_connected"), "0");
  assert.equal(values.get("sentinel_ws_bad_messages_total"), "4");
  assert.equal(values.get("sentinel_trades_total"), "1234");
  assert.equal(values.get("sentinel_rest_fallbacks_total"), "2");
  assert.equal(values.get("sentinel_ws_connections"), "3");
  assert.equal(values.get("sentinel_ws_data_silence_replacements_total"), "1");
  assert.equal(values.get("sentinel_ws_topic_resubscribes_total"), "7");
  assert.equal(values.get("sentinel_liquidations_rejected_total"), "1");
  assert.equal(values.get("sentinel_rest_fallback_symbols"), "12");
  assert.equal(values.get("sentinel_worker_ticks_conflated_total"), "7");
  assert.match(text, /# TYPE sentinel_ws_messages_total counter\n/);
  assert.equal(
    renderPrometheus(METRICS, ROOMS).includes("sentinel_ws_"),
    false,
    "nothing about the WebSocket without ingest metrics",
  );
});

Deno.test("renderPrometheus - requests refused by the rate limits are labelled by bucket", () => {
  const text = renderPrometheus(METRICS, {});
  assert.match(text, /^sentinel_rate_limited_total\{bucket="api"\} 3$/m);
  assert.match(text, /^sentinel_rate_limited_total\{bucket="handshake"\} 1$/m);
  assert.match(text, /^sentinel_rate_limited_total\{bucket="page"\} 0$/m);
});

Deno.test("renderPrometheus - memory gauges when present, the worker's only once it reported", () => {
  const memory = {
    rss_bytes: 300_000_000,
    main_heap_used_bytes: 80_000_000,
    main_heap_total_bytes: 120_000_000,
    external_bytes: 4_000_000,
    worker_heap_used_bytes: 60_000_000,
    worker_heap_total_bytes: 90_000_000,
  };
  const values = (metrics: MetricsResponse) =>
    Object.fromEntries(
      samples(renderPrometheus(metrics, {}))
        .filter(([name]) => name.includes("memory") || name.includes("heap"))
        .map(([name, , value]) => [name, Number(value)]),
    );
  assert.deepEqual(values({ ...METRICS, memory }), {
    sentinel_resident_memory_bytes: 300_000_000,
    sentinel_main_heap_used_bytes: 80_000_000,
    sentinel_main_heap_total_bytes: 120_000_000,
    sentinel_external_memory_bytes: 4_000_000,
    sentinel_worker_heap_used_bytes: 60_000_000,
    sentinel_worker_heap_total_bytes: 90_000_000,
  });
  const inline = values({
    ...METRICS,
    memory: {
      ...memory,
      worker_heap_used_bytes: null,
      worker_heap_total_bytes: null,
    },
  });
  assert.equal(inline.sentinel_worker_heap_used_bytes, undefined);
  assert.equal(inline.sentinel_resident_memory_bytes, 300_000_000);
  assert.deepEqual(values(METRICS), {});
});

Deno.test("renderPrometheus - the intake's quantiles, without a line for a figure not measured yet", () => {
  const text = renderPrometheus({
    ...METRICS,
    intake: {
      tick_age_ms: { p50: 12, p99: 80.5, max: 140 },
      cycle_handling_ms: { p50: null, p99: null, max: null },
      cycles_total: 7,
    },
  }, {});
  const lines = samples(text).filter(([name]) =>
    name.startsWith("sentinel_tick_")
  );
  assert.deepEqual(lines, [
    ["sentinel_tick_age_ms", '{quantile="0.5"}', "12"],
    ["sentinel_tick_age_ms", '{quantile="0.99"}', "80.5"],
    ["sentinel_tick_age_ms", '{quantile="1"}', "140"],
    ["sentinel_tick_cycles_total", "", "7"],
  ]);
  assert.match(text, /# TYPE sentinel_tick_cycle_handling_ms gauge\n/);
});
