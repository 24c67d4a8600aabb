/**
 * One long-lived connection to one of Bybit's public streams (spot or
 * linear), kept alive: connect (with a timeout), subscribe its topics in
 * requests of at most 10 args, ping every 20 s, treat 30 s without any frame
 * as a dead socket, and reconnect with full-jitter backoff — resubscribing
 * everything — whenever the socket closes, fails or goes silent.
 *
 * Pongs prove the socket, not the feed: a connection that answers pings but
 * delivers no data on any of its topics for the data-silence limit is
 * replaced, and a ticker topic silent far past its pace is resubscribed
 * (`stream_watch.ts`). Topics come and go while it lives (listings change):
 * `add` and `remove` subscribe and unsubscribe without a reconnect.
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
import { fullJitterDelay } from "./backoff.ts";
import {
  DEFAULT_MAX_FRAME_CHARS,
  parseWsFrame,
  type TopicRoute,
  type TopicTable,
  type WsFrame,
} from "./bybit_ws_schema.ts";
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import { operatorSafeText } from "./upstream_error.ts";
import {
  openWebSocket,
  type WebSocketFactory,
  type WebSocketLike,
} from "./web_socket_like.ts";
import type { WsClientState, WsFailureKind } from "./ws_client_state.ts";
import { WsHealth } from "./ws_health.ts";
import { WsKeepalive } from "./ws_keepalive.ts";
import { StreamWatch } from "./stream_watch.ts";
import { DEFAULT_SILENCE_LIMITS } from "./stream_silence.ts";
import { type SubscribeRequest, SubscriptionBook } from "./ws_subscriptions.ts";

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
  /** A topic is resubscribed at most this often (a snapshot takes a moment). */
  minResubscribeMs: 10_000,
} as const;

/** A data push the client hands on (tickers, trades, liquidations). */
export type WsPush = Extract<
  WsFrame,
  { kind: "ticker" | "ticker-update" | "trades" | "liquidations" }
>;

/** Options of {@linkcode BybitWsClient}. */
export interface BybitWsClientOptions {
  /** Stream URL, e.g. `wss://stream.bybit.com/v5/public/spot`. */
  readonly url: string;
  /** Topics to follow from the start (more may be added later). */
  readonly topics: readonly string[];
  /**
   * What each topic of the market carries. Shared by the market's
   * connections and kept current by their owner; a connection reads only
   * the topics it follows.
   */
  readonly routes: TopicTable;
  /** Names the connection in logs and diagnostics. Default: the host. */
  readonly label?: string;
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
  /** No data on any topic this long replaces the connection, ms. Default 30,000. */
  readonly dataSilenceMs?: number;
  /** A ticker topic silent this long is resubscribed, ms. Default 300,000. */
  readonly topicSilenceMs?: number;
  /** Wait before the first connect, ms (jitter, so a restart is staggered). Default 0. */
  readonly startDelayMs?: number;
  /** Default: the runtime's `WebSocket`. */
  readonly connect?: WebSocketFactory;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Data arrived on a followed topic (validated, or a ticker update to merge). */
  onPush(push: WsPush): void;
  /**
   * State changed (see {@linkcode BybitWsClient.state}): `connection` when
   * the connection opened, failed or recovered — worth reporting at once —
   * or `topics` when subscriptions moved (acks, topics added or removed),
   * which a periodic report can carry.
   */
  onChange(what: "connection" | "topics"): void;
  onLog(level: LogLevel, message: string, fields: Fields): void;
}

const OPEN = 1;

type TimerName = "connect" | "reconnect" | "retry";

/** A self-healing subscription to Bybit's public stream. */
export class BybitWsClient {
  #options: BybitWsClientOptions;
  #clock: Clock;
  #random: () => number;
  #connect: WebSocketFactory;
  #host: string;
  #label: string;
  /** Routes of the topics this connection follows (and only those). */
  #routes: TopicTable;
  #book: SubscriptionBook;
  #keepalive: WsKeepalive;
  #watch: StreamWatch;

  #started = false;
  #stopped = false;
  #socket: WebSocketLike | undefined;
  #openedAt: number | null = null;
  #lastDataAt: number | null = null;
  #connectionHadData = false;
  /** Per followed topic: its last data or (re)subscription, epoch ms. */
  #topicSince = new Map<string, number>();
  #resubscribedAt = new Map<string, number>();
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
        ["dataSilenceMs", options.dataSilenceMs],
        ["topicSilenceMs", options.topicSilenceMs],
      ] as const
    ) {
      if (value !== undefined && !(value > 0 && Number.isFinite(value))) {
        throw new RangeError(`${name} must be > 0, got ${value}`);
      }
    }
    const startDelay = options.startDelayMs ?? 0;
    if (!(startDelay >= 0 && Number.isFinite(startDelay))) {
      throw new RangeError(`startDelayMs must be >= 0, got ${startDelay}`);
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#connect = options.connect ?? openWebSocket;
    this.#host = url.host;
    this.#label = options.label ?? url.host;
    this.#book = new SubscriptionBook([]);
    this.#routes = {
      get: (topic: string): TopicRoute | undefined =>
        this.#book.status(topic) === undefined
          ? undefined
          : options.routes.get(topic),
    };
    this.#addTopics(options.topics);
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
    this.#watch = new StreamWatch({
      clock: this.#clock,
      dataSilenceMs: options.dataSilenceMs ??
        DEFAULT_SILENCE_LIMITS.dataSilenceMs,
      topicSilenceMs: options.topicSilenceMs ??
        DEFAULT_SILENCE_LIMITS.topicSilenceMs,
      openedAt: () => this.#openedAt ?? this.#clock.now(),
      lastDataAt: () => this.#lastDataAt,
      topicCount: () => this.#book.size,
      topicsSince: () => this.#topicSince.entries(),
      silentConnection: (silentMs) => {
        const socket = this.#socket;
        if (socket === undefined) return;
        this.#health.replacedForDataSilence();
        this.#abandon(
          socket,
          "ws-data-silent",
          `No data on any of ${this.#book.size} topics for ${
            Math.round(silentMs)
          } ms while the connection answered pings`,
        );
      },
      silentTopics: (topics) => this.resubscribe(topics, "topic silent"),
    });
  }

  /** Host of the stream, for diagnostics. */
  get host(): string {
    return this.#host;
  }

  /** The connection's name in logs and diagnostics. */
  get label(): string {
    return this.#label;
  }

  /** Topics followed, in the order they were added. */
  topics(): string[] {
    return this.#book.all();
  }

  /** Whether the connection is open now. */
  get connected(): boolean {
    return this.#openedAt !== null;
  }

  /** Connects (after `startDelayMs`, if any). A client starts only once. */
  start(): void {
    if (this.#started) throw new Error("BybitWsClient was already started");
    this.#started = true;
    const delay = this.#options.startDelayMs ?? 0;
    if (delay === 0) return this.#open();
    this.#health.attempting(this.#clock.now());
    this.#timers.reconnect = this.#clock.setTimer(() => {
      this.#timers.reconnect = undefined;
      this.#open();
    }, delay);
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

  /** Follows `topics` too, subscribing them now if connected. */
  add(topics: readonly string[]): void {
    const added = this.#addTopics(topics);
    if (added.length === 0) return;
    this.#subscribe(added);
    this.#options.onChange("topics");
  }

  /** Stops following `topics`, unsubscribing them now if connected. */
  remove(topics: readonly string[]): void {
    const removed = this.#book.remove(topics);
    if (removed.length === 0) return;
    for (const topic of removed) {
      this.#topicSince.delete(topic);
      this.#resubscribedAt.delete(topic);
    }
    this.#send("unsubscribe", this.#book.unsubscribeRequests(removed));
    this.#options.onChange("topics");
  }

  /**
   * Unsubscribes and subscribes `topics` again (`reason` is logged), so the
   * exchange starts them over with a snapshot. A topic resubscribed less
   * than {@linkcode WS_DEFAULTS}`.minResubscribeMs` ago is left alone: its
   * snapshot is on its way. Returns the topics resubscribed.
   */
  resubscribe(topics: readonly string[], reason: string): string[] {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== OPEN) return [];
    const now = this.#clock.now();
    const due = topics.filter((topic) =>
      this.#book.status(topic) !== undefined &&
      now - (this.#resubscribedAt.get(topic) ?? -Infinity) >=
        WS_DEFAULTS.minResubscribeMs
    );
    if (due.length === 0) return [];
    for (const topic of due) {
      this.#resubscribedAt.set(topic, now);
      this.#topicSince.set(topic, now);
    }
    this.#health.resubscribed(due.length);
    this.#log("info", "Resubscribing WebSocket topics", {
      connection: this.#label,
      reason,
      topics: due.slice(0, 20).join(","),
      count: due.length,
    });
    this.#send("unsubscribe", this.#book.unsubscribeRequests(due));
    this.#book.renew(due);
    this.#subscribe(due);
    this.#options.onChange("topics");
    return due;
  }

  /** A snapshot of the connection, subscriptions and counters. */
  state(): WsClientState {
    const counts = this.#book.counts();
    const refused = this.#book.refused();
    return {
      label: this.#label,
      host: this.#host,
      connected: this.#openedAt !== null,
      connectedSince: this.#openedAt,
      lastDataAt: this.#lastDataAt,
      ...this.#health.snapshot(),
      topics: { active: counts.active, pending: counts.pending, refused },
      refusedSymbols: refused.flatMap((t) => {
        const route = this.#options.routes.get(t);
        return route?.kind === "tickers" ? [route.id] : [];
      }),
    };
  }

  #addTopics(topics: readonly string[]): string[] {
    const added = this.#book.add(topics);
    const now = this.#clock.now();
    for (const topic of added) this.#topicSince.set(topic, now);
    return added;
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
    this.#lastDataAt = null;
    this.#health.connected(now);
    this.#connectionHadData = false;
    this.#book.reset();
    for (const topic of this.#topicSince.keys()) {
      this.#topicSince.set(topic, now);
    }
    this.#retryDelay = WS_DEFAULTS.refusedRetryMs;
    this.#log("info", "WebSocket connected", {
      host: this.#host,
      connection: this.#label,
      topics: this.#book.size,
      connects: this.#health.counters.connects,
    });
    this.#subscribe(this.#book.all());
    this.#keepalive.start();
    this.#watch.start();
    this.#options.onChange("connection");
  }

  #subscribe(topics: readonly string[]): void {
    if (topics.length === 0) return;
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== OPEN) return;
    const requests = this.#book.requests(topics);
    for (let i = 0; i < requests.length; i++) this.#health.subscribeSent();
    this.#send("subscribe", requests);
  }

  #send(op: "subscribe" | "unsubscribe", requests: SubscribeRequest[]): void {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== OPEN) return;
    for (const request of requests) {
      socket.send(JSON.stringify({
        req_id: request.reqId,
        op,
        args: request.args,
      }));
    }
  }

  #received(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.#socket) return;
    const now = this.#clock.now();
    this.#health.received(now);
    const frame: WsFrame = typeof data === "string"
      ? parseWsFrame(
        data,
        this.#routes,
        this.#options.maxFrameChars ?? DEFAULT_MAX_FRAME_CHARS,
      )
      : { kind: "invalid", reason: "binary frame", symbol: null };
    switch (frame.kind) {
      case "ticker":
        this.#gotData(frame.topic, frame.simulated, now);
        this.#health.gotTicker();
        this.#hand(frame);
        return;
      case "ticker-update":
        this.#gotData(frame.topic, frame.simulated, now);
        this.#hand(frame);
        return;
      case "trades":
        this.#gotData(frame.topic, frame.simulated, now);
        this.#health.gotTrades(frame.trades.length, frame.rejected.length);
        if (frame.rejected.length > 0) {
          this.#noteBad(frame.rejected[0].reason, frame.rejected[0].symbol);
        }
        if (frame.trades.length === 0) return;
        this.#hand(frame);
        return;
      case "liquidations":
        this.#gotData(frame.topic, frame.simulated, now);
        this.#health.gotLiquidations(
          frame.liquidations.length,
          frame.rejected.length,
        );
        if (frame.rejected.length > 0) {
          this.#noteBad(frame.rejected[0].reason, frame.rejected[0].symbol);
        }
        if (frame.liquidations.length === 0) return;
        this.#hand(frame);
        return;
      case "op": {
        const relabelled = this.#health.simulated !== frame.simulated;
        this.#health.gotReply(frame.simulated);
        if (relabelled) this.#options.onChange("connection");
        this.#onOp(frame);
        return;
      }
      case "untracked":
        return;
      case "invalid":
        this.#health.gotBadFrame();
        this.#noteBad(frame.reason, frame.symbol);
        return;
    }
  }

  /** Marks the ticker of channel `id` as delivered (a merged linear ticker). */
  tickerDelivered(): void {
    this.#health.gotTicker();
  }

  #gotData(topic: string, simulated: boolean, now: number): void {
    this.#connectionHadData = true;
    this.#lastDataAt = now;
    this.#topicSince.set(topic, now);
    const relabelled = this.#health.simulated !== simulated;
    const recovered = this.#health.gotData(simulated);
    const activated = this.#book.sawData(topic);
    // A new label must be known before the data it labels is reported.
    if (recovered || relabelled) this.#options.onChange("connection");
    else if (activated) this.#options.onChange("topics");
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
        connection: this.#label,
        topics: outcome.refused.slice(0, 20).join(","),
        count: outcome.refused.length,
        reason: operatorSafeText(frame.retMsg),
        retryInMs: this.#retryDelay,
      });
      this.#armRetry();
    }
    this.#options.onChange("topics");
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
        connection: this.#label,
        topics: refused.slice(0, 20).join(","),
        count: refused.length,
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
    this.#watch.stop();
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
      connection: this.#label,
      kind,
      message: error.message,
      consecutiveFailures: this.#health.consecutiveFailures,
      retryInMs: Math.round(delay),
    });
    this.#timers.reconnect = this.#clock.setTimer(() => {
      this.#timers.reconnect = undefined;
      this.#open();
    }, delay);
    this.#options.onChange("connection");
  }

  /**
   * Logs a bad frame when its reason is new, at most once a second; the
   * counters record every one.
   */
  #noteBad(reason: string, symbol: string | null): void {
    if (!this.#health.shouldLogBad(reason, this.#clock.now())) return;
    this.#log("warn", "WebSocket frame rejected", {
      connection: this.#label,
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
    this.#watch.stop();
  }

  #log(level: LogLevel, message: string, fields: Fields): void {
    try {
      this.#options.onLog(level, message, fields);
    } catch {
      // A failing logger has nowhere left to report to; the stream goes on.
    }
  }

  /**
   * Hands `push` on. A throwing consumer must not take the socket's handlers
   * down. (A method, not a wrapper taking a closure: it runs per frame.)
   */
  #hand(push: WsPush): void {
    try {
      this.#options.onPush(push);
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
