/**
 * Price-level alerts end to end with the real service and simulator, the
 * simulated price steered to known levels: a crossing raises exactly one
 * `price_level` alert, stored before it is pushed; a move back that stays
 * inside the hysteresis does not re-arm it; a move past the margin does, and
 * the next crossing fires once more. Creates and deletes are audited with
 * the caller's IP.
 */
import assert from "node:assert/strict";
import type {
  AlertsResponse,
  AuditResponse,
} from "../lib/protocol/api_types.ts";
import type { AlertFrame } from "../lib/protocol/frames.ts";
import type {
  PriceAlert,
  PriceAlertsResponse,
} from "../lib/protocol/price_alerts.ts";
import { pollUntil, type Stack, startStack } from "./support/start_stack.ts";
import {
  isPriceAlert,
  postPriceAlert,
  steer as steerOn,
} from "./support/steer_price.ts";
import { connectClient, type TestClient } from "./support/ws_client.ts";

const TOKEN = "price-alert-admin-token-0123";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const LEVEL = 151;
/** 1 %: the alert re-arms below 149.49. */
const HYSTERESIS_PERCENT = 1;

function post(
  base: string,
  body: unknown,
  headers: Record<string, string> = AUTH,
) {
  return postPriceAlert(base, body, headers);
}

/** Moves SOL to `price` and waits for ten ticks near it on `client`. */
function steer(stack: Stack, client: TestClient, price: number) {
  return steerOn(stack.exchange, client, price);
}

async function armed(base: string): Promise<boolean> {
  const body: PriceAlertsResponse = await (await fetch(
    `${base}/api/price-alerts`,
  )).json();
  return body.price_alerts[0].armed;
}

Deno.test("price alerts - create, cross once, re-arm only past the hysteresis, delete; all audited", async () => {
  const stack = await startStack({
    env: {
      INGEST_MODE: "ws",
      ADMIN_TOKEN: TOKEN,
      ALERT_HYSTERESIS_PERCENT: String(HYSTERESIS_PERCENT),
      ALERT_COOLDOWN_SECONDS: "0",
    },
  });
  const base = stack.service.url;
  const client = await connectClient(
    `${stack.wsUrl}/ws/stream?symbols=SOL-USDT&history=0`,
  );
  try {
    await steer(stack, client, 150);
    const created = await post(base, {
      symbol: "sol-usdt",
      price: LEVEL,
      direction: "above",
    });
    assert.equal(created.status, 201);
    const alert: PriceAlert = await created.json();
    assert.deepEqual(
      [alert.symbol, alert.price, alert.direction, alert.armed],
      ["SOL-USDT", LEVEL, "above", true],
    );

    // The crossing: one alert, stored before it was pushed.
    await steer(stack, client, 151.5);
    const first = await client.waitFor(isPriceAlert, 10_000) as AlertFrame;
    assert.deepEqual(
      [first.symbol, first.threshold, first.direction, first.source],
      ["SOL-USDT", LEVEL, "above", "simulator"],
    );
    assert.ok(first.price >= LEVEL, `${first.price} reached ${LEVEL}`);
    assert.equal(first.notional, first.price);
    const trail: AlertsResponse = await (await fetch(
      `${base}/api/alerts?kind=price_level`,
    )).json();
    assert.deepEqual(trail.alerts.map((a) => a.id), [first.id]);
    assert.equal(await armed(base), false);

    // Back below the level but inside the margin, and up again: nothing.
    await steer(stack, client, 150.5);
    await steer(stack, client, 151.5);
    assert.equal(client.frames.filter(isPriceAlert).length, 1);
    assert.equal(await armed(base), false);

    // Past the margin it re-arms; the next crossing fires once more.
    await steer(stack, client, 149);
    await pollUntil(() => armed(base), "the alert to re-arm");
    await steer(stack, client, 151.5);
    const pushed = await client.waitForCount(isPriceAlert, 2, 10_000);
    const stored = await pollUntil(async () => {
      const body: AlertsResponse = await (await fetch(
        `${base}/api/alerts?kind=price_level`,
      )).json();
      return body.alerts.length === 2 && body.alerts;
    }, "both alerts in the trail");
    assert.deepEqual(
      stored.map((a) => a.id).sort(),
      pushed.map((a) => (a as AlertFrame).id).sort(),
    );

    // Refusals, then the delete; the audit has both with the caller's IP.
    const anonymous = await post(base, {
      symbol: "SOL-USDT",
      price: 1,
      direction: "above",
    }, {});
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const bad = await post(base, {
      symbol: "DOGE-USDT",
      price: -5,
      direction: "up",
    });
    assert.equal(bad.status, 400);
    assert.match(
      (await bad.json()).detail,
      /symbol: expected a tracked symbol.*price: expected a positive number.*direction/,
    );
    const deleted = await fetch(`${base}/api/price-alerts/${alert.id}`, {
      method: "DELETE",
      headers: AUTH,
    });
    assert.equal(deleted.status, 204);
    await deleted.body?.cancel();
    const again = await fetch(`${base}/api/price-alerts/${alert.id}`, {
      method: "DELETE",
      headers: AUTH,
    });
    assert.equal(again.status, 404);
    assert.equal((await again.json()).error, "unknown_price_alert");
    const empty: PriceAlertsResponse = await (await fetch(
      `${base}/api/price-alerts`,
    )).json();
    assert.deepEqual(empty.price_alerts, []);
    const audit: AuditResponse = await (await fetch(`${base}/api/audit`, {
      headers: AUTH,
    })).json();
    assert.deepEqual(
      audit.changes.map((c) => [c.kind, c.action, c.alert_id, c.actor_ip]),
      [
        ["price_alert", "delete", alert.id, "127.0.0.1"],
        ["price_alert", "create", alert.id, "127.0.0.1"],
      ],
    );
    await steer(stack, client, 149);
    await steer(stack, client, 151.5);
    assert.equal(
      client.frames.filter(isPriceAlert).length,
      2,
      "a deleted alert never fires",
    );
  } finally {
    await client.close();
    await stack.stop();
  }
});
