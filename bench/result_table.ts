/**
 * The benchmark's results as a human table: one block per subscriber count,
 * one column per target, each figure followed by its ratio to the service's
 * (target ÷ sentinel), so "0.80×" on a latency row means 20 % lower than the
 * service. With repeated runs (`--repeat`), each cell is the median of the
 * target's successful runs (handshakes are summed) and a range row shows how
 * far p99 latency moved between them. Pure: takes results, returns text.
 */
import { BENCH_TARGETS, type BenchTarget } from "./bench_targets.ts";
import type { LoadFigures } from "./load_run.ts";

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
  readonly target: BenchTarget;
  readonly subscribers: number;
  /** Which run of this target and count (1-based) when runs are repeated. */
  readonly repetition?: number;
  readonly status: "ok" | "failed" | "skipped";
  /** Why the run failed or was skipped. */
  readonly error?: string;
  readonly load?: LoadFigures;
  readonly server?: ServerFigures;
  /** CPU of the load generator over the window, % of one core (summed over its processes). */
  readonly generator_cpu_percent?: number | null;
  /** CPU of the exchange simulator over the window (service only). */
  readonly simulator_cpu_percent?: number | null;
}

/** Column headings per target. */
export const TARGET_LABELS: Readonly<Record<BenchTarget, string>> = {
  sentinel: "sentinel",
  "sentinel-deno": "sentinel (deno)",
  bare: "bare Deno",
  ws: "ws (Node)",
  "ws-deno": "ws (Deno)",
  socketio: "socket.io (Node)",
};

interface Metric {
  readonly label: string;
  /** The figure of one run (the cell shows the median over runs). */
  readonly value: (run: RunResult) => number | null | undefined;
  /** A text cell combining every run instead of a median. */
  readonly text?: (runs: readonly RunResult[]) => string | null;
  /** Decimals shown. */
  readonly digits: number;
  /** Show the ratio to the baseline. */
  readonly ratio: boolean;
}

const METRICS: readonly Metric[] = [
  {
    label: "handshakes ok / failed",
    value: () => null,
    text: (runs) => {
      const loads = runs.flatMap((r) => r.load ? [r.load.handshakes] : []);
      if (loads.length === 0) return null;
      const sum = (pick: (h: LoadFigures["handshakes"]) => number) =>
        loads.reduce((total, h) => total + pick(h), 0);
      return `${sum((h) => h.accepted)} / ${sum((h) => h.failed)}`;
    },
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
  baseline: number | null | undefined,
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
  readonly baseline?: BenchTarget;
  /** Shown in each block's heading. */
  readonly ratePerSymbol?: number;
  readonly durationSeconds?: number;
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A metric's figures over the successful runs of one target. */
function figures(metric: Metric, runs: readonly RunResult[]): number[] {
  return runs.flatMap((r) => {
    const value = metric.value(r);
    return typeof value === "number" && Number.isFinite(value) ? [value] : [];
  });
}

const P99_METRIC = METRICS.find((m) => m.label === "latency p99 ms")!;

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
    const atCount = results.filter((r) => r.subscribers === count);
    const targets = BENCH_TARGETS.filter((t) =>
      atCount.some((r) => r.target === t)
    ).sort((a, b) => (a === baseline ? -1 : 0) - (b === baseline ? -1 : 0));
    const columns = targets.map((target) => {
      const runs = atCount.filter((r) => r.target === target);
      return { target, runs, ok: runs.filter((r) => r.status === "ok") };
    });
    const repeated = Math.max(...columns.map((c) => c.runs.length)) > 1;
    const base = columns.find((c) => c.target === baseline && c.ok.length > 0);
    const header = ["", ...columns.map((c) => TARGET_LABELS[c.target])];
    const rows: string[][] = [header];
    for (const metric of METRICS) {
      const cells = columns.map((c) =>
        metric.text ? metric.text(c.ok) : median(figures(metric, c.ok))
      );
      if (cells.every((v) => v === null)) continue;
      const baseValue = base ? median(figures(metric, base.ok)) : null;
      rows.push([
        metric.label,
        ...cells.map((v, i) =>
          columns[i] === base
            ? formatCell(v, undefined, metric.digits, false)
            : formatCell(v, baseValue, metric.digits, metric.ratio)
        ),
      ]);
    }
    if (repeated) {
      rows.push([
        "latency p99 ms range",
        ...columns.map((c) => {
          const p99s = figures(P99_METRIC, c.ok);
          return p99s.length === 0
            ? "—"
            : `${Math.min(...p99s).toFixed(0)}–${Math.max(...p99s).toFixed(0)}`;
        }),
      ]);
    }
    const failures = atCount.filter((r) => r.status !== "ok");
    if (failures.length > 0) {
      rows.push([
        "status",
        ...columns.map((c) =>
          c.ok.length === c.runs.length
            ? "ok"
            : c.runs.length === 1
            ? c.runs[0].status
            : `${c.ok.length}/${c.runs.length} ok`
        ),
      ]);
    }
    const heading = [
      `${count} subscribers`,
      ratePerSymbol ? `${ratePerSymbol} ticks/s per symbol` : undefined,
      durationSeconds ? `${durationSeconds} s window` : undefined,
      repeated
        ? `median of ${Math.max(...columns.map((c) => c.runs.length))} runs`
        : undefined,
      base ? `ratios vs ${TARGET_LABELS[baseline]}` : "no baseline run",
    ].filter(Boolean).join(" · ");
    blocks.push(
      [
        `== ${heading} ==`,
        renderColumns(rows),
        ...failures.map((r) =>
          `  ${TARGET_LABELS[r.target]}${
            r.repetition ? ` (run ${r.repetition})` : ""
          } ${r.status}: ${r.error ?? "no detail"}`
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
