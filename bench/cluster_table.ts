/**
 * The `--cluster=N` table: the single-instance service and the N-instance
 * cluster at one subscriber count, side by side, with what only a cluster
 * has (engine latency, failover) and the load average the run saw — the
 * figures mean little on a machine others are loading.
 */
import type { ClusterRunResult } from "./cluster_run.ts";
import type { RunResult } from "./result_table.ts";

const fmt = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? "—" : value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** The comparison table for one subscriber count. */
export function formatClusterTable(
  single: RunResult | undefined,
  cluster: ClusterRunResult,
  loadavg: readonly number[],
): string {
  const n = cluster.cluster?.instances ?? 0;
  const rows: [string, string, string][] = [];
  const both = (label: string, pick: (r: RunResult) => string) =>
    rows.push([
      label,
      single?.load ? pick(single) : "—",
      cluster.load ? pick(cluster) : "—",
    ]);
  both(
    "handshakes accepted / failed",
    (r) => `${r.load!.handshakes.accepted} / ${r.load!.handshakes.failed}`,
  );
  both(
    "delivered / offered",
    (r) => `${fmt((r.load!.delivery.delivered_ratio ?? 0) * 100)}%`,
  );
  both("delivered msg/s", (r) => fmt(r.load!.delivery.delivered_per_s, 0));
  both(
    "latency p50 / p99 (ms)",
    (r) =>
      `${fmt(r.load!.delivery.latency.p50_ms)} / ${
        fmt(r.load!.delivery.latency.p99_ms)
      }`,
  );
  both("seq gaps (conflated)", (r) => fmt(r.load!.delivery.seq_gaps, 0));
  const c = cluster.cluster;
  rows.push([
    "sockets per instance",
    "—",
    c ? c.sockets_per_instance.join(" / ") : "—",
  ]);
  rows.push([
    "engine latency p50 / p99 (ms)",
    "—",
    c
      ? `${fmt(c.engine_latency_ms.p50)} / ${fmt(c.engine_latency_ms.p99)}`
      : "—",
  ]);
  rows.push([
    "failover: new leader / next tick (ms)",
    "—",
    c ? `${fmt(c.failover_lead_ms, 0)} / ${fmt(c.failover_tick_ms, 0)}` : "—",
  ]);
  rows.push([
    "failover without reset or gap",
    "—",
    c?.failover_clean === null || c === undefined
      ? "—"
      : c.failover_clean
      ? "yes"
      : "no",
  ]);
  rows.push([
    "CPU per process (% of a core)",
    fmt(single?.server?.cpu_percent, 0),
    c
      ? `${c.instance_cpu_percent.map((v) => fmt(v, 0)).join(" / ")} + redis ${
        fmt(c.redis_cpu_percent, 0)
      }`
      : "—",
  ]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((row) => row[i].length), 16)
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  const subscribers = cluster.subscribers.toLocaleString("en-US");
  return [
    `\n${subscribers} subscribers: 1 instance vs ${n} instances (Redis engine, one port); load ${
      loadavg.map((v) => v.toFixed(2)).join(" ")
    }`,
    line(["", "1 instance", `${n} instances`]),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    cluster.status === "ok"
      ? ""
      : `cluster run ${cluster.status}: ${cluster.error}`,
  ].join("\n");
}
