/**
 * Where `ThresholdStore` keeps thresholds and their audit trail: Deno KV
 * (`kv_threshold_backend.ts`) or Redis (`redis_threshold_backend.ts`, with
 * `STREAM_ENGINE=redis`). The store owns the rules — defaults, validation,
 * one change at a time, `previous` = the value really replaced — and a
 * backend only reads and commits, atomically and only if the values it read
 * are still the stored ones, so a change by another instance in between is
 * read again instead of overwritten unrecorded.
 */
import type { ThresholdKind } from "../alerts/symbol_thresholds.ts";
import type { LineChange, ThresholdChange } from "./threshold_store.ts";

/** One stored override. */
export interface StoredThreshold {
  readonly kind: ThresholdKind;
  readonly symbol: string;
  readonly value: unknown;
}

/** What a backend read, to commit against. */
export interface ThresholdRead {
  /** The stored values of the kinds asked for, in order (undefined: none). */
  readonly values: readonly unknown[];
  /** Whatever the backend needs to check nothing changed since. */
  readonly token: unknown;
}

/** Storage of thresholds and their audit trail. */
export interface ThresholdBackend {
  /** Every stored override. */
  overrides(): Promise<StoredThreshold[]>;
  /** Id of the newest audit entry, if any. */
  newestAuditId(): Promise<string | undefined>;
  /** The stored values of `kinds` for `symbol`. */
  read(symbol: string, kinds: readonly ThresholdKind[]): Promise<ThresholdRead>;
  /**
   * Writes each change's value and audit entry in one atomic step, only if
   * the values are still those of `read`; false when they changed meanwhile.
   */
  commit(read: ThresholdRead, changes: readonly LineChange[]): Promise<boolean>;
  /** Audit entries newest first, below `cursor` when given. */
  audit(cursor?: string): AsyncIterable<ThresholdChange>;
}
