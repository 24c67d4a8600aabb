/**
 * What every engine keeps the same way: its listeners, its counters, and —
 * for engines whose feed can lose or coalesce messages (Redis, KV) — the
 * ordered delivery that backfills gaps and counts what it fetched.
 */
import { OrderedDelivery } from "./ordered_delivery.ts";
import type {
  EngineEvent,
  EngineListener,
  EngineStats,
  HistoryRead,
} from "./stream_engine.ts";

/** Throws a `RangeError` naming `historySize` unless it is a positive integer. */
export function checkHistorySize(historySize: number): void {
  if (!Number.isInteger(historySize) || historySize < 1) {
    throw new RangeError(
      `historySize must be a positive integer, got ${historySize}`,
    );
  }
}

/** Listeners and counters of one engine instance. */
export class EngineEvents {
  /** Counters, written by the engine. */
  readonly counts: { -readonly [K in keyof EngineStats]: number } = {
    publishes: 0,
    gapBackfills: 0,
    leaseAcquisitions: 0,
    leaseLosses: 0,
    reconnects: 0,
  };
  #listeners = new Set<EngineListener>();

  /** Adds `listener`; returns the function that removes it. */
  subscribe(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Hands `event` to every listener. */
  emit(event: EngineEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Removes every listener (the engine closed). */
  clear(): void {
    this.#listeners.clear();
  }

  /** A copy of the counters. */
  stats(): EngineStats {
    return { ...this.counts };
  }

  /**
   * Ordered, gapless delivery into {@linkcode emit}, backfilling from
   * `fetch`; a failed backfill is reported to `onWarning` as `message`.
   */
  ordered(
    fetch: (channel: string, after: number) => Promise<HistoryRead>,
    message: string,
    onWarning?: (message: string, error?: unknown) => void,
  ): OrderedDelivery {
    return new OrderedDelivery({
      fetch,
      emit: (event) => this.emit(event),
      onBackfill: (n) => this.counts.gapBackfills += n,
      onError: (error) => onWarning?.(message, error),
    });
  }
}
