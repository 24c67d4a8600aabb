import assert from "node:assert/strict";
import type { StatusFrame } from "../protocol/frames.ts";
import { liveStatus, type LiveStatusInput } from "./live_status.ts";

const OPEN = { phase: "open", openedAt: 0 } as const;
const status = (fields: Partial<StatusFrame>): StatusFrame => ({
  type: "status",
  upstream: "online",
  simulated: false,
  last_success: 1,
  ...fields,
});
const judge = (input: Partial<LiveStatusInput>) =>
  liveStatus({
    connection: OPEN,
    upstream: status({}),
    tickAgeMs: 200,
    now: 0,
    ...input,
  });

Deno.test("liveStatus - live only while ticks arrive", () => {
  assert.deepEqual(judge({}), { tone: "good", state: "live", pill: "Live" });
  const quiet = judge({ tickAgeMs: 7_000 });
  assert.equal(quiet.state, "quiet");
  assert.equal(quiet.tone, "warn");
});

Deno.test("liveStatus - amber at once when a status frame says the feed is failing, in plain words", () => {
  const down = judge({
    upstream: status({
      upstream: "degraded",
      detail: "network: Network error: fetch failed",
      mode: "rest",
    }),
    tickAgeMs: 900,
  });
  assert.equal(down.tone, "warn");
  assert.equal(down.pill, "Feed down");
  assert.match(down.message!, /the exchange cannot be reached/);
  assert.match(down.message!, /still updating/);
  const stopped = judge({
    upstream: status({
      upstream: "degraded",
      detail: "timeout: x",
      mode: "rest",
    }),
    tickAgeMs: 300,
    ticksSinceStatus: false,
  });
  assert.match(
    stopped.message!,
    /Prices are not updating/,
    "no tick since the failure",
  );
  assert.doesNotMatch(down.message!, /fetch failed/);
  assert.equal(down.detail, "network: Network error: fetch failed");
  const frozen = judge({
    upstream: status({
      upstream: "degraded",
      detail: "timeout: x",
      mode: "rest",
    }),
    tickAgeMs: 2_500,
  });
  assert.match(
    frozen.message!,
    /Prices are not updating; the last one is 2 s old/,
  );
  assert.doesNotMatch(frozen.message!, /still updating/);
});

Deno.test("liveStatus - red past the staleness limit, or when the feed is declared offline", () => {
  const stale = judge({ tickAgeMs: 12_000 });
  assert.equal(stale.tone, "bad");
  assert.equal(stale.pill, "No data");
  assert.match(stale.message!, /No market data for 12 s/);
  const offline = judge({
    upstream: status({ upstream: "offline", detail: "http: HTTP 503" }),
    tickAgeMs: 3_000,
  });
  assert.equal(offline.state, "no-data");
  assert.match(offline.message!, /answered with an error/);
  const never = judge({
    upstream: status({ upstream: "offline" }),
    tickAgeMs: null,
  });
  assert.match(never.message!, /No market data yet/);
});

Deno.test("liveStatus - REST standing in for the stream is degraded, not down", () => {
  const fallback = judge({
    upstream: status({
      upstream: "degraded",
      mode: "rest-fallback",
      detail: "WebSocket down; polling REST",
    }),
  });
  assert.equal(fallback.state, "degraded");
  assert.match(fallback.message!, /polled about once a second/);
});

Deno.test("liveStatus - the socket's own states say what the page does about them", () => {
  const retrying = judge({
    connection: {
      phase: "retrying",
      attempt: 3,
      retryAt: 4_000,
      reason: "The connection was lost",
    },
    now: 1_000,
  });
  assert.equal(retrying.pill, "Reconnecting");
  assert.match(
    retrying.message!,
    /cannot be reached\. Trying again in 3 s, and at once when it answers/,
  );
  assert.equal(retrying.detail, "The connection was lost (attempt 3)");
  assert.equal(judge({ connection: { phase: "offline" } }).tone, "bad");
  const refused = judge({
    connection: {
      phase: "rejected",
      status: 403,
      error: "origin_not_allowed",
      detail: "Origin not allowed",
      retryAt: null,
    },
  });
  assert.equal(refused.state, "refused");
  assert.match(refused.detail!, /HTTP 403/);
});
