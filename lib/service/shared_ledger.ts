/**
 * Opens the ledger where the stream engine's instances share it: with
 * `STREAM_ENGINE=redis` the alert trail, the thresholds with their audit,
 * the price alerts and the candles live in Redis beside the stream (so
 * every instance lists, exports and prunes the same trail, starts with the
 * same lines, sees the same price alerts and serves the same candles);
 * otherwise in Deno KV (one file per process locally, the platform's KV on
 * Deploy, shared by every isolate there). On a shared engine the writes
 * only the leader makes — alerts, bars, outages, crossing states — are
 * fenced by its lease in the same atomic step.
 *
 * Alerts are stored before they are pushed, as always: the leader commits
 * the batch to the trail — under its fence and per idempotency key, in the
 * same atomic step, on Redis and on KV alike — and only then appends each
 * stored alert to the engine, which delivers it to every instance once.
 */
import type { AlertDraft } from "../alerts/alert_draft.ts";
import { KvEngine } from "../engine/kv_engine.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import { RedisEngine } from "../engine/redis_engine.ts";
import type { Lease, StreamEngine } from "../engine/stream_engine.ts";
import type { CandleStore } from "../candles/candle_store.ts";
import { KvCandleStore } from "../ledger/kv_candle_store.ts";
import { KvPriceAlertBackend } from "../ledger/kv_price_alert_backend.ts";
import type { PriceAlertBackend } from "../ledger/price_alert_backend.ts";
import { RedisCandleStore } from "../ledger/redis_candle_store.ts";
import { RedisPriceAlertBackend } from "../ledger/redis_price_alert_backend.ts";
import { AlertStore } from "../ledger/alert_store.ts";
import type { AlertTrail } from "../ledger/alert_trail.ts";
import { RedisAlertStore } from "../ledger/redis_alert_store.ts";
import { RedisThresholdBackend } from "../ledger/redis_threshold_backend.ts";
import {
  ThresholdStore,
  type ThresholdStoreOptions,
} from "../ledger/threshold_store.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import type { EngineLink } from "./engine_link.ts";

/** The trail and how the leader appends to it. */
export interface AlertLedger {
  readonly trail: AlertTrail;
  /**
   * Stores `drafts` (the leader's, fenced where the store can check it) and
   * hands each stored alert to the engine for delivery; resolves with the
   * stored frames. Throws when this instance does not lead.
   */
  append(
    drafts: readonly AlertDraft[],
    link: EngineLink,
  ): Promise<AlertFrame[]>;
}

/** The thresholds for `engine`: in Redis beside it, else in `kv`. */
export async function openThresholds(
  engine: StreamEngine,
  kv: Deno.Kv,
  options: ThresholdStoreOptions,
): Promise<ThresholdStore> {
  const store = engine instanceof RedisEngine
    ? new RedisThresholdBackend({
      client: engine.client,
      prefix: engine.prefix,
    })
    : kv;
  return await ThresholdStore.open(store, options);
}

/**
 * The KV check that fences a commit to the leader on the KV engine (none
 * needed on the memory engine, which one process leads for good).
 */
function kvFence(
  engine: StreamEngine,
  lease: () => Lease | undefined,
): { fence?: () => Deno.AtomicCheck | undefined } {
  if (!(engine instanceof KvEngine)) return {};
  return {
    fence: () => {
      const held = lease();
      return held && engine.fenceCheck(held);
    },
  };
}

/** The stores only the leader writes, beside the engine. */
export interface LeaderStores {
  /** Bars and outages. */
  readonly candles: CandleStore;
  /** Price alerts (their audit goes to the threshold trail beside them). */
  readonly priceAlerts: PriceAlertBackend;
}

/**
 * Where candles and price alerts live for `engine`: Redis beside it, else
 * `kv`; on a shared engine the writes only the leader makes (bars,
 * outages, crossing states) are fenced by `lease` (this instance's, while
 * it leads).
 */
export function openLeaderStores(
  engine: StreamEngine,
  kv: Deno.Kv,
  lease: () => Lease | undefined,
): LeaderStores {
  if (engine instanceof RedisEngine) {
    const redis = {
      client: engine.client,
      prefix: engine.prefix,
      fence: lease,
    };
    return {
      candles: new RedisCandleStore(redis),
      priceAlerts: new RedisPriceAlertBackend(redis),
    };
  }
  const fenced = kvFence(engine, lease);
  return {
    candles: new KvCandleStore(kv, fenced),
    priceAlerts: new KvPriceAlertBackend(kv, fenced),
  };
}

/** The key that makes an alert's append idempotent. */
export function alertKey(draft: AlertDraft): string {
  return `${draft.symbol}|${draft.kind}|${draft.at}|${draft.notional}`;
}

/** Opens the alert trail for `engine` (Redis beside it, else `kv`). */
export async function openAlertLedger(
  engine: StreamEngine,
  kv: Deno.Kv,
): Promise<AlertLedger> {
  const trail: AlertTrail = engine instanceof RedisEngine
    ? await RedisAlertStore.open({
      client: engine.client,
      prefix: engine.prefix,
    })
    : await AlertStore.open(kv, {
      fence: engine instanceof KvEngine
        ? (lease) => engine.fenceCheck(lease)
        : undefined,
    });
  // One process leads for good: neither a fence nor keys are needed.
  const single = engine instanceof MemoryEngine;
  return {
    trail,
    append: async (drafts, link) => {
      const lease = link.lease;
      if (!lease) throw new Error("Not the leader: alerts not stored");
      const result = await trail.appendOnce(
        drafts.map((draft) => ({
          key: single ? "" : alertKey(draft),
          draft,
        })),
        single ? undefined : lease,
      );
      if (!result.ok) throw new Error("Fenced: alerts not stored");
      await deliver(link, result.stored);
      return [...result.stored];
    },
  };
}

async function deliver(link: EngineLink, stored: readonly AlertFrame[]) {
  for (const alert of stored) {
    await link.deliverAlert(`${alert.symbol}|${alert.kind}|${alert.id}`, alert);
  }
}
