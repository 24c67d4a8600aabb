/**
 * The Redis engine's leader lease and the handover state it guards. The
 * lease is one key, `<holder>|<token>`, with a PX expiry; the token comes
 * from a counter, so it rises with every acquisition, and a fenced write
 * compares the whole value in the same script as the write.
 */
import type { Redis } from "ioredis";
import {
  type AlertHandover,
  isAlertHandover,
} from "../alerts/alert_handover.ts";
import type { Clock } from "../clock/clock.ts";
import type { EngineEvents } from "./engine_events.ts";
import {
  ACQUIRE_SCRIPT,
  FENCED_SET_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  runScript,
} from "./redis_scripts.ts";
import type { Lease } from "./stream_engine.ts";

/** The lease's value in Redis: holder and token. */
export function leaseValue(lease: Lease): string {
  return `${lease.holder}|${lease.token}`;
}

/** Lease and handover operations of one Redis engine instance. */
export class RedisLease {
  #client: Redis;
  #prefix: string;
  #instance: string;
  #clock: Clock;
  #events: EngineEvents;

  /** Works on `client` under `prefix` for `instance`, counting in `events`. */
  constructor(
    client: Redis,
    options: {
      prefix: string;
      instance: string;
      clock: Clock;
      events: EngineEvents;
    },
  ) {
    this.#client = client;
    this.#prefix = options.prefix;
    this.#instance = options.instance;
    this.#clock = options.clock;
    this.#events = options.events;
  }

  #key(name: string): string {
    return `${this.#prefix}${name}`;
  }

  /** Takes the lease if nobody holds it. */
  async acquire(ttlMs: number): Promise<Lease | undefined> {
    const startedAt = this.#clock.now();
    const token = await runScript(
      this.#client,
      ACQUIRE_SCRIPT,
      [this.#key("lease"), this.#key("lease_token")],
      [this.#instance, Math.round(ttlMs)],
    );
    if (token === null || token === false) return undefined;
    this.#events.counts.leaseAcquisitions++;
    return {
      token: Number(token),
      holder: this.#instance,
      expiresAt: startedAt + ttlMs,
    };
  }

  /** Extends a held lease; undefined when it is gone. */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    const startedAt = this.#clock.now();
    const renewed = await runScript(
      this.#client,
      RENEW_SCRIPT,
      [this.#key("lease")],
      [leaseValue(lease), Math.round(ttlMs)],
    );
    if (Number(renewed) !== 1) {
      this.#events.counts.leaseLosses++;
      return undefined;
    }
    return { ...lease, expiresAt: startedAt + ttlMs };
  }

  /** Deletes the lease if it is still `lease`. */
  async release(lease: Lease): Promise<void> {
    await runScript(this.#client, RELEASE_SCRIPT, [this.#key("lease")], [
      leaseValue(lease),
    ]);
    this.#events.counts.leaseLosses++;
  }

  /** Saves the handover state under the fence. */
  async saveHandover(state: AlertHandover, fence: Lease): Promise<boolean> {
    const saved = await runScript(
      this.#client,
      FENCED_SET_SCRIPT,
      [this.#key("lease"), this.#key("handover")],
      [leaseValue(fence), JSON.stringify(state)],
    );
    return Number(saved) === 1;
  }

  /** The last saved handover state, if readable. */
  async loadHandover(): Promise<AlertHandover | undefined> {
    const text = await this.#client.get(this.#key("handover"));
    if (text === null) return undefined;
    try {
      const value = JSON.parse(text);
      return isAlertHandover(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }
}
