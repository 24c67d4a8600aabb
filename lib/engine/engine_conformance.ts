/**
 * One conformance suite for every {@linkcode StreamEngine}: the memory, Redis
 * and KV tests call {@linkcode runEngineConformance} with a harness that
 * opens instances on one shared store, as Centrifuge runs one test suite over
 * its memory and Redis brokers. What one engine guarantees, all do.
 *
 * Waiting uses deadlines, never sleeps: deliveries are awaited as they come,
 * and lease expiry is polled.
 */
import assert from "node:assert/strict";
import { suiteTest } from "./suite_case.ts";
import type { AlertHandover } from "../alerts/alert_handover.ts";
import {
  ALERT_CHANNEL,
  type EngineDraft,
  type EngineEntry,
  type EngineEvent,
  type StreamEngine,
} from "./stream_engine.ts";

/** History size of the case that tests bounds (others keep more). */
export const CONFORMANCE_HISTORY = 5;
/**
 * History size of the delivery cases: a KV watch may report after several
 * commits, and a follower must still find them all in history.
 */
const ROOMY_HISTORY = 1_000;
/** Lease time-to-live the suite uses, ms (short: expiry is awaited). */
const TTL_MS = 400;

/** Opens engine instances on one store, fresh for each case. */
export interface EngineHarness {
  /** A new instance on this case's store, keeping `historySize` per channel. */
  open(
    instance: string | undefined,
    historySize: number,
  ): Promise<StreamEngine>;
  /** Makes the store lose its data (FLUSHALL, a wiped KV, a cleared store). */
  loseData(): Promise<void>;
  /**
   * Appends `drafts` to history without delivering them, as a pub/sub message
   * lost in a reconnect; absent where delivery cannot be lost (memory).
   */
  appendUndelivered?(drafts: readonly EngineDraft[]): Promise<void>;
  /** Drops and re-establishes every connection to the store, keeping its data. */
  interruptConnections?(): Promise<void>;
  /** Closes everything the case opened. */
  close(): Promise<void>;
}

/** Options of {@linkcode runEngineConformance}. */
export interface ConformanceOptions {
  /** Prefix of each test name, e.g. `RedisEngine`. */
  readonly name: string;
  /** A fresh harness (store) per case. */
  readonly harness: () => Promise<EngineHarness>;
  /** Skip every case (e.g. `redis-server` missing), with the reason logged. */
  readonly ignore?: boolean;
}

/** Records what one instance delivers and awaits it with a deadline. */
class Recorder {
  readonly events: EngineEvent[] = [];
  #wake: (() => void) | undefined;

  constructor(engine: StreamEngine) {
    engine.subscribe((event) => {
      this.events.push(event);
      this.#wake?.();
    });
  }

  entries(channel: string): EngineEntry[] {
    return this.events.flatMap((e) =>
      e.type === "entry" && e.entry.channel === channel ? [e.entry] : []
    );
  }

  async until(
    test: () => boolean,
    what: string,
    timeoutMs = 5_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

const drafts = (channel: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    channel,
    data: `{"n":${from + i}}`,
  }));

const seqsOf = (entries: readonly EngineEntry[]) => entries.map((e) => e.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Resolves once `condition` holds, polling every 20 ms; throws naming `what`
 * at the deadline. For the engine's tests and their neighbours' (no sleeps
 * as synchronisation).
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  await pollFor(
    async () => (await condition()) ? true : undefined,
    what,
    timeoutMs,
  );
}

async function pollFor<T>(
  attempt: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const handover = (savedAt: number): AlertHandover => ({
  savedAt,
  symbols: {
    "BTC-USDT": {
      crossing: "fired",
      spikeArmed: false,
      lastFired: { whale_trade: savedAt - 1_000 },
    },
  },
  seenTrades: ["BTC-USDT:1", "BTC-USDT:2"],
});

type Case = (harness: EngineHarness) => Promise<void>;

const CASES: Record<string, Case> = {
  "seq is contiguous per channel under concurrent publishers": async (h) => {
    const engines = await Promise.all([
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
    ]);
    const watcher = new Recorder(engines[0]);
    const runs = engines.map(async (engine, i) => {
      for (let batch = 0; batch < 10; batch++) {
        const result = await engine.publish([
          ...drafts("A", i * 100 + batch, 2),
          ...drafts("B", i * 100 + batch, 1),
        ]);
        assert.ok(result.ok);
      }
    });
    await Promise.all(runs);
    await watcher.until(
      () =>
        watcher.entries("A").length === 60 &&
        watcher.entries("B").length === 30,
      "60 + 30 deliveries",
    );
    assert.deepEqual(seqsOf(watcher.entries("A")), range(1, 60));
    assert.deepEqual(seqsOf(watcher.entries("B")), range(1, 30));
  },

  "a channel added at runtime is delivered to every instance": async (h) => {
    const [leader, follower] = await Promise.all([
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
    ]);
    // A new listing: instances that watch a fixed set are told first.
    await follower.addChannels?.(["LISTED"]);
    await leader.addChannels?.(["LISTED"]);
    const watcher = new Recorder(follower);
    assert.ok((await leader.publish(drafts("LISTED", 1, 3))).ok);
    await watcher.until(
      () => watcher.entries("LISTED").length === 3,
      "3 deliveries on the new channel",
    );
    assert.deepEqual(seqsOf(watcher.entries("LISTED")), range(1, 3));
  },

  "history is bounded and read after a seq": async (h) => {
    const engine = await h.open(undefined, CONFORMANCE_HISTORY);
    const result = await engine.publish(drafts("A", 1, 8));
    assert.ok(result.ok);
    assert.deepEqual(seqsOf(result.entries), range(1, 8));
    const all = await engine.history("A", 0);
    assert.deepEqual(seqsOf(all.entries), range(4, 8));
    assert.equal(all.oldestSeq, 4);
    assert.equal(all.latestSeq, 8);
    assert.equal(all.epoch, engine.epoch);
    assert.equal(all.entries[4].data, `{"n":8}`);
    assert.deepEqual(seqsOf((await engine.history("A", 6)).entries), [7, 8]);
    assert.deepEqual((await engine.history("A", 8)).entries, []);
    const none = await engine.history("nothing", 0);
    assert.deepEqual(
      { entries: none.entries, oldest: none.oldestSeq, latest: none.latestSeq },
      { entries: [], oldest: undefined, latest: 0 },
    );
  },

  "every instance receives every entry in order": async (h) => {
    const engines = await Promise.all([
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
    ]);
    const recorders = engines.map((e) => new Recorder(e));
    for (let i = 0; i < 4; i++) {
      assert.ok((await engines[i % 3].publish(drafts("A", i, 3))).ok);
    }
    for (const recorder of recorders) {
      await recorder.until(() => recorder.entries("A").length >= 12, "12");
      assert.deepEqual(seqsOf(recorder.entries("A")), range(1, 12));
    }
  },

  "a lost delivery is backfilled from history before what follows": async (
    h,
  ) => {
    if (!h.appendUndelivered) return;
    const [publisher, follower] = await Promise.all([
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
    ]);
    const recorder = new Recorder(follower);
    assert.ok((await publisher.publish(drafts("A", 1, 1))).ok);
    await recorder.until(() => recorder.entries("A").length === 1, "first");
    await h.appendUndelivered(drafts("A", 2, 2));
    assert.ok((await publisher.publish(drafts("A", 4, 1))).ok);
    await recorder.until(() => recorder.entries("A").length >= 4, "4");
    assert.deepEqual(seqsOf(recorder.entries("A")), [1, 2, 3, 4]);
    assert.deepEqual(
      recorder.entries("A").map((e) => e.data),
      [1, 2, 3, 4].map((n) => `{"n":${n}}`),
    );
    assert.ok(follower.stats().gapBackfills >= 2);
  },

  "the lease is exclusive, expires, and fences a stale holder": async (h) => {
    const [a, b] = await Promise.all([
      h.open("a", ROOMY_HISTORY),
      h.open("b", ROOMY_HISTORY),
    ]);
    const lease = await a.acquireLease(TTL_MS);
    assert.ok(lease);
    assert.equal(lease.holder, "a");
    assert.equal(await b.acquireLease(TTL_MS), undefined);
    const renewed = await a.renewLease(lease, TTL_MS);
    assert.ok(renewed);
    assert.equal(renewed.token, lease.token);
    assert.ok((await a.publish(drafts("A", 1, 1), renewed)).ok);
    // a stops renewing (paused): b takes over once the lease expires.
    const taken = await pollFor(() => b.acquireLease(TTL_MS), "expiry");
    assert.ok(taken.token > lease.token);
    assert.equal(await a.renewLease(renewed, TTL_MS), undefined);
    const stale = await a.publish(drafts("A", 2, 1), renewed);
    assert.deepEqual(stale, { ok: false, reason: "fenced" });
    const staleAlert = await a.appendAlert("k1", `{"x":1}`, renewed);
    assert.deepEqual(staleAlert, { ok: false, reason: "fenced" });
    assert.equal(await a.saveHandover(handover(1), renewed), false);
    assert.equal((await b.history("A", 0)).latestSeq, 1);
    assert.equal((await b.history(ALERT_CHANNEL, 0)).latestSeq, 0);
    assert.ok((await b.publish(drafts("A", 2, 1), taken)).ok);
    assert.equal((await a.history("A", 0)).latestSeq, 2);
  },

  "a released lease is taken at once": async (h) => {
    const [a, b] = await Promise.all([
      h.open("a", ROOMY_HISTORY),
      h.open("b", ROOMY_HISTORY),
    ]);
    const lease = await a.acquireLease(60_000);
    assert.ok(lease);
    await a.releaseLease(lease);
    const taken = await b.acquireLease(60_000);
    assert.ok(taken);
    assert.equal(taken.holder, "b");
    assert.equal(await a.renewLease(lease, 60_000), undefined);
  },

  "an alert key is appended exactly once": async (h) => {
    const [leader, follower] = await Promise.all([
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
    ]);
    const recorder = new Recorder(follower);
    const lease = await leader.acquireLease(60_000);
    assert.ok(lease);
    const results = await Promise.all(
      Array.from(
        { length: 5 },
        () => leader.appendAlert("k", `{"a":1}`, lease),
      ),
    );
    assert.equal(results.filter((r) => r.ok && r.stored).length, 1);
    assert.ok(results.every((r) => r.ok));
    const again = await leader.appendAlert("k", `{"a":1}`, lease);
    assert.deepEqual(again, { ok: true, stored: false });
    const other = await leader.appendAlert("k2", `{"a":2}`, lease);
    assert.ok(other.ok && other.stored);
    assert.equal(other.entry.seq, 2);
    await recorder.until(
      () => recorder.entries(ALERT_CHANNEL).length >= 2,
      "two alerts",
    );
    assert.deepEqual(
      recorder.entries(ALERT_CHANNEL).map((e) => e.data),
      [`{"a":1}`, `{"a":2}`],
    );
    const held = await follower.history(ALERT_CHANNEL, 0);
    assert.deepEqual(seqsOf(held.entries), [1, 2]);
  },

  "the epoch is shared, survives reconnects and changes with lost data": async (
    h,
  ) => {
    const [a, b] = await Promise.all([
      h.open(undefined, ROOMY_HISTORY),
      h.open(undefined, ROOMY_HISTORY),
    ]);
    assert.equal(a.epoch, b.epoch);
    const before = a.epoch;
    assert.ok((await a.publish(drafts("A", 1, 3))).ok);
    if (h.interruptConnections) {
      const recorder = new Recorder(b);
      await h.interruptConnections();
      assert.ok((await a.publish(drafts("A", 4, 1))).ok);
      await recorder.until(
        () => recorder.entries("A").some((e) => e.seq === 4),
        "delivery after a reconnect",
      );
      assert.equal(a.epoch, before);
      assert.equal(b.epoch, before);
    }
    const reopened = await h.open(undefined, ROOMY_HISTORY);
    assert.equal(reopened.epoch, before);
    const recorder = new Recorder(b);
    await h.loseData();
    // A publish finds out at once; the others learn from their feed.
    const after = await pollFor(async () => {
      const result = await a.publish(drafts("A", 9, 1));
      return result.ok ? result : undefined;
    }, "a publish in the new epoch");
    assert.notEqual(a.epoch, before);
    assert.equal(after.entries[0].seq, 1);
    await recorder.until(() => b.epoch === a.epoch, "the new epoch on b");
    await recorder.until(
      () => recorder.events.some((e) => e.type === "epoch"),
      "an epoch event on b",
    );
    assert.equal((await b.history("A", 0)).latestSeq, 1);
  },

  "handover state round-trips between leaders": async (h) => {
    const [a, b] = await Promise.all([
      h.open("a", ROOMY_HISTORY),
      h.open("b", ROOMY_HISTORY),
    ]);
    assert.equal(await b.loadHandover(), undefined);
    const lease = await a.acquireLease(60_000);
    assert.ok(lease);
    const state = handover(1_700_000_000_000);
    assert.equal(await a.saveHandover(state, lease), true);
    assert.deepEqual(await b.loadHandover(), state);
  },
};

/** Registers every conformance case as a `Deno.test` named `<name> - <case>`. */
export function runEngineConformance(options: ConformanceOptions): void {
  for (const [title, run] of Object.entries(CASES)) {
    suiteTest(options, title, options.harness, run);
  }
}
