/**
 * The alert trail survives a hard kill. The service runs as a real process on
 * a KV file against an in-process simulator, with lines low enough that
 * alerts flow several times a second; a client collects every alert frame;
 * the process gets SIGKILL mid-flow; a second process on the same file must
 * list every alert the client saw, keep the thresholds set before the kill,
 * export the same alerts as CSV, and continue ids above the old ones.
 */
import assert from "node:assert/strict";
import { startExchange } from "../lib/simulator/start_exchange.ts";
import type { AlertFrame, ServerFrame } from "../lib/protocol/frames.ts";
import type {
  AlertsResponse,
  ThresholdsResponse,
} from "../lib/protocol/api_types.ts";
import { parseCsv } from "./support/parse_csv.ts";
import { processEnv, withKillAndRestart } from "./support/service_process.ts";
import { connectClient } from "./support/ws_client.ts";

const TOKEN = "durability-admin-token-0123456789";

const isAlert = (frame: ServerFrame): frame is AlertFrame =>
  frame.type === "alert";

async function listAll(base: string, query: string): Promise<AlertFrame[]> {
  const alerts: AlertFrame[] = [];
  let cursor = "";
  for (;;) {
    const response = await fetch(
      `${base}/api/alerts?limit=500&${query}${
        cursor ? `&cursor=${cursor}` : ""
      }`,
    );
    const body: AlertsResponse = await response.json();
    alerts.push(...body.alerts);
    if (body.next_cursor === null) return alerts;
    cursor = body.next_cursor;
  }
}

Deno.test({
  name:
    "durability - after SIGKILL every alert a client saw is listed, thresholds kept, CSV complete",
  sanitizeResources: true,
  sanitizeOps: true,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-durability-" });
  const exchange = await startExchange({ hostname: "127.0.0.1", port: 0 });
  const env = processEnv(exchange, dir, {
    STREAM_HEARTBEAT_DELAY: "0.05",
    ADMIN_TOKEN: TOKEN,
    // Several alerts a second from live data (see alerts_api_test.ts).
    SPIKE_WINDOW_SECONDS: "0.2",
    SPIKE_THRESHOLDS: "BTC-USDT=1,ETH-USDT=1,SOL-USDT=1,1000SATS-USDT=1",
    ALERT_COOLDOWN_SECONDS: "0",
  });
  try {
    await withKillAndRestart(env, async (first, restart) => {
      const put = await fetch(`${first.url}/api/thresholds/ETH-USDT`, {
        method: "PUT",
        body: JSON.stringify({
          threshold: 7_654_321,
          trade_threshold: 123_456,
        }),
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${TOKEN}`,
        },
      });
      assert.equal(put.status, 200, await put.text());

      const client = await connectClient(
        `${first.url.replace(/^http/, "ws")}/ws/stream`,
      );
      await client.waitForCount(isAlert, 10, 20_000);
      const status = await first.stop("SIGKILL");
      const killedAt = Date.now();
      assert.equal(status.signal, "SIGKILL");
      // Frames already on the wire are delivered before the reset closes us.
      await client.closed;
      const seen = client.frames.filter(isAlert);
      assert.ok(seen.length >= 10);

      const second = await restart();
      const until = new Date(killedAt).toISOString();
      const listed = await listAll(second.url, `until=${until}`);
      const byId = new Map(listed.map((a) => [a.id, a]));
      const missing = seen.filter((a) => !byId.has(a.id)).map((a) => a.id);
      assert.deepEqual(missing, [], "every broadcast alert is in the trail");
      for (const alert of seen) assert.deepEqual(byId.get(alert.id), alert);

      const thresholds: ThresholdsResponse = await (await fetch(
        `${second.url}/api/thresholds`,
      )).json();
      assert.equal(thresholds.thresholds["ETH-USDT"], 7_654_321);
      assert.equal(thresholds.trade_thresholds["ETH-USDT"], 123_456);
      assert.equal(thresholds.spike_thresholds["BTC-USDT"], 1);

      const csv = await fetch(`${second.url}/api/alerts.csv?until=${until}`);
      assert.equal(csv.status, 200);
      const records = parseCsv(await csv.text());
      assert.deepEqual(records[0].map((f) => f.value), [
        "id",
        "time",
        "symbol",
        "kind",
        "price",
        "notional",
        "threshold",
        "side",
        "source",
        "direction",
        "size",
      ]);
      const rows = records.slice(1);
      assert.equal(rows.length, listed.length, "one row per alert");
      rows.forEach((row, i) => {
        const alert = listed[i];
        assert.equal(row.length, 11);
        const [
          id,
          time,
          symbol,
          kind,
          price,
          notional,
          threshold,
          side,
          source,
        ] = row;
        for (const text of [id, time, symbol, kind, source]) {
          assert.equal(
            text.quoted,
            true,
            `text fields are quoted: ${text.value}`,
          );
        }
        assert.deepEqual(
          [id.value, time.value, symbol.value, kind.value, source.value],
          [alert.id, alert.time, alert.symbol, alert.kind, alert.source],
        );
        assert.deepEqual(
          [
            Number(price.value),
            Number(notional.value),
            Number(threshold.value),
          ],
          [alert.price, alert.notional, alert.threshold],
        );
        assert.equal(price.quoted, false, "numbers are bare");
        assert.equal(side.value, alert.side ?? "");
      });

      // The id sequence continues above everything the killed process issued.
      const newest = listed.reduce((max, a) => a.id > max ? a.id : max, "");
      const next = await connectClient(
        `${second.url.replace(/^http/, "ws")}/ws/stream`,
      );
      try {
        const fresh = await next.waitFor(isAlert, 20_000);
        assert.ok(fresh.id > newest, `${fresh.id} > ${newest}`);
      } finally {
        await next.close();
      }
    });
  } finally {
    await exchange.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
