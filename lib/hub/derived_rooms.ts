/**
 * Rooms for the derived frames — candles and the trades tape — which only
 * sockets that asked receive (`/ws/stream?…&candles=1m&trades=1`). Kept
 * apart from the tick rooms so a socket that asked for nothing costs
 * nothing here, and the tick path is untouched.
 *
 * Each frame is encoded and prepared once and goes to every socket of its
 * room as is. Derived frames are never numbered or replayed; a socket that is
 * behind keeps only the newest frame per key: per bar for candles (the open
 * bar's updates replace each other, and a bar's final `closed` frame
 * replaces its last update, so it is never lost to the next bar), and per
 * symbol for trades (a tape frame too late to matter is dropped).
 */
import type { CandleFrame, CandleInterval } from "../protocol/candles.ts";
import type { TradesFrame } from "../protocol/trades.ts";
import type { PrepareFrame } from "../protocol/prepared_frame.ts";
import type { Subscriber } from "./subscriber.ts";

/** What a socket asked for besides ticks. */
export interface DerivedRequest {
  /** Bar interval of its candle frames (one per socket). */
  readonly candles?: CandleInterval;
  /** Whether it wants trades frames. */
  readonly trades?: boolean;
}

/** The sockets of each (symbol, interval) and each symbol's tape. */
export class DerivedRooms {
  #candles = new Map<string, Set<Subscriber>>();
  #trades = new Map<string, Set<Subscriber>>();
  #joined = new Map<Subscriber, DerivedRequest>();
  #prepare: PrepareFrame;

  /** Rooms whose frames `prepare` readies for their sockets. */
  constructor(prepare: PrepareFrame) {
    this.#prepare = prepare;
  }

  /** Adds `subscriber` to the rooms of its symbols that `request` names. */
  join(subscriber: Subscriber, request: DerivedRequest): void {
    if (request.candles === undefined && !request.trades) return;
    this.#joined.set(subscriber, request);
    for (const symbol of subscriber.symbols) {
      if (request.candles !== undefined) {
        room(this.#candles, `${symbol}|${request.candles}`).add(subscriber);
      }
      if (request.trades) room(this.#trades, symbol).add(subscriber);
    }
  }

  /** Removes `subscriber` from every room it is in. */
  leave(subscriber: Subscriber): void {
    const request = this.#joined.get(subscriber);
    if (!request) return;
    this.#joined.delete(subscriber);
    for (const symbol of subscriber.symbols) {
      if (request.candles !== undefined) {
        leaveRoom(this.#candles, `${symbol}|${request.candles}`, subscriber);
      }
      if (request.trades) leaveRoom(this.#trades, symbol, subscriber);
    }
  }

  /** The (symbol, interval) pairs some socket wants candles for. */
  candleDemand(): [symbol: string, interval: CandleInterval][] {
    return [...this.#candles.keys()].map((key) => {
      const at = key.lastIndexOf("|");
      return [key.slice(0, at), key.slice(at + 1) as CandleInterval];
    });
  }

  /** Whether some socket wants the trades of `symbol`. */
  wantsTrades(symbol: string): boolean {
    return this.#trades.has(symbol);
  }

  /** Sends `frame` to its room; returns the sockets found closed. */
  publishCandle(frame: CandleFrame, now: number): Subscriber[] {
    const sockets = this.#candles.get(`${frame.symbol}|${frame.interval}`);
    return sockets
      ? this.#deliver(sockets, `#c|${frame.symbol}|${frame.t}`, frame, now)
      : [];
  }

  /** Sends `frame` to its symbol's tape room; returns the sockets found closed. */
  publishTrades(frame: TradesFrame, now: number): Subscriber[] {
    const sockets = this.#trades.get(frame.symbol);
    return sockets
      ? this.#deliver(sockets, `#t|${frame.symbol}`, frame, now)
      : [];
  }

  #deliver(
    sockets: ReadonlySet<Subscriber>,
    key: string,
    frame: CandleFrame | TradesFrame,
    now: number,
  ): Subscriber[] {
    const prepared = this.#prepare(JSON.stringify(frame));
    const closed: Subscriber[] = [];
    for (const subscriber of sockets) {
      if (subscriber.deliverLatest(key, prepared, now) === "closed") {
        closed.push(subscriber);
      }
    }
    return closed;
  }
}

function room<K>(rooms: Map<K, Set<Subscriber>>, key: K): Set<Subscriber> {
  let found = rooms.get(key);
  if (!found) rooms.set(key, found = new Set());
  return found;
}

function leaveRoom<K>(
  rooms: Map<K, Set<Subscriber>>,
  key: K,
  subscriber: Subscriber,
): void {
  const found = rooms.get(key);
  if (!found) return;
  found.delete(subscriber);
  if (found.size === 0) rooms.delete(key);
}
