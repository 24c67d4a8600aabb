/**
 * Renders the service metrics in the Prometheus text exposition format
 * (version 0.0.4), so any Prometheus-compatible scraper can read `/metrics`.
 */
import type { MetricsResponse } from "../http/api_types.ts";

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
      help: "Ticks held back from slow sockets",
      value: metrics.conflated_total,
    },
    {
      name: "sentinel_slow_closes_total",
      type: "counter",
      help: "Sockets closed for falling behind",
      value: metrics.slow_closes_total,
    },
    {
      name: "sentinel_ingestion_restarts_total",
      type: "counter",
      help: "Ingestion worker restarts",
      value: metrics.ingestion_restarts,
    },
  ];
  let text = "";
  for (const line of lines) {
    text +=
      `# HELP ${line.name} ${line.help}\n# TYPE ${line.name} ${line.type}\n${line.name} ${line.value}\n`;
  }
  text +=
    "# HELP sentinel_room_subscribers Subscribers per symbol\n# TYPE sentinel_room_subscribers gauge\n";
  for (const [symbol, count] of Object.entries(rooms)) {
    text += `sentinel_room_subscribers{symbol="${symbol}"} ${count}\n`;
  }
  return text;
}
