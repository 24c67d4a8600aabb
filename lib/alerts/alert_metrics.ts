/**
 * The alerting part of `/api/metrics`, assembled from the engine's counts
 * (raised, suppressed) and the pipeline's (stored, failed, dropped, pending).
 */
import type {
  AlertCountsBySymbol,
  AlertMetrics,
} from "../protocol/api_types.ts";
import type { AlertEngineStats } from "./alert_engine.ts";
import type { AlertPipelineStats } from "./alert_pipeline.ts";
import type { PriceLevelStats } from "./price_level_rules.ts";

/**
 * The engine's counts with the price-level rules' counts (kept apart, per
 * alert) added under `price_level`.
 */
export function withPriceLevels(
  engine: AlertEngineStats,
  levels: PriceLevelStats,
): AlertEngineStats {
  const add = (
    counts: AlertEngineStats["raised"],
    extra: Readonly<Record<string, number>>,
  ) => {
    const out: AlertEngineStats["raised"] = {};
    for (const [symbol, kinds] of Object.entries(counts)) {
      out[symbol] = {
        ...kinds,
        price_level: kinds.price_level + (extra[symbol] ?? 0),
      };
    }
    return out;
  };
  return {
    raised: add(engine.raised, levels.raised),
    suppressed: add(engine.suppressed, levels.suppressed),
  };
}

/** Builds {@linkcode AlertMetrics}; `trailSize` is the store's alert count. */
export function alertMetrics(
  engine: AlertEngineStats,
  pipeline: AlertPipelineStats,
  trailSize: number,
): AlertMetrics {
  return {
    raised_total: total(engine.raised),
    suppressed_total: total(engine.suppressed),
    stored_total: pipeline.stored,
    store_failures_total: pipeline.failed,
    dropped_total: pipeline.dropped,
    pending: pipeline.pending,
    trail_size: trailSize,
    raised: engine.raised,
    suppressed: engine.suppressed,
  };
}

function total(counts: AlertCountsBySymbol): number {
  let sum = 0;
  for (const kinds of Object.values(counts)) {
    for (const value of Object.values(kinds)) sum += value;
  }
  return sum;
}
