/**
 * The upstream-health telemetry a `BybitWsClient` records about its
 * connection: when it last heard anything and last got a ticker, the attempts
 * and failures, the ping latency, whether the data is the simulator's, the
 * last error, and the counters. The client owns the socket's lifecycle and
 * tells this record what happened; diagnostics read it back through
 * `BybitWsClient.state()`. Pure bookkeeping: no timers, no I/O, so every
 * rule is tested by calling it.
 */
import { operatorSafeText } from "./upstream_error.ts";
import type {
  WsClientCounters,
  WsClientState,
  WsFailureKind,
} from "./ws_client_state.ts";

/** Bad frames are logged at most this often (the counters have every one). */
export const BAD_FRAME_LOG_MS = 1_000;

/** The part of {@linkcode WsClientState} the health record keeps. */
export type WsHealthState = Pick<
  WsClientState,
  | "lastMessageAt"
  | "lastTickAt"
  | "lastAttempt"
  | "nextAttemptAt"
  | "consecutiveFailures"
  | "latencyMs"
  | "simulated"
  | "lastError"
  | "counters"
>;

type MutableCounters = { -readonly [K in keyof WsClientCounters]: number };

/** What the connection's health looks like from the client's side. */
export class WsHealth {
  #lastMessageAt: number | null = null;
  #lastTickAt: number | null = null;
  #lastAttempt: number | null = null;
  #nextAttemptAt: number | null = null;
  #consecutiveFailures = 0;
  #latencyMs: number | null = null;
  #simulated = false;
  #lastError: WsClientState["lastError"] = null;
  #lastBadReason: string | null = null;
  #lastBadLogAt = -Infinity;
  readonly #counters: MutableCounters = {
    connects: 0,
    drops: 0,
    messages: 0,
    badMessages: 0,
    itemsRejected: 0,
    trades: 0,
    liquidations: 0,
    liquidationsRejected: 0,
    subscribeRequests: 0,
    refusals: 0,
    dataSilenceReplacements: 0,
    topicResubscribes: 0,
  };

  /** When any frame last arrived (the keepalive's silence clock). */
  get lastMessageAt(): number | null {
    return this.#lastMessageAt;
  }

  /** Whether the last frame carried the simulator's mark. */
  get simulated(): boolean {
    return this.#simulated;
  }

  /** Counters so far (a live view; {@linkcode snapshot} copies them). */
  get counters(): WsClientCounters {
    return this.#counters;
  }

  /** A connection attempt starts at `now`. */
  attempting(now: number): void {
    this.#nextAttemptAt = null;
    this.#lastAttempt = now;
  }

  /** The socket opened at `now`; that counts as hearing from it. */
  connected(now: number): void {
    this.#lastMessageAt = now;
    this.#counters.connects++;
  }

  /** A subscribe request went out. */
  subscribeSent(): void {
    this.#counters.subscribeRequests++;
  }

  /** A frame arrived at `now`. */
  received(now: number): void {
    this.#lastMessageAt = now;
    this.#counters.messages++;
  }

  /**
   * Data (a ticker or trades) arrived, `simulated` or not. Returns whether
   * this ends a run of failures.
   */
  gotData(simulated: boolean): boolean {
    this.#simulated = simulated;
    const recovered = this.#consecutiveFailures > 0;
    this.#consecutiveFailures = 0;
    return recovered;
  }

  /** The frame just received was a valid ticker. */
  gotTicker(): void {
    this.#lastTickAt = this.#lastMessageAt;
  }

  /** Valid trades arrived; `rejected` more failed validation. */
  gotTrades(trades: number, rejected: number): void {
    this.#counters.trades += trades;
    this.#counters.itemsRejected += rejected;
  }

  /** Valid liquidations arrived; `rejected` more failed validation. */
  gotLiquidations(liquidations: number, rejected: number): void {
    this.#counters.liquidations += liquidations;
    this.#counters.liquidationsRejected += rejected;
    this.#counters.itemsRejected += rejected;
  }

  /** The connection was replaced for sending no data while answering pings. */
  replacedForDataSilence(): void {
    this.#counters.dataSilenceReplacements++;
  }

  /** `topics` topics were resubscribed. */
  resubscribed(topics: number): void {
    this.#counters.topicResubscribes += topics;
  }

  /** A reply to a request (ack, pong) carried the simulator's mark or not. */
  gotReply(simulated: boolean): void {
    this.#simulated = simulated;
  }

  /** A pong measured `latencyMs`; null keeps the last measurement. */
  gotPong(latencyMs: number | null): void {
    this.#latencyMs = latencyMs ?? this.#latencyMs;
  }

  /** A frame failed validation and was skipped. */
  gotBadFrame(): void {
    this.#counters.badMessages++;
  }

  /**
   * Whether a rejected frame or item with `reason` is worth a log line at
   * `now`: only a reason new since the last one logged, at most once every
   * {@linkcode BAD_FRAME_LOG_MS}. The counters record every one regardless.
   */
  shouldLogBad(reason: string, now: number): boolean {
    if (reason === this.#lastBadReason) return false;
    if (now - this.#lastBadLogAt < BAD_FRAME_LOG_MS) return false;
    this.#lastBadReason = reason;
    this.#lastBadLogAt = now;
    return true;
  }

  /** The exchange refused `topics` topics at `now`, saying `message`. */
  refused(topics: number, message: string, now: number): void {
    this.#counters.refusals += topics;
    this.#lastError = { kind: "ws-refused", message, at: now };
  }

  /**
   * The connection failed at `now` (`kind`, `message`); the next attempt is
   * at `nextAttemptAt`. Returns the error as recorded (message made safe).
   */
  failed(
    kind: WsFailureKind,
    message: string,
    now: number,
    nextAttemptAt: number,
  ): NonNullable<WsClientState["lastError"]> {
    this.#counters.drops++;
    this.#consecutiveFailures++;
    this.#nextAttemptAt = nextAttemptAt;
    const error = { kind, message: operatorSafeText(message), at: now };
    this.#lastError = error;
    return error;
  }

  /** Failures since the last valid data. */
  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** A copy of everything recorded. */
  snapshot(): WsHealthState {
    return {
      lastMessageAt: this.#lastMessageAt,
      lastTickAt: this.#lastTickAt,
      lastAttempt: this.#lastAttempt,
      nextAttemptAt: this.#nextAttemptAt,
      consecutiveFailures: this.#consecutiveFailures,
      latencyMs: this.#latencyMs,
      simulated: this.#simulated,
      lastError: this.#lastError,
      counters: { ...this.#counters },
    };
  }
}
