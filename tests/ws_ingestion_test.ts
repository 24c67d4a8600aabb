/**
 * WebSocket ingestion end to end: the simulator's public stream feeds the
 * service (in its worker), faults on the stream are survived with a
 * resubscription, and REST polling stands in while the stream is down.
 */
import assert from "node:assert/strict";
import type {
  ServerFrame,
  StatusFrame,
  TickFrame,
} from "../lib/protocol/frames.ts";
import { connectClient } from "./support/ws_client.ts";
import {
  pollUntil,
  readDiagnostics,
  readMetrics,
  type Stack,
  type StackOptions,
  startStack,
} from "./support/start_stack.ts";

const isTick = (f: ServerFrame): f is TickFrame => f.type === "tick";
const isStatus = (f: ServerFrame): f is StatusFrame => f.type === "status";

/** A stack ingesting from the simulator's WebSocket. */
function wsStack(
  env: Record<string, string> = {},
  options: StackOptions = {},
): Promise<Stack> {
  return startStack({
    ...options,
    env: {
      INGEST_MODE: "ws",
      // REST at 1/s: a tick rate above it can only come from the stream.
      STREAM_HEARTBEAT_DELAY: "1",
      ...env,
    },
  });
}

/** Resolves once `count` more live ticks than now have reached `frames`. */
async function moreTicks(
  client: Awaited<ReturnType<typeof connectClient>>,
  count: number,
  timeoutMs = 10_000,
): Promise<TickFrame[]> {
  const seen = client.frames.filter(isTick).length;
  const ticks = await client.waitForCount(isTick, seen + count, timeoutMs);
  return ticks.slice(seen) as TickFrame[];
}

/** The next status frame (after those already received) matching `mode`. */
async function nextStatus(
  client: Awaited<ReturnType<typeof connectClient>>,
  mode: StatusFrame["mode"],
  timeoutMs: number,
): Promise<StatusFrame> {
  const match = (f: ServerFrame) => isStatus(f) && f.mode === mode;
  const seen = client.frames.filter(match).length;
  const frames = await client.waitForCount(match, seen + 1, timeoutMs);
  return frames.at(-1) as StatusFrame;
}

Deno.test("ws ingestion - ticks flow at the pushed rate over the simulator's WebSocket", async () => {
  const stack = await wsStack({}, { exchange: { wsPushIntervalMs: 40 } });
  try {
    const client = await connectClient(`${stack.wsUrl}/ws/price/BTC-USDT`);
    try {
      await moreTicks(client, 5);
      const ticks = await moreTicks(client, 40);
      for (let i = 1; i < ticks.length; i++) {
        assert.equal(ticks[i].seq, ticks[i - 1].seq + 1, "no gap");
      }
      const meanMs = (ticks.at(-1)!.ts - ticks[0].ts) / (ticks.length - 1);
      assert.ok(
        meanMs >= 30 && meanMs <= 100,
        `one tick per 40 ms push, measured every ${meanMs.toFixed(1)} ms`,
      );
      assert.ok(ticks.every((t) => t.source === "simulator"));
      const d = await readDiagnostics(stack);
      assert.equal(d.mode, "ws");
      assert.equal(d.source, "simulator");
      assert.equal(d.simulated, true);
      assert.equal(d.ws?.connected, true);
      assert.equal(d.ws?.active_topics, 8);
      assert.equal(
        stack.exchange.exchange.state().requests.tickers,
        0,
        "REST was never polled",
      );
      const m = await readMetrics(stack);
      assert.equal(m.ingest?.mode, "ws");
      assert.equal(m.ingest?.ws_connected, 1);
      assert.ok((m.ingest?.trades_total ?? 0) > 0, "trades arrive too");
      assert.ok((m.intake?.cycles_total ?? 0) > 0, "cycles taken in");
      const age = m.intake!.tick_age_ms;
      assert.ok(
        age.p50 !== null && age.p50 >= 0 && age.p50 <= age.max!,
        `tick age measured: ${JSON.stringify(age)}`,
      );
      assert.ok(m.intake!.cycle_handling_ms.max !== null);
    } finally {
      await client.close();
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("ws ingestion - an abrupt close is survived: reconnect, resubscribe, ticks resume", async () => {
  const stack = await wsStack({ WS_FALLBACK_AFTER_SECONDS: "30" });
  try {
    const client = await connectClient(`${stack.wsUrl}/ws/stream`);
    try {
      await moreTicks(client, 5);
      const sim = () => stack.exchange.exchange.state().ws;
      const before = sim();
      stack.exchange.exchange.setWsFault("close", { count: 1 });
      const recovered = await pollUntil(
        async () => {
          const d = await readDiagnostics(stack);
          return (d.ws?.connects ?? 0) >= 2 && d.ws?.active_topics === 8 && d;
        },
        "a second connection with every topic active",
        20_000,
      );
      assert.ok(recovered.ws!.subscribe_requests >= 2, "resubscribed");
      assert.ok(sim().subscribeRequests > before.subscribeRequests);
      assert.equal(sim().connections.total, before.connections.total + 1);
      assert.deepEqual(sim().faultsApplied, { close: 1 });
      const resumed = await moreTicks(client, 10);
      assert.ok(resumed.every((t) => t.source === "simulator"));
      assert.ok(
        stack.logs.some((l) => l.msg === "WebSocket lost; reconnecting"),
      );
    } finally {
      await client.close();
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("ws ingestion - a silent stall is detected and recovered with a resubscription", async () => {
  const stack = await wsStack({
    WS_SILENCE_TIMEOUT_SECONDS: "1.5",
    WS_FALLBACK_AFTER_SECONDS: "30",
  });
  try {
    const client = await connectClient(`${stack.wsUrl}/ws/price/ETH-USDT`);
    try {
      await moreTicks(client, 5);
      const before = stack.exchange.exchange.state().ws;
      stack.exchange.exchange.setWsFault("silence", { count: 1 });
      assert.equal(
        stack.exchange.exchange.state().ws.connections.open,
        1,
        "the stalled socket stays open",
      );
      const recovered = await pollUntil(
        async () => {
          const d = await readDiagnostics(stack);
          return (d.ws?.connects ?? 0) >= 2 && d.ws?.active_topics === 8 && d;
        },
        "a replacement connection",
        20_000,
      );
      assert.match(recovered.upstream.last_error ?? "", /^ws-silent: /);
      const after = stack.exchange.exchange.state().ws;
      assert.ok(after.subscribeRequests > before.subscribeRequests);
      await moreTicks(client, 10);
      assert.ok(
        stack.logs.some((l) =>
          l.msg === "WebSocket lost; reconnecting" && l.kind === "ws-silent"
        ),
      );
    } finally {
      await client.close();
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("ws ingestion - REST takes over while the stream is down and hands back when it returns", async () => {
  const stack = await wsStack({
    WS_FALLBACK_AFTER_SECONDS: "0.5",
    STREAM_HEARTBEAT_DELAY: "0.1",
  });
  try {
    const client = await connectClient(`${stack.wsUrl}/ws/price/SOL-USDT`);
    try {
      await moreTicks(client, 5);
      const sim = stack.exchange.exchange;
      sim.setWsFault("close");
      const down = await nextStatus(client, "rest-fallback", 15_000);
      assert.equal(down.upstream, "degraded");
      assert.match(down.detail ?? "", /WebSocket down; polling REST/);
      const polled = sim.state().requests.tickers;
      await moreTicks(client, 5);
      assert.ok(sim.state().requests.tickers > polled, "REST is polled");
      // The client keeps reconnecting and each socket is closed at once, so
      // `connected` can be caught true for an instant: wait for a reading
      // between two attempts.
      const during = await pollUntil(async () => {
        const d = await readDiagnostics(stack);
        return d.ws?.connected === false && d;
      }, "the stream reported down");
      assert.equal(during.mode, "rest-fallback");
      assert.equal(during.status, "degraded");
      const m = await readMetrics(stack);
      assert.equal(m.ingest?.rest_fallback_active, 1);
      assert.ok((m.ingest?.rest_fallbacks_total ?? 0) >= 1);

      sim.clearWsFault();
      const up = await nextStatus(client, "ws", 30_000);
      assert.equal(up.upstream, "online");
      const handedBack = sim.state().requests.tickers;
      await moreTicks(client, 20);
      assert.ok(
        sim.state().requests.tickers <= handedBack + 1,
        "polling stopped once the stream was back",
      );
      const after = await readDiagnostics(stack);
      assert.equal(after.mode, "ws");
      assert.equal(after.status, "healthy");
      assert.equal((await readMetrics(stack)).ingest?.rest_fallback_active, 0);
    } finally {
      await client.close();
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("ws ingestion - malformed frames are counted and skipped; the stream goes on", async () => {
  const stack = await wsStack();
  try {
    const client = await connectClient(`${stack.wsUrl}/ws/price/BTC-USDT`);
    try {
      await moreTicks(client, 5);
      stack.exchange.exchange.setWsFault("malformed", { count: 8 });
      const d = await pollUntil(async () => {
        const d = await readDiagnostics(stack);
        return (d.ws?.bad_messages ?? 0) >= 8 && d;
      }, "eight bad frames counted");
      assert.equal(stack.exchange.exchange.state().ws.malformedSent, 8);
      assert.equal(d.ws?.bad_messages, 8);
      assert.equal(d.ws?.connects, 1, "no reconnect for a bad frame");
      assert.equal(d.mode, "ws");
      const ticks = await moreTicks(client, 10);
      assert.ok(ticks.every((t) => Number.isFinite(t.price) && t.price > 0));
      assert.equal((await readMetrics(stack)).ingest?.ws_bad_messages_total, 8);
      assert.ok(
        stack.logs.some((l) => l.msg === "WebSocket frame rejected"),
      );
    } finally {
      await client.close();
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("ws ingestion - refused subscriptions are reported, not retried in a loop, and REST fills in", async () => {
  const stack = await wsStack(
    { WS_FALLBACK_AFTER_SECONDS: "0.5", STREAM_HEARTBEAT_DELAY: "0.2" },
    { exchange: { wsFault: "refuse" } },
  );
  try {
    const refused = await pollUntil(async () => {
      const d = await readDiagnostics(stack);
      return d.ws?.refused_topics.length === 8 && d.mode === "rest-fallback" &&
        d;
    }, "every topic refused and REST standing in");
    assert.match(refused.upstream.last_error ?? "", /^ws-refused: /);
    assert.ok(
      refused.symbols.every((s) => s.available),
      "REST lists every symbol while it stands in",
    );
    await pollUntil(
      () => stack.exchange.exchange.state().requests.tickers >= 3,
      "REST polls",
    );
    const requests = stack.exchange.exchange.state().ws.subscribeRequests;
    assert.equal(requests, 1, "one request for 8 topics, not retried at once");
    assert.ok(
      stack.logs.some((l) => l.msg === "WebSocket subscription refused"),
    );
  } finally {
    await stack.stop();
  }
});
