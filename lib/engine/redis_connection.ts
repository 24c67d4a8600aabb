/**
 * The Redis engine's two connections (commands, and pub/sub — a subscribed
 * connection can run nothing else), configured for fencing: no offline queue,
 * so a write while disconnected fails at once instead of being replayed,
 * stale, after the reconnect; reconnects with capped, jittered backoff. The
 * feed resubscribes itself after a reconnect (`redis_feed.ts`), so ioredis's
 * own resubscription, whose failure it leaves unhandled, is off.
 */
import { Redis, type RedisOptions } from "ioredis";

/** A connected command connection and pub/sub connection. */
export interface RedisPair {
  readonly commands: Redis;
  readonly subscriber: Redis;
}

/**
 * Connects both to `url`; rejects (closing both) when Redis cannot be reached
 * within `connectTimeoutMs`.
 */
export async function connectRedisPair(
  url: string,
  connectTimeoutMs: number,
): Promise<RedisPair> {
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResubscribe: false,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (attempt) =>
      Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)) *
      (0.5 + Math.random() / 2),
  };
  const commands = new Redis(url, options);
  const subscriber = new Redis(url, options);
  // ioredis reports connection errors as events; the engine follows the
  // connection state instead, and they must not crash the process.
  commands.on("error", () => {});
  subscriber.on("error", () => {});
  try {
    await commands.connect();
    await subscriber.connect();
    return { commands, subscriber };
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw error;
  }
}
