/**
 * The Redis candle store against a real `redis-server`: the shared candle
 * store suite, unfenced and fenced by the engine's lease key.
 */
import { Redis } from "ioredis";
import { candleStoreContract } from "../candles/candle_store_contract.ts";
import {
  redisServerAvailable,
  redisTests,
} from "../engine/redis_server_process.ts";
import { RedisCandleStore } from "./redis_candle_store.ts";

const redis = redisTests("RedisCandleStore");
const ignore = !redisServerAvailable();
let cases = 0;

async function client() {
  return new Redis((await redis.server()).url);
}

candleStoreContract("RedisCandleStore", async () => {
  const redis = await client();
  return {
    store: new RedisCandleStore({ client: redis, prefix: `c${++cases}:` }),
    close: () => redis.disconnect(),
  };
}, { ignore });

candleStoreContract(
  "RedisCandleStore (fenced by the engine's lease)",
  async () => {
    const redis = await client();
    const prefix = `f${++cases}:`;
    const lease = { holder: "a", token: 7, expiresAt: 0 };
    return {
      store: new RedisCandleStore({
        client: redis,
        prefix,
        fence: () => lease,
      }),
      fence: {
        grant: async () => void await redis.set(`${prefix}lease`, "a|7"),
        revoke: async () => void await redis.set(`${prefix}lease`, "b|8"),
      },
      close: () => redis.disconnect(),
    };
  },
  { ignore, fenced: true },
);

redis.done();
