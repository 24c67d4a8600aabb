/**
 * Test doubles shared by the hub's tests: a socket whose send queue, failures
 * and state the test controls, recording what was sent and closed; and an
 * analysed tick to publish.
 */
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { ServerFrame } from "../protocol/frames.ts";
import type { PreparedFrame } from "../protocol/prepared_frame.ts";
import type { SocketLike } from "./subscriber.ts";

/** A `SocketLike` that records frames and closes. */
export class FakeSocket implements SocketLike {
  readyState = 1;
  bufferedAmount = 0;
  /** Set true to stand for a socket whose queue grows only by what is sent. */
  queueGrowsOnlyBySend = false;
  sent: string[] = [];
  closes: { code?: number; reason?: string }[] = [];
  failSend = false;

  /** Records the frame's text, or throws when `failSend` is set. */
  sendPrepared(frame: PreparedFrame): void {
    if (this.failSend) throw new Error("Broken pipe");
    this.sent.push(frame.text);
  }

  /** Records the close and marks the socket CLOSED. */
  close(code?: number, reason?: string): void {
    this.closes.push({ code, reason });
    this.readyState = 3;
  }

  /** Every frame sent, parsed. */
  frames(): ServerFrame[] {
    return this.sent.map((s) => JSON.parse(s));
  }

  /** Every tick seq received for `symbol`, batches expanded, in order. */
  seqs(symbol: string): number[] {
    return this.frames().flatMap((f) => {
      if (f.type === "batch" && f.symbol === symbol) {
        return f.frames.map((t) => t.seq);
      }
      return f.type === "tick" && f.symbol === symbol ? [f.seq] : [];
    });
  }
}

/**
 * A `FakeSocket` whose every send calls `onSend` after recording the frame:
 * a test moves its clock there to stand for a broadcast that takes time.
 */
export class TimedSocket extends FakeSocket {
  readonly #onSend: () => void;

  /** `onSend` runs after each frame is recorded. */
  constructor(onSend: () => void) {
    super();
    this.#onSend = onSend;
  }

  /** Records the frame, then calls `onSend`. */
  override sendPrepared(frame: PreparedFrame): void {
    super.sendPrepared(frame);
    this.#onSend();
  }
}

/** A valid analysed tick of `symbol` at `price` (the rest fixed). */
export function analyzedTick(symbol: string, price = 100): AnalyzedTick {
  return {
    symbol,
    price,
    high: 110,
    low: 100,
    volume: 1_000,
    change: 0.5,
    spread: 10,
    is_whale: false,
    whale_alert: false,
    whale_threshold: 50_000_000,
    tier: "ELEVATED",
    range_position: 50,
    velocity: 0,
    upstream_ts: 1_000,
    source: "simulator",
  };
}
