/**
 * One long-lived connection to Bybit's public spot WebSocket, kept alive:
 * connect (with a timeout), subscribe every topic in requests of at most 10
 * args, ping every 20 s, treat 30 s without any frame as a dead socket, and
 * reconnect with full-jitter backoff — resubscribing everything — whenever
 * the socket closes, fails or goes silent.
 *
 * Runtime-neutral: the socket factory, clock and random source are injected,
 * so every timer rule is tested with a fake clock and a fake socket. Frames
 * are validated by `bybit_ws_schema.ts`; a bad frame is counted and skipped,
 * never fatal. A refused subscription is reported and retried on a slow,
 * doubling schedule (1 min up to 15 min), never in a tight loop. What it
 * learns about the upstream's health is recorded in a {@linkcode WsHealth}
 * (`ws_health.ts`); this file owns the socket's lifecycle.
 */
import type { LogLevel } from "../../config/config_schema.ts";
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";
import { fullJitterDelay } from "./backoff.ts";
import {
  DEFAULT_MAX_FRAME_CHARS,
  parseWsFrame,
  symbolTopics,
  type TopicTable,
  topicTable,
  type WsFrame,
} from "./bybit_ws_schema.ts";
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import type { MarketTick } from "../../market/market_tick.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import { operatorSafeText } from "./upstream_error.ts";
import {
  openWebSocket,
  type WebSocketFactory,
  type WebSocketLike,
} from "./web_socket_like.ts";
import type { WsClientState, WsFailureKind } from "./ws_client_state.ts";
import { WsHealth } from "./ws_health.ts";
import { WsKeepalive } from "./ws_keepalive.ts";
import { SubscriptionBook } from "./ws_subscriptions.ts";

/** Log fields as the ingestion callbacks carry them. */
type Fields = Readonly<Record<string, string | number | boolean | null>>;

/** Timing defaults (Bybit's recommendations; see `bybit-v5.md`). */
export const WS_DEFAULTS = {
  /** Bybit asks for a ping every 20 s. */
  pingIntervalMs: 20_000,
  /** No frame for this long means the socket is dead even if not closed. */
  silenceTimeoutMs: 30_000,
  /** Reconnect backoff: full jitter from 1 s, capped at 15 s. */
  reconnectBaseMs: 1_000,
  reconnectCapMs: 15_000,
  /** A floor under every reconnect delay: never reconnect in a spin. */
  minReconnectMs: 100,
  /** A connection that lived this long with data resets the backoff. */
  stableAfterMs: 10_000,
  /** First retry of refused topics; doubles up to `refusedRetryCapMs`. */
  refusedRetryMs: 60_000,
  refusedRetryCapMs: 900_000,
} as const;

/** Options of {@linkcode BybitWsClient}. */
export interface BybitWsClientOptions {
  /** Stream URL, e.g. `wss://stream.bybit.com/v5/public/spot`. */
  readonly url: string;
  readonly symbols: readonly TrackedSymbol[];
  /** Longest wait for the socket to open, ms. */
  readonly connectTimeoutMs: number;
  /** Silence that means a dead socket, ms. Default 30,000. */
  readonly silenceTimeoutMs?: number;
  /** Interval of pings, ms. Default: 20,000, or ⅔ of a shorter silence timeout. */
  readonly pingIntervalMs?: number;
  /**
   * Longest frame parsed, characters; longer ones are counted as bad.
   * Default {@linkcode DEFAULT_MAX_FRAME_CHARS} (1 MiB).
   */
  readonly maxFrameChars?: number;
  /** Default: the runtime's `WebSocket`. */
  readonly connect?: WebSocketFactory;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** A valid ticker arrived. */
  onTicker(tick: MarketTick, simulated: boolean): void;
  /** Valid trades arrived (never empty). */
  onTrades(trades: MarketTrade[], simulated: boolean): void;
  /** Connection or subscription state changed (see {@linkcode BybitWsClient.state}). */
  onChange(): void;
  onLog(level: LogLevel, message: string, fields: Fields): void;
}

const OPEN = 1;

type TimerName = "connect" | "reconnect" | "retry";

/** A self-healing subscription to Bybit's public spot stream. */
export class BybitWsClient {
  #options: BybitWsClientOptions;
  #clock: Clock;
  #random: () => number;
  #connect: WebSocketFactory;
  #host: string;
  #topics: TopicTable;
  #tickerTopics: Map<string, string>;
  #book: SubscriptionBook;
  #keepalive: WsKeepalive;

  #started = false;
  #stopped = false;
  #socket: WebSocketLike | undefined;
  #openedAt: number | null = null;
  #connectionHadData = false;
  #attempt = 0;
  #timers: Record<TimerName, TimerId | undefined> = {
    connect: undefined,
    reconnect: undefined,
    retry: undefined,
  };
  #retryDelay: number = WS_DEFAULTS.refusedRetryMs;
  #pingId = 0;
  readonly #health = new WsHealth();

  /** Throws a `RangeError` for a non-ws(s) URL or a bad timeout. */
  constructor(options: BybitWsClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== "ws:" && url.protocol !== "wss:") {
      throw new RangeError(`url must be ws(s), got ${url.protocol}`);
    }
    for (
      const [name, value] of [
        ["connectTimeoutMs", options.connectTimeoutMs],
        ["silenceTimeoutMs", options.silenceTimeoutMs],
        ["pingIntervalMs", options.pingIntervalMs],
        ["maxFrameChars", options.maxFrameChars],
      ] as const
    ) {
      if (value !== undefined && !(value > 0 && Number.isFinite(value))) {
        throw new RangeError(`${name} must be > 0, got ${value}`);
      }
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#connect = options.connect ?? openWebSocket;
    this.#host = url.host;
    this.#topics = topicTable(options.symbols);
    this.#tickerTopics = new Map(
      options.symbols.map((s) => [symbolTopics(s)[0], s.id]),
    );
    this.#book = new SubscriptionBook(options.symbols.flatMap(symbolTopics));
    const silenceMs = options.silenceTimeoutMs ?? WS_DEFAULTS.silenceTimeoutMs;
    this.#keepalive = new WsKeepalive({
      clock: this.#clock,
      silenceTimeoutMs: silenceMs,
      pingIntervalMs: options.pingIntervalMs ??
        Math.min(WS_DEFAULTS.pingIntervalMs, (silenceMs * 2) / 3),
      lastFrameAt: () => this.#health.lastMessageAt,
      ping: () => {
        const socket = this.#socket;
        if (socket === undefined || socket.readyState !== OPEN) return;
        socket.send(
          JSON.stringify({ req_id: `ping-${++this.#pingId}`, op: "ping" }),
        );
      },
      dead: (silentMs) => {
        const socket = this.#socket;
        if (socket === undefined) return;
        this.#abandon(
          socket,
          "ws-silent",
          `No WebSocket message for ${Math.round(silentMs)} ms`,
        );
      },
    });
  }

  /** Host of the stream, for diagnostics. */
  get host(): string {
    return this.#host;
  }

  /** Connects at once. A client starts only once. */
  start(): void {
    if (this.#started) throw new Error("BybitWsClient was already started");
    this.#started = true;
    this.#open();
  }

  /** Closes the socket and cancels every timer; nothing reconnects. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimers();
    const socket = this.#socket;
    this.#detach();
    if (socket) closeQuietly(socket, 1000, "client stopping");
  }

  /** A snapshot of the connection, subscriptions and counters. */
  state(): WsClientState {
    const counts = this.#book.counts();
    const refused = this.#book.refused();
    return {
      host: this.#host,
      connected: this.#openedAt !== null,
      connectedSince: this.#openedAt,
      ...this.#health.snapshot(),
      topics: { active: counts.active, pending: counts.pending, refused },
      refusedSymbols: refused.flatMap((t) => {
        const id = this.#tickerTopics.get(t);
        return id === undefined ? [] : [id];
      }),
    };
  }

  #open(): void {
    if (this.#stopped) return;
    this.#health.attempting(this.#clock.now());
    let socket: WebSocketLike;
    try {
      socket = this.#connect(this.#options.url);
    } catch (error) {
      this.#failed(
        "ws-closed",
        `Could not open the WebSocket: ${describe(error)}`,
      );
      return;
    }
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => this.#opened(socket);
    socket.onmessage = (event) => this.#received(socket, event.data);
    socket.onclose = (event) =>
      this.#closedBy(
        socket,
        `WebSocket closed (code ${event.code}${
          event.reason ? `: ${event.reason}` : ""
        })`,
      );
    socket.onerror = () => this.#closedBy(socket, "WebSocket error");
    this.#timers.connect = this.#clock.setTimer(() => {
      this.#timers.connect = undefined;
      if (socket !== this.#socket || this.#openedAt !== null) return;
      this.#abandon(
        socket,
        "ws-closed",
        `WebSocket did not open within ${this.#options.connectTimeoutMs} ms`,
      );
    }, this.#options.connectTimeoutMs);
  }

  #opened(socket: WebSocketLike): void {
    if (socket !== this.#socket) return;
    this.#clear("connect");
    const now = this.#clock.now();
    this.#openedAt = now;
    this.#health.connected(now);
    this.#connectionHadData = false;
    this.#book.reset();
    this.#retryDelay = WS_DEFAULTS.refusedRetryMs;
    this.#log("info", "WebSocket connected", {
      host: this.#host,
      connects: this.#health.counters.connects,
    });
    this.#subscribe(this.#book.all());
    this.#keepalive.start();
    this.#options.onChange();
  }

  #subscribe(topics: readonly string[]): void {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== OPEN) return;
    for (const request of this.#book.requests(topics)) {
      this.#health.subscribeSent();
      socket.send(JSON.stringify({
        req_id: request.reqId,
        op: "subscribe",
        args: request.args,
      }));
    }
  }

  #received(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.#socket) return;
    this.#health.received(this.#clock.now());
    const frame: WsFrame = typeof data === "string"
      ? parseWsFrame(
        data,
        this.#topics,
        this.#options.maxFrameChars ?? DEFAULT_MAX_FRAME_CHARS,
      )
      : { kind: "invalid", reason: "binary frame", symbol: null };
    switch (frame.kind) {
      case "ticker":
        this.#gotData(frame.topic, frame.simulated);
        this.#health.gotTicker();
        this.#guarded(() =>
          this.#options.onTicker(frame.tick, frame.simulated)
        );
        return;
      case "trades":
        this.#gotData(frame.topic, frame.simulated);
        this.#health.gotTrades(frame.trades.length, frame.rejected.length);
        if (frame.rejected.length > 0) {
          this.#noteBad(frame.rejected[0].reason, frame.rejected[0].symbol);
        }
        if (frame.trades.length === 0) return;
        this.#guarded(() =>
          this.#options.onTrades(frame.trades, frame.simulated)
        );
        return;
      case "op":
        this.#health.gotReply(frame.simulated);
        this.#onOp(frame);
        return;
      case "untracked":
        return;
      case "invalid":
        this.#health.gotBadFrame();
        this.#noteBad(frame.reason, frame.symbol);
        return;
    }
  }

  #gotData(topic: string, simulated: boolean): void {
    this.#connectionHadData = true;
    const recovered = this.#health.gotData(simulated);
    if (this.#book.sawData(topic) || recovered) this.#options.onChange();
  }

  #onOp(frame: Extract<WsFrame, { kind: "op" }>): void {
    if (frame.op === "ping" || frame.op === "pong" || frame.retMsg === "pong") {
      this.#health.gotPong(this.#keepalive.pong());
      return;
    }
    if (frame.op !== "subscribe") return;
    const outcome = this.#book.acked(frame.reqId, frame.success, frame.retMsg);
    if (!outcome.matched) {
      this.#log("debug", "Unmatched subscribe ack", {
        reqId: frame.reqId ?? null,
        success: frame.success,
      });
      return;
    }
    if (outcome.refused.length > 0) {
      this.#health.refused(
        outcome.refused.length,
        operatorSafeText(
          `Subscription refused: ${frame.retMsg || "no reason given"}`,
        ),
        this.#clock.now(),
      );
      this.#log("warn", "WebSocket subscription refused", {
        topics: outcome.refused.join(","),
        reason: operatorSafeText(frame.retMsg),
        retryInMs: this.#retryDelay,
      });
      this.#armRetry();
    }
    this.#options.onChange();
  }

  /** Resubscribes refused topics later, on a doubling schedule. */
  #armRetry(): void {
    if (this.#timers.retry !== undefined) return;
    this.#timers.retry = this.#clock.setTimer(() => {
      this.#timers.retry = undefined;
      const refused = this.#book.refused();
      if (refused.length === 0) return;
      this.#retryDelay = Math.min(
        WS_DEFAULTS.refusedRetryCapMs,
        this.#retryDelay * 2,
      );
      this.#log("info", "Retrying refused WebSocket subscriptions", {
        topics: refused.join(","),
      });
      this.#subscribe(refused);
    }, this.#retryDelay);
  }

  #closedBy(socket: WebSocketLike, message: string): void {
    if (socket !== this.#socket || this.#stopped) return;
    this.#detach();
    this.#failed("ws-closed", message);
  }

  /** Gives up on a socket that is not closed (stalled, or never opened). */
  #abandon(socket: WebSocketLike, kind: WsFailureKind, message: string): void {
    this.#detach();
    closeQuietly(socket, 4000, "client gave up on the connection");
    this.#failed(kind, message);
  }

  #detach(): void {
    const socket = this.#socket;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = null;
      socket.onclose = null;
    }
    this.#socket = undefined;
    this.#clear("connect");
    this.#clear("retry");
    this.#keepalive.stop();
  }

  #failed(kind: WsFailureKind, message: string): void {
    const now = this.#clock.now();
    const lived = this.#openedAt === null ? 0 : now - this.#openedAt;
    if (this.#connectionHadData && lived >= WS_DEFAULTS.stableAfterMs) {
      this.#attempt = 0;
    }
    this.#openedAt = null;
    this.#connectionHadData = false;
    const delay = Math.max(
      WS_DEFAULTS.minReconnectMs,
      fullJitterDelay(this.#attempt++, {
        baseMs: WS_DEFAULTS.reconnectBaseMs,
        capMs: WS_DEFAULTS.reconnectCapMs,
        random: this.#random,
      }),
    );
    const error = this.#health.failed(kind, message, now, now + delay);
    this.#log("warn", "WebSocket lost; reconnecting", {
      kind,
      message: error.message,
      consecutiveFailures: this.#health.consecutiveFailures,
      retryInMs: Math.round(delay),
    });
    this.#timers.reconnect = this.#clock.setTimer(() => {
      this.#timers.reconnect = undefined;
      this.#open();
    }, delay);
    this.#options.onChange();
  }

  /**
   * Logs a bad frame when its reason is new, at most once a second; the
   * counters record every one.
   */
  #noteBad(reason: string, symbol: string | null): void {
    if (!this.#health.shouldLogBad(reason, this.#clock.now())) return;
    this.#log("warn", "WebSocket frame rejected", {
      symbol,
      reason,
      badMessages: this.#health.counters.badMessages,
    });
  }

  #clear(name: TimerName): void {
    const id = this.#timers[name];
    if (id === undefined) return;
    this.#clock.clearTimer(id);
    this.#timers[name] = undefined;
  }

  #clearTimers(): void {
    for (const name of Object.keys(this.#timers) as TimerName[]) {
      this.#clear(name);
    }
    this.#keepalive.stop();
  }

  #log(level: LogLevel, message: string, fields: Fields): void {
    try {
      this.#options.onLog(level, message, fields);
    } catch {
      // A failing logger has nowhere left to report to; the stream goes on.
    }
  }

  /** A throwing consumer must not take the socket's handlers down. */
  #guarded(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#log("error", "WebSocket data consumer failed", {
        message: describe(error),
      });
    }
  }
}

function closeQuietly(socket: WebSocketLike, code: number, reason: string) {
  try {
    socket.close(code, reason);
  } catch {
    // Closing a socket that is already closing can throw; it is going anyway.
  }
}

function describe(error: unknown): string {
  return operatorSafeText(
    error instanceof Error ? error.message : String(error),
  );
}
