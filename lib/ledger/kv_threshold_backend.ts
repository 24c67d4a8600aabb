/**
 * Thresholds and their audit trail in Deno KV: one key per (kind, symbol)
 * — `whale` keeps the key used before kinds existed — and one per audit
 * entry under its time-ordered id. A commit checks the versionstamps of the
 * values it read, so a change another instance wrote meanwhile on the same KV
 * fails the commit instead of being overwritten unrecorded.
 */
import type { ThresholdKind } from "../alerts/symbol_thresholds.ts";
import type {
  StoredThreshold,
  ThresholdBackend,
  ThresholdRead,
} from "./threshold_backend.ts";
import type { LineChange, ThresholdChange } from "./threshold_store.ts";

/** KV prefix of each kind; `whale` keeps the key used before kinds existed. */
const VALUE_PREFIX: Readonly<Record<ThresholdKind, string>> = {
  whale: "threshold",
  trade: "threshold_trade",
  spike: "threshold_spike",
  liquidation: "threshold_liquidation",
};
const AUDIT_PREFIX = ["audit", "threshold"] as const;

/** The KV key of an audit entry (for stores that commit one with their own). */
export function kvAuditKey(id: string): Deno.KvKey {
  return [...AUDIT_PREFIX, id];
}

/** {@linkcode ThresholdBackend} on Deno KV. */
export class KvThresholdBackend implements ThresholdBackend {
  #kv: Deno.Kv;

  /** Stores in `kv` (the caller keeps ownership). */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  async overrides(): Promise<StoredThreshold[]> {
    const out: StoredThreshold[] = [];
    for (const kind of Object.keys(VALUE_PREFIX) as ThresholdKind[]) {
      const stored = this.#kv.list({ prefix: [VALUE_PREFIX[kind]] });
      for await (const entry of stored) {
        out.push({ kind, symbol: String(entry.key[1]), value: entry.value });
      }
    }
    return out;
  }

  async newestAuditId(): Promise<string | undefined> {
    const newest = this.#kv.list({ prefix: [...AUDIT_PREFIX] }, {
      reverse: true,
      limit: 1,
    });
    for await (const entry of newest) return String(entry.key[2]);
    return undefined;
  }

  async read(
    symbol: string,
    kinds: readonly ThresholdKind[],
  ): Promise<ThresholdRead> {
    const entries = await this.#kv.getMany(
      kinds.map((kind) => [VALUE_PREFIX[kind], symbol]),
    );
    return { values: entries.map((e) => e.value ?? undefined), token: entries };
  }

  async commit(
    read: ThresholdRead,
    changes: readonly LineChange[],
  ): Promise<boolean> {
    const op = this.#kv.atomic();
    for (const entry of read.token as Deno.KvEntryMaybe<unknown>[]) {
      op.check(entry);
    }
    for (const change of changes) {
      op.set([VALUE_PREFIX[change.kind], change.symbol], change.threshold)
        .set(kvAuditKey(change.id), change);
    }
    return (await op.commit()).ok;
  }

  async *audit(cursor?: string): AsyncGenerator<ThresholdChange> {
    const selector: Deno.KvListSelector = cursor === undefined
      ? { prefix: [...AUDIT_PREFIX] }
      : { prefix: [...AUDIT_PREFIX], end: [...AUDIT_PREFIX, cursor] };
    const entries = this.#kv.list<ThresholdChange>(selector, { reverse: true });
    for await (const entry of entries) {
      yield { ...entry.value, kind: entry.value.kind ?? "whale" };
    }
  }
}
