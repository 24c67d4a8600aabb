/**
 * Price alerts on Deno KV: the shared price-alert suite, unfenced (one
 * process) and fenced by a KV engine's lease (`STREAM_ENGINE=kv`).
 */
import { KvEngine } from "../engine/kv_engine.ts";
import type { Lease } from "../engine/stream_engine.ts";
import { KvPriceAlertBackend } from "./kv_price_alert_backend.ts";
import { priceAlertContract } from "./price_alert_contract.ts";
import { ThresholdStore } from "./threshold_store.ts";

const DEFAULTS = { "BTC-USDT": 1, "ETH-USDT": 1 };

priceAlertContract({
  name: "KvPriceAlertBackend",
  fixture: async () => {
    const kv = await Deno.openKv(":memory:");
    return {
      instance: async (clock) => ({
        backend: new KvPriceAlertBackend(kv),
        audit: await ThresholdStore.open(kv, { defaults: DEFAULTS, clock }),
      }),
      close: () => Promise.resolve(kv.close()),
    };
  },
});

priceAlertContract({
  name: "KvPriceAlertBackend (fenced by the KV engine's lease)",
  fenced: true,
  fixture: async () => {
    const kv = await Deno.openKv(":memory:");
    const open = (instance: string) =>
      KvEngine.open({ kv, historySize: 10, channels: [], instance });
    const [mine, other] = [await open("a"), await open("b")];
    const lease: Lease = (await mine.acquireLease(60_000))!;
    return {
      instance: async (clock) => ({
        backend: new KvPriceAlertBackend(kv, {
          fence: () => mine.fenceCheck(lease),
        }),
        audit: await ThresholdStore.open(kv, { defaults: DEFAULTS, clock }),
      }),
      revoke: async () => {
        await mine.releaseLease(lease);
        await other.acquireLease(60_000);
      },
      close: async () => {
        await mine.close();
        await other.close();
        kv.close();
      },
    };
  },
});
