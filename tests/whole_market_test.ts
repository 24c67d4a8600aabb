/**
 * The whole market end to end, against the simulator: `SYMBOLS=all` follows
 * every listed instrument (hundreds of synthetic pairs and perpetuals), a
 * listing added or removed at runtime starts or stops streaming without a
 * restart, a connection that answers pings but sends no data is replaced
 * while the others keep streaming, a failing instruments endpoint is served
 * around, and a large liquidation becomes one stored and pushed alert.
 */
import assert from "node:assert/strict";
import type { AlertsResponse } from "../lib/protocol/api_types.ts";
import type { CandlesResponse } from "../lib/protocol/candles.ts";
import type {
  AlertFrame,
  MarketFrame,
  ServerFrame,
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

const isMarket = (f: ServerFrame): f is MarketFrame => f.type === "market";

/** The newest bars of `symbol` from `GET /api/candles`. */
async function candles(
  stack: Stack,
  symbol: string,
  interval: "1s" | "1m",
): Promise<CandlesResponse> {
  const response = await fetch(
    `${stack.service.url}/api/candles?symbol=${symbol}&interval=${interval}&limit=100`,
  );
  assert.equal(response.status, 200, await response.clone().text());
  return await response.json();
}

/** A stack following the whole simulated market over its WebSockets. */
function marketStack(
  env: Record<string, string>,
  options: StackOptions = {},
): Promise<Stack> {
  return startStack({
    ...options,
    env: {
      INGEST_MODE: "ws",
      SYMBOLS: "all",
      STREAM_HEARTBEAT_DELAY: "1",
      ...env,
    },
  });
}

Deno.test("whole market - SYMBOLS=all follows 600 synthetic pairs and their perpetuals, every one streaming", async () => {
  const stack = await marketStack(
    { MARKETS: "spot,linear", WS_FALLBACK_AFTER_SECONDS: "30" },
    {
      // Slower pushes than Bybit's keep a busy test machine from drowning;
      // every topic still pushes several times a second.
      exchange: {
        syntheticSymbols: 600,
        syntheticPerps: 400,
        wsPushIntervalMs: 250,
        linearPushIntervalMs: 250,
      },
    },
  );
  try {
    const loaded = await pollUntil(
      async () => {
        const d = await readDiagnostics(stack);
        return d.listing?.markets.every((m) => m.status === "loaded") && d;
      },
      "both listings loaded",
      30_000,
    );
    const spot = stack.exchange.exchange.market.symbols.length;
    const perps = stack.exchange.exchange.linearMarket.symbols.length;
    assert.equal(spot, 606);
    assert.equal(perps, 405);
    assert.equal(loaded.symbols.length, spot + perps);
    assert.ok(loaded.symbols.some((s) => s.symbol === "BTC-USDT-PERP"));
    const topics = spot * 2 + perps * 3;
    const streaming = await pollUntil(
      async () => {
        const d = await readDiagnostics(stack);
        return d.symbols.every((s) => s.last_tick_ts !== null) &&
          d.ws!.active_topics === topics && d;
      },
      `a tick from all 1,011 symbols and ${topics} topics active`,
      60_000,
    );
    const connections = streaming.ws!.connections;
    const spotConnections = connections.filter((c) => c.market === "spot");
    assert.ok(spotConnections.length >= 2, "1,212 spot topics need two");
    assert.ok(connections.every((c) => c.refused_topics === 0));
    assert.equal(streaming.ws!.pending_topics, 0);
    // One overview socket sees the whole market.
    const client = await connectClient(`${stack.wsUrl}/ws/market`);
    try {
      const [first] = await client.waitForCount(isMarket, 1, 10_000);
      assert.equal((first as MarketFrame).items.length, spot + perps);
      const [, second] = await client.waitForCount(isMarket, 2, 10_000);
      const gap = (second as MarketFrame).ts - (first as MarketFrame).ts;
      assert.ok(gap >= 900, `frames ${gap} ms apart: at most one a second`);
      assert.ok((second as MarketFrame).items.length > 0);
    } finally {
      await client.close();
    }
    // A detail socket on more than 32 symbols without naming them is refused.
    const refused = await fetch(`${stack.service.url}/ws/stream`, {
      headers: { upgrade: "websocket" },
    });
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).detail, /\/ws\/market/);
  } finally {
    await stack.stop();
  }
});

Deno.test("whole market - a listing added and removed at runtime starts and stops streaming, nothing restarts", async () => {
  const stack = await marketStack({
    MARKETS: "spot",
    INSTRUMENTS_REFRESH_SECONDS: "0.5",
    CANDLES_BACKFILL_HOURS: "1",
  });
  try {
    const before = await pollUntil(async () => {
      const d = await readDiagnostics(stack);
      return d.listing?.markets[0].status === "loaded" &&
        d.symbols.every((s) => s.last_tick_ts !== null) && d;
    }, "the listing streaming");
    const epoch = (await (await fetch(`${stack.service.url}/api/health`))
      .json()).epoch;
    const connects = before.ws!.connects;
    const client = await connectClient(`${stack.wsUrl}/ws/market`);
    try {
      stack.exchange.exchange.list("spot", "NEWCOINUSDT");
      const added = await pollUntil(
        async () => {
          const d = await readDiagnostics(stack);
          const row = d.symbols.find((s) => s.symbol === "NEWCOIN-USDT");
          return row?.last_tick_ts !== null && row !== undefined && d;
        },
        "the new listing streaming",
        15_000,
      );
      assert.equal(added.ws!.connects, connects, "no reconnect");
      await client.waitFor(
        (f) => isMarket(f) && f.items.some((i) => i.symbol === "NEWCOIN-USDT"),
        10_000,
      );
      const room = await fetch(`${stack.service.url}/api/rooms/NEWCOIN-USDT`);
      assert.equal(room.status, 200);
      await room.body?.cancel();
      assert.ok(stack.logs.some((l) => l.msg === "New listings followed"));
      // The new listing gets its own bars, built from its ticks and trades,
      // and the hour before it from the exchange's klines.
      const bars = await pollUntil(async () => {
        const answer = await candles(stack, "NEWCOIN-USDT", "1s");
        return answer.candles.length >= 2 && answer.candles;
      }, "1 s bars of the new listing");
      assert.ok(bars.every((bar) => bar.c > 0 && bar.t % 1_000 === 0));
      const minutes = await pollUntil(async () => {
        const answer = await candles(stack, "NEWCOIN-USDT", "1m");
        return answer.candles.length >= 60 && answer.candles;
      }, "the new listing's hour of 1 m bars from the klines");
      assert.ok(
        minutes[0].t < bars[0].t - 30 * 60_000,
        "from before it was listed here: backfilled",
      );

      stack.exchange.exchange.delist("spot", "NEWCOINUSDT");
      const removed = await pollUntil(
        async () => {
          const d = await readDiagnostics(stack);
          return !d.symbols.some((s) => s.symbol === "NEWCOIN-USDT") && d;
        },
        "the delisting noticed",
        15_000,
      );
      assert.deepEqual(
        removed.listing!.delisted.map((d) => d.symbol),
        ["NEWCOIN-USDT"],
      );
      assert.equal(removed.ws!.connects, connects, "still no reconnect");
      await client.waitFor(
        (f) => isMarket(f) && (f.removed ?? []).includes("NEWCOIN-USDT"),
        10_000,
      );
      const gone = await fetch(`${stack.service.url}/api/rooms/NEWCOIN-USDT`);
      assert.equal(gone.status, 404);
      await gone.body?.cancel();
      const noBars = await fetch(
        `${stack.service.url}/api/candles?symbol=NEWCOIN-USDT&interval=1s`,
      );
      assert.equal(noBars.status, 404, "no bars for what is not followed");
      await noBars.body?.cancel();
      assert.ok(
        stack.logs.some((l) =>
          l.msg === "Delisted symbols are no longer followed"
        ),
      );
      const health = await (await fetch(`${stack.service.url}/api/health`))
        .json();
      assert.equal(health.epoch, epoch, "the hub kept its sequences");
      assert.equal(removed.ingestion.restarts, 0);
      // The other symbols never stopped.
      await client.waitFor(
        (f) => isMarket(f) && f.items.some((i) => i.symbol === "BTC-USDT"),
        10_000,
      );
    } finally {
      await client.close();
    }
  } finally {
    await stack.stop();
  }
});

Deno.test("whole market - a connection that answers pings but sends no data is replaced; the others keep streaming", async () => {
  const silenceS = 3;
  const stack = await marketStack(
    {
      MARKETS: "spot",
      WS_DATA_SILENCE_SECONDS: String(silenceS),
      WS_FALLBACK_AFTER_SECONDS: "60",
    },
    { exchange: { syntheticSymbols: 600, wsPushIntervalMs: 200 } },
  );
  try {
    const ready = await pollUntil(
      async () => {
        const d = await readDiagnostics(stack);
        const c = d.ws?.connections ?? [];
        return c.length >= 2 && c.every((x) => x.connected) &&
          d.symbols.every((s) => s.last_tick_ts !== null) && d;
      },
      "two spot connections streaming",
      60_000,
    );
    const labels = ready.ws!.connections.map((c) => c.label);
    const muted = Date.now();
    stack.exchange.exchange.setWsFault("mute", { count: 1 });
    assert.equal(stack.exchange.exchange.state().ws.muted, 1);
    const replaced = await pollUntil(
      async () => {
        const d = await readDiagnostics(stack);
        return d.ws!.data_silence_replacements >= 1 && d;
      },
      "the muted connection replaced",
      (silenceS + 10) * 1_000,
    );
    const tookS = (Date.now() - muted) / 1_000;
    assert.ok(tookS <= silenceS + 5, `replaced after ${tookS.toFixed(1)} s`);
    const culprit = replaced.ws!.connections.find((c) =>
      c.data_silence_replacements === 1
    )!;
    // The others kept delivering data: never replaced, never reconnected,
    // and streaming when the muted one was replaced.
    for (const other of replaced.ws!.connections) {
      if (other.label === culprit.label) continue;
      assert.equal(other.data_silence_replacements, 0, other.label);
      assert.equal(other.connects, 1, other.label);
      assert.ok(
        (other.seconds_since_last_data ?? 99) < silenceS,
        `${other.label} quiet ${other.seconds_since_last_data} s`,
      );
    }
    assert.match(culprit.last_error ?? "", /^ws-data-silent: /);
    assert.equal(replaced.upstream.stalled, false);
    const m = await readMetrics(stack);
    assert.equal(m.ingest?.ws_data_silence_replacements_total, 1);
    const text = await (await fetch(`${stack.service.url}/metrics`)).text();
    assert.match(text, /^sentinel_ws_data_silence_replacements_total 1$/m);
    // The replacement connection streams again, under the same label.
    await pollUntil(
      async () => {
        const d = await readDiagnostics(stack);
        const again = d.ws!.connections.find((c) => c.label === culprit.label);
        return again?.connected && (again.seconds_since_last_data ?? 99) < 2;
      },
      "the replacement streaming",
      20_000,
    );
    assert.deepEqual(
      (await readDiagnostics(stack)).ws!.connections.map((c) => c.label),
      labels,
    );
  } finally {
    await stack.stop();
  }
});

Deno.test("whole market - an instruments endpoint failing at start is retried while the known symbols stream", async () => {
  const stack = await marketStack(
    { MARKETS: "spot" },
    { exchange: { fault: "http503" } },
  );
  try {
    const failing = await pollUntil(async () => {
      const d = await readDiagnostics(stack);
      const m = d.listing?.markets[0];
      return m?.status === "retrying" && m.consecutive_failures >= 2 && d;
    }, "the listing retried");
    assert.match(failing.listing!.markets[0].last_error ?? "", /HTTP 503/);
    assert.ok(
      stack.logs.some((l) =>
        l.msg === "Instruments listing unavailable; following what is known"
      ),
    );
    // What is known meanwhile: the default pairs, streaming.
    await pollUntil(async () => {
      const d = await readDiagnostics(stack);
      return d.symbols.length === 4 &&
        d.symbols.every((s) => s.last_tick_ts !== null);
    }, "the known symbols streaming");
    stack.exchange.exchange.clearFault();
    const loaded = await pollUntil(
      async () => {
        const d = await readDiagnostics(stack);
        return d.listing?.markets[0].status === "loaded" && d;
      },
      "the listing loaded once the endpoint answers",
      90_000,
    );
    assert.equal(loaded.symbols.length, 6);
  } finally {
    await stack.stop();
  }
});

Deno.test("whole market - a large liquidation raises one liquidation alert, stored then pushed; absurd ones never", async () => {
  const stack = await startStack({
    env: {
      INGEST_MODE: "ws",
      MARKETS: "spot,linear",
      SYMBOLS: "BTC-USDT,BTC-USDT-PERP,ETH-USDT-PERP",
      // Above anything the simulator liquidates by itself.
      LIQUIDATION_THRESHOLDS: "BTC-USDT-PERP=50000000,ETH-USDT-PERP=50000000",
    },
  });
  try {
    const client = await connectClient(`${stack.wsUrl}/ws/market`);
    try {
      await pollUntil(async () => {
        const d = await readDiagnostics(stack);
        return d.ws?.connections.every((c) =>
          c.connected && c.active_topics > 0
        );
      }, "both streams subscribed");
      const sim = stack.exchange.exchange;
      assert.equal(sim.liquidate("BTCUSDT", "Buy", 60_000_000), true);
      const alert = await client.waitFor(
        (f): f is AlertFrame => f.type === "alert" && f.kind === "liquidation",
        15_000,
      ) as AlertFrame;
      assert.equal(alert.symbol, "BTC-USDT-PERP");
      assert.equal(alert.side, "Buy");
      assert.ok(alert.price > 0);
      assert.ok(Math.abs(alert.size! * alert.price - 60_000_000) < 1_000);
      assert.equal(alert.threshold, 50_000_000);
      const stored: AlertsResponse = await (await fetch(
        `${stack.service.url}/api/alerts?kind=liquidation`,
      )).json();
      assert.deepEqual(stored.alerts.map((a) => a.id), [alert.id]);
      assert.equal(stored.alerts[0].size, alert.size);
      // An absurd one is counted and rejected, never alerted.
      sim.linearMarket.injectLiquidation("ETHUSDT", "Sell", "1e9", "1e9");
      await pollUntil(
        async () =>
          ((await readMetrics(stack)).ingest?.liquidations_rejected_total ??
            0) >=
            1,
        "the absurd liquidation rejected",
      );
      const after: AlertsResponse = await (await fetch(
        `${stack.service.url}/api/alerts?kind=liquidation`,
      )).json();
      assert.equal(after.alerts.length, 1);
      assert.equal(
        client.frames.filter((f) =>
          f.type === "alert" && f.kind === "liquidation"
        )
          .length,
        1,
      );
    } finally {
      await client.close();
    }
  } finally {
    await stack.stop();
  }
});
