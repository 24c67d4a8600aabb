/**
 * Renders the service metrics in the Prometheus text exposition format
 * (version 0.0.4), so any Prometheus-compatible scraper can read `/metrics`.
 */
import type {
  CandleMetrics,
  IngestMetrics,
  IntakeMetrics,
  LatencyFigures,
  MemoryMetrics,
  MetricsResponse,
} from "../protocol/api_types.ts";

/** One exported metric: its name, type, help text and value. */
interface MetricLine {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly help: string;
  readonly value: number;
}

/** The Prometheus text for `metrics` plus per-room subscriber gauges. */
export function renderPrometheus(
  metrics: MetricsResponse,
  rooms: Readonly<Record<string, number>>,
): string {
  const lines: MetricLine[] = [
    {
      name: "sentinel_uptime_seconds",
      type: "gauge",
      help: "Seconds since the service started",
      value: metrics.uptime_s,
    },
    {
      name: "sentinel_ticks_processed_total",
      type: "counter",
      help: "Ticks published to the hub",
      value: metrics.ticks_processed,
    },
    {
      name: "sentinel_upstream_requests_total",
      type: "counter",
      help: "Requests made to the upstream exchange",
      value: metrics.upstream_requests,
    },
    {
      name: "sentinel_upstream_errors_total",
      type: "counter",
      help: "Upstream requests that failed",
      value: metrics.upstream_errors,
    },
    {
      name: "sentinel_upstream_items_rejected_total",
      type: "counter",
      help: "Upstream items that failed validation",
      value: metrics.items_rejected,
    },
    {
      name: "sentinel_sockets_active",
      type: "gauge",
      help: "Open stream sockets",
      value: metrics.sockets_active,
    },
    {
      name: "sentinel_sockets_opened_total",
      type: "counter",
      help: "Stream sockets accepted",
      value: metrics.sockets_opened_total,
    },
    {
      name: "sentinel_handshakes_rejected_total",
      type: "counter",
      help: "Socket handshakes refused before upgrade",
      value: metrics.handshakes_rejected_total,
    },
    {
      name: "sentinel_inbound_closes_total",
      type: "counter",
      help:
        "Stream sockets closed (1008) for sending a data frame; they are send-only",
      value: metrics.inbound_closes_total,
    },
    {
      name: "sentinel_messages_sent_total",
      type: "counter",
      help: "Frames sent to sockets",
      value: metrics.messages_sent,
    },
    {
      name: "sentinel_bytes_sent_total",
      type: "counter",
      help: "Bytes of frames sent to sockets",
      value: metrics.bytes_sent,
    },
    {
      name: "sentinel_conflated_total",
      type: "counter",
      help:
        "Ticks a socket did not get because a newer one replaced them (slow socket or thinned broadcast)",
      value: metrics.conflated_total,
    },
    {
      name: "sentinel_slow_closes_total",
      type: "counter",
      help: "Sockets closed for falling behind",
      value: metrics.slow_closes_total,
    },
    {
      name: "sentinel_fanout_interval_ms",
      type: "gauge",
      help:
        "Least interval between two broadcasts of a symbol; above 0 the service is shedding load",
      value: metrics.fanout_interval_ms,
    },
    {
      name: "sentinel_market_sockets_active",
      type: "gauge",
      help: "Open market overview sockets",
      value: metrics.market_sockets_active ?? 0,
    },
    {
      name: "sentinel_symbols_tracked",
      type: "gauge",
      help: "Symbols followed now (spot and perpetuals)",
      value: metrics.symbols_tracked ?? 0,
    },
    {
      name: "sentinel_ingestion_restarts_total",
      type: "counter",
      help: "Ingestion worker restarts",
      value: metrics.ingestion_restarts,
    },
  ];
  if (metrics.ingest) lines.push(...ingestLines(metrics.ingest));
  if (metrics.candles) lines.push(...candleLines(metrics.candles));
  if (metrics.memory) lines.push(...memoryLines(metrics.memory));
  let text = "";
  for (const line of lines) {
    text +=
      `# HELP ${line.name} ${line.help}\n# TYPE ${line.name} ${line.type}\n${line.name} ${line.value}\n`;
  }
  if (metrics.intake) text += intakeText(metrics.intake);
  text +=
    "# HELP sentinel_rate_limited_total Requests refused with 429 by the per-client budgets\n# TYPE sentinel_rate_limited_total counter\n";
  for (const [bucket, count] of Object.entries(metrics.rate_limited_total)) {
    text += `sentinel_rate_limited_total{bucket="${bucket}"} ${count}\n`;
  }
  text +=
    "# HELP sentinel_room_subscribers Subscribers per symbol\n# TYPE sentinel_room_subscribers gauge\n";
  for (const [symbol, count] of Object.entries(rooms)) {
    text += `sentinel_room_subscribers{symbol="${symbol}"} ${count}\n`;
  }
  return text;
}

/**
 * A summary-style gauge of `figures`: one line per quantile (0.5, 0.99, and
 * 1 for the max) with `labels` (`key="value"` pairs, comma-separated) in
 * front of the quantile; a null figure (no samples yet) has no line.
 */
export function quantileGauge(
  name: string,
  help: string,
  figures: LatencyFigures,
  labels = "",
): string {
  let text = `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
  const prefix = labels ? `${labels},` : "";
  for (
    const [quantile, value] of [
      ["0.5", figures.p50],
      ["0.99", figures.p99],
      ["1", figures.max],
    ] as const
  ) {
    if (value !== null) {
      text += `${name}{${prefix}quantile="${quantile}"} ${value}\n`;
    }
  }
  return text;
}

function intakeText(intake: IntakeMetrics): string {
  return quantileGauge(
    "sentinel_tick_age_ms",
    "Exchange time of a tick to the main thread taking it in, ms, over the newest ticks",
    intake.tick_age_ms,
  ) +
    quantileGauge(
      "sentinel_tick_cycle_handling_ms",
      "Main-thread time to hand one cycle of ticks on (publish, fan-out, candles, alerts), ms, over the newest cycles",
      intake.cycle_handling_ms,
    ) +
    "# HELP sentinel_tick_cycles_total Cycles of ticks taken in from ingestion\n# TYPE sentinel_tick_cycles_total counter\n" +
    `sentinel_tick_cycles_total ${intake.cycles_total}\n`;
}

/** One metric line; a counter unless `type` says otherwise. */
function metricLine(
  name: string,
  help: string,
  value: number,
  type: MetricLine["type"] = "counter",
): MetricLine {
  return { name, type, help, value };
}

function memoryLines(memory: MemoryMetrics): MetricLine[] {
  const gauge = (name: string, help: string, value: number) =>
    metricLine(name, help, value, "gauge");
  const lines = [
    gauge(
      "sentinel_resident_memory_bytes",
      "Resident set size of the process",
      memory.rss_bytes,
    ),
    gauge(
      "sentinel_main_heap_used_bytes",
      "V8 heap in use on the main isolate",
      memory.main_heap_used_bytes,
    ),
    gauge(
      "sentinel_main_heap_total_bytes",
      "V8 heap reserved by the main isolate",
      memory.main_heap_total_bytes,
    ),
    gauge(
      "sentinel_external_memory_bytes",
      "Memory outside the V8 heaps held by JavaScript objects",
      memory.external_bytes,
    ),
  ];
  if (memory.worker_heap_used_bytes !== null) {
    lines.push(gauge(
      "sentinel_worker_heap_used_bytes",
      "V8 heap in use on the ingestion worker's isolate",
      memory.worker_heap_used_bytes,
    ));
  }
  if (memory.worker_heap_total_bytes !== null) {
    lines.push(gauge(
      "sentinel_worker_heap_total_bytes",
      "V8 heap reserved by the ingestion worker's isolate",
      memory.worker_heap_total_bytes,
    ));
  }
  return lines;
}

function candleLines(candles: CandleMetrics): MetricLine[] {
  const line = metricLine;
  return [
    line(
      "sentinel_candle_bars_written_total",
      "Bars written to the store",
      candles.bars_written_total,
    ),
    line(
      "sentinel_candle_writes_total",
      "Writes of bars to the store (each one or more commits)",
      candles.bar_writes_total,
    ),
    line(
      "sentinel_candle_write_failures_total",
      "Bar writes that failed and were retried",
      candles.bar_write_failures_total,
    ),
    line(
      "sentinel_candle_bars_dropped_total",
      "Bars dropped because the write queue was full",
      candles.bars_dropped_total,
    ),
    line(
      "sentinel_candle_bars_queued",
      "Bars waiting to be written",
      candles.bars_queued,
      "gauge",
    ),
    line(
      "sentinel_candle_late_trades_total",
      "Trades that arrived after their second had closed (amended or dropped)",
      candles.late_trades_amended_total + candles.late_trades_dropped_total,
    ),
    line(
      "sentinel_candle_bars_backfilled_total",
      "Bars taken from the exchange's klines",
      candles.bars_backfilled_total,
    ),
    line(
      "sentinel_candle_backfill_steps_pending",
      "Backfill steps still to run (two per symbol)",
      candles.backfill_steps_pending,
      "gauge",
    ),
    line(
      "sentinel_candle_books_loading",
      "Books whose older bars are still being read after a start",
      candles.books_loading,
      "gauge",
    ),
  ];
}

/** The ingestion source's gauges and counters (WebSocket and fallback). */
function ingestLines(ingest: IngestMetrics): MetricLine[] {
  const counter = metricLine;
  return [
    {
      name: "sentinel_rest_fallback_active",
      type: "gauge",
      help: "1 while REST polling stands in for the WebSocket",
      value: ingest.rest_fallback_active,
    },
    {
      name: "sentinel_ws_connected",
      type: "gauge",
      help: "1 while the exchange WebSocket is open",
      value: ingest.ws_connected,
    },
    counter(
      "sentinel_ws_connects_total",
      "Exchange WebSocket connections opened",
      ingest.ws_connects_total,
    ),
    counter(
      "sentinel_ws_subscribe_requests_total",
      "Subscribe requests sent to the exchange WebSocket",
      ingest.ws_subscribe_requests_total,
    ),
    counter(
      "sentinel_ws_messages_total",
      "Frames received from the exchange WebSocket",
      ingest.ws_messages_total,
    ),
    counter(
      "sentinel_ws_bad_messages_total",
      "Exchange WebSocket frames that failed validation",
      ingest.ws_bad_messages_total,
    ),
    counter(
      "sentinel_ws_refusals_total",
      "Topics the exchange refused to stream",
      ingest.ws_refusals_total,
    ),
    counter(
      "sentinel_trades_total",
      "Public trades received from the exchange",
      ingest.trades_total,
    ),
    counter(
      "sentinel_rest_fallbacks_total",
      "Times REST polling took over from the WebSocket",
      ingest.rest_fallbacks_total,
    ),
    {
      name: "sentinel_rest_fallback_symbols",
      type: "gauge",
      help: "Symbols REST polling stands in for now",
      value: ingest.rest_fallback_symbols,
    },
    {
      name: "sentinel_ws_connections",
      type: "gauge",
      help: "Exchange WebSocket connections (topics spread over several)",
      value: ingest.ws_connections,
    },
    {
      name: "sentinel_ws_connections_open",
      type: "gauge",
      help: "Exchange WebSocket connections open now",
      value: ingest.ws_connections_open,
    },
    counter(
      "sentinel_ws_data_silence_replacements_total",
      "Connections replaced for answering pings while sending no data",
      ingest.ws_data_silence_replacements_total,
    ),
    counter(
      "sentinel_ws_topic_resubscribes_total",
      "Topics resubscribed: silent past their pace, or a delta without a snapshot",
      ingest.ws_topic_resubscribes_total,
    ),
    counter(
      "sentinel_deltas_without_snapshot_total",
      "Linear ticker deltas that arrived before any snapshot (skipped)",
      ingest.deltas_without_snapshot_total,
    ),
    counter(
      "sentinel_liquidations_total",
      "Liquidations received from the exchange",
      ingest.liquidations_total,
    ),
    counter(
      "sentinel_liquidations_rejected_total",
      "Liquidations rejected by validation (absurd values included)",
      ingest.liquidations_rejected_total,
    ),
    counter(
      "sentinel_worker_ticks_conflated_total",
      "Ticks the ingestion worker replaced with a newer one of their symbol while the main thread was busy",
      ingest.worker_ticks_conflated_total,
    ),
  ];
}
