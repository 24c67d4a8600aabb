/**
 * What the engines on a shared store (Redis, Deno KV) do the same way: their
 * listeners and counters, and the lease and handover operations, which each
 * store implements in its own file (`redis_lease.ts`, `kv_lease.ts`) behind
 * one {@linkcode LeaseStore} shape. The engines extend this class and add
 * what differs: how they publish, read history and follow the store.
 */
import type { AlertHandover } from "../alerts/alert_handover.ts";
import { EngineEvents } from "./engine_events.ts";
import type {
  EngineListener,
  EngineStats,
  Lease,
  StreamEngine,
} from "./stream_engine.ts";

/** The lease and the handover state it guards, on one store. */
export interface LeaseStore {
  /** Takes the lease if nobody holds it (or the holder let it expire). */
  acquire(ttlMs: number): Promise<Lease | undefined>;
  /** Extends a held lease; undefined when it is gone. */
  renew(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Gives a held lease up. */
  release(lease: Lease): Promise<void>;
  /** Saves the handover state under the fence; false when fenced. */
  saveHandover(state: AlertHandover, fence: Lease): Promise<boolean>;
  /** The last saved handover state, if readable. */
  loadHandover(): Promise<AlertHandover | undefined>;
}

/** The part of a {@linkcode StreamEngine} every shared engine has in common. */
export abstract class SharedEngine<L extends LeaseStore = LeaseStore>
  implements
    Pick<
      StreamEngine,
      | "stats"
      | "subscribe"
      | "acquireLease"
      | "renewLease"
      | "releaseLease"
      | "saveHandover"
      | "loadHandover"
    > {
  /** Listeners and counters, written by the engine. */
  protected readonly events: EngineEvents = new EngineEvents();
  /** The store's lease operations. */
  protected readonly leases: L;

  /** `lease` builds the store's lease operations, counting in `events`. */
  protected constructor(lease: (events: EngineEvents) => L) {
    this.leases = lease(this.events);
  }

  stats(): EngineStats {
    return this.events.stats();
  }

  subscribe(listener: EngineListener): () => void {
    return this.events.subscribe(listener);
  }

  acquireLease(ttlMs: number): Promise<Lease | undefined> {
    return this.leases.acquire(ttlMs);
  }

  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    return this.leases.renew(lease, ttlMs);
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.leases.release(lease);
  }

  saveHandover(state: AlertHandover, fence: Lease): Promise<boolean> {
    return this.leases.saveHandover(state, fence);
  }

  loadHandover(): Promise<AlertHandover | undefined> {
    return this.leases.loadHandover();
  }
}
