/**
 * Price alerts on Deno KV: the shared price-alert suite, unfenced (one
 * process) and fenced by a KV engine's lease (`STREAM_ENGINE=kv`).
 */
import { kvLeaseHolders } from "./test_utils.ts";
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
    const leases = await kvLeaseHolders(kv);
    await leases.grant();
    return {
      instance: async (clock) => ({
        backend: new KvPriceAlertBackend(kv, { fence: leases.check }),
        audit: await ThresholdStore.open(kv, { defaults: DEFAULTS, clock }),
      }),
      revoke: leases.revoke,
      close: async () => {
        await leases.close();
        kv.close();
      },
    };
  },
});
