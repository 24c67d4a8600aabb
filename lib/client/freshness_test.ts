import assert from "node:assert/strict";
import type { StatusFrame } from "../protocol/frames.ts";
import { ageMs, isStale } from "./freshness.ts";

const status = (upstream: StatusFrame["upstream"]): StatusFrame => ({
  type: "status",
  upstream,
  simulated: false,
  last_success: null,
});

Deno.test("ageMs - corrects the client clock by the server offset", () => {
  assert.equal(ageMs(10_000, 9_000, 2_500), 1_500);
  assert.equal(ageMs(10_000, 1_000, 0), 0, "never negative");
});

Deno.test("isStale - old data or a stalled upstream is stale; degraded is not", () => {
  assert.equal(isStale(10_001, status("online")), true);
  assert.equal(isStale(500, status("online")), false);
  assert.equal(isStale(500, status("degraded")), false);
  assert.equal(isStale(500, status("offline")), true);
  assert.equal(isStale(500, null), false);
  assert.equal(
    isStale(null, status("offline")),
    false,
    "no data is not stale data",
  );
});
