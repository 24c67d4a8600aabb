/**
 * The durable alert trail in Deno KV: every alert is committed here before it
 * is pushed to anyone, so a client can never have seen an alert the trail
 * lacks, whatever happens to the process after the push.
 *
 * Layout: each alert is written under its id and under three indexes (by
 * symbol, by kind, by both), all in one atomic commit with a meta record
 * holding the last id issued and the count. Indexes make a filtered page a
 * single range read instead of a scan; the meta record makes ids monotonic
 * across restarts even after retention deleted every alert, and lets
 * count-based retention work without counting.
 */
import { type AlertDraft, alertFrame } from "../alerts/alert_draft.ts";
import {
  alertIdFloor,
  type AlertIdParts,
  formatAlertId,
  nextAlertId,
  parseAlertId,
} from "../alerts/alert_id.ts";
import type { AlertFrame, AlertKind } from "../protocol/frames.ts";
import { takePage } from "./paging.ts";

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

/** Retention limits of {@linkcode AlertStore.prune}. */
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

interface AlertMeta {
  readonly last_id: string;
  readonly count: number;
}

const ROOT = "alert";
const BY_ID = [ROOT, "id"] as const;
const META_KEY = ["alert_meta"] as const;
/** Alerts per atomic commit: 4 keys each stays far below KV's mutation cap. */
const COMMIT_BATCH = 100;
/** Largest page served. */
export const MAX_ALERT_PAGE = 500;
/** Above every id, for open-ended ranges (ids are `[0-9a-z-]`). */
const ID_CEILING = "~";
/** Tries of a commit that lost a race with another writer on the same KV. */
const COMMIT_ATTEMPTS = 10;

function indexKeys(alert: Pick<AlertFrame, "id" | "symbol" | "kind">) {
  return [
    [...BY_ID, alert.id],
    [ROOT, "symbol", alert.symbol, alert.id],
    [ROOT, "kind", alert.kind, alert.id],
    [ROOT, "symbol_kind", alert.symbol, alert.kind, alert.id],
  ];
}

function indexPrefix(filter: AlertFilter): Deno.KvKey {
  if (filter.symbol !== undefined && filter.kind !== undefined) {
    return [ROOT, "symbol_kind", filter.symbol, filter.kind];
  }
  if (filter.symbol !== undefined) return [ROOT, "symbol", filter.symbol];
  if (filter.kind !== undefined) return [ROOT, "kind", filter.kind];
  return [...BY_ID];
}

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

/**
 * One page of `query` read from `iterate` (newest first, in batches of the
 * given size): the page logic every alert trail shares. Throws a
 * `RangeError` naming `limit` for a bad page size.
 */
export async function pageOfAlerts(
  query: AlertPageQuery,
  iterate: (batch: number) => AsyncIterable<AlertFrame>,
): Promise<AlertPage> {
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ALERT_PAGE) {
    throw new RangeError(
      `limit must be an integer from 1 to ${MAX_ALERT_PAGE}, got ${limit}`,
    );
  }
  const page = await takePage(iterate(limit + 1), limit);
  return { alerts: page.items, next_cursor: page.next_cursor };
}

/** Alerts in Deno KV: append, page, export and prune. */
export class AlertStore {
  #kv: Deno.Kv;
  #last: AlertIdParts | undefined;
  #count: number;
  /** Writes run one at a time so ids are issued in commit order. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(kv: Deno.Kv, meta: AlertMeta | undefined) {
    this.#kv = kv;
    this.#last = meta ? parseAlertId(meta.last_id) : undefined;
    this.#count = meta?.count ?? 0;
  }

  /** Opens the trail in `kv`, continuing the id sequence where it stopped. */
  static async open(kv: Deno.Kv): Promise<AlertStore> {
    return new AlertStore(kv, await readMeta(kv));
  }

  /** Alerts stored, as of the last write or prune of this process. */
  get count(): number {
    return this.#count;
  }

  /**
   * Gives each draft the next id and commits them (atomically per batch of
   * 100); resolves with the stored frames, in id order, once durable.
   */
  append(drafts: readonly AlertDraft[]): Promise<AlertFrame[]> {
    return this.#serial(async () => {
      const stored: AlertFrame[] = [];
      for (let i = 0; i < drafts.length; i += COMMIT_BATCH) {
        stored.push(
          ...await this.#commitBatch(drafts.slice(i, i + COMMIT_BATCH)),
        );
      }
      return stored;
    });
  }

  /** One page of alerts matching `query`, newest first. */
  list(query: AlertPageQuery = {}): Promise<AlertPage> {
    return pageOfAlerts(query, (batch) => this.iterate(query, batch));
  }

  /**
   * Every alert matching `query`, newest first, read lazily in batches: an
   * export of the whole trail never holds more than one batch in memory.
   */
  async *iterate(
    query: Omit<AlertPageQuery, "limit"> = {},
    batch = 200,
  ): AsyncGenerator<AlertFrame> {
    const prefix = indexPrefix(query);
    const { low, high } = alertIdRange(query);
    if (low >= high) return;
    const entries = this.#kv.list<AlertFrame>(
      { start: [...prefix, low], end: [...prefix, high] },
      { reverse: true, batchSize: batch },
    );
    for await (const entry of entries) yield entry.value;
  }

  /**
   * Deletes alerts past the age limit, then the oldest beyond the count
   * limit, at most `maxDeletes` per run so a large backlog never blocks the
   * service; `more` says whether another run is due.
   */
  prune(options: PruneOptions): Promise<PruneResult> {
    const maxDeletes = options.maxDeletes ?? 1_000;
    return this.#serial(async () => {
      let deleted = 0;
      const cutoff = alertIdFloor(options.now - options.maxAgeMs);
      while (deleted < maxDeletes) {
        const overCount = Math.max(0, this.#count - options.maxCount);
        const want = Math.min(COMMIT_BATCH, maxDeletes - deleted);
        const victims: AlertFrame[] = [];
        const oldest = this.#kv.list<AlertFrame>(
          { prefix: [...BY_ID] },
          { limit: want },
        );
        for await (const entry of oldest) {
          if (entry.value.id >= cutoff && victims.length >= overCount) break;
          victims.push(entry.value);
        }
        if (victims.length === 0) return { deleted, more: false };
        await this.#deleteBatch(victims);
        deleted += victims.length;
      }
      const next = this.#kv.list<AlertFrame>({ prefix: [...BY_ID] }, {
        limit: 1,
      });
      let due = this.#count > options.maxCount;
      for await (const entry of next) due ||= entry.value.id < cutoff;
      return { deleted, more: due };
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #commitBatch(drafts: readonly AlertDraft[]): Promise<AlertFrame[]> {
    for (let attempt = 1;; attempt++) {
      const meta = await this.#kv.get<AlertMeta>([...META_KEY]);
      // Another writer on the same KV (a second instance) may have moved on.
      this.#adopt(meta.value);
      let last = this.#last;
      const frames = drafts.map((draft) => {
        last = nextAlertId(last, draft.at);
        return alertFrame(draft, formatAlertId(last));
      });
      if (frames.length === 0) return frames;
      const op = this.#kv.atomic().check(meta);
      for (const frame of frames) {
        for (const key of indexKeys(frame)) op.set(key, frame);
      }
      const count = this.#count + frames.length;
      op.set(
        [...META_KEY],
        {
          last_id: frames[frames.length - 1].id,
          count,
        } satisfies AlertMeta,
      );
      const result = await op.commit();
      if (result.ok) {
        this.#last = last;
        this.#count = count;
        return frames;
      }
      if (attempt >= COMMIT_ATTEMPTS) {
        throw new Error(
          "Alerts were not committed: the meta record kept changing",
        );
      }
      await raceBackoff(attempt);
    }
  }

  async #deleteBatch(victims: readonly AlertFrame[]): Promise<void> {
    for (let attempt = 1;; attempt++) {
      const meta = await this.#kv.get<AlertMeta>([...META_KEY]);
      this.#adopt(meta.value);
      const op = this.#kv.atomic().check(meta);
      for (const alert of victims) {
        for (const key of indexKeys(alert)) op.delete(key);
      }
      const count = Math.max(0, this.#count - victims.length);
      op.set(
        [...META_KEY],
        {
          last_id: meta.value?.last_id ??
            (this.#last ? formatAlertId(this.#last) : victims[0].id),
          count,
        } satisfies AlertMeta,
      );
      const result = await op.commit();
      if (result.ok) {
        this.#count = count;
        return;
      }
      if (attempt >= COMMIT_ATTEMPTS) {
        throw new Error(
          "Retention was not committed: the meta record kept changing",
        );
      }
      await raceBackoff(attempt);
    }
  }

  #adopt(meta: AlertMeta | null): void {
    if (!isMeta(meta)) return;
    const stored = parseAlertId(meta.last_id)!;
    if (!this.#last || meta.last_id > formatAlertId(this.#last)) {
      this.#last = stored;
    }
    this.#count = meta.count;
  }
}

/**
 * A short random pause after losing a commit race, so two writers that keep
 * colliding (two instances on one KV) fall out of step.
 */
function raceBackoff(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.random() * 5 * attempt)
  );
}

function isMeta(value: unknown): value is AlertMeta {
  if (typeof value !== "object" || value === null) return false;
  const meta = value as Partial<AlertMeta>;
  return typeof meta.last_id === "string" &&
    parseAlertId(meta.last_id) !== undefined &&
    Number.isInteger(meta.count) && meta.count! >= 0;
}

async function readMeta(kv: Deno.Kv): Promise<AlertMeta | undefined> {
  const meta = await kv.get<AlertMeta>([...META_KEY]);
  return isMeta(meta.value) ? meta.value : undefined;
}
