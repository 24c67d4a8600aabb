/**
 * The `redis-server` launcher for integration tests: the same one the engine's
 * own tests, the benchmarks and `deno task cluster` use.
 */
export {
  freePort,
  REDIS_SERVER_PATH,
  type RedisServer,
  redisServerAvailable,
  type RedisServerOptions,
  startRedisServer,
} from "../../lib/engine/redis_server_process.ts";
