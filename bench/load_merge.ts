/**
 * One summary from the summaries of several load generator processes that
 * loaded the same target at once (`deno task bench --generators=N`): one
 * generator process is one event loop on one core, and at 10,000 subscribers
 * it — not the server — was what made handshakes time out.
 *
 * Counts add up; latency percentiles come from the processes' histograms
 * merged, never from averaging percentiles; ratios are computed again from
 * the sums. Each process measured its own window of the same length, opened
 * once its own sockets were up (so the windows overlap but may start a
 * moment apart); the server's emitted ticks per symbol are the largest any
 * process counted.
 */
import { type HistogramData, LatencyHistogram } from "./latency_histogram.ts";
import type { LoadSummary } from "./load_run.ts";

/** The merged summary of `parts` (at least one). */
export function mergeLoadSummaries(
  parts: readonly LoadSummary[],
): LoadSummary {
  if (parts.length === 0) {
    throw new RangeError("Cannot merge load summaries: none given");
  }
  if (parts.length === 1) return parts[0];
  const [first] = parts;
  const sum = (pick: (part: LoadSummary) => number) =>
    parts.reduce((total, part) => total + pick(part), 0);
  const histograms = {
    handshake: mergeData(parts.map((p) => p.histograms.handshake)),
    delivery: mergeData(parts.map((p) => p.histograms.delivery)),
    loop_lag: mergeData(parts.map((p) => p.histograms.loop_lag)),
  };
  const offered = sum((p) => p.delivery.offered);
  const delivered = sum((p) => p.delivery.delivered);
  const tickBytes = sum((p) =>
    (p.delivery.avg_tick_bytes ?? 0) * p.delivery.delivered
  );
  const readies = parts.flatMap((p) => p.ready_ms === null ? [] : [p.ready_ms]);
  return {
    target: first.target,
    url: first.url,
    connections: sum((p) => p.connections),
    symbols: first.symbols,
    mux_ratio: first.mux_ratio,
    aborted: parts.find((p) => p.aborted !== null)?.aborted ?? null,
    ready_ms: readies.length > 0 ? Math.max(...readies) : null,
    handshakes: {
      attempted: sum((p) => p.handshakes.attempted),
      accepted: sum((p) => p.handshakes.accepted),
      failed: sum((p) => p.handshakes.failed),
      failure_reasons: addCounts(
        parts.map((p) => p.handshakes.failure_reasons),
      ),
      ramp_s: Math.max(...parts.map((p) => p.handshakes.ramp_s)),
      latency: summaryOf(histograms.handshake),
    },
    delivery: {
      window_s: first.delivery.window_s,
      emitted_per_symbol: largest(
        parts.map((p) => p.delivery.emitted_per_symbol),
      ),
      subscribers_per_symbol: addCounts(
        parts.map((p) => p.delivery.subscribers_per_symbol),
      ),
      offered,
      delivered,
      delivered_ratio: offered > 0 ? delivered / offered : null,
      offered_per_s: sum((p) => p.delivery.offered_per_s),
      delivered_per_s: sum((p) => p.delivery.delivered_per_s),
      live_ticks_total: sum((p) => p.delivery.live_ticks_total),
      seq_gaps: sum((p) => p.delivery.seq_gaps),
      seq_gap_events: sum((p) => p.delivery.seq_gap_events),
      seq_out_of_order: sum((p) => p.delivery.seq_out_of_order),
      starved_sockets: sum((p) => p.delivery.starved_sockets),
      replayed_in_window: sum((p) => p.delivery.replayed_in_window),
      avg_tick_bytes: delivered > 0 ? Math.round(tickBytes / delivered) : null,
      latency: summaryOf(histograms.delivery),
    },
    server_emitted_per_symbol:
      parts.find((p) => p.server_emitted_per_symbol !== null)
        ?.server_emitted_per_symbol ?? null,
    closes_by_code: addCounts(parts.map((p) => p.closes_by_code)),
    other_frames: sum((p) => p.other_frames),
    malformed_frames: sum((p) => p.malformed_frames),
    generator: {
      rss_mb: sum((p) => p.generator.rss_mb),
      loop_lag: summaryOf(histograms.loop_lag),
    },
    histograms,
  };
}

function mergeData(parts: readonly HistogramData[]): HistogramData {
  const merged = new LatencyHistogram();
  for (const part of parts) merged.merge(LatencyHistogram.fromData(part));
  return merged.toData();
}

function summaryOf(data: HistogramData) {
  return LatencyHistogram.fromData(data).summary();
}

/** Per-key sums of `parts`. */
function addCounts(
  parts: readonly Readonly<Record<string, number>>[],
): Record<string, number> {
  return combine(parts, (a, b) => a + b);
}

/** Per-key largest values of `parts`. */
function largest(
  parts: readonly Readonly<Record<string, number>>[],
): Record<string, number> {
  return combine(parts, Math.max);
}

function combine(
  parts: readonly Readonly<Record<string, number>>[],
  join: (a: number, b: number) => number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) {
    for (const [key, n] of Object.entries(part)) {
      out[key] = key in out ? join(out[key], n) : n;
    }
  }
  return out;
}
