/**
 * Store first, then broadcast: drafts are committed to the trail and only the
 * frames the store returned are published, in id order. A crash between the
 * two can lose a push, never a stored alert; a failed commit means nobody
 * ever saw the alert (it is counted and logged, not pushed).
 *
 * Commits run one batch at a time off an in-memory queue, so the ingestion
 * callback never waits on KV. The queue is bounded: if KV stalls while alerts
 * keep coming, the overflow is dropped and counted rather than growing memory
 * without limit (cooldowns keep the normal rate far below the bound).
 */
import type { AlertFrame } from "../protocol/frames.ts";
import type { AlertDraft } from "./alert_draft.ts";

/** Where drafts become durable alerts (the KV store). */
export interface AlertSink {
  /** Commits `drafts`; resolves with the stored frames once durable. */
  append(drafts: readonly AlertDraft[]): Promise<readonly AlertFrame[]>;
}

/** Options of {@linkcode AlertPipeline}. */
export interface AlertPipelineOptions {
  readonly sink: AlertSink;
  /** Pushes a stored alert to subscribers. */
  readonly publish: (alert: AlertFrame) => void;
  /** Called when a batch could not be stored (its alerts were not pushed). */
  readonly onError?: (error: unknown, lost: number) => void;
  /** Called when the queue is full and drafts are dropped. */
  readonly onDrop?: (dropped: number) => void;
  /** Drafts waiting to be stored before new ones are dropped. Default 10 000. */
  readonly maxPending?: number;
  /** Drafts per commit. Default 100. */
  readonly maxBatch?: number;
}

/** Counters of {@linkcode AlertPipeline}. */
export interface AlertPipelineStats {
  /** Alerts stored and published. */
  readonly stored: number;
  /** Alerts whose commit failed. */
  readonly failed: number;
  /** Drafts dropped because the queue was full. */
  readonly dropped: number;
  /** Drafts waiting now. */
  readonly pending: number;
}

/** The ordered store-then-publish path for alerts. */
export class AlertPipeline {
  #options: AlertPipelineOptions;
  #maxPending: number;
  #maxBatch: number;
  #queue: AlertDraft[] = [];
  #draining: Promise<void> | undefined;
  #stored = 0;
  #failed = 0;
  #dropped = 0;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: AlertPipelineOptions) {
    this.#maxPending = options.maxPending ?? 10_000;
    this.#maxBatch = options.maxBatch ?? 100;
    for (
      const [name, value] of [
        ["maxPending", this.#maxPending],
        ["maxBatch", this.#maxBatch],
      ] as const
    ) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(
          `${name} must be a positive integer, got ${value}`,
        );
      }
    }
    this.#options = options;
  }

  /** Queues `drafts` for storing and publishing; never blocks. */
  submit(drafts: readonly AlertDraft[]): void {
    if (drafts.length === 0) return;
    const room = this.#maxPending - this.#queue.length;
    const accepted = drafts.slice(0, Math.max(0, room));
    const dropped = drafts.length - accepted.length;
    this.#queue.push(...accepted);
    if (dropped > 0) {
      this.#dropped += dropped;
      this.#options.onDrop?.(dropped);
    }
    this.#draining ??= this.#drain();
  }

  /** Resolves once every queued draft has been stored and published (or failed). */
  async drained(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Counters since start. */
  stats(): AlertPipelineStats {
    return {
      stored: this.#stored,
      failed: this.#failed,
      dropped: this.#dropped,
      pending: this.#queue.length,
    };
  }

  async #drain(): Promise<void> {
    const { sink, publish, onError } = this.#options;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      let frames: readonly AlertFrame[];
      try {
        frames = await sink.append(batch);
      } catch (error) {
        this.#failed += batch.length;
        onError?.(error, batch.length);
        continue;
      }
      this.#stored += frames.length;
      for (const frame of frames) {
        try {
          publish(frame);
        } catch (error) {
          // Stored is what counts; a push that throws must not stop the rest.
          onError?.(error, 0);
        }
      }
    }
    this.#draining = undefined;
  }
}
