/**
 * The alert counters in Prometheus text format, appended to `/metrics`:
 * raised and suppressed per (symbol, kind) as labelled counters, so an
 * operator can see a cooldown swallowing a storm instead of guessing.
 */
import type { AlertMetrics } from "../protocol/api_types.ts";

function label(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll(
    "\n",
    "\\n",
  );
}

function family(
  name: string,
  type: "counter" | "gauge",
  help: string,
): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
}

/** Prometheus exposition lines for `metrics`, ending with a newline. */
export function renderAlertPrometheus(metrics: AlertMetrics): string {
  let text = "";
  for (
    const [name, help, counts] of [
      [
        "sentinel_alerts_raised_total",
        "Alerts raised, by symbol and kind",
        metrics.raised,
      ],
      [
        "sentinel_alerts_suppressed_total",
        "Alerts suppressed by the cooldown, by symbol and kind",
        metrics.suppressed,
      ],
    ] as const
  ) {
    text += family(name, "counter", help);
    for (const [symbol, kinds] of Object.entries(counts)) {
      for (const [kind, value] of Object.entries(kinds)) {
        text += `${name}{symbol="${label(symbol)}",kind="${
          label(kind)
        }"} ${value}\n`;
      }
    }
  }
  const plain: [string, "counter" | "gauge", string, number][] = [
    [
      "sentinel_alerts_stored_total",
      "counter",
      "Alerts committed to the trail and pushed",
      metrics.stored_total,
    ],
    [
      "sentinel_alerts_store_failures_total",
      "counter",
      "Alerts whose commit failed (never pushed)",
      metrics.store_failures_total,
    ],
    [
      "sentinel_alerts_dropped_total",
      "counter",
      "Alerts dropped because the store queue was full",
      metrics.dropped_total,
    ],
    [
      "sentinel_alerts_pending",
      "gauge",
      "Alerts waiting to be committed",
      metrics.pending,
    ],
    [
      "sentinel_alert_trail_size",
      "gauge",
      "Alerts kept in the trail",
      metrics.trail_size,
    ],
  ];
  for (const [name, type, help, value] of plain) {
    text += `${family(name, type, help)}${name} ${value}\n`;
  }
  return text;
}
