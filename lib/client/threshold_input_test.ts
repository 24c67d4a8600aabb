import assert from "node:assert/strict";
import { parseThresholdInput } from "./threshold_input.ts";

Deno.test("parseThresholdInput - accepts plain, grouped and suffixed amounts", () => {
  for (
    const [raw, value] of [
      ["50000000", 50_000_000],
      ["50,000,000", 50_000_000],
      ["50M", 50_000_000],
      ["1.5b", 1_500_000_000],
      ["$250k", 250_000],
      [" 12 USDT ", 12],
      [".5m", 500_000],
    ] as const
  ) {
    assert.deepEqual(parseThresholdInput(raw), { ok: true, value }, raw);
  }
});

Deno.test("parseThresholdInput - rejects what the server would reject, with a reason", () => {
  for (
    const [raw, detail] of [
      ["", /Enter an amount/],
      ["abc", /digits/],
      ["-5", /digits/],
      ["0", /positive/],
      ["NaN", /digits/],
      ["Infinity", /digits/],
      ["1e400", /digits/],
      ["20t", /at most/],
    ] as const
  ) {
    const result = parseThresholdInput(raw);
    assert.equal(result.ok, false, raw);
    assert.match((result as { detail: string }).detail, detail, raw);
  }
});
