/**
 * Runs the silence rules (`stream_silence.ts`) for one connection on a
 * clock: a lazy data-silence timer, re-armed from the last data rather than
 * reset on every frame (a busy stream costs no timer work per frame), and a
 * periodic sweep of the paced topics. What to do about a silence is the
 * caller's: it replaces the connection or resubscribes the topics.
 */
import type { Clock, TimerId } from "../../clock/clock.ts";
import {
  dataSilenceMs,
  isConnectionSilent,
  type SilenceLimits,
  silentTopics,
} from "./stream_silence.ts";

/** Options of {@linkcode StreamWatch}. */
export interface StreamWatchOptions extends SilenceLimits {
  readonly clock: Clock;
  /** When the connection opened (watching starts then). */
  openedAt(): number;
  /** When any data last arrived on the connection, or null. */
  lastDataAt(): number | null;
  /** Topics followed now. */
  topicCount(): number;
  /** Per topic: last data or (re)subscription, whichever is later. */
  topicsSince(): Iterable<readonly [string, number]>;
  /** No data on any topic for `silentMs` (at least the limit). */
  silentConnection(silentMs: number): void;
  /** These paced topics are silent past the limit. */
  silentTopics(topics: string[]): void;
}

/** The silence watch of one open connection. */
export class StreamWatch {
  #options: StreamWatchOptions;
  #dataTimer: TimerId | undefined;
  #topicTimer: TimerId | undefined;

  /** Throws a `RangeError` for a non-positive limit. */
  constructor(options: StreamWatchOptions) {
    for (
      const [name, value] of [
        ["dataSilenceMs", options.dataSilenceMs],
        ["topicSilenceMs", options.topicSilenceMs],
      ] as const
    ) {
      if (!(value > 0 && Number.isFinite(value))) {
        throw new RangeError(`${name} must be > 0, got ${value}`);
      }
    }
    this.#options = options;
  }

  /** Interval of the topic sweep: a fifth of the limit, 1 s at least. */
  get topicSweepMs(): number {
    return Math.max(1_000, this.#options.topicSilenceMs / 5);
  }

  /** Starts both checks (call when the connection opens). */
  start(): void {
    this.stop();
    this.#armData();
    this.#armTopics();
  }

  /** Cancels both checks. */
  stop(): void {
    const { clock } = this.#options;
    if (this.#dataTimer !== undefined) clock.clearTimer(this.#dataTimer);
    if (this.#topicTimer !== undefined) clock.clearTimer(this.#topicTimer);
    this.#dataTimer = this.#topicTimer = undefined;
  }

  #armData(): void {
    const o = this.#options;
    const silent = dataSilenceMs(o.clock.now(), o.openedAt(), o.lastDataAt());
    this.#dataTimer = o.clock.setTimer(() => {
      this.#dataTimer = undefined;
      const now = o.clock.now();
      const last = o.lastDataAt();
      if (
        isConnectionSilent(
          now,
          o.openedAt(),
          last,
          o.topicCount(),
          o.dataSilenceMs,
        )
      ) {
        this.stop();
        o.silentConnection(dataSilenceMs(now, o.openedAt(), last));
        return;
      }
      this.#armData();
      // Silent but following nothing: look again a whole period later.
    }, silent < o.dataSilenceMs ? o.dataSilenceMs - silent : o.dataSilenceMs);
  }

  #armTopics(): void {
    const o = this.#options;
    this.#topicTimer = o.clock.setTimer(() => {
      this.#topicTimer = undefined;
      const silent = silentTopics(
        o.topicsSince(),
        o.clock.now(),
        o.topicSilenceMs,
      );
      this.#armTopics();
      if (silent.length > 0) o.silentTopics(silent);
    }, this.topicSweepMs);
  }
}
