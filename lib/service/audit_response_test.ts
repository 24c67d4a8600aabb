import assert from "node:assert/strict";
import type { ThresholdChange } from "../ledger/threshold_store.ts";
import { auditResponse } from "./audit_response.ts";

const CHANGE: ThresholdChange = {
  id: "00lr0bqh9a-0a1b2c3d",
  time: "2024-01-02T03:04:05.006Z",
  symbol: "BTC-USDT",
  kind: "trade",
  previous: 250_000,
  threshold: 5_000,
  actor_ip: "10.0.0.9",
};

Deno.test("auditResponse - entries carry the API's fields, in the wire's order", () => {
  const body = auditResponse({ changes: [CHANGE], next_cursor: CHANGE.id });
  assert.deepEqual(body, { changes: [CHANGE], next_cursor: CHANGE.id });
  assert.equal(
    JSON.stringify(body.changes[0]),
    '{"id":"00lr0bqh9a-0a1b2c3d","time":"2024-01-02T03:04:05.006Z","symbol":"BTC-USDT","kind":"trade","previous":250000,"threshold":5000,"actor_ip":"10.0.0.9"}',
  );
});

Deno.test("auditResponse - fields the store adds do not reach the wire", () => {
  const stored = { ...CHANGE, internal: "kept by the store" };
  const [entry] = auditResponse({ changes: [stored], next_cursor: null })
    .changes;
  assert.ok(!("internal" in entry));
});

Deno.test("auditResponse - a price alert's entry names its action, id and direction", () => {
  const created: ThresholdChange = {
    ...CHANGE,
    kind: "price_alert",
    action: "create",
    alert_id: "f94dd39e-f80b-4684-b001-057343aa86c3",
    direction: "below",
    previous: 0,
    threshold: 58_000,
  };
  const [entry] = auditResponse({ changes: [created], next_cursor: null })
    .changes;
  assert.deepEqual(entry, created);
});
