/**
 * The Redis trail against a real `redis-server`: the shared trail suite, the
 * lease being the engine's key (`<holder>|<token>`) under the same prefix.
 */
import { Redis } from "ioredis";
import { RedisAlertStore } from "./redis_alert_store.ts";
import {
  redisServerAvailable,
  redisTests,
} from "../engine/redis_server_process.ts";
import { alertTrailContract } from "./alert_trail_contract.ts";

const redis = redisTests("RedisAlertStore");
let cases = 0;

alertTrailContract({
  name: "RedisAlertStore",
  ignore: !redisServerAvailable(),
  fixture: async () => {
    const client = new Redis((await redis.server()).url);
    const prefix = `trail${++cases}:`;
    return {
      open: () => RedisAlertStore.open({ client, prefix }),
      grant: async () => {
        await client.set(`${prefix}lease`, "a|3");
        return { token: 3, holder: "a", expiresAt: 0 };
      },
      revoke: async () => {
        await client.set(`${prefix}lease`, "b|4");
      },
      close: () => Promise.resolve(client.disconnect()),
    };
  },
});

redis.done();
