/**
 * Alerting over loopback with the real service and simulator: alerts raised
 * by live market data are committed to KV before a socket sees them, listed
 * and paged by `/api/alerts`, exported as CSV and NDJSON, counted in the
 * metrics; threshold changes for the new lines are persisted and audited.
 */
import assert from "node:assert/strict";
import type { AlertFrame, ServerFrame } from "../lib/protocol/frames.ts";
import type {
  AlertsResponse,
  AuditResponse,
  MetricsResponse,
  ThresholdsResponse,
} from "../lib/protocol/api_types.ts";
import type { MarketTrade } from "../lib/market/market_trade.ts";
import { startExchange } from "../lib/simulator/start_exchange.ts";
import {
  pollUntil,
  startServiceAgainst,
  startStack,
} from "./support/start_stack.ts";
import { connectClient } from "./support/ws_client.ts";

const TOKEN = "test-admin-token-0123456789";

/**
 * REST polling of the simulator (turnover growth drives spikes), and no rate
 * limit in the way of polling the API.
 */
const POLLING = {
  INGEST_MODE: "rest",
  API_RATE_LIMIT_PER_MINUTE: "1000000",
};

/**
 * Market-driven alerts within a second: a 1 USDT spike line over a 0.2 s
 * window re-arms whenever turnover stops growing for a moment.
 */
const BUSY_ALERTS = {
  ...POLLING,
  SPIKE_WINDOW_SECONDS: "0.2",
  SPIKE_THRESHOLDS: "BTC-USDT=1,ETH-USDT=1,SOL-USDT=1,1000SATS-USDT=1",
  ALERT_COOLDOWN_SECONDS: "0",
};

/** Quiet alerting: lines no simulated market reaches. */
const QUIET_ALERTS = {
  ...POLLING,
  SPIKE_THRESHOLD_DEFAULT: "1e12",
  SPIKE_THRESHOLDS: "BTC-USDT=1e12,ETH-USDT=1e12,SOL-USDT=1e12",
  WHALE_THRESHOLDS: "BTC-USDT=1e12,ETH-USDT=1e12,SOL-USDT=1e12",
  WHALE_THRESHOLD_DEFAULT: "1e12",
  ALERT_COOLDOWN_SECONDS: "0",
};

const isAlert = (frame: ServerFrame): frame is AlertFrame =>
  frame.type === "alert";

async function getJson<T>(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.json() as T };
}

/** Every alert matching `query`, following `next_cursor` page by page. */
async function allPages(base: string, query: string): Promise<AlertFrame[]> {
  const alerts: AlertFrame[] = [];
  let cursor = "";
  for (;;) {
    const { body } = await getJson<AlertsResponse>(
      `${base}/api/alerts?${query}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    alerts.push(...body.alerts);
    if (body.next_cursor === null) return alerts;
    cursor = body.next_cursor;
  }
}

function trade(
  symbol: string,
  notional: number,
  side: "Buy" | "Sell",
): MarketTrade {
  return {
    symbol,
    id: crypto.randomUUID(),
    time: Date.now(),
    price: 100,
    size: notional / 100,
    notional,
    side,
  };
}

Deno.test("alerts - live alerts are committed before they reach a socket, then listed and paged", async () => {
  const stack = await startStack({ env: BUSY_ALERTS });
  const base = stack.service.url;
  const client = await connectClient(`${stack.wsUrl}/ws/stream`);
  // Read KV the moment a frame arrives: the commit must already be there.
  const storedOnArrival: Promise<boolean>[] = [];
  client.socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data) as ServerFrame;
    if (frame.type !== "alert") return;
    storedOnArrival.push(
      stack.kv.get(["alert", "id", frame.id]).then((e) => e.value !== null),
    );
  });
  try {
    const pushed = await client.waitForCount(isAlert, 6) as AlertFrame[];
    assert.deepEqual(await Promise.all(storedOnArrival.slice(0, 6)), [
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    const ids = pushed.map((a) => a.id);
    assert.deepEqual([...ids].sort(), ids, "pushed in id order");
    for (const alert of pushed) {
      assert.match(alert.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(alert.kind, "volume_spike");
      assert.equal(alert.source, "simulator");
      assert.equal(alert.threshold, 1);
    }

    const until = new Date(Date.now() + 1).toISOString();
    const paged = await allPages(base, `limit=2&until=${until}`);
    const listedIds = paged.map((a) => a.id);
    assert.deepEqual(
      [...listedIds].sort().reverse(),
      listedIds,
      "newest first",
    );
    assert.equal(new Set(listedIds).size, listedIds.length, "no duplicates");
    for (const alert of pushed) {
      assert.deepEqual(paged.find((a) => a.id === alert.id), alert);
    }

    const symbol = pushed[0].symbol;
    const filtered = await allPages(
      base,
      `symbol=${symbol.toLowerCase()}&kind=volume_spike&limit=500&until=${until}`,
    );
    assert.ok(filtered.length > 0);
    assert.ok(filtered.every((a) => a.symbol === symbol));
    assert.equal(
      filtered.length,
      paged.filter((a) => a.symbol === symbol).length,
    );

    const metrics = await getJson<MetricsResponse>(`${base}/api/metrics`);
    assert.ok(metrics.body.alerts!.stored_total >= 6);
    assert.ok(metrics.body.alerts!.raised[symbol].volume_spike >= 1);
    const prometheus = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      prometheus,
      new RegExp(
        `^sentinel_alerts_raised_total\\{symbol="${symbol}",kind="volume_spike"\\} [1-9]`,
        "m",
      ),
    );
    assert.match(prometheus, /^sentinel_alerts_suppressed_total\{/m);
  } finally {
    await client.close();
    await stack.stop();
  }
});

Deno.test("alerts - CSV and NDJSON exports stream the same alerts as the listing", async () => {
  const stack = await startStack({ env: BUSY_ALERTS });
  const base = stack.service.url;
  try {
    await pollUntil(async () => {
      const { body } = await getJson<AlertsResponse>(`${base}/api/alerts`);
      return body.alerts.length >= 5;
    }, "five stored alerts");
    const until = new Date(Date.now() + 1).toISOString();
    const listed = await allPages(base, `limit=500&until=${until}`);

    const csv = await fetch(`${base}/api/alerts.csv?until=${until}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-type")!, /^text\/csv/);
    assert.match(
      csv.headers.get("content-disposition")!,
      /^attachment; filename="sats-sentinel-alerts-\d{8}T\d{6}Z\.csv"$/,
    );
    assert.equal(
      csv.headers.get("x-content-type-options"),
      "nosniff",
      "edge headers apply to streamed bodies too",
    );
    const lines = (await csv.text()).split("\r\n");
    assert.equal(
      lines[0],
      "id,time,symbol,kind,price,notional,threshold,side,source,direction,size",
    );
    assert.equal(lines.length, listed.length + 2, "header, rows, final CRLF");
    assert.equal(lines[1].split(",")[0], `"${listed[0].id}"`);

    const ndjson = await fetch(
      `${base}/api/alerts.ndjson?until=${until}&limit=3`,
    );
    assert.match(ndjson.headers.get("content-type")!, /^application\/x-ndjson/);
    const rows = (await ndjson.text()).trimEnd().split("\n").map((line) =>
      JSON.parse(line)
    );
    assert.deepEqual(rows, listed.slice(0, 3));
  } finally {
    await stack.stop();
  }
});

Deno.test("alerts - bad queries get a 400 JSON error naming the parameter", async () => {
  const stack = await startStack({ env: QUIET_ALERTS });
  const base = stack.service.url;
  try {
    for (
      const [path, status, detail] of [
        ["/api/alerts?limit=501", 400, /^limit: /],
        ["/api/alerts?kind=whale", 400, /^kind: /],
        ["/api/alerts?since=yesterday", 400, /^since: /],
        ["/api/alerts?cursor=zzz", 400, /^cursor: /],
        ["/api/alerts?symbols=BTC-USDT", 400, /unknown parameter/],
        ["/api/alerts?symbol=DOGE-USDT", 404, /not tracked/],
        ["/api/alerts.csv?symbol=bad_symbol", 400, /symbol/],
        ["/api/alerts.ndjson?limit=0", 400, /^limit: /],
      ] as const
    ) {
      const { status: got, body } = await getJson<{ detail: string }>(
        `${base}${path}`,
      );
      assert.equal(got, status, path);
      assert.match(body.detail, detail, path);
    }
    const empty = await getJson<AlertsResponse>(`${base}/api/alerts`);
    assert.deepEqual(empty.body, { alerts: [], next_cursor: null });
  } finally {
    await stack.stop();
  }
});

Deno.test("alerts - whale trades at the line raise one alert each, just below raise none", async () => {
  const stack = await startStack({
    env: { ...QUIET_ALERTS, TRADE_THRESHOLDS: "ETH-USDT=100000" },
  });
  const base = stack.service.url;
  const client = await connectClient(`${stack.wsUrl}/ws/price/ETH-USDT`);
  try {
    stack.service.services.raiseTradeAlerts([
      trade("ETH-USDT", 99_999.99, "Buy"),
      trade("ETH-USDT", 100_000, "Sell"),
      trade("ETH-USDT", 250_000, "Buy"),
    ]);
    const pushed = await client.waitForCount(isAlert, 2) as AlertFrame[];
    assert.deepEqual(
      pushed.map((a) => [a.kind, a.notional, a.side, a.threshold]),
      [
        ["whale_trade", 100_000, "Sell", 100_000],
        ["whale_trade", 250_000, "Buy", 100_000],
      ],
    );
    const listed = await getJson<AlertsResponse>(
      `${base}/api/alerts?kind=whale_trade`,
    );
    assert.deepEqual(
      listed.body.alerts.map((a) => a.id),
      pushed.map((a) => a.id).reverse(),
    );
  } finally {
    await client.close();
    await stack.stop();
  }
});

Deno.test("alerts - public trades from the simulator's WebSocket raise whale-trade alerts with their side", async () => {
  const exchange = await startExchange({ hostname: "127.0.0.1", port: 0 });
  const stack = await startServiceAgainst(exchange, {
    env: {
      ...QUIET_ALERTS,
      INGEST_MODE: "ws",
      BYBIT_WS_URL: exchange.wsUrl,
      TRADE_THRESHOLDS: "BTC-USDT=2000,ETH-USDT=2000,SOL-USDT=2000",
      TRADE_THRESHOLD_DEFAULT: "2000",
    },
  });
  const client = await connectClient(`${stack.wsUrl}/ws/stream`);
  try {
    const pushed = await client.waitForCount(
      (f) => f.type === "alert" && f.kind === "whale_trade",
      3,
      20_000,
    ) as AlertFrame[];
    for (const alert of pushed) {
      assert.ok(alert.notional >= 2_000, `${alert.notional} at or above`);
      assert.equal(alert.threshold, 2_000);
      assert.ok(alert.side === "Buy" || alert.side === "Sell");
      assert.equal(alert.source, "simulator");
    }
    const listed = await getJson<AlertsResponse>(
      `${stack.service.url}/api/alerts?kind=whale_trade&limit=500`,
    );
    const ids = new Set(listed.body.alerts.map((a) => a.id));
    assert.ok(pushed.every((a) => ids.has(a.id)));
  } finally {
    await client.close();
    await stack.stop();
  }
});

Deno.test("alerts - cooldown suppresses repeats and the count shows in the metrics", async () => {
  const stack = await startStack({
    env: {
      ...QUIET_ALERTS,
      TRADE_THRESHOLDS: "SOL-USDT=50000",
      ALERT_COOLDOWN_SECONDS: "3600",
    },
  });
  try {
    stack.service.services.raiseTradeAlerts([
      trade("SOL-USDT", 60_000, "Buy"),
      trade("SOL-USDT", 70_000, "Buy"),
      trade("SOL-USDT", 80_000, "Sell"),
    ]);
    const stored = await pollUntil(async () => {
      const { body } = await getJson<MetricsResponse>(
        `${stack.service.url}/api/metrics`,
      );
      return body.alerts!.stored_total >= 1 ? body.alerts! : undefined;
    }, "the first alert stored");
    assert.equal(stored.raised["SOL-USDT"].whale_trade, 1);
    assert.equal(stored.suppressed["SOL-USDT"].whale_trade, 2);
    assert.equal(stored.suppressed_total, 2);
    const text = await (await fetch(`${stack.service.url}/metrics`)).text();
    assert.match(
      text,
      /^sentinel_alerts_suppressed_total\{symbol="SOL-USDT",kind="whale_trade"\} 2$/m,
    );
  } finally {
    await stack.stop();
  }
});

Deno.test("thresholds - trade and spike lines are set, applied, persisted and audited", async () => {
  const kv = await Deno.openKv(":memory:");
  const first = await startStack({
    kv,
    env: { ...QUIET_ALERTS, ADMIN_TOKEN: TOKEN },
  });
  const auth = { authorization: `Bearer ${TOKEN}` };
  const put = (url: string, body: string) =>
    fetch(url, {
      method: "PUT",
      body,
      headers: { "content-type": "application/json", ...auth },
    });
  try {
    const base = first.service.url;
    const both = await put(
      `${base}/api/thresholds/btc-usdt`,
      '{"trade_threshold":5000,"spike_threshold":7000000}',
    );
    assert.equal(both.status, 200);
    assert.deepEqual(await both.json(), {
      symbol: "BTC-USDT",
      threshold: 1e12,
      previous: 1e12,
      trade_threshold: 5_000,
      previous_trade_threshold: 250_000,
      spike_threshold: 7_000_000,
      previous_spike_threshold: 1e12,
    });
    const bad = await put(`${base}/api/thresholds/btc-usdt`, "{}");
    assert.equal(bad.status, 400);
    await bad.body?.cancel();

    const one = await getJson<Record<string, number>>(
      `${base}/api/thresholds/BTC-USDT`,
    );
    assert.deepEqual(one.body, {
      symbol: "BTC-USDT",
      threshold: 1e12,
      trade_threshold: 5_000,
      spike_threshold: 7_000_000,
    });

    // The new trade line is in force at once.
    first.service.services.raiseTradeAlerts([
      trade("BTC-USDT", 5_000, "Buy"),
    ]);
    const alert = await pollUntil(async () => {
      const { body } = await getJson<AlertsResponse>(
        `${base}/api/alerts?kind=whale_trade`,
      );
      return body.alerts[0];
    }, "a whale trade at the new line");
    assert.equal(alert.threshold, 5_000);

    const anonymous = await fetch(`${base}/api/audit`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const audit = await getJson<AuditResponse>(
      `${base}/api/audit?symbol=BTC-USDT&limit=1`,
      auth,
    );
    assert.equal(audit.status, 200);
    assert.equal(audit.body.changes.length, 1);
    assert.ok(audit.body.next_cursor);
    const rest = await getJson<AuditResponse>(
      `${base}/api/audit?symbol=BTC-USDT&cursor=${audit.body.next_cursor}`,
      auth,
    );
    assert.deepEqual(
      [...audit.body.changes, ...rest.body.changes].map((c) => [
        c.kind,
        c.previous,
        c.threshold,
        c.actor_ip,
      ]),
      [
        ["spike", 1e12, 7_000_000, "127.0.0.1"],
        ["trade", 250_000, 5_000, "127.0.0.1"],
      ],
    );
    assert.equal(rest.body.next_cursor, null);
  } finally {
    await first.stop({ keepKv: true });
  }
  const second = await startStack({ kv, env: QUIET_ALERTS });
  try {
    const listed = await getJson<ThresholdsResponse>(
      `${second.service.url}/api/thresholds`,
    );
    assert.equal(listed.body.trade_thresholds["BTC-USDT"], 5_000);
    assert.equal(listed.body.spike_thresholds["BTC-USDT"], 7_000_000);
    assert.equal(listed.body.trade_thresholds["ETH-USDT"], 100_000);
  } finally {
    await second.stop();
  }
});
