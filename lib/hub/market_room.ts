/**
 * The overview sockets (`/ws/market`) and what they are sent: the hub notes
 * every stored tick here, and once per cycle ({@linkcode MarketRoom.publish},
 * once a second) each overview socket gets one `market` frame from
 * {@linkcode MarketOverview} — what changed since its previous frame, or
 * every symbol when it needs the full view. A socket that is behind gets
 * nothing now and the full view once it has caught up, so a conflated delta
 * never hides a change. Each frame is prepared once, on first use, and goes
 * to every socket as is.
 */
import type { MarketItem } from "../protocol/frames.ts";
import type {
  PreparedFrame,
  PrepareFrame,
} from "../protocol/prepared_frame.ts";
import { MarketOverview, type NotedTick } from "./market_overview.ts";
import type { Subscriber } from "./subscriber.ts";

/**
 * Conflation key of market frames; `#` cannot occur in a symbol id, so it
 * never collides with a symbol's key.
 */
const MARKET_KEY = "#market";

/** What the room keeps for one overview socket. */
interface MarketWatcher {
  /** Its next frame must hold every symbol (first frame, or it fell behind). */
  needsFull: boolean;
}

/** The overview sockets and the market view they are sent. */
export class MarketRoom {
  #overview = new MarketOverview();
  #watchers = new Map<Subscriber, MarketWatcher>();
  #prepare: PrepareFrame;

  /** A room whose frames `prepare` readies for its sockets. */
  constructor(prepare: PrepareFrame) {
    this.#prepare = prepare;
  }

  /** Overview sockets attached. */
  get size(): number {
    return this.#watchers.size;
  }

  /** The overview sockets, for frames every one of them gets (alerts). */
  subscribers(): IterableIterator<Subscriber> {
    return this.#watchers.keys();
  }

  /** Attaches a socket; its first frame (every symbol) comes next cycle. */
  add(subscriber: Subscriber): void {
    this.#watchers.set(subscriber, { needsFull: true });
  }

  /** Detaches a socket. */
  delete(subscriber: Subscriber): void {
    this.#watchers.delete(subscriber);
  }

  /** A tick of `symbol` was stored (read at the cycle, not now). */
  note(symbol: string, tick: NotedTick): void {
    this.#overview.note(symbol, tick);
  }

  /** `symbol` was delisted: it leaves the view and is named once. */
  remove(symbol: string): void {
    this.#overview.remove(symbol);
  }

  /** The latest view of every symbol (for server-rendered pages). */
  items(): MarketItem[] {
    return this.#overview.items();
  }

  /**
   * Ends a cycle at `now`: each socket gets its frame; `onClosed` is told of
   * each socket found closed.
   */
  publish(now: number, onClosed: (subscriber: Subscriber) => void): void {
    const cycle = this.#overview.cycle(now);
    if (this.#watchers.size === 0) return;
    let delta: PreparedFrame | undefined;
    let full: PreparedFrame | undefined;
    for (const [subscriber, watcher] of this.#watchers) {
      if (subscriber.closed) {
        onClosed(subscriber);
        continue;
      }
      if (subscriber.behind) {
        if (cycle.delta !== undefined) watcher.needsFull = true;
        continue;
      }
      let frame: PreparedFrame;
      if (watcher.needsFull) {
        if (this.#overview.size === 0) continue;
        frame = full ??= this.#prepare(cycle.full());
      } else {
        if (cycle.delta === undefined) continue;
        frame = delta ??= this.#prepare(cycle.delta);
      }
      const outcome = subscriber.deliverLatest(MARKET_KEY, frame, now);
      if (outcome === "closed") onClosed(subscriber);
      else watcher.needsFull = outcome === "conflated";
    }
  }
}
