/**
 * The stream engine's series on `/metrics`: `sentinel_engine_*`, labelled
 * with the engine kind, so a dashboard over several instances can sum
 * publishes, see which instance leads (`sentinel_engine_leader` is 1 on
 * exactly one) and alert on reconnects, gap backfills and lease changes.
 */
import type { EngineMetrics } from "../protocol/api_types.ts";
import { quantileGauge } from "./prometheus.ts";

/** The Prometheus text of `metrics`. */
export function renderEnginePrometheus(metrics: EngineMetrics): string {
  const label = `{kind="${metrics.kind}"}`;
  const series: [string, "counter" | "gauge", string, number][] = [
    [
      "sentinel_engine_leader",
      "gauge",
      "1 while this instance holds the leader lease",
      metrics.leader,
    ],
    [
      "sentinel_engine_connected",
      "gauge",
      "1 while the shared store is reachable",
      metrics.connected,
    ],
    [
      "sentinel_engine_publishes_total",
      "counter",
      "Entries this instance published to the stream",
      metrics.publishes_total,
    ],
    [
      "sentinel_engine_gap_backfills_total",
      "counter",
      "Entries fetched from history to fill a gap in delivery",
      metrics.gap_backfills_total,
    ],
    [
      "sentinel_engine_lease_acquisitions_total",
      "counter",
      "Times this instance acquired the leader lease",
      metrics.lease_acquisitions_total,
    ],
    [
      "sentinel_engine_lease_losses_total",
      "counter",
      "Times this instance lost or released the leader lease",
      metrics.lease_losses_total,
    ],
    [
      "sentinel_engine_reconnects_total",
      "counter",
      "Reconnections to the shared store",
      metrics.reconnects_total,
    ],
    [
      "sentinel_engine_publish_failures_total",
      "counter",
      "Entries whose publish failed or was fenced",
      metrics.publish_failures_total,
    ],
    [
      "sentinel_engine_publish_conflated_total",
      "counter",
      "Waiting ticks replaced by a newer one of their symbol",
      metrics.publish_conflated_total,
    ],
    [
      "sentinel_engine_publish_dropped_total",
      "counter",
      "Entries dropped from a full publish queue",
      metrics.publish_dropped_total,
    ],
  ];
  let text = "";
  for (const [name, type, help, value] of series) {
    text +=
      `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name}${label} ${value}\n`;
  }
  text += quantileGauge(
    "sentinel_engine_delivery_latency_ms",
    "Leader publish to delivery on this instance, ms, over the newest ticks",
    metrics.delivery_latency_ms,
    `kind="${metrics.kind}"`,
  );
  return text;
}
