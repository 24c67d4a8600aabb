/**
 * The leader's publishes, one batch in flight at a time: a second batch that
 * raced the first on a store without one ordered connection (KV) could take
 * the lower seq for the newer tick. While a batch is in flight, what arrives
 * waits; with `conflate` only the newest draft per conflated channel waits
 * (ticks are snapshots, so the newest says everything the older ones did) —
 * what the KV engine needs when ticks come faster than commits. Otherwise the
 * wait is bounded by `maxPending` drafts, the oldest dropped first and
 * counted.
 */
import type {
  EngineDraft,
  Lease,
  PublishResult,
  StreamEngine,
} from "./stream_engine.ts";

/** Options of {@linkcode PublishQueue}. */
export interface PublishQueueOptions {
  readonly engine: Pick<StreamEngine, "publish">;
  /**
   * Keep only the newest waiting draft per channel: of every channel
   * (true), of the channels the function accepts, or none. Default false.
   */
  readonly conflate?: boolean | ((channel: string) => boolean);
  /** Most drafts waiting. Default 10 000. */
  readonly maxPending?: number;
  /** Called when a batch was refused (fenced or a new epoch). */
  readonly onRefused?: (result: Extract<PublishResult, { ok: false }>) => void;
  /** Called when a batch failed (the store is unreachable). */
  readonly onError?: (error: unknown, drafts: number) => void;
}

/** Counters of {@linkcode PublishQueue}. */
export interface PublishQueueStats {
  /** Drafts replaced by a newer one of their channel while waiting. */
  readonly conflated: number;
  /** Drafts dropped because the queue was full. */
  readonly dropped: number;
  /** Drafts whose publish failed or was refused. */
  readonly failed: number;
}

/** Serialised, bounded publishing for one leader. */
export class PublishQueue {
  #options: PublishQueueOptions;
  #maxPending: number;
  #waiting: EngineDraft[] = [];
  #waitingLease: Lease | undefined;
  #running: Promise<void> | undefined;
  #stats = { conflated: 0, dropped: 0, failed: 0 };

  /** Throws a `RangeError` naming `maxPending` for a bad value. */
  constructor(options: PublishQueueOptions) {
    this.#maxPending = options.maxPending ?? 10_000;
    if (!Number.isInteger(this.#maxPending) || this.#maxPending < 1) {
      throw new RangeError(
        `maxPending must be a positive integer, got ${this.#maxPending}`,
      );
    }
    this.#options = options;
  }

  /** Counters since start. */
  stats(): PublishQueueStats {
    return { ...this.#stats };
  }

  /** Queues `drafts` under `lease`; never blocks. */
  push(drafts: readonly EngineDraft[], lease: Lease | undefined): void {
    if (drafts.length === 0) return;
    if (this.#waitingLease !== lease) {
      // A new lease: what waited under the old one must not be published.
      this.#stats.failed += this.#waiting.length;
      this.#waiting = [];
      this.#waitingLease = lease;
    }
    const conflate = this.#options.conflate;
    if (conflate) {
      const fresh = new Set(
        drafts.map((d) => d.channel).filter((channel) =>
          conflate === true || conflate(channel)
        ),
      );
      const before = this.#waiting.length;
      this.#waiting = this.#waiting.filter((d) => !fresh.has(d.channel));
      this.#stats.conflated += before - this.#waiting.length;
    }
    this.#waiting.push(...drafts);
    const over = this.#waiting.length - this.#maxPending;
    if (over > 0) {
      this.#waiting.splice(0, over);
      this.#stats.dropped += over;
    }
    this.#running ??= this.#drain();
  }

  /** Drops what waits (the instance stopped leading). */
  clear(): void {
    this.#stats.failed += this.#waiting.length;
    this.#waiting = [];
  }

  /** Resolves once nothing waits or is in flight. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting;
      const lease = this.#waitingLease;
      this.#waiting = [];
      try {
        const result = await this.#options.engine.publish(batch, lease);
        if (!result.ok) {
          this.#stats.failed += batch.length;
          this.#options.onRefused?.(result);
        }
      } catch (error) {
        this.#stats.failed += batch.length;
        this.#options.onError?.(error, batch.length);
      }
    }
    this.#running = undefined;
  }
}
