import assert from "node:assert/strict";
import { crossesBand, outageBands, OutageLog } from "./outages.ts";

Deno.test("outageBands - merges overlapping outages from every source, keeping each reason once", () => {
  const bands = outageBands([
    { from: 50, to: 60, reason: "B" },
    { from: 10, to: 30, reason: "A" },
    { from: 25, to: 40, reason: "B" },
    { from: 28, to: 35, reason: "A" },
  ], 1_000);
  assert.deepEqual(bands, [
    { from: 10, to: 40, reasons: ["A", "B"], open: false },
    { from: 50, to: 60, reasons: ["B"], open: false },
  ]);
});

Deno.test("outageBands - an ongoing outage ends now; bands outside the range are left out", () => {
  const bands = outageBands(
    [
      { from: 100, to: null, reason: "down" },
      { from: 10, to: 20, reason: "old" },
    ],
    500,
    50,
    1_000,
  );
  assert.deepEqual(bands, [{
    from: 100,
    to: 500,
    reasons: ["down"],
    open: true,
  }]);
});

Deno.test("crossesBand - only time strictly inside a band counts", () => {
  const bands = outageBands([{ from: 10, to: 20, reason: "x" }], 0);
  assert.equal(crossesBand(bands, 0, 15), true);
  assert.equal(crossesBand(bands, 20, 30), false);
  assert.equal(crossesBand(bands, 0, 10), false);
});

Deno.test("OutageLog - one open outage per kind; short ones are forgotten; bounded", () => {
  const log = new OutageLog({ max: 3 });
  log.open("page", 100, "unreachable");
  log.open("page", 150, "again");
  assert.equal(log.outages.length, 1);
  log.close("page", 900);
  assert.deepEqual(log.outages, [{
    from: 100,
    to: 900,
    reason: "unreachable",
  }]);
  log.open("upstream", 1_000, "feed");
  log.close("upstream", 1_500, 2_000);
  assert.equal(log.outages.length, 1, "a 500 ms blip is not an outage");
  for (let i = 0; i < 5; i++) {
    log.open("page", 2_000 + i * 10, `n${i}`);
    log.close("page", 2_005 + i * 10);
  }
  assert.equal(log.outages.length, 3);
  assert.equal(log.outages.at(-1)!.reason, "n4");
});
