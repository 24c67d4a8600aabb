/**
 * The KV engine's leader lease and the handover state it guards. Two keys:
 * `lease` (holder and token) changes only when the lease changes hands, and
 * `lease_expiry` is what renewals move. A fenced commit checks the
 * versionstamp `lease` had when this instance took it, so renewals never
 * fail a write in flight, while a takeover by anyone else fails all of them.
 * Expiry compares the holder's wall clock with the reader's: keep clocks in
 * sync (NTP), as any lease needs.
 */
import {
  type AlertHandover,
  isAlertHandover,
} from "../alerts/alert_handover.ts";
import type { Clock } from "../clock/clock.ts";
import type { EngineEvents } from "./engine_events.ts";
import type { Lease } from "./stream_engine.ts";

/** What the `lease` key holds. */
export interface LeaseRecord {
  readonly holder: string;
  readonly token: number;
}

/** Options of {@linkcode KvLease}. */
export interface KvLeaseOptions {
  readonly kv: Deno.Kv;
  /** Builds a key under the engine's prefix. */
  readonly key: (...parts: Deno.KvKeyPart[]) => Deno.KvKey;
  readonly instance: string;
  readonly clock: Clock;
  readonly events: EngineEvents;
}

/** Lease and handover operations of one KV engine instance. */
export class KvLease {
  #options: KvLeaseOptions;
  /** Versionstamps of the lease records this instance wrote, by token. */
  #stamps = new Map<number, string>();

  /** See {@linkcode KvLeaseOptions}. */
  constructor(options: KvLeaseOptions) {
    this.#options = options;
  }

  /** The check a fenced commit adds, or "fenced" when `fence` is not ours. */
  check(fence: Lease): Deno.AtomicCheck | "fenced" {
    const stamp = this.#stamps.get(fence.token);
    if (stamp === undefined || fence.holder !== this.#options.instance) {
      return "fenced";
    }
    return { key: this.#options.key("lease"), versionstamp: stamp };
  }

  /** Takes the lease when nobody holds it or it expired. */
  async acquire(ttlMs: number): Promise<Lease | undefined> {
    const { kv, key, instance, clock, events } = this.#options;
    const [lease, expiry, counter] = await kv.getMany<
      [LeaseRecord, number, number]
    >([key("lease"), key("lease_expiry"), key("lease_token")]);
    const now = clock.now();
    if (lease.value !== null && (expiry.value ?? 0) > now) return undefined;
    const token = (counter.value ?? 0) + 1;
    const expiresAt = now + ttlMs;
    const result = await kv.atomic()
      .check(lease, expiry, counter)
      .set(key("lease"), { holder: instance, token })
      .set(key("lease_expiry"), expiresAt)
      .set(key("lease_token"), token)
      .commit();
    if (!result.ok) return undefined;
    this.#stamps.set(token, result.versionstamp);
    events.counts.leaseAcquisitions++;
    return { token, holder: instance, expiresAt };
  }

  /** Moves the expiry of a lease still ours; undefined when it is gone. */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    const { kv, key, clock, events } = this.#options;
    const check = this.check(lease);
    const expiresAt = clock.now() + ttlMs;
    if (check !== "fenced") {
      const result = await kv.atomic().check(check)
        .set(key("lease_expiry"), expiresAt).commit();
      if (result.ok) return { ...lease, expiresAt };
    }
    this.#stamps.delete(lease.token);
    events.counts.leaseLosses++;
    return undefined;
  }

  /** Deletes the lease if it is still ours. */
  async release(lease: Lease): Promise<void> {
    const { kv, key, events } = this.#options;
    const check = this.check(lease);
    this.#stamps.delete(lease.token);
    if (check === "fenced") return;
    await kv.atomic().check(check).delete(key("lease"))
      .delete(key("lease_expiry")).commit();
    events.counts.leaseLosses++;
  }

  /** Saves the handover state under the fence. */
  async saveHandover(state: AlertHandover, fence: Lease): Promise<boolean> {
    const check = this.check(fence);
    if (check === "fenced") return false;
    const result = await this.#options.kv.atomic().check(check)
      .set(this.#options.key("handover"), state).commit();
    return result.ok;
  }

  /** The last saved handover state, if readable. */
  async loadHandover(): Promise<AlertHandover | undefined> {
    const state = await this.#options.kv.get(this.#options.key("handover"));
    return isAlertHandover(state.value) ? state.value : undefined;
  }
}
