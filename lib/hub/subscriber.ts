/**
 * One connected socket and its slow-consumer policy.
 *
 * Sends never wait: a socket whose send queue (`bufferedAmount`) is past the
 * high-water mark stops receiving every tick and keeps only the latest one per
 * symbol (conflation); once it drains below the low-water mark the latest ticks
 * go out. A socket that stays behind too long, or whose queue passes the hard
 * limit, is closed with 1013 so memory stays bounded and the broadcast loop
 * never blocks on it.
 *
 * The marks are small on purpose. Deno queues every `send` in the runtime
 * until the bytes reach the kernel, with no limit: when the server's CPU
 * cannot write as fast as ticks arrive, a generous mark lets that queue grow
 * for every socket at once (measured: 5,000 sockets past saturation grew the
 * process by 130 MB/s until it stopped accepting). 4 KiB already holds half
 * a second of one symbol's ticks, so conflating from there sheds the sends
 * that would only be late, keeps memory per socket bounded, and leaves the
 * CPU to the writes and handshakes that matter. The kernel's own socket
 * buffer comes first: a client on a slow link is only "behind" once that is
 * full too.
 *
 * Reading `bufferedAmount` is a call into the runtime (an op in Deno), about
 * a quarter of the cost of a delivery. A runtime WebSocket's queue only grows
 * through our own sends (WHATWG; Deno adds the UTF-8 length in
 * `op_ws_send_text`), so the last value read plus the `byteLength` of each
 * frame sent since bounds it: while that bound is under the high-water mark
 * the policy's answer is known and the read is skipped. Sockets whose queue
 * grows otherwise (`queueGrowsOnlyBySend` false) are read on every check.
 * A socket that is behind is re-read at most every `recheckMs`: in between,
 * frames are held without a call into the runtime.
 */
import { CloseCode } from "../protocol/close_codes.ts";
import type { PreparedFrame } from "../protocol/prepared_frame.ts";

/**
 * The part of a stream socket the hub uses (a socket layer's, or a test
 * double): frames go out prepared (see `prepared_frame.ts`).
 */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  /** True when `bufferedAmount` grows only by the `byteLength` of each send. */
  readonly queueGrowsOnlyBySend: boolean;
  sendPrepared(frame: PreparedFrame): void;
  close(code?: number, reason?: string): void;
}

/** Thresholds of the slow-consumer policy. */
export interface SlowConsumerPolicy {
  /** Queue size (bytes) past which ticks are conflated. Default 4 KiB. */
  readonly highWaterBytes: number;
  /** Queue size (bytes) under which conflated ticks are sent. Default 1 KiB. */
  readonly lowWaterBytes: number;
  /** Queue size (bytes) that closes the socket at once. Default 8 MiB. */
  readonly hardLimitBytes: number;
  /** How long a socket may stay behind before it is closed. Default 10 s. */
  readonly maxBehindMs: number;
  /** Alerts kept for a socket that is behind before it is closed. Default 64. */
  readonly maxQueuedAlerts: number;
  /** Least time between two queue reads of a socket that is behind. Default 20 ms. */
  readonly recheckMs: number;
}

/** The policy used unless a caller overrides fields. */
export const DEFAULT_SLOW_CONSUMER_POLICY: SlowConsumerPolicy = {
  highWaterBytes: 4 << 10,
  lowWaterBytes: 1 << 10,
  hardLimitBytes: 8 << 20,
  maxBehindMs: 10_000,
  maxQueuedAlerts: 64,
  recheckMs: 20,
};

/** What happened to one frame handed to {@linkcode Subscriber.deliver}. */
export type DeliveryOutcome = "sent" | "conflated" | "closed";

const OPEN = 1;

/** Counters shared by every subscriber of a hub, read by metrics. */
export interface DeliveryStats {
  messagesSent: number;
  /** Sum of frame lengths in UTF-16 units; equals bytes for ASCII JSON. */
  bytesSent: number;
  conflated: number;
  slowCloses: number;
}

/** A socket attached to the hub with the symbols it follows. */
export class Subscriber {
  readonly socket: SocketLike;
  /** The symbols it follows (the join request's list, kept as it is). */
  readonly symbols: readonly string[];
  /** Client IP, for per-IP accounting. */
  readonly ip: string;
  #policy: SlowConsumerPolicy;
  #latestByKey: Map<string, PreparedFrame> | undefined;
  #queuedAlerts: PreparedFrame[] | undefined;
  #behindSince: number | undefined;
  /** While behind: when the queue may be read again. */
  #recheckAt = 0;
  #closed = false;
  #stats: DeliveryStats;
  /**
   * Upper bound of `bufferedAmount` (see the module comment), or undefined
   * when the socket must be read on every check.
   */
  #queuedAtMost: number | undefined;
  /** Below this bound a socket that is not behind needs no read. */
  #readAbove: number;
  /**
   * Bytes of the join's replay (hello, status, history) still allowed in the
   * queue on top of the marks, so the ticks right after a join are queued
   * behind it rather than conflated; gone once the queue is under high water.
   */
  #joinAllowance = 0;

  /** Wraps `socket`, following `symbols`; counts into `stats`. */
  constructor(
    socket: SocketLike,
    symbols: readonly string[],
    ip: string,
    stats: DeliveryStats,
    policy: SlowConsumerPolicy = DEFAULT_SLOW_CONSUMER_POLICY,
  ) {
    this.socket = socket;
    this.symbols = symbols;
    this.ip = ip;
    this.#stats = stats;
    this.#policy = policy;
    this.#readAbove = Math.min(policy.highWaterBytes, policy.hardLimitBytes);
    if (socket.queueGrowsOnlyBySend) {
      this.#queuedAtMost = socket.bufferedAmount;
    }
  }

  /** True once closed by the policy or found dead. */
  get closed(): boolean {
    return this.#closed || this.socket.readyState > OPEN;
  }

  /** True while ticks are being conflated for this socket. */
  get behind(): boolean {
    return this.#behindSince !== undefined;
  }

  /**
   * Sends a frame that always goes out now (hello, replay, reset). Used only
   * at join time, before any conflation can have started; its bytes raise
   * the marks until the queue has drained (see `#joinAllowance`).
   */
  sendNow(frame: PreparedFrame): boolean {
    if (!this.#send(frame)) return false;
    this.#setJoinAllowance(this.#joinAllowance + frame.byteLength);
    return true;
  }

  #setJoinAllowance(bytes: number): void {
    this.#joinAllowance = bytes;
    this.#readAbove = bytes +
      Math.min(this.#policy.highWaterBytes, this.#policy.hardLimitBytes);
  }

  /**
   * Delivers a frame that only matters as the latest of its `key` (a tick per
   * symbol, the status, the heartbeat): when the socket is behind, a newer
   * frame with the same key replaces the held one.
   */
  deliverLatest(
    key: string,
    frame: PreparedFrame,
    now: number,
  ): DeliveryOutcome {
    if (this.closed) return "closed";
    if (this.#checkBehind(now)) {
      // The check may just have closed the socket: hold nothing for it.
      if (this.closed) return "closed";
      (this.#latestByKey ??= new Map()).set(key, frame);
      this.#stats.conflated++;
      return "conflated";
    }
    return this.#send(frame) ? "sent" : "closed";
  }

  /** Delivers a frame that must not be dropped (alerts). */
  deliverReliable(frame: PreparedFrame, now: number): DeliveryOutcome {
    if (this.closed) return "closed";
    if (this.#checkBehind(now)) {
      if (this.closed) return "closed";
      const queue = this.#queuedAlerts ??= [];
      queue.push(frame);
      if (queue.length > this.#policy.maxQueuedAlerts) {
        this.#closeSlow("alert backlog exceeded");
        return "closed";
      }
      return "conflated";
    }
    return this.#send(frame) ? "sent" : "closed";
  }

  /**
   * Re-evaluates the policy without new data: flushes conflated ticks once the
   * queue has drained, closes the socket if it stayed behind too long.
   */
  sweep(now: number): void {
    if (!this.closed) this.#checkBehind(now);
  }

  /** Closes the socket with `code` (idempotent). */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.socket.close(code, reason);
    } catch {
      // Already closing: nothing more to do.
    }
  }

  /**
   * Updates the behind state from `bufferedAmount` and returns whether frames
   * must be held back. Catching up flushes what was held, oldest alerts first.
   */
  #checkBehind(now: number): boolean {
    if (this.#behindSince === undefined) {
      if (
        this.#queuedAtMost !== undefined &&
        this.#queuedAtMost <= this.#readAbove
      ) return false;
    } else if (now < this.#recheckAt) {
      return true;
    }
    const buffered = this.socket.bufferedAmount;
    if (this.#queuedAtMost !== undefined) this.#queuedAtMost = buffered;
    if (
      this.#joinAllowance > 0 && buffered <= this.#policy.highWaterBytes
    ) this.#setJoinAllowance(0);
    if (buffered > this.#policy.hardLimitBytes + this.#joinAllowance) {
      this.#closeSlow("send queue over hard limit");
      return true;
    }
    if (this.#behindSince === undefined) {
      if (buffered <= this.#policy.highWaterBytes + this.#joinAllowance) {
        return false;
      }
      this.#behindSince = now;
      this.#recheckAt = now + this.#policy.recheckMs;
      return true;
    }
    if (buffered < this.#policy.lowWaterBytes) {
      this.#behindSince = undefined;
      this.#flushHeld();
      return false;
    }
    if (now - this.#behindSince > this.#policy.maxBehindMs) {
      this.#closeSlow("consumer too slow");
    }
    this.#recheckAt = now + this.#policy.recheckMs;
    return true;
  }

  #flushHeld(): void {
    const alerts = this.#queuedAlerts;
    const latest = this.#latestByKey;
    this.#queuedAlerts = undefined;
    this.#latestByKey = undefined;
    if (alerts) { for (const frame of alerts) this.#send(frame); }
    if (latest) { for (const frame of latest.values()) this.#send(frame); }
  }

  #closeSlow(reason: string): void {
    this.#latestByKey = undefined;
    this.#queuedAlerts = undefined;
    if (!this.#closed) this.#stats.slowCloses++;
    this.close(CloseCode.TryAgainLater, reason);
  }

  #send(frame: PreparedFrame): boolean {
    try {
      this.socket.sendPrepared(frame);
    } catch {
      this.#closed = true;
      return false;
    }
    this.#stats.messagesSent++;
    this.#stats.bytesSent += frame.text.length;
    if (this.#queuedAtMost !== undefined) {
      this.#queuedAtMost += frame.byteLength;
    }
    return true;
  }
}
