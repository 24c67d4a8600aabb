/**
 * Keeps one WebSocket connection honest: a ping every interval (Bybit asks
 * for one every 20 s) and a silence watchdog — no frame of any kind for the
 * timeout means the socket is dead even though it never closed. The watchdog
 * is lazy, one timer per silence period re-armed from the last frame, so a
 * busy stream costs no timer work per frame.
 */
import type { Clock, TimerId } from "../../clock/clock.ts";

/** Options of {@linkcode WsKeepalive}. */
export interface WsKeepaliveOptions {
  readonly clock: Clock;
  /** Interval between pings, ms. */
  readonly pingIntervalMs: number;
  /** No frame for this long means a dead socket, ms. */
  readonly silenceTimeoutMs: number;
  /** Time of the last frame received (any kind), or null before the first. */
  lastFrameAt(): number | null;
  /** Sends one ping. */
  ping(): void;
  /** The socket has been silent for `silentMs` (at least the timeout). */
  dead(silentMs: number): void;
}

/** Ping timer and silence watchdog of one connection. */
export class WsKeepalive {
  #options: WsKeepaliveOptions;
  #ping: TimerId | undefined;
  #silence: TimerId | undefined;
  #startedAt = 0;
  #pingSentAt: number | null = null;

  /** Throws a `RangeError` for a non-positive interval or timeout. */
  constructor(options: WsKeepaliveOptions) {
    for (
      const [name, value] of [
        ["pingIntervalMs", options.pingIntervalMs],
        ["silenceTimeoutMs", options.silenceTimeoutMs],
      ] as const
    ) {
      if (!(value > 0 && Number.isFinite(value))) {
        throw new RangeError(`${name} must be > 0, got ${value}`);
      }
    }
    this.#options = options;
  }

  /** Starts both timers; silence is counted from now at the earliest. */
  start(): void {
    this.stop();
    this.#startedAt = this.#options.clock.now();
    this.#armPing();
    this.#armSilence();
  }

  /** Cancels both timers and forgets an unanswered ping. */
  stop(): void {
    const { clock } = this.#options;
    if (this.#ping !== undefined) clock.clearTimer(this.#ping);
    if (this.#silence !== undefined) clock.clearTimer(this.#silence);
    this.#ping = this.#silence = undefined;
    this.#pingSentAt = null;
  }

  /** A pong arrived: the round trip of the last ping in ms, or null. */
  pong(): number | null {
    if (this.#pingSentAt === null) return null;
    const rtt = Math.max(0, this.#options.clock.now() - this.#pingSentAt);
    this.#pingSentAt = null;
    return rtt;
  }

  #armPing(): void {
    this.#ping = this.#options.clock.setTimer(() => {
      this.#ping = undefined;
      this.#pingSentAt = this.#options.clock.now();
      this.#options.ping();
      this.#armPing();
    }, this.#options.pingIntervalMs);
  }

  #lastActivity(): number {
    return Math.max(this.#startedAt, this.#options.lastFrameAt() ?? 0);
  }

  #armSilence(): void {
    const { clock, silenceTimeoutMs } = this.#options;
    const due = this.#lastActivity() + silenceTimeoutMs;
    this.#silence = clock.setTimer(() => {
      this.#silence = undefined;
      const silent = clock.now() - this.#lastActivity();
      if (silent < silenceTimeoutMs) return this.#armSilence();
      if (this.#ping !== undefined) clock.clearTimer(this.#ping);
      this.#ping = undefined;
      this.#options.dead(silent);
    }, Math.max(0, due - clock.now()));
  }
}
