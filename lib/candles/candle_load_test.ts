import assert from "node:assert/strict";
import { BYTES_PER_BAR } from "./bar_series.ts";
import { INTERVAL_MS, STORED_RESOLUTIONS } from "./candle_intervals.ts";
import {
  capacitiesFor,
  firstWindows,
  memoryWindows,
  MIN_MEMORY_MS,
} from "./candle_load.ts";

const HORIZONS = {
  "1s": 7_200_000,
  "1m": 7 * 86_400_000,
  "1h": 365 * 86_400_000,
};
const MIB = 1_048_576;
const DAY = 86_400_000;

const barsOf = (windows: Record<"1s" | "1m" | "1h", number>) =>
  STORED_RESOLUTIONS.reduce(
    (sum, r) => sum + capacitiesFor({ ...HORIZONS, [r]: windows[r] })[r],
    0,
  );

Deno.test("memoryWindows - a few symbols keep every horizon whole", () => {
  const { windowsMs, bytesPerSymbol, overBudget } = memoryWindows({
    horizonsMs: HORIZONS,
    symbols: 4,
    budgetBytes: 128 * MIB,
    backfillMs: DAY,
  });
  assert.deepEqual(windowsMs, HORIZONS);
  assert.equal(bytesPerSymbol, (7_201 + 10_081 + 8_761) * BYTES_PER_BAR);
  assert.equal(overBudget, false);
});

Deno.test("memoryWindows - a whole market fits the budget: the least windows, and the same share of the rest of each horizon", () => {
  const symbols = 1_006;
  const budgetBytes = 128 * MIB;
  const { windowsMs, bytesPerSymbol, overBudget } = memoryWindows({
    horizonsMs: HORIZONS,
    symbols,
    budgetBytes,
    backfillMs: DAY,
  });
  assert.equal(overBudget, false);
  assert.ok(bytesPerSymbol * symbols <= budgetBytes, "within the budget");
  assert.ok(
    bytesPerSymbol * symbols > budgetBytes * 0.99,
    "and using it, to a bar per resolution",
  );
  assert.equal(bytesPerSymbol, barsOf(windowsMs) * BYTES_PER_BAR);
  assert.ok(windowsMs["1s"] >= MIN_MEMORY_MS["1s"]);
  assert.ok(windowsMs["1m"] >= DAY + 3_600_000, "the backfill's minutes");
  assert.ok(windowsMs["1h"] >= MIN_MEMORY_MS["1h"]);
  for (const r of STORED_RESOLUTIONS) {
    assert.ok(windowsMs[r] < HORIZONS[r], `${r} below its horizon`);
    assert.equal(windowsMs[r] % INTERVAL_MS[r], 0, `${r} in whole bars`);
  }
});

Deno.test("memoryWindows - a budget the least windows do not fit is reported, and the least windows kept", () => {
  const { windowsMs, overBudget } = memoryWindows({
    horizonsMs: HORIZONS,
    symbols: 5_000,
    budgetBytes: 16 * MIB,
    backfillMs: 0,
  });
  assert.equal(overBudget, true);
  assert.deepEqual(windowsMs, MIN_MEMORY_MS);
});

Deno.test("memoryWindows - a horizon shorter than its least window is kept whole", () => {
  const { windowsMs } = memoryWindows({
    horizonsMs: { "1s": 60_000, "1m": 3_600_000, "1h": 3_600_000 },
    symbols: 5_000,
    budgetBytes: MIB,
    backfillMs: DAY,
  });
  assert.deepEqual(windowsMs, {
    "1s": 60_000,
    "1m": 3_600_000,
    "1h": 3_600_000,
  });
});

Deno.test("firstWindows - the 1 m bars of each hour the 1 s window falls in and at least the least windows; never more than the window", () => {
  const HOUR = 3_600_000;
  const whole = { "1s": 446_000, "1m": 28 * HOUR, "1h": 209 * HOUR };
  assert.deepEqual(firstWindows(whole), {
    "1m": MIN_MEMORY_MS["1m"],
    "1h": MIN_MEMORY_MS["1h"],
  });
  assert.deepEqual(
    firstWindows({
      "1s": 2 * HOUR,
      "1m": 7 * 24 * HOUR,
      "1h": 365 * 24 * HOUR,
    })[
      "1m"
    ],
    3 * HOUR,
    "two hours of seconds touch three hours",
  );
  assert.deepEqual(
    firstWindows({ "1s": 300_000, "1m": HOUR, "1h": 2 * HOUR }),
    { "1m": HOUR, "1h": 2 * HOUR },
  );
});
