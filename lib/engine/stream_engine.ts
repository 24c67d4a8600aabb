/**
 * The StreamEngine: what several instances of the service must share to look
 * like one — per-channel sequence numbers and bounded history, delivery of
 * everything published to every instance, one upstream leader under a fenced
 * lease, alerts appended exactly once, the epoch, and the state a new leader
 * needs to go on alerting where the old one stopped.
 *
 * A channel is a symbol's tick stream (`BTC-USDT`) or one of the service's own
 * streams ({@linkcode ALERT_CHANNEL}, {@linkcode CONTROL_CHANNEL},
 * {@linkcode DERIVED_CHANNEL}); every
 * channel has its own `seq`, so a follower detects a lost message on any of
 * them the same way and backfills it from history before applying what
 * follows. Three implementations pass one conformance suite
 * (`engine_conformance.ts`): memory (one process, today's behaviour), Redis
 * (self-hosted clusters) and Deno KV (Deno Deploy).
 */
import type { AlertHandover } from "../alerts/alert_handover.ts";

/** The channel alerts are delivered on (after the append committed them). */
export const ALERT_CHANNEL = "#alerts";
/** The channel of control events: threshold changes, status, and the like. */
export const CONTROL_CHANNEL = "#control";
/**
 * The channel of what the leader derives from the stream for every instance
 * (candle updates, the trades tape): numbered on its own, so it never takes
 * a seq from a symbol's ticks, and backfilled like every other channel.
 */
export const DERIVED_CHANNEL = "#derived";
/** The service's own channels, which every instance follows besides the symbols. */
export const SERVICE_CHANNELS: readonly string[] = [
  ALERT_CHANNEL,
  CONTROL_CHANNEL,
  DERIVED_CHANNEL,
];

/** Which implementation runs; `STREAM_ENGINE` selects it. */
export type EngineKind = "memory" | "redis" | "kv";

/** Something to publish: a channel and its payload (JSON text of an object). */
export interface EngineDraft {
  readonly channel: string;
  /** JSON object text; the engine never parses it. */
  readonly data: string;
}

/** A published item with the seq its channel gave it. */
export interface EngineEntry extends EngineDraft {
  /** 1 for the first item of the channel in this epoch, then +1 each. */
  readonly seq: number;
}

/**
 * Proof of holding the leader lease. `token` rises with every acquisition;
 * the engine checks it in the same atomic step as a fenced write, so a
 * leader that lost the lease (paused, partitioned) writes nothing.
 */
export interface Lease {
  readonly token: number;
  /** The instance holding it. */
  readonly holder: string;
  /** Epoch ms the lease expires unless renewed (by the holder's clock). */
  readonly expiresAt: number;
}

/** Why a fenced write was refused. */
export type RefusedReason =
  /** Another instance holds the lease now (or it expired and was taken). */
  | "fenced"
  /** The store lost its data (new epoch): the caller must start over. */
  | "epoch-changed";

/** Outcome of {@linkcode StreamEngine.publish}. */
export type PublishResult =
  | { readonly ok: true; readonly entries: readonly EngineEntry[] }
  | { readonly ok: false; readonly reason: RefusedReason };

/** Outcome of {@linkcode StreamEngine.appendAlert}. */
export type AppendResult =
  /** Stored and delivered now, as `entry`. */
  | { readonly ok: true; readonly stored: true; readonly entry: EngineEntry }
  /** The key was appended before: nothing written, nothing delivered. */
  | { readonly ok: true; readonly stored: false }
  | { readonly ok: false; readonly reason: RefusedReason };

/** What history holds for a channel after some seq. */
export interface HistoryRead {
  readonly epoch: string;
  /** Entries with seq greater than the `after` asked for, oldest first. */
  readonly entries: readonly EngineEntry[];
  /** Seq of the oldest entry still held, or undefined when none is. */
  readonly oldestSeq: number | undefined;
  /** Seq of the newest entry published, 0 before the first. */
  readonly latestSeq: number;
}

/** Everything an engine delivers to its subscribers. */
export type EngineEvent =
  /** A published entry, in seq order per channel, never twice. */
  | { readonly type: "entry"; readonly entry: EngineEntry }
  /**
   * The entries of `channel` before `seq` could not be delivered (they left
   * history while this instance was cut off): what this instance holds of
   * the channel is no longer contiguous with what follows.
   */
  | {
    readonly type: "truncated";
    readonly channel: string;
    readonly seq: number;
  }
  /** The store lost its data: every channel starts over under `epoch`. */
  | { readonly type: "epoch"; readonly epoch: string }
  /** The connection to the shared store went down or came back. */
  | { readonly type: "connection"; readonly connected: boolean };

/** A listener of {@linkcode StreamEngine.subscribe}. */
export type EngineListener = (event: EngineEvent) => void;

/** Counters every engine keeps, for `/metrics`. */
export interface EngineStats {
  /** Entries this instance published (fenced or not). */
  readonly publishes: number;
  /** Entries fetched from history to fill a gap in delivery. */
  readonly gapBackfills: number;
  /** Times this instance acquired the lease. */
  readonly leaseAcquisitions: number;
  /** Times this instance lost (or gave up) the lease. */
  readonly leaseLosses: number;
  /** Connections re-established to the shared store. */
  readonly reconnects: number;
}

/** The shared stream of a set of instances. */
export interface StreamEngine {
  readonly kind: EngineKind;
  /** This instance's id (random per process unless configured). */
  readonly instance: string;
  /** Ticks kept per channel. */
  readonly historySize: number;
  /** The current epoch; changes only when the store lost its data. */
  readonly epoch: string;
  /** Whether the shared store is reachable now. */
  readonly connected: boolean;
  /** Counters since start. */
  stats(): EngineStats;
  /**
   * Assigns each draft its channel's next seq (atomically, in order), appends
   * it to the channel's history (trimmed to `historySize`) and delivers it to
   * every instance, this one included. With `fence`, nothing is written unless
   * the lease is still held under that token.
   */
  publish(
    drafts: readonly EngineDraft[],
    fence?: Lease,
  ): Promise<PublishResult>;
  /** Entries of `channel` with seq greater than `after` (0: all held). */
  history(channel: string, after: number): Promise<HistoryRead>;
  /** Delivers every event from now on; returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;
  /**
   * Delivers `channels` too from now on (a new listing, `SYMBOLS=all`). Only
   * an engine that watches a fixed set of channels (KV) has it; the others
   * deliver whatever is published.
   */
  addChannels?(channels: readonly string[]): Promise<void>;
  /**
   * Takes the leader lease for `ttlMs` if nobody holds it (or the holder let
   * it expire); undefined when another instance holds it.
   */
  acquireLease(ttlMs: number): Promise<Lease | undefined>;
  /** Extends a held lease; undefined when it was lost meanwhile. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Gives a held lease up (a graceful stop), so a follower takes over now. */
  releaseLease(lease: Lease): Promise<void>;
  /**
   * Appends an alert to {@linkcode ALERT_CHANNEL} unless `key` was appended
   * before (keys are remembered far longer than any retry), fenced like
   * `publish`. Delivered to every instance only when stored.
   */
  appendAlert(
    key: string,
    data: string,
    fence: Lease,
  ): Promise<AppendResult>;
  /** Saves the alert rules' state for the next leader, fenced. */
  saveHandover(state: AlertHandover, fence: Lease): Promise<boolean>;
  /** The state the last leader saved, if any (in this epoch). */
  loadHandover(): Promise<AlertHandover | undefined>;
  /** Stops delivery and disconnects. */
  close(): Promise<void>;
}
