import assert from "node:assert/strict";
import { parsePriceInput } from "./price_input.ts";

Deno.test("parsePriceInput - accepts prices as traders type them", () => {
  assert.deepEqual(parsePriceInput("60,500.5"), { ok: true, value: 60_500.5 });
  assert.deepEqual(parsePriceInput(" 0.00035 "), { ok: true, value: 0.00035 });
  assert.deepEqual(parsePriceInput("$150 USDT"), { ok: true, value: 150 });
});

Deno.test("parsePriceInput - refuses what the server would refuse, saying why", () => {
  assert.equal(parsePriceInput("").ok, false);
  assert.match(
    (parsePriceInput("lots") as { detail: string }).detail,
    /Use digits/,
  );
  assert.match((parsePriceInput("0") as { detail: string }).detail, /positive/);
  assert.match(
    (parsePriceInput("1e20") as { detail: string }).detail,
    /Use digits/,
  );
  assert.match(
    (parsePriceInput("2000000000000") as { detail: string }).detail,
    /at most/,
  );
});
