/**
 * The fan-out hub: rooms per symbol, replay on join, live broadcast.
 *
 * Every frame is encoded once and prepared once by the socket layer
 * (`StreamHubOptions.prepare`), and the same prepared frame goes to every
 * subscriber;
 * delivery never awaits a socket, so one slow client cannot stall the rest
 * (see `subscriber.ts` for the conflate-then-close policy). Joining is
 * synchronous — hello, replay, then registration for live ticks happen in one
 * turn of the event loop — so a subscriber sees no gap and no duplicate.
 *
 * Under overload the service sets {@linkcode StreamHub.fanoutIntervalMs}:
 * the live broadcast then thins out per symbol (`tick_fanout.ts`), while
 * every tick is still numbered and kept in history here.
 *
 * Symbols come and go at runtime (`SYMBOLS=all` follows the exchange's
 * listing): {@linkcode StreamHub.addSymbols} opens channels without touching
 * the others, {@linkcode StreamHub.removeSymbols} drops them. Overview
 * sockets (`/ws/market`) get the whole market conflated by
 * `market_room.ts`: one frame per {@linkcode StreamHub.publishMarket}
 * call (the service calls it once a second) with what changed.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import { Channel, type ChannelEntry } from "./channel.ts";
import { encodedEntry, entryTs, tickEntry } from "./tick_codec.ts";
import { TextBudget } from "./text_ring.ts";
import { TickFanout } from "./tick_fanout.ts";
import { CloseCode } from "../protocol/close_codes.ts";
import {
  type PreparedFrame,
  preparedText,
  type PrepareFrame,
} from "../protocol/prepared_frame.ts";
import type {
  AlertFrame,
  HelloFrame,
  MarketItem,
  ResetFrame,
  StatusFrame,
  TickFrame,
} from "../protocol/frames.ts";
import type { CandleFrame, CandleInterval } from "../protocol/candles.ts";
import type { TradesFrame } from "../protocol/trades.ts";
import { DerivedRooms } from "./derived_rooms.ts";
import { type JoinRequest, replayChannel } from "./join_replay.ts";
import { MarketRoom } from "./market_room.ts";
import {
  DEFAULT_SLOW_CONSUMER_POLICY,
  type DeliveryStats,
  type SlowConsumerPolicy,
  type SocketLike,
  Subscriber,
} from "./subscriber.ts";

/**
 * Conflation keys of the non-tick frames; `#` cannot occur in a symbol id, so
 * they never collide with a symbol's key.
 */
const STATUS_KEY = "#status";
const HEARTBEAT_KEY = "#heartbeat";

export type { JoinRequest } from "./join_replay.ts";

/** Options of {@linkcode StreamHub}. */
export interface StreamHubOptions {
  /** Channel ids the hub serves. */
  readonly symbols: readonly string[];
  /** Ticks kept per symbol for replay. */
  readonly historySize: number;
  /**
   * Characters of tick text every symbol's history may take together,
   * shared equally (a whole market's history within a memory budget).
   * Default no limit beyond `historySize`.
   */
  readonly historyChars?: number;
  /** Identifies this run's sequences; random when omitted. */
  readonly epoch?: string;
  /** Time of ticks, frames and delivery checks. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Slow-consumer thresholds. Default {@linkcode DEFAULT_SLOW_CONSUMER_POLICY}. */
  readonly policy?: Partial<SlowConsumerPolicy>;
  /** This instance's id, sent in hello frames when several instances serve. */
  readonly instance?: string;
  /**
   * Prepares a frame once for every socket it goes to: the socket layer's
   * `prepare`, for sockets of that layer. Default {@linkcode preparedText}.
   */
  readonly prepare?: PrepareFrame;
}

/** Saved channel state, to continue sequences across a graceful restart. */
export interface HubSnapshot {
  readonly epoch: string;
  readonly channels: Readonly<Record<string, readonly ChannelEntry[]>>;
}

/** Rooms, history and broadcast for every tracked symbol. */
export class StreamHub {
  #epoch: string;
  #instance: string | undefined;
  /** Delivery counters across all subscribers. */
  readonly stats: DeliveryStats = {
    messagesSent: 0,
    bytesSent: 0,
    conflated: 0,
    slowCloses: 0,
  };
  #channels = new Map<string, Channel>();
  #rooms = new Map<string, Set<Subscriber>>();
  #subscribers = new Set<Subscriber>();
  #policy: SlowConsumerPolicy;
  #clock: Clock;
  #simulated = false;
  #status: PreparedFrame | undefined;
  #prepare: PrepareFrame;
  #ticksPublished = 0;
  #opened = 0;
  #fanout: TickFanout;
  #derived: DerivedRooms;
  #historySize: number;
  #historyBudget: TextBudget;
  /** Saved channels of symbols not followed yet, restored when they appear. */
  #restorable = new Map<string, readonly ChannelEntry[]>();
  #market: MarketRoom;

  /** Creates channels for `options.symbols`, optionally restoring a snapshot. */
  constructor(options: StreamHubOptions, snapshot?: HubSnapshot) {
    this.#epoch = snapshot?.epoch ?? options.epoch ?? crypto.randomUUID();
    this.#instance = options.instance;
    this.#clock = options.clock ?? systemClock;
    this.#policy = { ...DEFAULT_SLOW_CONSUMER_POLICY, ...options.policy };
    this.#historySize = options.historySize;
    this.#historyBudget = new TextBudget(options.historyChars);
    this.#prepare = options.prepare ?? preparedText;
    this.#derived = new DerivedRooms(this.#prepare);
    this.#market = new MarketRoom(this.#prepare);
    for (const [symbol, entries] of Object.entries(snapshot?.channels ?? {})) {
      this.#restorable.set(symbol, entries);
    }
    this.#fanout = new TickFanout({
      rooms: this.#rooms,
      stats: this.stats,
      onClosed: (subscriber) => this.#remove(subscriber),
      prepare: this.#prepare,
    });
    this.addSymbols(options.symbols);
  }

  /**
   * Opens channels for `symbols` not served yet (a new listing); what a
   * snapshot saved for them is restored. Others are untouched.
   */
  addSymbols(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      if (this.#channels.has(symbol)) continue;
      const channel = new Channel(
        symbol,
        this.#historySize,
        0,
        this.#historyBudget,
      );
      const saved = this.#restorable.get(symbol);
      if (saved) {
        channel.restore(saved);
        this.#restorable.delete(symbol);
        const latest = channel.latest;
        if (latest) this.#market.note(symbol, latest);
      }
      this.#channels.set(symbol, channel);
      this.#rooms.set(symbol, new Set());
    }
  }

  /** Identifies the run of the sequences; changes only with {@linkcode resetEpoch}. */
  get epoch(): string {
    return this.#epoch;
  }

  /**
   * Drops the channels of `symbols` (delisted): their history goes, their
   * subscribers stay connected for their other symbols, and the overview
   * names them as removed.
   */
  removeSymbols(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      const channel = this.#channels.get(symbol);
      if (!channel) continue;
      channel.close();
      this.#channels.delete(symbol);
      this.#rooms.delete(symbol);
      this.#fanout.forget(symbol);
      this.#market.remove(symbol);
    }
  }

  /** Channel ids served, in configuration order. */
  get symbols(): string[] {
    return [...this.#channels.keys()];
  }

  /** Ticks published since start. */
  get ticksPublished(): number {
    return this.#ticksPublished;
  }

  /** Sockets currently attached. */
  get activeSubscribers(): number {
    return this.#subscribers.size;
  }

  /** Overview sockets (`/ws/market`) currently attached. */
  get marketSubscribers(): number {
    return this.#market.size;
  }

  /** Sockets attached since start. */
  get subscribersOpened(): number {
    return this.#opened;
  }

  /** Whether upstream data comes from the simulator (shown in hello frames). */
  set simulated(value: boolean) {
    this.#simulated = value;
  }

  /** Least interval between two broadcasts of a symbol, ms (0: every tick). */
  get fanoutIntervalMs(): number {
    return this.#fanout.intervalMs;
  }

  /** Sets the broadcast interval; 0 sends what is held at once. */
  set fanoutIntervalMs(ms: number) {
    this.#fanout.setInterval(ms, this.#clock.now());
  }

  /**
   * Stamps and stores ticks, and broadcasts each unless its symbol's
   * broadcast interval is still running (then it is held as the newest);
   * ticks of unknown symbols are ignored. The batch is stamped once, when
   * it begins to go out (see `EngineLink.publishTicks`).
   */
  publishTicks(ticks: readonly AnalyzedTick[]): void {
    const now = this.#clock.now();
    for (const tick of ticks) {
      const channel = this.#channels.get(tick.symbol);
      if (!channel) continue;
      this.#ticksPublished++;
      const entry = channel.publish(tick, now);
      // The analysed tick is at hand: the overview need not parse the entry.
      this.#market.note(tick.symbol, { frame: tick });
      this.#fanout.accept(tick.symbol, entry, now);
    }
  }

  /**
   * Takes a tick a stream engine numbered (`data` from `tickData`): stored
   * and broadcast like a published one. A seq the channel already has is a
   * duplicate and ignored; unknown symbols are ignored.
   */
  applyTick(symbol: string, seq: number, data: string): void {
    const channel = this.#channels.get(symbol);
    if (!channel || seq <= channel.latestSeq) return;
    const entry = tickEntry(symbol, seq, data);
    channel.append(entry);
    this.#ticksPublished++;
    this.#market.note(symbol, entry);
    this.#fanout.accept(symbol, entry, this.#clock.now());
  }

  /** Loads history a stream engine holds (at start), before live ticks. */
  seed(symbol: string, entries: readonly { seq: number; data: string }[]) {
    const channel = this.#channels.get(symbol);
    if (!channel) return;
    for (const { seq, data } of entries) {
      channel.append(tickEntry(symbol, seq, data));
    }
  }

  /**
   * The stream's data was lost (a new epoch): every channel starts over, and
   * every socket gets a `reset` per symbol so clients drop what they hold.
   */
  resetEpoch(epoch: string): void {
    if (epoch === this.#epoch) return;
    this.#epoch = epoch;
    for (const symbol of this.#channels.keys()) {
      this.#restart(symbol, 0, "epoch-changed");
    }
  }

  /**
   * The ticks of `symbol` before `seq` will never arrive here (they left the
   * shared history while this instance was cut off): history restarts at
   * `seq` and the room is told to reset.
   */
  truncate(symbol: string, seq: number): void {
    if (!this.#channels.has(symbol)) return;
    this.#restart(symbol, seq - 1, "too-old");
  }

  #restart(symbol: string, seq: number, reason: ResetFrame["reason"]): void {
    const channel = this.#channels.get(symbol)!;
    channel.clear(seq);
    this.#fanout.drop(symbol);
    const room = this.#rooms.get(symbol)!;
    if (room.size === 0) return;
    const frame = this.#prepare(channel.resetFrame(this.#epoch, reason));
    const now = this.#clock.now();
    for (const subscriber of room) {
      if (subscriber.deliverReliable(frame, now) === "closed") {
        this.#remove(subscriber);
      }
    }
  }

  /** Broadcasts the held ticks whose symbol's interval has passed. */
  flushHeld(): void {
    this.#fanout.flush(this.#clock.now());
  }

  /**
   * Broadcasts an alert (already stored) to its symbol's room and to every
   * overview socket, never dropped.
   */
  publishAlert(alert: AlertFrame): void {
    const frame = this.#prepare(JSON.stringify(alert));
    const now = this.#clock.now();
    for (const subscriber of this.#rooms.get(alert.symbol) ?? []) {
      if (subscriber.deliverReliable(frame, now) === "closed") {
        this.#remove(subscriber);
      }
    }
    for (const subscriber of this.#market.subscribers()) {
      if (subscriber.deliverReliable(frame, now) === "closed") {
        this.#remove(subscriber);
      }
    }
  }

  /**
   * Ends an overview cycle: each overview socket gets one `market` frame
   * (see `market_room.ts`).
   */
  publishMarket(): void {
    this.#market.publish(
      this.#clock.now(),
      (subscriber) => this.#remove(subscriber),
    );
  }

  /** The overview's latest view of every symbol (for server-rendered pages). */
  marketItems(): MarketItem[] {
    return this.#market.items();
  }

  /** Sends a candle frame to the sockets that asked for its interval. */
  publishCandle(frame: CandleFrame): void {
    for (
      const closed of this.#derived.publishCandle(frame, this.#clock.now())
    ) {
      this.#remove(closed);
    }
  }

  /** Sends a trades frame to the sockets that asked for the tape. */
  publishTrades(frame: TradesFrame): void {
    for (
      const closed of this.#derived.publishTrades(frame, this.#clock.now())
    ) {
      this.#remove(closed);
    }
  }

  /** The (symbol, interval) pairs some socket wants candle frames for. */
  candleDemand(): [symbol: string, interval: CandleInterval][] {
    return this.#derived.candleDemand();
  }

  /** Whether some socket wants trades frames of `symbol`. */
  wantsTrades(symbol: string): boolean {
    return this.#derived.wantsTrades(symbol);
  }

  /** Sends a heartbeat frame to every socket (see `HeartbeatFrame`). */
  heartbeat(intervalMs: number): void {
    const now = this.#clock.now();
    const frame = this.#prepare(JSON.stringify({
      type: "heartbeat",
      server_time: now,
      interval_ms: intervalMs,
    }));
    this.#broadcastLatest(HEARTBEAT_KEY, frame, now);
  }

  /** Broadcasts an upstream status change to everyone; joiners get the latest. */
  publishStatus(status: StatusFrame): void {
    this.#status = this.#prepare(JSON.stringify(status));
    this.#broadcastLatest(STATUS_KEY, this.#status, this.#clock.now());
  }

  /** Sends to every socket; a socket that is behind keeps only the newest. */
  #broadcastLatest(key: string, frame: PreparedFrame, now: number): void {
    for (const subscriber of this.#subscribers) {
      if (subscriber.deliverLatest(key, frame, now) === "closed") {
        this.#remove(subscriber);
      }
    }
  }

  /**
   * Attaches an OPEN socket: sends hello, the status, each symbol's replay (or
   * a reset and the latest snapshot), then registers it for live frames.
   * Returns a function that detaches it (call it from the socket's close).
   */
  join(socket: SocketLike, request: JoinRequest): () => void {
    const market = request.market === true;
    const subscriber = new Subscriber(
      socket,
      market ? [] : request.symbols,
      request.ip,
      this.stats,
      this.#policy,
    );
    const hello: HelloFrame = {
      type: "hello",
      epoch: this.#epoch,
      symbols: market ? this.symbols : request.symbols,
      server_time: this.#clock.now(),
      simulated: this.#simulated,
      ...(this.#instance === undefined ? {} : { instance: this.#instance }),
    };
    subscriber.sendNow(this.#prepare(JSON.stringify(hello)));
    if (this.#status) subscriber.sendNow(this.#status);
    if (market) {
      // The first market frame (every symbol) comes with the next cycle.
      if (!subscriber.closed) {
        this.#subscribers.add(subscriber);
        this.#opened++;
        this.#market.add(subscriber);
      }
      return () => this.#remove(subscriber);
    }
    for (const symbol of request.symbols) {
      const channel = this.#channels.get(symbol);
      if (!channel) continue;
      const has = replayChannel(subscriber, channel, request, {
        epoch: this.#epoch,
        prepare: this.#prepare,
      });
      this.#fanout.replayed(symbol, subscriber, has);
    }
    if (!subscriber.closed) {
      this.#subscribers.add(subscriber);
      this.#opened++;
      for (const symbol of request.symbols) {
        this.#rooms.get(symbol)?.add(subscriber);
      }
      this.#derived.join(subscriber, request);
    }
    return () => this.#remove(subscriber);
  }

  /** Subscriber count per symbol. */
  roomCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [symbol, room] of this.#rooms) counts[symbol] = room.size;
    return counts;
  }

  /** Latest tick of `symbol`, if any. */
  latest(symbol: string): TickFrame | undefined {
    return this.#channels.get(symbol)?.latest?.frame;
  }

  /**
   * When the latest tick of `symbol` was stamped (its `ts`), read without
   * decoding the tick: the diagnostics ask it of every symbol.
   */
  latestTs(symbol: string): number | undefined {
    const latest = this.#channels.get(symbol)?.latest;
    return latest === undefined ? undefined : entryTs(latest);
  }

  /** Held history of `symbol`, oldest first. */
  history(symbol: string): TickFrame[] {
    return this.#channels.get(symbol)?.entries().map((e) => e.frame) ?? [];
  }

  /** Applies the slow-consumer policy to sockets that received nothing new. */
  sweep(): void {
    const now = this.#clock.now();
    for (const subscriber of this.#subscribers) {
      subscriber.sweep(now);
      if (subscriber.closed) this.#remove(subscriber);
    }
  }

  /** Closes every socket with `code` (1001 on shutdown). */
  closeAll(code: number = CloseCode.GoingAway, reason = "server shutdown") {
    for (const subscriber of this.#subscribers) {
      subscriber.close(code, reason);
      this.#remove(subscriber);
    }
  }

  /** The channels' state, to be restored by the next run. */
  snapshot(): HubSnapshot {
    const channels: Record<string, ChannelEntry[]> = {};
    for (const [symbol, channel] of this.#channels) {
      // Plain seq and text, as a store or a structured clone keeps them.
      channels[symbol] = channel.entries().map((entry) =>
        encodedEntry(entry.seq, entry.encoded)
      );
    }
    return { epoch: this.#epoch, channels };
  }

  #remove(subscriber: Subscriber): void {
    if (!this.#subscribers.delete(subscriber)) return;
    this.#market.delete(subscriber);
    for (const symbol of subscriber.symbols) {
      this.#rooms.get(symbol)?.delete(subscriber);
    }
    this.#derived.leave(subscriber);
  }
}
