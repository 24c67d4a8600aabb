/**
 * The Redis engine's side of the connection: it subscribes to the one pub/sub
 * channel the scripts PUBLISH on, follows both connections up and down, and
 * keeps delivery ordered and gapless. Pub/sub loses what is published while a
 * subscriber is reconnecting, so entries go through
 * {@linkcode OrderedDelivery} (a gap is backfilled from the stream), and every
 * reconnect re-reads the epoch and resyncs every channel. The epoch is a key
 * created once (`SET NX`): a message or a reply from another epoch is checked
 * against Redis before it is trusted, and a real change resets every channel.
 *
 * The feed subscribes again itself when the subscriber comes back (ioredis's
 * own resubscription is off, `redis_connection.ts`): without an offline queue
 * a SUBSCRIBE sent while the connection drops again is rejected, and ioredis
 * would leave that rejection unhandled — a crash. Here it is caught, and the
 * connection's next `ready` tries again; the engine counts as connected only
 * once the subscription is back, so the resync reads after it.
 */
import type { Redis } from "ioredis";
import type { EngineEvents } from "./engine_events.ts";
import type { OrderedDelivery } from "./ordered_delivery.ts";
import { EPOCH_SCRIPT, parseEventMessage, runScript } from "./redis_scripts.ts";
import type { HistoryRead } from "./stream_engine.ts";

/** Options of {@linkcode RedisFeed}. */
export interface RedisFeedOptions {
  readonly commands: Redis;
  readonly subscriber: Redis;
  /** Key prefix (the epoch, counters and the events channel live under it). */
  readonly prefix: string;
  /** The epoch read at open. */
  readonly epoch: string;
  /** Listeners and counters of the engine. */
  readonly events: EngineEvents;
  /** Reads a channel's history (the engine's `history`). */
  readonly history: (channel: string, after: number) => Promise<HistoryRead>;
  /** Told about connection trouble the feed recovers from by itself. */
  readonly onWarning?: (message: string, error?: unknown) => void;
}

/** Reads (or creates) the epoch under `prefix`. */
export async function readEpoch(
  client: Redis,
  prefix: string,
): Promise<string> {
  return String(
    await runScript(client, EPOCH_SCRIPT, [`${prefix}epoch`], [
      crypto.randomUUID(),
    ]),
  );
}

/** The subscription and connection state of one Redis engine instance. */
export class RedisFeed {
  #options: RedisFeedOptions;
  #epoch: string;
  #delivery: OrderedDelivery;
  #connected = true;
  /** Whether the subscription stands: false from a close to its renewal. */
  #subscribed = false;
  #closed = false;
  #checkingEpoch: Promise<void> | undefined;

  /** See {@linkcode RedisFeedOptions}; call {@linkcode start}. */
  constructor(options: RedisFeedOptions) {
    this.#options = options;
    this.#epoch = options.epoch;
    this.#delivery = options.events.ordered(
      options.history,
      "Backfill from Redis failed",
      options.onWarning,
    );
  }

  /** The PUBLISH channel of the engine's scripts. */
  get eventsKey(): string {
    return `${this.#options.prefix}events`;
  }

  /** The epoch in force, as last confirmed. */
  get epoch(): string {
    return this.#epoch;
  }

  /** Whether both connections are up. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Subscribes, then reads where each of `channels` stands. */
  async start(channels: readonly string[]): Promise<void> {
    const { commands, subscriber, prefix } = this.#options;
    await subscriber.subscribe(this.eventsKey);
    this.#subscribed = true;
    subscriber.on(
      "message",
      (_channel: string, message: string) => this.#onMessage(message),
    );
    // Positions are read after subscribing: anything published in between
    // arrives as a duplicate (dropped), never as a gap.
    const seqs = await commands.mget(channels.map((c) => `${prefix}seq:${c}`));
    channels.forEach((c, i) => this.#delivery.prime(c, Number(seqs[i] ?? 0)));
    // Registered after the first connect: a connection that comes back is a
    // reconnect, and once both are back every channel is resynced.
    subscriber.on("close", () => {
      this.#subscribed = false;
      if (!this.#closed) this.#setConnected(false);
    });
    subscriber.on("ready", () => {
      if (!this.#closed) void this.#resubscribe();
    });
    commands.on("close", () => {
      if (!this.#closed) this.#setConnected(false);
    });
    commands.on("ready", () => {
      if (!this.#closed) this.#setConnected(true);
    });
  }

  /** Reads (or re-creates) the epoch; a change resets every channel. */
  checkEpoch(): Promise<void> {
    this.#checkingEpoch ??= (async () => {
      try {
        const epoch = await readEpoch(
          this.#options.commands,
          this.#options.prefix,
        );
        if (epoch !== this.#epoch) {
          this.#epoch = epoch;
          this.#delivery.reset();
          this.#options.events.emit({ type: "epoch", epoch });
          await this.#delivery.resync();
        }
      } finally {
        this.#checkingEpoch = undefined;
      }
    })();
    return this.#checkingEpoch;
  }

  /** Waits until no backfill is running (tests). */
  settled(): Promise<void> {
    return this.#delivery.settled();
  }

  /** Stops following and disconnects both connections. */
  close(): void {
    this.#closed = true;
    this.#options.subscriber.disconnect();
    this.#options.commands.disconnect();
  }

  /** Subscribes again after a reconnect; a failure waits for the next `ready`. */
  async #resubscribe(): Promise<void> {
    try {
      await this.#options.subscriber.subscribe(this.eventsKey);
    } catch (error) {
      this.#options.onWarning?.(
        "Resubscribing after a Redis reconnect failed",
        error,
      );
      return;
    }
    this.#subscribed = true;
    if (!this.#closed) this.#setConnected(true);
  }

  #setConnected(connected: boolean): void {
    const { commands, subscriber, events } = this.#options;
    const now = connected && this.#subscribed &&
      commands.status === "ready" && subscriber.status === "ready";
    if (now === this.#connected) return;
    this.#connected = now;
    events.emit({ type: "connection", connected: now });
    if (now) {
      events.counts.reconnects++;
      void this.#afterReconnect();
    }
  }

  async #afterReconnect(): Promise<void> {
    try {
      await this.checkEpoch();
      await this.#delivery.resync();
    } catch (error) {
      this.#options.onWarning?.("Resync after a Redis reconnect failed", error);
      // Still connected: try again shortly; otherwise the next reconnect will.
      if (this.#connected && !this.#closed) {
        setTimeout(() => {
          if (this.#connected && !this.#closed) void this.#afterReconnect();
        }, 250);
      }
    }
  }

  #onMessage(message: string): void {
    const { epoch, entries } = parseEventMessage(message);
    if (epoch !== this.#epoch) {
      // Another epoch: confirm with Redis before trusting it (a message from
      // the old epoch may still be in flight). History fills in afterwards.
      void this.checkEpoch().catch((error) =>
        this.#options.onWarning?.("Epoch check failed", error)
      );
      return;
    }
    for (const entry of entries) this.#delivery.offer(entry);
  }
}
