/**
 * The alert trail as the service reads and writes it, whichever store holds
 * it: Deno KV (`alert_store.ts`) or Redis (`redis_alert_store.ts`). Both page
 * newest first with the same filters and cursors, export lazily, prune in
 * bounded runs, and append each alert once per idempotency key under the
 * leader's fence (`trail_append.ts`), so routes, exports, retention and the
 * leader never know which it is. {@linkcode PagedAlertTrail} holds what the
 * two do alike: a page is the first `limit` of the lazy listing.
 */
import { alertIdFloor } from "../alerts/alert_id.ts";
import type { AlertDraft } from "../alerts/alert_draft.ts";
import type { Lease } from "../engine/stream_engine.ts";
import type { AlertFrame, AlertKind } from "../protocol/frames.ts";
import { takePage } from "./paging.ts";
import { appendKeyed, type TrailWriter } from "./trail_append.ts";

/**
 * Filters of a listing; times are epoch ms. Time bounds are applied to the
 * time in the alert's id, a range read on the key: that is the alert's time
 * except after the clock stepped back, when the id runs slightly ahead.
 */
export interface AlertFilter {
  readonly symbol?: string;
  readonly kind?: AlertKind;
  /** Alerts at or after this time. */
  readonly since?: number;
  /** Alerts strictly before this time. */
  readonly until?: number;
}

/** A page request: filters, where the previous page ended, and its size. */
export interface AlertPageQuery extends AlertFilter {
  /** `next_cursor` of the previous page: continue with older alerts. */
  readonly cursor?: string;
  /** Alerts per page. Default 100. */
  readonly limit?: number;
}

/** One page, newest first. */
export interface AlertPage {
  readonly alerts: AlertFrame[];
  /** Cursor of the next (older) page, or null when this is the last. */
  readonly next_cursor: string | null;
}

/** What one retention run did. */
export interface PruneResult {
  readonly deleted: number;
  /** More alerts are due; run again soon. */
  readonly more: boolean;
}

/** Retention limits of {@linkcode AlertTrail.prune}. */
export interface PruneOptions {
  /** Epoch ms to measure age against. */
  readonly now: number;
  /** Alerts older than this are deleted, ms. */
  readonly maxAgeMs: number;
  /** At most this many alerts are kept (the newest). */
  readonly maxCount: number;
  /** Most alerts deleted by this run. Default 1 000. */
  readonly maxDeletes?: number;
}

/** A draft with the key that makes its append idempotent ("" = none). */
export interface KeyedDraft {
  readonly key: string;
  readonly draft: AlertDraft;
}

/** Outcome of {@linkcode AlertTrail.appendOnce}. */
export type KeyedAppendResult =
  | { readonly ok: true; readonly stored: readonly AlertFrame[] }
  | { readonly ok: false; readonly reason: "fenced" };

/** Largest page served. */
export const MAX_ALERT_PAGE = 500;
/** Above every id, for open-ended ranges (ids are `[0-9a-z-]`). */
const ID_CEILING = "~";

/**
 * The ids a query covers: from `low` (inclusive; "" = from the oldest) up to
 * `high` (exclusive), from its time bounds and its cursor — the range every
 * alert trail reads, since an id starts with its time.
 */
export function alertIdRange(
  query: Omit<AlertPageQuery, "limit">,
): { readonly low: string; readonly high: string } {
  const low = query.since === undefined ? "" : alertIdFloor(query.since);
  let high = query.until === undefined ? ID_CEILING : alertIdFloor(query.until);
  if (query.cursor !== undefined && query.cursor < high) high = query.cursor;
  return { low, high };
}

/** A readable, prunable alert trail the leader appends to. */
export interface AlertTrail {
  /** Alerts stored, as of this process's last write, prune or read. */
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
  /**
   * Gives each draft the next id and stores it unless its key was stored
   * before; with `fence`, nothing is written unless that lease is still held
   * (checked in the same atomic step). Resolves with the frames stored now.
   */
  appendOnce(
    entries: readonly KeyedDraft[],
    fence?: Lease,
  ): Promise<KeyedAppendResult>;
  /** Unfenced append without keys (one process); resolves with the frames. */
  append(drafts: readonly AlertDraft[]): Promise<AlertFrame[]>;
}

/**
 * The part of an {@linkcode AlertTrail} every store does the same way: pages
 * from the lazy listing, and appends through the store's
 * {@linkcode TrailWriter}, one write at a time (so ids are issued in commit
 * order), in commits of at most `commitBatch` alerts.
 */
export abstract class PagedAlertTrail implements AlertTrail {
  /** The latest queued write; the next one starts after it settles. */
  #queue: Promise<unknown> = Promise.resolve();
  #commitBatch: number;

  /** `commitBatch`: most alerts per atomic commit (the store's limit). */
  constructor(commitBatch = Infinity) {
    this.#commitBatch = commitBatch;
  }

  abstract get count(): number;
  abstract iterate(
    query?: Omit<AlertPageQuery, "limit">,
    batch?: number,
  ): AsyncIterable<AlertFrame>;
  abstract prune(options: PruneOptions): Promise<PruneResult>;
  /** How this store reads its head and commits. */
  protected abstract get writer(): TrailWriter<unknown>;

  /**
   * One page of alerts matching `query`, newest first. Throws a
   * `RangeError` naming `limit` for a bad page size.
   */
  async list(query: AlertPageQuery = {}): Promise<AlertPage> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ALERT_PAGE) {
      throw new RangeError(
        `limit must be an integer from 1 to ${MAX_ALERT_PAGE}, got ${limit}`,
      );
    }
    const page = await takePage(this.iterate(query, limit + 1), limit);
    return { alerts: page.items, next_cursor: page.next_cursor };
  }

  appendOnce(
    entries: readonly KeyedDraft[],
    fence?: Lease,
  ): Promise<KeyedAppendResult> {
    return this.serial(async () => {
      const stored: AlertFrame[] = [];
      for (let i = 0; i < entries.length; i += this.#commitBatch) {
        const batch = entries.slice(i, i + this.#commitBatch);
        const result = await appendKeyed(this.writer, batch, fence);
        if (!result.ok) return result;
        stored.push(...result.stored);
      }
      return { ok: true, stored };
    });
  }

  async append(drafts: readonly AlertDraft[]): Promise<AlertFrame[]> {
    const result = await this.appendOnce(
      drafts.map((draft) => ({ key: "", draft })),
    );
    if (!result.ok) throw new Error("Alerts were not stored: fenced");
    return [...result.stored];
  }

  /** Runs `task` after every write queued before it (appends, prunes). */
  protected serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }
}
