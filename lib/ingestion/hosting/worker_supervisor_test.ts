import assert from "node:assert/strict";
import { startExchange } from "../../simulator/start_exchange.ts";
import {
  type Collectors,
  collectors,
  exampleUpstream,
  ingestConfig,
  WITHIN_MS,
  withWorkerGlobal,
} from "../test_utils.ts";
import {
  type EngineHarness,
  ingestEngineConformance,
} from "../engines/ingest_engine_conformance.ts";
import {
  WorkerIngestion,
  type WorkerIngestionOptions,
  WorkerUnavailableError,
} from "./worker_supervisor.ts";

const FAULTY_WORKER = new URL(
  "./testdata/faulty_worker_entry.ts",
  import.meta.url,
);

/**
 * Records every worker the host creates and terminates, by swapping the
 * global `Worker` for a subclass for the duration of `fn`.
 */
async function withWorkerSpy(
  fn: (spy: { created: number; terminated: number }) => Promise<void>,
): Promise<void> {
  const spy = { created: 0, terminated: 0 };
  class SpyWorker extends Worker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      spy.created++;
    }
    override terminate(): void {
      spy.terminated++;
      super.terminate();
    }
  }
  await withWorkerGlobal(SpyWorker, () => fn(spy));
}

/** Runs `fn` against a fresh upstream and a started host, then stops both. */
async function withWorkerHost(
  options: Partial<WorkerIngestionOptions>,
  fn: (
    host: WorkerIngestion,
    c: ReturnType<typeof collectors>,
    upstream: ReturnType<typeof exampleUpstream>,
  ) => Promise<void>,
) {
  await withWorkerSpy(async (spy) => {
    const upstream = exampleUpstream();
    const c = collectors();
    const host = new WorkerIngestion({
      config: ingestConfig(upstream.url),
      ...c.callbacks,
      ...options,
    });
    try {
      await fn(host, c, upstream);
    } finally {
      await host.stop();
      await upstream.close();
    }
    assert.equal(host.status().running, false);
    assert.ok(spy.created >= 1);
    assert.equal(spy.terminated, spy.created, "every worker terminated");
  });
}

/**
 * The engine contract through a real worker, on real time, against the
 * simulator: its faults break the upstream (`http503` for polling, `close`
 * for the WebSocket). Waiting out heartbeats would take many real seconds,
 * so that step runs on the engines and the inline host only.
 */
async function workerHarness(
  c: Collectors,
  mode: "rest" | "ws",
): Promise<EngineHarness> {
  const sim = await startExchange({ wsPushIntervalMs: 20 });
  const base = ingestConfig(sim.tickersUrl);
  const config = {
    ...base,
    upstream: { ...base.upstream, mode, wsUrl: sim.wsUrl },
  };
  let host: WorkerIngestion | undefined;
  return {
    config,
    realTime: true,
    get control() {
      if (host === undefined) throw new Error("Not started");
      return host;
    },
    start() {
      const first = c.states.next(undefined, WITHIN_MS);
      host = new WorkerIngestion({ config, ...c.callbacks });
      return first;
    },
    nextTicks: (match) => c.ticks.next(match, WITHIN_MS),
    breakUpstream() {
      const failed = c.states.next((s) => s.consecutiveFailures > 0, WITHIN_MS);
      if (mode === "ws") sim.exchange.setWsFault("close");
      else sim.exchange.setFault("http503");
      return failed;
    },
    mendUpstream() {
      sim.exchange.clearWsFault();
      sim.exchange.clearFault();
      return Promise.resolve();
    },
    // stop() resolves once the worker said it stopped and was terminated;
    // one turn of the event loop lets any message already queued land.
    afterStop: () => new Promise((resolve) => setTimeout(resolve, 0)),
    async dispose() {
      await host?.stop();
      await sim.shutdown();
    },
  };
}

ingestEngineConformance(
  "WorkerIngestion (rest)",
  (c) => workerHarness(c, "rest"),
);
ingestEngineConformance("WorkerIngestion (ws)", (c) => workerHarness(c, "ws"));

Deno.test({
  name: "WorkerIngestion - delivers analysed ticks end to end",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    await withWorkerHost({}, async (host, c, upstream) => {
      const [tick] = await c.ticks.next(undefined, WITHIN_MS);
      assert.deepEqual(tick, {
        symbol: "BTC-USDT",
        price: 20533.13,
        high: 21128.12,
        low: 20318.89,
        volume: 243765620.65899866,
        change: 0.68,
        spread: tick.spread,
        is_whale: true,
        whale_alert: false,
        whale_threshold: 50_000_000,
        tier: "ACTIVE",
        range_position: tick.range_position,
        velocity: 0,
        upstream_ts: 1673859087947,
        source: "rest",
      });
      assert.ok(Math.abs(tick.spread - 3.9827) < 1e-3);
      const state = await c.states.next(undefined, WITHIN_MS);
      assert.equal(state.host, `127.0.0.1:${upstream.port}`);
      assert.equal(state.consecutiveFailures, 0);
      assert.deepEqual(state.unavailableSymbols, [
        "ETH-USDT",
        "SOL-USDT",
        "1000SATS-USDT",
      ]);
      const { workerHeap, ...status } = host.status();
      assert.deepEqual(status, {
        mode: "worker",
        running: true,
        restarts: 0,
        lastRestartReason: null,
      });
      assert.ok(workerHeap && workerHeap.used > 0, "the worker's heap");
      assert.ok(
        c.logs.items.some((l) =>
          l.message === "Tracked symbols not listed by the exchange"
        ),
      );
    });
  },
});

Deno.test({
  name:
    "WorkerIngestion - a crashed worker is restarted with thresholds replayed",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    await withWorkerHost({
      workerUrl: FAULTY_WORKER,
      restartBackoff: { baseMs: 50, capMs: 100 },
    }, async (host, c, upstream) => {
      await c.ticks.next(undefined, WITHIN_MS);
      host.setThreshold("BTC-USDT", 123_456_789);
      await c.ticks.next(
        (b) => b[0].whale_threshold === 123_456_789,
        WITHIN_MS,
      );
      const died = c.logs.next(
        (l) => l.message.startsWith("Ingestion worker died"),
        WITHIN_MS,
      );
      const restarted = c.logs.next(
        (l) => l.message === "Ingestion worker restarted",
        WITHIN_MS,
      );
      upstream.inject("crash");
      assert.match(String((await died).fields.reason), /Injected worker crash/);
      await restarted;
      const requestsBefore = c.states.items.at(-1)!.counters.requests;
      const [tick] = await c.ticks.next(undefined, WITHIN_MS);
      assert.equal(tick.whale_threshold, 123_456_789, "threshold replayed");
      const state = await c.states.next(undefined, WITHIN_MS);
      assert.ok(
        state.counters.requests > requestsBefore,
        "counters continue across the restart",
      );
      const status = host.status();
      assert.equal(status.restarts, 1);
      assert.equal(status.running, true);
      assert.match(status.lastRestartReason!, /Injected worker crash/);
    });
  },
});

Deno.test({
  name: "WorkerIngestion - a hung worker is caught by the watchdog",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    await withWorkerHost({
      workerUrl: FAULTY_WORKER,
      watchdogMs: 2_000,
      restartBackoff: { baseMs: 50, capMs: 100 },
    }, async (host, c, upstream) => {
      await c.ticks.next(undefined, WITHIN_MS);
      const died = c.logs.next(
        (l) => l.message.startsWith("Ingestion worker died"),
        WITHIN_MS,
      );
      upstream.inject("hang");
      assert.match(
        String((await died).fields.reason),
        /No state from the worker/,
      );
      await c.ticks.next(undefined, WITHIN_MS);
      assert.equal(host.status().restarts, 1);
    });
  },
});

Deno.test({
  name: "WorkerIngestion - stop() during a restart wait ends cleanly",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    await withWorkerHost({
      workerUrl: FAULTY_WORKER,
      restartBackoff: { baseMs: 600_000, capMs: 600_000 },
      random: () => 0.5,
    }, async (host, c, upstream) => {
      await c.ticks.next(undefined, WITHIN_MS);
      const died = c.logs.next(
        (l) => l.message.startsWith("Ingestion worker died"),
        WITHIN_MS,
      );
      upstream.inject("crash");
      assert.equal((await died).fields.restartInMs, 300_000);
      assert.equal(host.status().running, false);
    });
  },
});

Deno.test("WorkerIngestion - reports missing Worker support as WorkerUnavailableError", async () => {
  await withWorkerGlobal(undefined, () => {
    const c = collectors();
    assert.throws(
      () =>
        new WorkerIngestion({
          config: ingestConfig("http://127.0.0.1:9/v5/market/tickers"),
          ...c.callbacks,
        }),
      WorkerUnavailableError,
    );
    return Promise.resolve();
  });
});

Deno.test("WorkerIngestion - rejects a bad watchdog before starting a worker", () => {
  const c = collectors();
  assert.throws(
    () =>
      new WorkerIngestion({
        config: ingestConfig("http://127.0.0.1:9/v5/market/tickers"),
        watchdogMs: 0,
        ...c.callbacks,
      }),
    /watchdogMs/,
  );
});

Deno.test({
  name:
    "WorkerIngestion - WebSocket mode streams the simulator's ticks and trades through the worker",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    await using sim = await startExchange({ wsPushIntervalMs: 20 });
    const base = ingestConfig(sim.tickersUrl);
    const c = collectors();
    const host = new WorkerIngestion({
      config: {
        ...base,
        upstream: { ...base.upstream, mode: "ws", wsUrl: sim.wsUrl },
      },
      ...c.callbacks,
    });
    try {
      const [tick] = await c.ticks.next(undefined, WITHIN_MS);
      assert.equal(tick.source, "simulator");
      const [trade] = await c.trades.next(undefined, WITHIN_MS);
      assert.ok(Math.abs(trade.notional - trade.price * trade.size) < 1e-6);
      assert.match(trade.id, /^sim-\d+$/);
      const state = await c.states.next(
        (s) => s.ws?.connected === true,
        WITHIN_MS,
      );
      assert.equal(state.mode, "ws");
      assert.equal(state.simulated, true);
      assert.equal(state.counters.requests, 0, "no REST polling");
      assert.equal(sim.exchange.state().requests.tickers, 0);
    } finally {
      await host.stop();
    }
  },
});
