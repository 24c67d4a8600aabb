/**
 * The candle part of `/api/metrics`, from the candle stage's counters: how
 * many bars the store took and in how many writes (the KV write rate of
 * bars), failures and drops, late trades, backfilled bars and the backfill
 * still to run.
 */
import type { CandleMetrics } from "../protocol/api_types.ts";
import type { CandleStats } from "./candle_service.ts";

/**
 * Builds {@linkcode CandleMetrics} from {@linkcode CandleStats} and the
 * backfill steps still to run.
 */
export function candleMetrics(
  stats: CandleStats,
  backfillPending: number,
): CandleMetrics {
  return {
    bars_written_total: stats.writer.written,
    bar_writes_total: stats.writer.writes,
    bar_write_failures_total: stats.writer.failures,
    bars_dropped_total: stats.writer.dropped,
    bars_queued: stats.writer.queued,
    late_trades_amended_total: stats.lateAmended,
    late_trades_dropped_total: stats.lateDropped,
    bars_backfilled_total: stats.backfilled,
    backfill_steps_pending: backfillPending,
    books_loading: stats.booksLoading,
  };
}
