/**
 * Opens the {@linkcode StreamEngine} a configuration names, so the service
 * composes engines without knowing their constructors. The memory engine
 * cannot fail; Redis rejects while the server is unreachable (the caller
 * retries, see `lib/service/engine_connect.ts`); KV needs the store the
 * ledger already opened.
 */
import type { Clock } from "../clock/clock.ts";
import { KvEngine } from "./kv_engine.ts";
import { MemoryEngine } from "./memory_engine.ts";
import { RedisEngine } from "./redis_engine.ts";
import type { EngineKind, StreamEngine } from "./stream_engine.ts";

/** Options of {@linkcode openStreamEngine}. */
export interface OpenStreamEngineOptions {
  readonly kind: EngineKind;
  /** Entries kept per channel (`HISTORY_SIZE`). */
  readonly historySize: number;
  /**
   * Characters of tick text the in-process engine's histories may take
   * together (`HISTORY_MEMORY_MB`); the shared engines keep history outside
   * the process.
   */
  readonly historyChars?: number;
  /** The symbols' channel ids. */
  readonly channels: readonly string[];
  /** This instance's id. */
  readonly instance: string;
  /** Required for `redis`. */
  readonly redisUrl?: string;
  /** Required for `kv`: the store shared by every instance. */
  readonly kv?: Deno.Kv;
  readonly clock?: Clock;
  /** Told about connection trouble the engine recovers from by itself. */
  readonly onWarning?: (message: string, error?: unknown) => void;
}

/** Opens the engine of `options.kind`; throws a `RangeError` for a missing option. */
export async function openStreamEngine(
  options: OpenStreamEngineOptions,
): Promise<StreamEngine> {
  const { kind, historySize, channels, instance, clock, onWarning } = options;
  switch (kind) {
    case "memory":
      return new MemoryEngine({
        historySize,
        historyChars: options.historyChars,
        instance,
        clock,
      });
    case "redis":
      if (options.redisUrl === undefined) {
        throw new RangeError("redisUrl is required for the redis engine");
      }
      return await RedisEngine.open({
        url: options.redisUrl,
        historySize,
        channels,
        instance,
        clock,
        onWarning,
      });
    case "kv":
      if (options.kv === undefined) {
        throw new RangeError("kv is required for the kv engine");
      }
      return await KvEngine.open({
        kv: options.kv,
        historySize,
        channels,
        instance,
        clock,
        onWarning,
      });
  }
}
