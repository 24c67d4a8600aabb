import assert from "node:assert/strict";
import { CLOSE_CODES } from "../protocol/close_codes.ts";
import {
  decideAfterClose,
  decideAfterProbe,
  parseRetryAfterSeconds,
  reconnectDelay,
  streamUrl,
} from "./reconnect_policy.ts";

Deno.test("reconnectDelay - full jitter under a ceiling doubling from 1 s to 16 s", () => {
  const top = () => 0.999999;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 10].map((attempt) => reconnectDelay(attempt, top)),
    [999, 1_999, 3_999, 7_999, 15_999, 15_999, 15_999],
  );
  assert.equal(reconnectDelay(3, () => 0), 0);
  assert.equal(reconnectDelay(3, () => 0.5), 4_000);
  assert.equal(reconnectDelay(1e9, top), 15_999);
});

Deno.test("decideAfterProbe - policy refusals are final, with the server's reason", () => {
  for (const status of [403, 404, 400]) {
    const decision = decideAfterProbe({
      kind: "response",
      status,
      error: "forbidden_origin",
      detail: "The page's origin is not allowed to open this socket",
    });
    assert.deepEqual(decision, {
      kind: "rejected",
      status,
      error: "forbidden_origin",
      detail: "The page's origin is not allowed to open this socket",
      retryAfterMs: null,
    });
  }
});

Deno.test("decideAfterProbe - 429 waits the advised delay, within bounds", () => {
  const decide = (retryAfterS?: number) =>
    decideAfterProbe({ kind: "response", status: 429, retryAfterS });
  assert.equal((decide(7) as { retryAfterMs: number }).retryAfterMs, 7_000);
  assert.equal((decide() as { retryAfterMs: number }).retryAfterMs, 5_000);
  assert.equal((decide(0) as { retryAfterMs: number }).retryAfterMs, 1_000);
  assert.equal(
    (decide(99_999) as { retryAfterMs: number }).retryAfterMs,
    300_000,
  );
});

Deno.test("decideAfterProbe - transient faults are retried", () => {
  assert.equal(decideAfterProbe({ kind: "network" }).kind, "retry");
  assert.equal(
    decideAfterProbe({ kind: "response", status: 503 }).kind,
    "retry",
  );
  assert.equal(
    decideAfterProbe({
      kind: "response",
      status: 400,
      error: "upgrade_required",
    }).kind,
    "retry",
  );
});

Deno.test("decideAfterClose - 1008 is final, shutdown and slow-consumer closes retry", () => {
  assert.equal(decideAfterClose(1008, "binary frames").kind, "rejected");
  assert.deepEqual(decideAfterClose(1001, ""), {
    kind: "retry",
    reason: "The server is restarting",
  });
  assert.equal(decideAfterClose(1013, "").kind, "retry");
  assert.equal(decideAfterClose(1006, "").kind, "retry");
});

Deno.test("decideAfterClose - follows the close code table for every code", () => {
  for (const row of Object.values(CLOSE_CODES)) {
    const decision = decideAfterClose(row.code, "");
    if (row.reconnect === "never") {
      assert.deepEqual(decision, {
        kind: "rejected",
        status: row.code,
        error: row.name,
        detail: row.notice,
        retryAfterMs: null,
      });
    } else {
      assert.deepEqual(decision, { kind: "retry", reason: row.notice });
    }
  }
  assert.deepEqual(decideAfterClose(1008, "binary frames"), {
    kind: "rejected",
    status: 1008,
    error: "policy_violation",
    detail: "binary frames",
    retryAfterMs: null,
  });
  assert.deepEqual(decideAfterClose(1013, ""), {
    kind: "retry",
    reason: "The stream fell behind and was closed",
  });
  assert.deepEqual(decideAfterClose(1006, ""), {
    kind: "retry",
    reason: "The connection was lost",
  });
});

Deno.test("parseRetryAfterSeconds - seconds only", () => {
  assert.equal(parseRetryAfterSeconds("5"), 5);
  assert.equal(parseRetryAfterSeconds(null), undefined);
  assert.equal(
    parseRetryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT"),
    undefined,
  );
});

Deno.test("streamUrl - resumes only symbols with a point, with the epoch", () => {
  const url = new URL(
    streamUrl(
      "https://sats.example/s/BTC-USDT",
      ["BTC-USDT", "ETH-USDT"],
      new Map([["BTC-USDT", 12]]),
      "e-1",
    ),
  );
  assert.equal(url.protocol, "wss:");
  assert.equal(url.pathname, "/ws/stream");
  assert.equal(url.searchParams.get("symbols"), "BTC-USDT,ETH-USDT");
  assert.equal(url.searchParams.get("since"), "BTC-USDT:12");
  assert.equal(url.searchParams.get("epoch"), "e-1");
  const fresh = new URL(
    streamUrl("http://127.0.0.1:8000/", ["A"], new Map(), undefined),
  );
  assert.equal(fresh.protocol, "ws:");
  assert.equal(fresh.searchParams.has("since"), false);
});

Deno.test("streamUrl - adds the extra parameters (candles, trades, history)", () => {
  const url = new URL(
    streamUrl("http://127.0.0.1:8000/", ["A"], new Map(), undefined, {
      candles: "1s",
      trades: "1",
    }),
  );
  assert.equal(url.searchParams.get("candles"), "1s");
  assert.equal(url.searchParams.get("trades"), "1");
});
