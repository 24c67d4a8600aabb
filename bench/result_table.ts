/**
 * The benchmark's results as a human table: one block per subscriber count,
 * one column per target, each figure followed by its ratio to the service's
 * (target ÷ sentinel), so "0.80×" on a latency row means 20 % lower than the
 * service. Pure: takes results, returns text.
 */
import { TARGET_KINDS, type TargetKind } from "./load_options.ts";
import type { LoadSummary } from "./load_run.ts";

/** What was measured on the server process during the window. */
export interface ServerFigures {
  /** CPU over the window, % of one core. */
  readonly cpu_percent: number | null;
  /** RSS after readiness, before any socket. */
  readonly rss_mb_idle: number | null;
  /** RSS at the end of the window. */
  readonly rss_mb_loaded: number | null;
  /** Largest RSS seen during the run. */
  readonly rss_mb_max: number | null;
  /** (loaded − idle) ÷ accepted subscribers, KiB. */
  readonly rss_kb_per_subscriber: number | null;
}

/** One target at one subscriber count. */
export interface RunResult {
  readonly target: TargetKind;
  readonly subscribers: number;
  readonly status: "ok" | "failed" | "skipped";
  /** Why the run failed or was skipped. */
  readonly error?: string;
  readonly load?: LoadSummary;
  readonly server?: ServerFigures;
  /** CPU of the load generator over the window, % of one core. */
  readonly generator_cpu_percent?: number | null;
  /** CPU of the exchange simulator over the window (service only). */
  readonly simulator_cpu_percent?: number | null;
}

/** Column headings per target. */
export const TARGET_LABELS: Readonly<Record<TargetKind, string>> = {
  sentinel: "sentinel",
  bare: "bare Deno",
  ws: "ws (Node)",
  socketio: "socket.io (Node)",
};

interface Metric {
  readonly label: string;
  readonly value: (run: RunResult) => number | string | null | undefined;
  /** Decimals shown. */
  readonly digits: number;
  /** Show the ratio to the baseline. */
  readonly ratio: boolean;
}

const METRICS: readonly Metric[] = [
  {
    label: "handshakes ok / failed",
    value: (r) =>
      r.load
        ? `${r.load.handshakes.accepted} / ${r.load.handshakes.failed}`
        : null,
    digits: 0,
    ratio: false,
  },
  {
    label: "delivered / offered %",
    value: (r) =>
      r.load?.delivery.delivered_ratio == null
        ? null
        : r.load.delivery.delivered_ratio * 100,
    digits: 2,
    ratio: false,
  },
  {
    label: "delivered msg/s",
    value: (r) => r.load?.delivery.delivered_per_s,
    digits: 0,
    ratio: true,
  },
  {
    label: "offered msg/s",
    value: (r) => r.load?.delivery.offered_per_s,
    digits: 0,
    ratio: false,
  },
  {
    label: "latency p50 ms",
    value: (r) => r.load?.delivery.latency.p50_ms,
    digits: 2,
    ratio: true,
  },
  {
    label: "latency p99 ms",
    value: (r) => r.load?.delivery.latency.p99_ms,
    digits: 2,
    ratio: true,
  },
  {
    label: "latency max ms",
    value: (r) => r.load?.delivery.latency.max_ms,
    digits: 1,
    ratio: true,
  },
  {
    label: "tick frame bytes",
    value: (r) => r.load?.delivery.avg_tick_bytes,
    digits: 0,
    ratio: false,
  },
  {
    label: "seq gaps (conflated)",
    value: (r) => r.load?.delivery.seq_gaps,
    digits: 0,
    ratio: false,
  },
  {
    label: "unexpected closes",
    value: (r) =>
      r.load
        ? Object.values(r.load.closes_by_code).reduce((a, b) => a + b, 0)
        : null,
    digits: 0,
    ratio: false,
  },
  {
    label: "server CPU % (1 core)",
    value: (r) => r.server?.cpu_percent,
    digits: 0,
    ratio: true,
  },
  {
    label: "server RSS MB loaded",
    value: (r) => r.server?.rss_mb_loaded,
    digits: 0,
    ratio: true,
  },
  {
    label: "RSS KB / subscriber",
    value: (r) => r.server?.rss_kb_per_subscriber,
    digits: 1,
    ratio: true,
  },
  {
    label: "generator CPU %",
    value: (r) => r.generator_cpu_percent,
    digits: 0,
    ratio: false,
  },
  {
    label: "generator loop lag p99 ms",
    value: (r) => r.load?.generator.loop_lag.p99_ms,
    digits: 1,
    ratio: false,
  },
  {
    label: "simulator CPU %",
    value: (r) => r.simulator_cpu_percent,
    digits: 0,
    ratio: false,
  },
];

/** Formats one cell: the value and, when both exist, `(ratio×)`. */
export function formatCell(
  value: number | string | null | undefined,
  baseline: number | string | null | undefined,
  digits: number,
  withRatio: boolean,
): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  const text = value.toFixed(digits);
  if (
    !withRatio || typeof baseline !== "number" || !(baseline > 0) ||
    !Number.isFinite(value)
  ) {
    return text;
  }
  return `${text} (${(value / baseline).toFixed(2)}×)`;
}

/** Options of {@linkcode formatResultTable}. */
export interface TableOptions {
  /** The target ratios are computed against. Default `sentinel`. */
  readonly baseline?: TargetKind;
  /** Shown in each block's heading. */
  readonly ratePerSymbol?: number;
  readonly durationSeconds?: number;
}

/** The whole report: one block per subscriber count, in ascending order. */
export function formatResultTable(
  results: readonly RunResult[],
  options: TableOptions = {},
): string {
  const { baseline = "sentinel", ratePerSymbol, durationSeconds } = options;
  const counts = [...new Set(results.map((r) => r.subscribers))].sort((a, b) =>
    a - b
  );
  const blocks: string[] = [];
  for (const count of counts) {
    const order = (t: TargetKind) =>
      t === baseline ? -1 : TARGET_KINDS.indexOf(t);
    const runs = results.filter((r) => r.subscribers === count)
      .sort((a, b) => order(a.target) - order(b.target));
    const base = runs.find((r) => r.target === baseline && r.status === "ok");
    const header = ["", ...runs.map((r) => TARGET_LABELS[r.target])];
    const rows: string[][] = [header];
    for (const metric of METRICS) {
      const values = runs.map((r) =>
        r.status === "ok" ? metric.value(r) : null
      );
      if (values.every((v) => v === null || v === undefined)) continue;
      const baseValue = base ? metric.value(base) : undefined;
      rows.push([
        metric.label,
        ...values.map((v, i) =>
          runs[i] === base
            ? formatCell(v, undefined, metric.digits, false)
            : formatCell(v, baseValue, metric.digits, metric.ratio)
        ),
      ]);
    }
    const failures = runs.filter((r) => r.status !== "ok");
    if (failures.length > 0) {
      rows.push([
        "status",
        ...runs.map((r) => r.status === "ok" ? "ok" : r.status),
      ]);
    }
    const heading = [
      `${count} subscribers`,
      ratePerSymbol ? `${ratePerSymbol} ticks/s per symbol` : undefined,
      durationSeconds ? `${durationSeconds} s window` : undefined,
      base ? `ratios vs ${TARGET_LABELS[baseline]}` : "no baseline run",
    ].filter(Boolean).join(" · ");
    blocks.push(
      [
        `== ${heading} ==`,
        renderColumns(rows),
        ...failures.map((r) =>
          `  ${TARGET_LABELS[r.target]} ${r.status}: ${r.error ?? "no detail"}`
        ),
      ].join("\n"),
    );
  }
  return blocks.join("\n\n");
}

/** Left-aligns the first column and right-aligns the others. */
function renderColumns(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map((row) => (row[c] ?? "").length))
  );
  return rows.map((row) =>
    row.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])
    ).join("  ").trimEnd()
  ).join("\n");
}
