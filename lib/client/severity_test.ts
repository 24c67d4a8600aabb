import assert from "node:assert/strict";
import { severityOf } from "./severity.ts";

Deno.test("severityOf - boundaries are inclusive", () => {
  assert.equal(severityOf(50_000_000).label, "MEGA WHALE");
  assert.equal(severityOf(49_999_999.99).label, "HEAVY ACCUMULATION");
  assert.equal(severityOf(15_000_000).label, "HEAVY ACCUMULATION");
  assert.equal(severityOf(14_999_999).label, "LARGE SPIKE");
  assert.equal(severityOf(0).level, "large");
});
