/**
 * The alert trail as the service reads it, whichever store holds it: Deno KV
 * (`alert_store.ts`) or Redis (`redis_alert_store.ts`). Both page newest
 * first with the same filters and cursors, export lazily and prune in
 * bounded runs, so routes, exports and retention never know which it is.
 */
import type { AlertFrame } from "../protocol/frames.ts";
import type {
  AlertPage,
  AlertPageQuery,
  PruneOptions,
  PruneResult,
} from "./alert_store.ts";

/** A readable, prunable alert trail. */
export interface AlertTrail {
  /** Alerts stored, as of this process's last write or prune. */
  readonly count: number;
  /** One page of alerts matching `query`, newest first. */
  list(query?: AlertPageQuery): Promise<AlertPage>;
  /** Every alert matching `query`, newest first, read lazily. */
  iterate(
    query?: Omit<AlertPageQuery, "limit">,
    batch?: number,
  ): AsyncIterable<AlertFrame>;
  /** Deletes by age and count, at most `maxDeletes` per run. */
  prune(options: PruneOptions): Promise<PruneResult>;
}
