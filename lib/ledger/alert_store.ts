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
 *
 * With the KV stream engine the leader's appends are fenced in the same
 * commit: it checks the versionstamp the lease had when this instance took
 * it (the engine's `fenceCheck`), so a paused old leader stores nothing; an
 * idempotency key per alert (checked absent, kept for a week) makes an alert
 * a new leader raises again be stored once.
 */
import type { Lease } from "../engine/stream_engine.ts";
import {
  alertIdFloor,
  type AlertIdParts,
  formatAlertId,
  parseAlertId,
} from "../alerts/alert_id.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import {
  type AlertFilter,
  alertIdRange,
  type AlertPageQuery,
  PagedAlertTrail,
  type PruneOptions,
  type PruneResult,
} from "./alert_trail.ts";
import type { TrailCommit, TrailHead, TrailWriter } from "./trail_append.ts";

/** Options of {@linkcode AlertStore.open}. */
export interface AlertStoreOptions {
  /**
   * The check a commit fenced by `lease` adds (the KV engine's
   * `fenceCheck`), undefined when the lease is not this instance's. Without
   * it every fenced append is refused.
   */
  readonly fence?: (lease: Lease) => Deno.AtomicCheck | undefined;
  /** How long an idempotency key is remembered, ms. Default 7 days. */
  readonly keyTtlMs?: number;
}

interface AlertMeta {
  readonly last_id: string;
  readonly count: number;
}

const ROOT = "alert";
const BY_ID = [ROOT, "id"] as const;
const META_KEY = ["alert_meta"] as const;
const KEY_ROOT = "alert_trail_key";
/**
 * Alerts per atomic commit: 5 keys each stays far below KV's mutation cap,
 * and one absence check each (plus meta and fence) below its 100 checks.
 */
const COMMIT_BATCH = 50;
/** Keys per `getMany` (a Deno KV limit). */
const KEYS_PER_READ = 10;
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

/** Alerts in Deno KV: append, page, export and prune. */
export class AlertStore extends PagedAlertTrail {
  #kv: Deno.Kv;
  #options: AlertStoreOptions;
  #last: AlertIdParts | undefined;
  #count: number;
  #writer: TrailWriter<Deno.KvEntryMaybe<AlertMeta>>;

  private constructor(
    kv: Deno.Kv,
    meta: AlertMeta | undefined,
    options: AlertStoreOptions,
  ) {
    super(COMMIT_BATCH);
    this.#kv = kv;
    this.#options = options;
    this.#last = meta ? parseAlertId(meta.last_id) : undefined;
    this.#count = meta?.count ?? 0;
    this.#writer = {
      head: () => this.#head(),
      commit: (head, frames, fence) => this.#commit(head, frames, fence),
    };
  }

  /** Opens the trail in `kv`, continuing the id sequence where it stopped. */
  static async open(
    kv: Deno.Kv,
    options: AlertStoreOptions = {},
  ): Promise<AlertStore> {
    return new AlertStore(kv, await readMeta(kv), options);
  }

  /** Alerts stored, as of the last write or prune of this process. */
  get count(): number {
    return this.#count;
  }

  /** Reads the meta record and commits against its versionstamp. */
  protected get writer(): TrailWriter<Deno.KvEntryMaybe<AlertMeta>> {
    return this.#writer;
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
    return this.serial(async () => {
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

  async #head(): Promise<TrailHead<Deno.KvEntryMaybe<AlertMeta>>> {
    const meta = await this.#kv.get<AlertMeta>([...META_KEY]);
    // Another writer on the same KV (a second instance) may have moved on.
    this.#adopt(meta.value);
    return {
      lastId: this.#last ? formatAlertId(this.#last) : "",
      token: meta,
    };
  }

  async #commit(
    head: TrailHead<Deno.KvEntryMaybe<AlertMeta>>,
    frames: readonly { key: string; frame: AlertFrame }[],
    fence: Lease | undefined,
  ): Promise<TrailCommit> {
    const check = fence ? this.#options.fence?.(fence) : undefined;
    if (fence && !check) return "fenced";
    const known = await this.#knownKeys(frames.map((f) => f.key));
    const op = this.#kv.atomic().check(head.token);
    if (check) op.check(check);
    const stored = new Set<string>();
    const expireIn = this.#options.keyTtlMs ?? 7 * 86_400_000;
    for (const { key, frame } of frames) {
      if (key !== "") {
        if (known.has(key)) continue;
        op.check({ key: [KEY_ROOT, key], versionstamp: null })
          .set([KEY_ROOT, key], frame.id, { expireIn });
      }
      for (const index of indexKeys(frame)) op.set(index, frame);
      stored.add(frame.id);
    }
    const lastId = frames[frames.length - 1].frame.id;
    const count = this.#count + stored.size;
    op.set([...META_KEY], { last_id: lastId, count } satisfies AlertMeta);
    if ((await op.commit()).ok) {
      this.#last = parseAlertId(lastId);
      this.#count = count;
      return stored;
    }
    if (check) {
      const lease = await this.#kv.get(check.key);
      if (lease.versionstamp !== check.versionstamp) return "fenced";
    }
    return "race";
  }

  /** The idempotency keys among `keys` that were stored before. */
  async #knownKeys(keys: readonly string[]): Promise<Set<string>> {
    const wanted = keys.filter((key) => key !== "");
    const known = new Set<string>();
    for (let i = 0; i < wanted.length; i += KEYS_PER_READ) {
      const group = wanted.slice(i, i + KEYS_PER_READ);
      const entries = await this.#kv.getMany(group.map((k) => [KEY_ROOT, k]));
      entries.forEach((entry, j) => {
        if (entry.versionstamp !== null) known.add(group[j]);
      });
    }
    return known;
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

/** A short random pause after losing a commit race (see trail_append.ts). */
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
