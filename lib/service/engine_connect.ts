/**
 * Opens the configured stream engine at start-up and, when its store is not
 * reachable yet (Redis down, a container starting in the wrong order), keeps
 * trying with full-jitter backoff (0.5 s doubling to 10 s) instead of
 * exiting: every failed attempt is logged and reported to `onWaiting`, which
 * the start-up gate shows in `/api/health` and `/api/diagnostics`. Aborting
 * `signal` (a stop signal during start-up) gives up.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import { redactRedisUrl } from "../config/redis_url.ts";
import {
  openStreamEngine,
  type OpenStreamEngineOptions,
} from "../engine/open_engine.ts";
import type { StreamEngine } from "../engine/stream_engine.ts";
import type { RedisEngine } from "../engine/redis_engine.ts";
import { fullJitterDelay } from "../ingestion/bybit/backoff.ts";
import type { Logger } from "../observability/logger.ts";

/** What a waiting start-up reports. */
export interface EngineWaiting {
  readonly kind: ServiceConfig["engine"]["kind"];
  /** Failed attempts so far. */
  readonly attempts: number;
  readonly lastError: string;
  /** Epoch ms of the next attempt. */
  readonly nextAttemptAt: number;
}

/** Options of {@linkcode connectEngine}. */
export interface ConnectEngineOptions
  extends Omit<OpenStreamEngineOptions, "kind" | "redisUrl" | "clock"> {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Told about each failed attempt. */
  readonly onWaiting?: (waiting: EngineWaiting) => void;
  /** Gives up (rejects) when aborted. */
  readonly signal?: AbortSignal;
  /** Opens the engine; replaceable in tests. Default {@linkcode openStreamEngine}. */
  readonly open?: (options: OpenStreamEngineOptions) => Promise<StreamEngine>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * This instance's id: `INSTANCE_ID`, else short and random per process (a
 * restarted process is a new instance to the lease and to diagnostics).
 */
export function instanceIdFor(config: ServiceConfig): string {
  return config.engine.instanceId ?? `i-${crypto.randomUUID().slice(0, 8)}`;
}

/** Opens the engine, retrying until it opens or `signal` aborts. */
export async function connectEngine(
  options: ConnectEngineOptions,
): Promise<StreamEngine> {
  const { config, logger, signal } = options;
  const clock = options.clock ?? systemClock;
  const open = options.open ?? openStreamEngine;
  const { kind } = config.engine;
  const where = config.engine.redisUrl && kind === "redis"
    ? redactRedisUrl(config.engine.redisUrl)
    : kind;
  for (let attempt = 0;; attempt++) {
    signal?.throwIfAborted();
    try {
      const engine = await open({
        ...options,
        kind,
        redisUrl: config.engine.redisUrl,
        clock,
      });
      if (attempt > 0) {
        logger.info("Stream engine connected", { engine: kind, url: where });
      }
      return engine;
    } catch (error) {
      if (error instanceof RangeError) throw error;
      const delay = fullJitterDelay(attempt, {
        baseMs: 500,
        capMs: 10_000,
        random: options.random,
      });
      const waiting: EngineWaiting = {
        kind,
        attempts: attempt + 1,
        lastError: describe(error),
        nextAttemptAt: clock.now() + delay,
      };
      logger.warn("Stream engine unreachable; retrying", {
        engine: kind,
        url: where,
        attempt: attempt + 1,
        retry_in_ms: Math.round(delay),
        error: waiting.lastError,
      });
      options.onWaiting?.(waiting);
      await new Promise<void>((resolve, reject) => {
        const timer = clock.setTimer(resolve, delay);
        signal?.addEventListener("abort", () => {
          clock.clearTimer(timer);
          reject(signal.reason);
        }, { once: true });
      });
    }
  }
}

/** A one-line reason without credentials (client errors may quote the URL). */
function describe(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  return message.replace(/\/\/[^@/\s]*@/g, "//***@").slice(0, 300);
}

/**
 * Durability check: without AOF a Redis restart loses the trail, thresholds
 * and the stream's history (clients then get a reset). Managed Redis often
 * refuses CONFIG; then nothing is said.
 */
export function warnWithoutAof(engine: RedisEngine, logger: Logger): void {
  void engine.appendOnly().then((aof) => {
    if (aof === false) {
      logger.warn(
        "Redis runs without AOF (appendonly no): a Redis restart loses the alert trail, thresholds and stream history; run it with appendonly yes",
      );
    }
  });
}
