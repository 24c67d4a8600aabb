import assert from "node:assert/strict";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import {
  type IngestConfig,
  type LogFields,
  type UpstreamState,
  ZERO_COUNTERS,
} from "./engine_contract.ts";
import { IngestLoop, type IngestLoopOptions } from "./rest_ingest_loop.ts";
import {
  allTrackedBody,
  fakeHostConfig,
  type FetchStep,
  Inbox,
  jsonResponse,
  ScriptedFetch,
  spotItem,
  tickersEnvelope,
  TRACKED,
} from "../test_utils.ts";
import { FakeClock } from "../../clock/fake_clock.ts";
import { fakeRestHarness } from "./conformance_harnesses.ts";
import { createIngestEngine } from "./ingest_engine.ts";
import { ingestEngineConformance } from "./ingest_engine_conformance.ts";

ingestEngineConformance("IngestLoop", (c) =>
  fakeRestHarness(c, {
    engine: (deps) => createIngestEngine({ ...deps, ...deps.callbacks }),
  }));

interface LogEntry {
  level: string;
  message: string;
  fields: LogFields;
}

const CONFIG: IngestConfig = fakeHostConfig("rest");

const ok = (body = allTrackedBody()): FetchStep => ({
  respond: () => jsonResponse(body),
});
const status = (code: number, headers: Record<string, string> = {}) => ({
  respond: () => jsonResponse("{}", { status: code, headers }),
});

function harness(
  steps: FetchStep[],
  options: Partial<IngestLoopOptions> = {},
) {
  const clock = new FakeClock();
  const fake = new ScriptedFetch(steps);
  const ticks = new Inbox<AnalyzedTick[]>();
  const states = new Inbox<UpstreamState>();
  const logs = new Inbox<LogEntry>();
  const loop = new IngestLoop({
    config: CONFIG,
    fetch: fake.fetch,
    clock,
    random: () => 0.5,
    onTicks: ticks.push,
    onState: states.push,
    onLog: (level, message, fields) => logs.push({ level, message, fields }),
    ...options,
  });
  /** Starts the loop and resolves with the first cycle's state. */
  const start = () => {
    const first = states.next();
    loop.start();
    return first;
  };
  /**
   * Advances time by `ms` and resolves with the state of the next completed
   * poll (heartbeats in between are skipped).
   */
  const after = (ms: number) => {
    const requests = loop.state().counters.requests;
    const next = states.next((s) => s.counters.requests > requests);
    clock.advance(ms);
    return next;
  };
  return { clock, fake, ticks, states, logs, loop, start, after };
}

Deno.test({
  name: "IngestLoop - polls at once, emits analysed ticks and state",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const h = harness([ok()]);
    const state = await h.start();
    assert.equal(h.fake.urls.length, 1);
    const [batch] = h.ticks.items;
    assert.deepEqual(batch.map((t) => t.symbol), TRACKED.map((s) => s.id));
    assert.equal(batch[0].price, 20533.13);
    assert.equal(batch[0].whale_threshold, 50_000_000);
    assert.equal(batch[0].is_whale, true);
    assert.equal(batch[0].source, "rest");
    assert.equal(batch[0].tier, "ACTIVE");
    assert.equal(state.source, "rest");
    assert.equal(state.host, "api.example.test");
    assert.equal(state.lastSuccess, h.clock.now());
    assert.equal(state.lastAttempt, h.clock.now());
    assert.equal(state.consecutiveFailures, 0);
    assert.equal(state.lastError, null);
    assert.equal(state.nextAttemptInMs, 1_000);
    assert.deepEqual(state.unavailableSymbols, []);
    assert.equal(state.mode, "rest");
    assert.equal(state.ws, null);
    assert.deepEqual(state.counters, {
      ...ZERO_COUNTERS,
      requests: 1,
      errors: 0,
      itemsRejected: 0,
      ticks: 4,
    });
    await h.loop.stop();
    assert.deepEqual(h.clock.pending(), []);
  },
});

Deno.test("IngestLoop - paces polls from the start of the previous poll", async () => {
  const h = harness([{
    respond: () => {
      h.clock.advance(300);
      return jsonResponse(allTrackedBody());
    },
  }]);
  const t0 = h.clock.now();
  const first = await h.start();
  assert.equal(first.latencyMs, 300);
  assert.deepEqual(h.clock.pending(), [700]);
  const second = await h.after(700);
  assert.equal(second.lastAttempt, t0 + 1_000);
  assert.equal(h.fake.urls.length, 2);
  await h.loop.stop();
});

Deno.test("IngestLoop - late timers do not slow the poll rate down", async () => {
  const fake = new FakeClock();
  // Every timer fires 3 ms after it was due, as real timers under load do.
  fake.lateByMs = 3;
  const h = harness([ok()], { clock: fake });
  const t0 = fake.now();
  await h.start();
  const polls = [];
  for (let i = 0; i < 3; i++) {
    const next = h.states.next((s) => s.counters.requests > i + 1);
    fake.advance(fake.pending()[0]);
    polls.push((await next).lastAttempt! - t0);
  }
  assert.deepEqual(
    polls,
    [1_003, 2_003, 3_003],
    "lateness does not accumulate",
  );
  await h.loop.stop();
});

Deno.test("IngestLoop - labels simulator data as such", async () => {
  const h = harness([{
    respond: () =>
      jsonResponse(allTrackedBody(), {
        headers: { "x-sentinel-simulator": "1" },
      }),
  }]);
  const state = await h.start();
  assert.equal(state.simulated, true);
  assert.equal(state.source, "simulator");
  assert.equal(h.ticks.items[0][0].source, "simulator");
  await h.loop.stop();
});

Deno.test("IngestLoop - backs off with full jitter, then resets on success", async () => {
  const h = harness([
    status(500),
    status(500),
    status(500),
    status(500),
    status(500),
    status(500),
    ok(),
  ], {
    config: {
      ...CONFIG,
      upstream: { ...CONFIG.upstream, pollIntervalMs: 100 },
    },
  });
  const waits: (number | null)[] = [];
  let state = await h.start();
  waits.push(state.nextAttemptInMs);
  for (let i = 0; i < 5; i++) {
    state = await h.after(state.nextAttemptInMs!);
    waits.push(state.nextAttemptInMs);
  }
  // random() = 0.5 of min(15 s, 1 s × 2^attempt)
  assert.deepEqual(waits, [500, 1_000, 2_000, 4_000, 7_500, 7_500]);
  assert.equal(state.consecutiveFailures, 6);
  assert.equal(state.lastError?.kind, "http");
  assert.equal(state.lastError?.message, "HTTP 500 from upstream");
  state = await h.after(7_500);
  assert.equal(state.consecutiveFailures, 0);
  assert.equal(state.nextAttemptInMs, 100);
  assert.equal(state.lastError?.kind, "http", "last error kept for operators");
  assert.ok(h.logs.items.some((l) => l.message === "Upstream recovered"));
  await h.loop.stop();
});

Deno.test("IngestLoop - never backs off below the poll interval", async () => {
  const h = harness([status(502), ok()], { random: () => 0 });
  const state = await h.start();
  assert.equal(state.nextAttemptInMs, 1_000);
  await h.loop.stop();
});

Deno.test("IngestLoop - HTTP 403 pauses ~10 min, heartbeating meanwhile", async () => {
  const h = harness([status(403), ok()], { random: () => 0 });
  const state = await h.start();
  assert.equal(state.lastError?.kind, "rate-limited");
  assert.equal(state.nextAttemptInMs, 600_000);
  const nextBeat = h.states.next();
  h.clock.advance(5_000);
  const beat = await nextBeat;
  assert.equal(beat.nextAttemptInMs, 595_000);
  assert.equal(beat.counters.requests, 1);
  for (let waited = 5_000; waited < 595_000; waited += 5_000) {
    h.clock.advance(5_000);
  }
  assert.equal(h.fake.urls.length, 1, "no request during the pause");
  const resumed = await h.after(5_000);
  assert.equal(h.fake.urls.length, 2);
  assert.equal(resumed.consecutiveFailures, 0);
  await h.loop.stop();
});

Deno.test("IngestLoop - 429 honours Retry-After; 10006 backs off long", async () => {
  const h = harness([
    status(429, { "retry-after": "42" }),
    {
      respond: () =>
        jsonResponse('{"retCode":10006,"retMsg":"Too many visits!"}'),
    },
    ok(),
  ], { random: () => 0 });
  let state = await h.start();
  assert.equal(state.nextAttemptInMs, 42_000);
  state = await h.after(42_000);
  assert.equal(state.lastError?.kind, "rate-limited");
  assert.match(state.lastError!.message, /10006/);
  // second consecutive rate limit: equal jitter with a 60 s ceiling
  assert.equal(state.nextAttemptInMs, 30_000);
  await h.loop.stop();
});

Deno.test("IngestLoop - survives every upstream fault and keeps polling", async () => {
  const faults: [FetchStep, string][] = [
    [{ hang: true }, "timeout"],
    [{ fail: () => new TypeError("Connection reset by peer") }, "network"],
    [status(503), "http"],
    [{ respond: () => jsonResponse("<html>") }, "malformed-json"],
    [
      { respond: () => jsonResponse('{"retCode":10016,"retMsg":"x"}') },
      "ret-code",
    ],
    [{ respond: () => jsonResponse("null") }, "invalid-envelope"],
    [
      { respond: () => jsonResponse(JSON.stringify(tickersEnvelope(null))) },
      "invalid-envelope",
    ],
  ];
  const h = harness([...faults.map(([step]) => step), ok()], {
    random: () => 0,
  });
  const kinds: string[] = [];
  let next = h.states.next();
  h.loop.start();
  for (let i = 0; i < faults.length; i++) {
    if (i === 0) h.clock.advance(10_000);
    const state = await next;
    kinds.push(state.lastError!.kind);
    next = h.states.next();
    h.clock.advance(state.nextAttemptInMs!);
  }
  const final = await next;
  assert.deepEqual(kinds, faults.map(([, kind]) => kind));
  assert.equal(final.consecutiveFailures, 0);
  assert.equal(final.counters.errors, faults.length);
  assert.equal(final.counters.requests, faults.length + 1);
  assert.equal(h.ticks.items.length, 1);
  await h.loop.stop();
});

Deno.test("IngestLoop - a bad item costs only its own tick; logged once", async () => {
  const body = JSON.stringify(tickersEnvelope([
    spotItem("BTCUSDT", { lastPrice: "NaN" }),
    spotItem("ETHUSDT"),
    spotItem("SOLUSDT"),
    spotItem("1000SATSUSDT"),
  ]));
  const h = harness([ok(body)]);
  await h.start();
  const state = await h.after(1_000);
  assert.deepEqual(
    h.ticks.items.map((batch) => batch.map((t) => t.symbol)),
    [
      ["ETH-USDT", "SOL-USDT", "1000SATS-USDT"],
      ["ETH-USDT", "SOL-USDT", "1000SATS-USDT"],
    ],
  );
  assert.equal(state.counters.itemsRejected, 2);
  assert.equal(state.consecutiveFailures, 0);
  const rejections = h.logs.items.filter((l) =>
    l.message === "Upstream item rejected"
  );
  assert.equal(rejections.length, 1);
  assert.equal(rejections[0].fields.symbol, "BTC-USDT");
  await h.loop.stop();
});

Deno.test("IngestLoop - implausible values are rejected, counted every time and logged once", async () => {
  const poll = (price: string) =>
    ok(JSON.stringify(tickersEnvelope([
      spotItem("BTCUSDT", { lastPrice: price, turnover24h: "1e308" }),
      spotItem("ETHUSDT"),
      spotItem("SOLUSDT"),
      spotItem("1000SATSUSDT"),
    ])));
  const h = harness([poll("1e300"), poll("2e300"), poll("3e300")]);
  await h.start();
  await h.after(1_000);
  const state = await h.after(1_000);
  assert.equal(state.counters.itemsRejected, 3);
  assert.ok(
    h.ticks.items.flat().every((t) => t.symbol !== "BTC-USDT"),
    "no tick (so no alert) from an implausible item",
  );
  const rejections = h.logs.items.filter((l) =>
    l.message === "Upstream item rejected"
  );
  assert.equal(rejections.length, 1);
  assert.match(String(rejections[0].fields.reason), /plausible range/);
  await h.loop.stop();
});

Deno.test("IngestLoop - unlisted symbols are reported, not retried faster", async () => {
  const partial = JSON.stringify(tickersEnvelope([
    spotItem("BTCUSDT"),
    spotItem("ETHUSDT"),
    spotItem("SOLUSDT"),
  ]));
  const h = harness([ok(partial), ok(partial), ok()]);
  let state = await h.start();
  assert.deepEqual(state.unavailableSymbols, ["1000SATS-USDT"]);
  assert.equal(state.nextAttemptInMs, 1_000);
  state = await h.after(1_000);
  assert.deepEqual(state.unavailableSymbols, ["1000SATS-USDT"]);
  assert.equal(state.counters.requests, 2);
  const warned = h.logs.items.filter((l) =>
    l.message === "Tracked symbols not listed by the exchange"
  );
  assert.deepEqual(warned.map((l) => l.fields.symbols), ["1000SATS-USDT"]);
  state = await h.after(1_000);
  assert.deepEqual(state.unavailableSymbols, []);
  assert.ok(
    h.logs.items.some((l) => l.message === "All tracked symbols listed again"),
  );
  await h.loop.stop();
});

Deno.test("IngestLoop - stop() aborts an in-flight request and leaves no timer", async () => {
  const h = harness([ok(), { hang: true }]);
  await h.start();
  h.clock.advance(1_000);
  assert.equal(h.fake.pending, 1);
  const before = h.states.items.length;
  await h.loop.stop();
  assert.equal(h.fake.pending, 0);
  assert.deepEqual(h.clock.pending(), []);
  assert.equal(h.states.items.length, before, "no state after stop");
  assert.equal(h.loop.state().nextAttemptAt, null);
  await h.loop.stop();
});

Deno.test({
  name:
    "IngestLoop - pause() aborts the poll in flight and discards it; resume() polls at once",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const h = harness([ok(), { hang: true }]);
    await h.start();
    h.clock.advance(1_000);
    assert.equal(h.fake.pending, 1);
    const states = h.states.items.length;
    h.loop.pause();
    assert.equal(h.loop.paused, true);
    assert.equal(h.fake.pending, 0, "aborted at once");
    assert.equal(h.loop.state().nextAttemptAt, null);
    h.clock.advance(60_000);
    assert.equal(h.fake.urls.length, 2, "nothing polled while paused");
    h.fake.script([ok()]);
    const resumed = h.states.next();
    h.loop.resume();
    assert.equal(h.fake.urls.length, 3);
    const state = await resumed;
    await h.loop.stop();
    assert.equal(
      h.states.items.length,
      states + 1,
      "the aborted poll left no state",
    );
    assert.equal(state.consecutiveFailures, 0, "an abort is not a failure");
    assert.equal(state.counters.errors, 0);
    assert.equal(h.ticks.items.length, 2);
    assert.deepEqual(h.clock.pending(), []);
  },
});

Deno.test("IngestLoop - resume() starts a loop never started; pause() before start is a no-op", async () => {
  const h = harness([ok()]);
  h.loop.pause();
  assert.equal(h.loop.paused, false);
  const first = h.states.next();
  h.loop.resume();
  await first;
  assert.equal(h.fake.urls.length, 1);
  await h.loop.stop();
});

Deno.test("IngestLoop - stop() while waiting cancels the timer", async () => {
  const h = harness([status(403)]);
  await h.start();
  assert.equal(h.clock.pending().length, 1);
  await h.loop.stop();
  assert.deepEqual(h.clock.pending(), []);
  h.clock.advance(3_600_000);
  assert.equal(h.fake.urls.length, 1);
});

Deno.test("IngestLoop - rejects a bad interval", () => {
  assert.throws(
    () =>
      new IngestLoop({
        config: {
          ...CONFIG,
          upstream: { ...CONFIG.upstream, pollIntervalMs: 0 },
        },
        onTicks() {},
        onState() {},
        onLog() {},
      }),
    /pollIntervalMs/,
  );
});

Deno.test({
  name: "IngestLoop - real timers and fetch: stop() leaves nothing behind",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    let requests = 0;
    const { promise: released, resolve: release } = Promise.withResolvers<
      void
    >();
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async () => {
        requests++;
        // The second request hangs until the test releases it.
        if (requests > 1) await released;
        return jsonResponse(allTrackedBody());
      },
    );
    const states = new Inbox<UpstreamState>();
    const loop = new IngestLoop({
      config: {
        ...CONFIG,
        upstream: {
          ...CONFIG.upstream,
          tickersUrl: `http://127.0.0.1:${server.addr.port}/v5/market/tickers`,
          timeoutMs: 60_000,
          pollIntervalMs: 20,
        },
      },
      onTicks() {},
      onState: states.push,
      onLog() {},
    });
    try {
      const first = states.next(undefined, 5_000);
      loop.start();
      assert.equal((await first).counters.ticks, 4);
      const deadline = Date.now() + 5_000;
      while (requests < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(requests, 2);
    } finally {
      await loop.stop();
      release();
      await server.shutdown();
    }
  },
});
