import assert from "node:assert/strict";
import { formatMultiple, severityOf } from "./severity.ts";

const alert = (notional: number, threshold: number, kind = "whale_trade") => ({
  kind,
  notional,
  threshold,
});

Deno.test("severityOf - tiers are multiples of the pair's own line, boundaries inclusive", () => {
  assert.equal(severityOf(alert(50_000, 50_000)).label, "NOTABLE");
  assert.equal(severityOf(alert(249_999, 50_000)).label, "NOTABLE");
  assert.equal(severityOf(alert(250_000, 50_000)).label, "LARGE");
  assert.equal(severityOf(alert(999_999, 50_000)).label, "LARGE");
  assert.equal(severityOf(alert(1_000_000, 50_000)).label, "EXTREME");
  assert.equal(severityOf(alert(1_600_000, 50_000)).ratio, 32);
});

Deno.test("severityOf - the same notional is news on a small pair and routine on a big one", () => {
  assert.equal(severityOf(alert(1_600_000, 50_000)).level, "extreme");
  assert.equal(severityOf(alert(1_600_000, 250_000)).level, "large");
  assert.equal(severityOf(alert(1_600_000, 1_000_000)).level, "notable");
});

Deno.test("severityOf - every kind is judged the same way; price levels have their own label", () => {
  for (const kind of ["threshold_crossing", "volume_spike", "whale_trade"]) {
    assert.equal(severityOf(alert(100, 5, kind)).level, "extreme", kind);
  }
  assert.deepEqual(severityOf(alert(60_000, 60_000, "price_level")), {
    level: "level",
    label: "PRICE LEVEL",
    ratio: null,
  });
});

Deno.test("severityOf - a missing line is NOTABLE with no ratio", () => {
  assert.deepEqual(severityOf(alert(100, 0)), {
    level: "notable",
    label: "NOTABLE",
    ratio: null,
  });
});

Deno.test("formatMultiple - one decimal below 10×, whole numbers above", () => {
  assert.equal(formatMultiple(1), "1.0×");
  assert.equal(formatMultiple(3.25), "3.3×");
  assert.equal(formatMultiple(48.4), "48×");
  assert.equal(formatMultiple(1250), "1,250×");
});
