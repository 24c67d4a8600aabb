/**
 * Price alerts on a real `redis-server`: the shared price-alert suite,
 * audited in the Redis threshold trail, unfenced and fenced by the
 * engine's lease key.
 */
import { Redis } from "ioredis";
import {
  redisServerAvailable,
  redisTests,
} from "../engine/redis_server_process.ts";
import { priceAlertContract } from "./price_alert_contract.ts";
import { RedisPriceAlertBackend } from "./redis_price_alert_backend.ts";
import { RedisThresholdBackend } from "./redis_threshold_backend.ts";
import { ThresholdStore } from "./threshold_store.ts";

const redis = redisTests("RedisPriceAlertBackend");
const ignore = !redisServerAvailable();
const DEFAULTS = { "BTC-USDT": 1, "ETH-USDT": 1 };
let cases = 0;

for (const fenced of [false, true]) {
  priceAlertContract({
    name: fenced
      ? "RedisPriceAlertBackend (fenced by the engine's lease)"
      : "RedisPriceAlertBackend",
    ignore,
    fenced,
    fixture: async () => {
      const client = new Redis((await redis.server()).url);
      const prefix = `pa${++cases}:`;
      const lease = { holder: "a", token: 1, expiresAt: 0 };
      await client.set(`${prefix}lease`, "a|1");
      return {
        instance: async (clock) => ({
          backend: new RedisPriceAlertBackend({
            client,
            prefix,
            fence: fenced ? () => lease : undefined,
          }),
          audit: await ThresholdStore.open(
            new RedisThresholdBackend({ client, prefix }),
            { defaults: DEFAULTS, clock },
          ),
        }),
        revoke: async () => void await client.set(`${prefix}lease`, "b|2"),
        close: () => Promise.resolve(client.disconnect()),
      };
    },
  });
}

redis.done();
