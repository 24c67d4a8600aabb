/**
 * Many instances, one set of candles and price alerts: real `main.ts`
 * processes on one real `redis-server` and one simulator (see
 * `cluster_test.ts` for the stream itself). The leader builds the bars and
 * judges the price levels; every instance serves the same candles, pushes
 * the same candle and trades frames, lists and audits the same price
 * alerts, and pushes each alert once. After SIGKILL of the leader the next
 * one goes on with the bars and does not fire a fired alert again.
 * Everything is awaited with deadlines; the simulated price is steered.
 */
import assert from "node:assert/strict";
import type {
  AlertsResponse,
  AuditResponse,
} from "../lib/protocol/api_types.ts";
import type {
  Candle,
  CandleFrame,
  CandlesResponse,
} from "../lib/protocol/candles.ts";
import type { AlertFrame } from "../lib/protocol/frames.ts";
import type {
  PriceAlert,
  PriceAlertsResponse,
} from "../lib/protocol/price_alerts.ts";
import type { TradesFrame } from "../lib/protocol/trades.ts";
import { LEADER_CHANGE } from "../lib/candles/outage_log.ts";
import {
  CLUSTER_ADMIN_TOKEN,
  type ClusterInstance,
  clusterTest as test,
  startCluster,
  type TestCluster,
} from "./support/cluster.ts";
import { pollUntil } from "./support/poll_until.ts";
import {
  isPriceAlert,
  postPriceAlert,
  steer as steerOn,
} from "./support/steer_price.ts";
import { connectClient, type TestClient } from "./support/ws_client.ts";

const AUTH = { authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` };
/** The level the price alerts watch; SOL is steered around it. */
const LEVEL = 151;
/** Alerts re-arm 1 % past the level; no cooldown, so only the state holds. */
const PRICE_ALERT_ENV = {
  ALERT_HYSTERESIS_PERCENT: "1",
  ALERT_COOLDOWN_SECONDS: "0",
  CANDLES_BACKFILL_HOURS: "1",
};

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  assert.equal(response.status, 200, `${url}: ${response.status}`);
  return await response.json() as T;
}

function candles(
  instance: ClusterInstance,
  interval: string,
  symbol = "SOL-USDT",
): Promise<CandlesResponse> {
  return json(
    `${instance.url}/api/candles?symbol=${symbol}&interval=${interval}&limit=1000`,
  );
}

/** Watches SOL on `instance`: ticks, candles at `interval`, the tape. */
function watch(instance: ClusterInstance, interval = "1s") {
  return connectClient(
    `${instance.wsUrl}/ws/stream?symbols=SOL-USDT&history=0&candles=${interval}&trades=1`,
  );
}

/** Moves SOL to `price` and waits for ten ticks near it on `client`. */
function steer(cluster: TestCluster, client: TestClient, price: number) {
  return steerOn(cluster.exchange, client, price, 20_000);
}

/** Creates a price alert on `instance`. */
async function createAlert(instance: ClusterInstance): Promise<PriceAlert> {
  const response = await postPriceAlert(instance.url, {
    symbol: "SOL-USDT",
    price: LEVEL,
    direction: "above",
  }, AUTH);
  assert.equal(response.status, 201, await response.clone().text());
  return await response.json();
}

function priceAlerts(instance: ClusterInstance): Promise<PriceAlertsResponse> {
  return json(`${instance.url}/api/price-alerts`);
}

function priceLevelTrail(instance: ClusterInstance): Promise<AlertsResponse> {
  return json(`${instance.url}/api/alerts?kind=price_level&limit=500`);
}

/** Bar starts only increase: no bar is served twice. */
function assertIncreasing(bars: readonly Candle[], what: string) {
  for (let i = 1; i < bars.length; i++) {
    assert.ok(bars[i].t > bars[i - 1].t, `${what}: ${bars[i].t} twice`);
  }
}

/**
 * The bars every instance serves now, compared where they are closed (the
 * bar in progress may move between two reads): polled until a read of all
 * at once agrees, since a follower is a push cycle behind the leader.
 */
async function sameCandles(
  instances: readonly ClusterInstance[],
  interval: string,
): Promise<readonly Candle[]> {
  let differ = "";
  try {
    return await pollUntil(
      async () => {
        const answers = await Promise.all(
          instances.map((i) => candles(i, interval)),
        );
        const closed = answers.map((a) => a.candles.slice(0, -3));
        const texts = closed.map((bars) => bars.map((x) => JSON.stringify(x)));
        const agree = texts.every((c) => c.join() === texts[0].join()) &&
          answers[0].candles.length > 3;
        differ = instances.map((instance, i) =>
          `${instance.name}: ${
            texts[i].filter((bar) => !texts[i === 0 ? 1 : 0].includes(bar))
              .join(" ")
          } (only here, of ${closed[i].length})`
        ).join("; ");
        return agree && answers[0].candles;
      },
      `the same ${interval} candles on every instance`,
      20_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; ${differ}`);
  }
}

test("candles and price alerts are shared: followers serve the leader's bars and push candle and trades frames; an alert set on one instance is listed, audited and pushed once everywhere", async () => {
  const cluster = await startCluster({ env: PRICE_ALERT_ENV });
  const clients: TestClient[] = [];
  try {
    const leader = await cluster.leader();
    const [b, c] = cluster.instances.filter((i) => i !== leader);
    for (const instance of [leader, b, c]) clients.push(await watch(instance));
    const [onLeader, onB, onC] = clients;

    // A follower pushes candle frames (each bar once more, closed, once it
    // is stored) and trades frames, as the leader does.
    await onB.waitFor((f) => f.type === "candle" && f.closed, 20_000);
    await onB.waitFor((f) => f.type === "trades", 20_000);
    await onLeader.waitFor((f) => f.type === "candle" && f.closed, 20_000);
    const closedOnB = onB.frames.filter((f): f is CandleFrame =>
      f.type === "candle" && f.closed
    );
    assertIncreasing(closedOnB as unknown as Candle[], "closed frames on b");
    const tape = onB.frames.find((f) => f.type === "trades") as TradesFrame;
    assert.ok(tape.trades.length > 0);

    // The same bars from every instance: the seconds built live, and the
    // minutes the leader backfilled from the exchange.
    const seconds = await sameCandles([leader, b, c], "1s");
    assertIncreasing(seconds, "1s");
    const minutes = await sameCandles([leader, b, c], "1m");
    assert.ok(minutes.length >= 60, `${minutes.length} minutes`);
    const frame = closedOnB[closedOnB.length - 1];
    const served = (await candles(b, "1s")).candles.find((x) =>
      x.t === frame.t
    );
    assert.deepEqual(
      served && [served.o, served.h, served.l, served.c, served.v],
      [frame.o, frame.h, frame.l, frame.c, frame.v],
      "a closed frame is the bar the API serves",
    );

    // A price alert set on a follower is listed and audited everywhere at
    // once, read from the shared store.
    await steer(cluster, onB, 150);
    const alert = await createAlert(b);
    for (const instance of [leader, b, c]) {
      const listed = await priceAlerts(instance);
      assert.deepEqual(listed.price_alerts.map((a) => a.id), [alert.id]);
      const audit: AuditResponse = await json(`${instance.url}/api/audit`, {
        headers: AUTH,
      });
      assert.deepEqual(
        audit.changes.filter((x) => x.kind === "price_alert").map((x) => [
          x.action,
          x.alert_id,
        ]),
        [["create", alert.id]],
      );
    }

    // The crossing: judged once by the leader, pushed on every instance,
    // one alert in the one trail, disarmed everywhere.
    await steer(cluster, onB, 151.5);
    const pushed = await Promise.all(
      clients.map((client) =>
        client.waitFor(isPriceAlert, 20_000) as Promise<AlertFrame>
      ),
    );
    assert.equal(new Set(pushed.map((p) => p.id)).size, 1);
    await steer(cluster, onC, 151.6);
    for (const client of clients) {
      assert.equal(client.frames.filter(isPriceAlert).length, 1);
    }
    for (const instance of [leader, b, c]) {
      const trail = await priceLevelTrail(instance);
      assert.deepEqual(trail.alerts.map((a) => a.id), [pushed[0].id]);
      await pollUntil(
        async () =>
          (await priceAlerts(instance)).price_alerts[0]?.armed === false,
        `${instance.name} to show the alert fired`,
      );
    }
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await cluster.stop();
  }
});

test("SIGKILL of the leader: the next leader goes on with the bars (none twice, at most the one in progress lost) and does not fire a fired price alert again", async () => {
  const cluster = await startCluster({ env: PRICE_ALERT_ENV });
  const clients: TestClient[] = [];
  try {
    const leader = await cluster.leader();
    const [b, c] = cluster.instances.filter((i) => i !== leader);
    const onB = await watch(b);
    const onC = await watch(c);
    clients.push(onB, onC);

    await steer(cluster, onB, 150);
    const alert = await createAlert(c);
    await steer(cluster, onB, 151.5);
    const fired = await onB.waitFor(isPriceAlert, 20_000) as AlertFrame;
    await pollUntil(
      async () => (await priceAlerts(b)).price_alerts[0]?.armed === false,
      "the fired state stored",
    );

    // The bars b serves just before the kill, the one in progress included.
    await onB.waitFor((f) => f.type === "candle" && f.closed, 20_000);
    const before = await candles(b, "1s");
    const minutesBefore = await candles(b, "1m");
    await leader.process.stop("SIGKILL");
    const killedAt = Date.now();
    const next = await cluster.leader([leader]);
    const survivors = [b, c];

    // The price stays past the level: the next leader judges it, never
    // firing again; the bars go on from the next leader's ticks.
    await steer(cluster, onB, 151.6);
    await pollUntil(
      async () =>
        (await candles(next, "1s")).candles.some((x) => x.t > killedAt + 1_000),
      "bars from the next leader",
      20_000,
    );
    await onB.waitFor(
      (f) => f.type === "candle" && f.closed && f.t > killedAt,
      20_000,
    );
    const seconds = await sameCandles(survivors, "1s");
    const minutes = await sameCandles(survivors, "1m");
    assertIncreasing(seconds, "1s across the takeover");
    assertIncreasing(minutes, "1m across the takeover");
    const kept = new Map(seconds.map((x) => [x.t, JSON.stringify(x)]));
    const lost = before.candles.filter((x) => !kept.has(x.t));
    assert.ok(lost.length <= 2, `${lost.length} seconds lost: ${lost}`);
    for (const bar of before.candles.slice(0, -3)) {
      assert.equal(kept.get(bar.t), JSON.stringify(bar), "a stored bar kept");
    }
    const keptMinutes = new Set(minutes.map((x) => x.t));
    for (const bar of minutesBefore.candles) {
      assert.ok(keptMinutes.has(bar.t), `the minute ${bar.t} kept`);
    }
    const answer = await candles(b, "1s");
    assert.ok(
      answer.outages.some((o) => o.reason === LEADER_CHANGE),
      JSON.stringify(answer.outages),
    );

    // One alert in the trail, pushed once, still fired.
    for (const client of clients) {
      assert.deepEqual(
        client.frames.filter(isPriceAlert).map((f) => f.id),
        [fired.id],
      );
    }
    for (const instance of survivors) {
      const trail = await priceLevelTrail(instance);
      assert.deepEqual(trail.alerts.map((a) => a.id), [fired.id]);
      const listed = await priceAlerts(instance);
      assert.deepEqual(
        listed.price_alerts.map((a) => [a.id, a.armed]),
        [[alert.id, false]],
      );
    }
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await cluster.stop();
  }
});
