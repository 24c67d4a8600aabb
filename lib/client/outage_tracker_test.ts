import assert from "node:assert/strict";
import type { StatusFrame } from "../protocol/frames.ts";
import { noteConnection, noteStatus } from "./outage_tracker.ts";
import { OutageLog } from "./outages.ts";

const status = (fields: Partial<StatusFrame>): StatusFrame => ({
  type: "status",
  upstream: "online",
  simulated: true,
  last_success: null,
  ...fields,
});

Deno.test("noteStatus - a failing feed opens an outage from its last good data, in words for people", () => {
  const log = new OutageLog();
  noteStatus(
    log,
    status({
      upstream: "degraded",
      last_success: 5_000,
      detail: "network: Network error: fetch failed",
      mode: "rest",
    }),
    6_000,
  );
  assert.deepEqual(log.outages, [{
    from: 5_000,
    to: null,
    reason: "Exchange feed down: the exchange cannot be reached",
  }]);
  noteStatus(log, status({ upstream: "offline", last_success: 5_000 }), 16_000);
  assert.equal(log.outages.length, 1, "still the same outage");
  noteStatus(log, status({ upstream: "online", last_success: 21_000 }), 21_000);
  assert.deepEqual(log.outages[0].to, 21_000);
});

Deno.test("noteStatus - REST standing in for the stream is not an outage: prices still flow", () => {
  const log = new OutageLog();
  noteStatus(log, status({ upstream: "degraded", mode: "rest-fallback" }), 1);
  assert.equal(log.outages.length, 0);
});

Deno.test("noteConnection - the page's socket down and up again is an outage", () => {
  const log = new OutageLog();
  noteConnection(log, false, 10_000);
  noteConnection(log, true, 18_000);
  assert.deepEqual(log.outages, [{
    from: 10_000,
    to: 18_000,
    reason: "SATS Sentinel could not be reached from this page",
  }]);
});
