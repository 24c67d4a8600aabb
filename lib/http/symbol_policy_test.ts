import assert from "node:assert/strict";
import { HttpError } from "../web/mod.ts";
import { resolveSymbol, symbolTable } from "./symbol_policy.ts";

const TABLE = symbolTable(["BTC-USDT", "ETH-USDT", "1000SATS-USDT"]);

function statusOf(raw: string): number {
  try {
    resolveSymbol(raw, TABLE);
  } catch (error) {
    assert.ok(error instanceof HttpError);
    return error.status;
  }
  return 200;
}

Deno.test("resolveSymbol - a tracked symbol resolves to itself", () => {
  assert.equal(resolveSymbol("BTC-USDT", TABLE), "BTC-USDT");
  assert.equal(resolveSymbol("1000SATS-USDT", TABLE), "1000SATS-USDT");
});

Deno.test("resolveSymbol - lower and mixed case resolve to the canonical id", () => {
  assert.equal(resolveSymbol("btc-usdt", TABLE), "BTC-USDT");
  assert.equal(resolveSymbol("Eth-UsDt", TABLE), "ETH-USDT");
  assert.equal(resolveSymbol("1000sats-usdt", TABLE), "1000SATS-USDT");
});

Deno.test("resolveSymbol - path tricks and encodings are 400", () => {
  for (
    const raw of [
      "../",
      "..%2F..%2Fetc",
      "%2F",
      "BTC-USDT/",
      "BTC USDT",
      "BTC_USDT",
      "BTC-USDT\n",
      "BTC-USDT\0",
      "<script>",
    ]
  ) {
    assert.equal(statusOf(raw), 400, JSON.stringify(raw));
  }
});

Deno.test("resolveSymbol - unicode look-alikes are 400", () => {
  assert.equal(statusOf("BTC–USDT"), 400);
  assert.equal(statusOf("ВТС"), 400);
  assert.equal(statusOf("BTC-USDT\u200b"), 400);
  assert.equal(statusOf("ＢＴＣ-USDT"), 400);
});

Deno.test("resolveSymbol - empty and 33 characters are 400, 32 is checked for membership", () => {
  assert.equal(statusOf(""), 400);
  assert.equal(statusOf("A".repeat(33)), 400);
  assert.equal(statusOf("A".repeat(32)), 404);
});

Deno.test("resolveSymbol - a valid but untracked symbol is 404 naming the tracked ones", () => {
  try {
    resolveSymbol("DOGE-USDT", TABLE);
    assert.fail("expected a 404");
  } catch (error) {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 404);
    assert.equal(error.code, "unknown_symbol");
    assert.match(error.message, /BTC-USDT, ETH-USDT, 1000SATS-USDT/);
  }
});

Deno.test("resolveSymbol - the 400 does not echo the raw input", () => {
  try {
    resolveSymbol("<img src=x>", TABLE);
    assert.fail("expected a 400");
  } catch (error) {
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, "invalid_symbol");
    assert.ok(!error.message.includes("<img"));
  }
});

Deno.test("symbolTable - keys are upper case, values canonical", () => {
  const table = symbolTable(["Btc-Usdt"]);
  assert.equal(table.get("BTC-USDT"), "Btc-Usdt");
  assert.equal(table.size, 1);
});
