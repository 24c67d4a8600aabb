/**
 * The one behaviour suite every ingestion engine passes, the way one suite
 * runs over every broker in Centrifuge: what `engine_contract.ts` promises,
 * written once and registered for each engine (REST polling, the WebSocket
 * with REST fallback) and each host that runs one (inline, Web Worker).
 * What differs between them — backoff schedules, fallback, pause and resume,
 * worker restarts — stays in each one's own tests.
 *
 * A harness adapts one subject to the suite: it starts it, and makes its
 * upstream deliver, fail, recover or fall quiet. On a fake clock it does so
 * deterministically; a worker runs on real time against the simulator, where
 * the suite awaits events with a deadline and skips what would need long
 * real waits.
 */
import assert from "node:assert/strict";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import { type Collectors, collectors, WITHIN_MS } from "../test_utils.ts";
import {
  type IngestConfig,
  type IngestCounters,
  type UpstreamState,
  ZERO_COUNTERS,
} from "./engine_contract.ts";

/** What the suite drives once a subject is started. */
export interface EngineControl {
  /** Replaces one symbol's whale threshold for the ticks that follow. */
  setThreshold(symbol: string, value: number): void;
  /** Stops; resolves when nothing more will be reported. */
  stop(): Promise<void>;
}

/** One subject (an engine, or a host running one) and its upstream. */
export interface EngineHarness {
  /** The configuration the subject runs with. */
  readonly config: IngestConfig;
  /**
   * True when time passes by itself (a worker): the suite then tolerates
   * ticks already in flight when it changes something.
   */
  readonly realTime: boolean;
  /** Starts the subject; resolves with the first state it reports. */
  start(): Promise<UpstreamState>;
  /** The started subject. */
  readonly control: EngineControl;
  /** Makes the upstream deliver; resolves with the next batch that matches. */
  nextTicks(
    match?: (batch: AnalyzedTick[]) => boolean,
  ): Promise<AnalyzedTick[]>;
  /** Makes the upstream fail; resolves with the first state reporting it. */
  breakUpstream(): Promise<UpstreamState>;
  /** Makes the upstream answer again (ticks follow). */
  mendUpstream(): Promise<void>;
  /**
   * Keeps the upstream quiet — no data and no answer to wait for — for
   * `beats` heartbeat intervals; resolves with the states reported
   * meanwhile. Absent where that takes long real waits.
   */
  quiet?(beats: number): Promise<UpstreamState[]>;
  /** After a stop: lets time pass, and the upstream talk, where it can. */
  afterStop(): Promise<void>;
  /** Timers still pending (fake clocks only). */
  pendingTimers?(): number;
  /** Starts the subject a second time (engines only; hosts start once). */
  startAgain?(): void;
  /** Releases what the harness started. */
  dispose(): Promise<void>;
}

/** Makes a harness reporting into `c` (a fresh one per test). */
export type HarnessFactory = (
  c: Collectors,
) => EngineHarness | Promise<EngineHarness>;

const BTC = "BTC-USDT";
const TIERS = ["STABLE", "ACTIVE", "ELEVATED"];

/**
 * Registers the suite for `subject` (the test name's subject, e.g.
 * `WsIngestLoop` or `WorkerIngestion (ws)`).
 */
export function ingestEngineConformance(
  subject: string,
  makeHarness: HarnessFactory,
): void {
  const test = <C extends Collectors = Collectors>(
    behaviour: string,
    fn: (h: EngineHarness, c: C) => Promise<void>,
    options: { needs?: (h: EngineHarness) => boolean; c?: () => C } = {},
  ) =>
    Deno.test(`${subject} - engine contract: ${behaviour}`, async (t) => {
      const c = options.c?.() ?? (collectors() as C);
      const h = await makeHarness(c);
      try {
        if (options.needs && !options.needs(h)) {
          await t.step({ name: "not applicable here", ignore: true, fn() {} });
          return;
        }
        await fn(h, c);
      } finally {
        await h.dispose();
      }
    });

  test("start reports state", async (h) => {
    const state = await h.start();
    assert.deepEqual(
      Object.keys(state.counters).sort(),
      Object.keys(ZERO_COUNTERS).sort(),
    );
    for (const value of Object.values(state.counters)) {
      assert.ok(Number.isInteger(value) && value >= 0);
    }
    assert.ok(["rest", "ws", "rest-fallback"].includes(state.mode));
    assert.ok(state.host.length > 0);
    assert.equal(state.lastError, null, "a healthy upstream: no error");
    assert.equal(state.consecutiveFailures, 0);
    await h.control.stop();
  });

  test("ticks are analysed with the configured thresholds and emitted", async (h) => {
    await h.start();
    const batch = await h.nextTicks();
    assert.ok(batch.length > 0, "a batch is never empty");
    const tracked = h.config.symbols.map((s) => s.id);
    for (const tick of batch) {
      assert.ok(tracked.includes(tick.symbol), tick.symbol);
      assert.equal(tick.whale_threshold, h.config.thresholds[tick.symbol]);
      assert.equal(tick.is_whale, tick.volume >= tick.whale_threshold);
      assert.ok(TIERS.includes(tick.tier), tick.tier);
      assert.ok(Number.isFinite(tick.spread));
      assert.ok(tick.range_position >= 0 && tick.range_position <= 100);
      assert.ok(Number.isFinite(tick.velocity));
    }
    await h.control.stop();
  });

  test(
    "an upstream fault does not end it and is reported in state",
    async (h, c) => {
      await h.start();
      await h.nextTicks();
      const failed = await h.breakUpstream();
      assert.notEqual(failed.lastError, null);
      assert.ok(failed.consecutiveFailures >= 1);
      assert.ok(failed.counters.errors >= 1);
      const recovered = c.states.next(
        (s) => s.consecutiveFailures === 0,
        WITHIN_MS,
      );
      await h.mendUpstream();
      assert.ok((await h.nextTicks()).length > 0, "ticks flow again");
      const state = await recovered;
      assert.notEqual(state.lastError, null, "the last error is kept");
      await h.control.stop();
    },
  );

  test("setThreshold applies to the ticks that follow", async (h) => {
    await h.start();
    await h.nextTicks((batch) => batch.some((t) => t.symbol === BTC));
    h.control.setThreshold(BTC, 1e12);
    // A worker may have ticks in flight that were analysed before the
    // change reached it; on a fake clock the very next tick must have it.
    const next = await h.nextTicks((batch) =>
      batch.some((t) =>
        t.symbol === BTC && (!h.realTime || t.whale_threshold === 1e12)
      )
    );
    // One push cycle's batch may hold ticks from before the change too.
    const btc = next.findLast((t) => t.symbol === BTC)!;
    assert.equal(btc.whale_threshold, 1e12);
    assert.equal(btc.is_whale, false);
    const later = await h.nextTicks((batch) =>
      batch.some((t) => t.symbol === BTC)
    );
    assert.equal(
      later.findLast((t) => t.symbol === BTC)!.whale_threshold,
      1e12,
    );
    await h.control.stop();
  });

  test("stop resolves and nothing is reported after it", async (h, c) => {
    await h.start();
    await h.nextTicks();
    await h.control.stop();
    const reported = () => [
      c.ticks.items.length,
      c.trades.items.length,
      c.states.items.length,
      c.logs.items.length,
    ];
    const atStop = reported();
    await h.afterStop();
    assert.deepEqual(reported(), atStop);
    if (h.pendingTimers) assert.equal(h.pendingTimers(), 0, "no timer left");
    await h.control.stop();
  });

  test(
    "counters never go backwards, and count every tick delivered",
    async (h, c) => {
      await h.start();
      await h.nextTicks();
      await h.breakUpstream();
      await h.mendUpstream();
      await h.nextTicks();
      await h.nextTicks();
      await h.control.stop();
      assert.ok(c.checkedStates > 2, `${c.checkedStates} states checked`);
      assert.deepEqual(c.problems, []);
    },
    { c: countingCollectors },
  );

  test("reports state while it waits, also with no data", async (h, c) => {
    await h.start();
    const ticks = c.ticks.items.length;
    const beats = 3;
    const states = await h.quiet!(beats);
    assert.ok(
      states.length >= beats,
      `${states.length} states over ${beats} heartbeats`,
    );
    assert.equal(c.ticks.items.length, ticks, "no data meanwhile");
    await h.control.stop();
  }, { needs: (h) => h.quiet !== undefined });

  test("a throwing consumer does not stop it", async (h, c) => {
    await h.start();
    await h.nextTicks();
    await h.nextTicks();
    // On real time a second state may still be a heartbeat away.
    if (c.states.items.length < 2) await c.states.next(undefined, WITHIN_MS);
    assert.ok(c.states.items.length >= 2, "states keep coming");
    await h.control.stop();
  }, { c: throwingCollectors });

  test("starts only once", async (h) => {
    await h.start();
    assert.throws(() => h.startAgain!(), /already started/);
    await h.control.stop();
  }, { needs: (h) => h.startAgain !== undefined });
}

/** Collectors that check every state as it is reported. */
interface CountingCollectors extends Collectors {
  /** What went wrong, one line per check that failed. */
  readonly problems: string[];
  /** States checked so far. */
  readonly checkedStates: number;
}

/**
 * Collectors whose state callback checks, at each state, that no counter
 * went back and that the ticks counter equals the ticks delivered so far
 * (plus those a worker conflated).
 */
function countingCollectors(): CountingCollectors {
  const c = collectors();
  let delivered = 0;
  let checked = 0;
  let previous: IngestCounters | undefined;
  const problems: string[] = [];
  return {
    ...c,
    problems,
    get checkedStates() {
      return checked;
    },
    callbacks: {
      ...c.callbacks,
      onTicks: (ticks) => {
        delivered += ticks.length;
        c.callbacks.onTicks(ticks);
      },
      onState: (state) => {
        checked++;
        for (const [key, value] of Object.entries(state.counters)) {
          const before = previous?.[key as keyof IngestCounters] ?? 0;
          if (value < before) problems.push(`${key} went ${before} → ${value}`);
        }
        // A worker conflates ticks while the main thread is busy; it counts them.
        const taken = delivered + state.counters.ticksConflated;
        if (state.counters.ticks !== taken) {
          problems.push(
            `ticks counter ${state.counters.ticks}, delivered ${delivered} + conflated ${state.counters.ticksConflated}`,
          );
        }
        previous = state.counters;
        c.callbacks.onState(state);
      },
    },
  };
}

/** Collectors whose every callback throws after recording. */
function throwingCollectors(): Collectors {
  const c = collectors();
  const fail = (what: string) => {
    throw new Error(`${what} consumer bug`);
  };
  return {
    ...c,
    callbacks: {
      onTicks: (ticks) => (c.callbacks.onTicks(ticks), fail("tick")),
      onTrades: (trades) => (c.callbacks.onTrades(trades), fail("trade")),
      onLiquidations: (liquidations) => (
        c.callbacks.onLiquidations(liquidations), fail("liquidation")
      ),
      onState: (state) => (c.callbacks.onState(state), fail("state")),
      onLog: (level, message, fields) => (
        c.callbacks.onLog(level, message, fields), fail("log")
      ),
    },
  };
}
