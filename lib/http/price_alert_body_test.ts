import assert from "node:assert/strict";
import { priceAlertBodySchema } from "./price_alert_body.ts";
import { symbolTable } from "./symbol_policy.ts";

const schema = priceAlertBodySchema(symbolTable(["BTC-USDT", "ETH-USDT"]));

const issues = (body: unknown) => {
  const parsed = schema.safeParse(body);
  assert.equal(parsed.success, false, JSON.stringify(body));
  return parsed.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

Deno.test("price alert body - a tracked symbol in any case, a positive price, a direction", () => {
  assert.deepEqual(
    schema.parse({ symbol: "eth-usdt", price: 3_100.5, direction: "below" }),
    { symbol: "ETH-USDT", price: 3_100.5, direction: "below" },
  );
});

Deno.test("price alert body - each bad field is named", () => {
  assert.deepEqual(
    issues({ symbol: "DOGE-USDT", price: 1, direction: "above" }),
    [
      "symbol: expected a tracked symbol (BTC-USDT, ETH-USDT)",
    ],
  );
  for (const price of [0, -1, 1e13, "5", null]) {
    assert.match(
      issues({ symbol: "BTC-USDT", price, direction: "above" })[0],
      /^price: expected/,
    );
  }
  assert.deepEqual(issues({ symbol: "BTC-USDT", price: 1, direction: "up" }), [
    "direction: expected above or below",
  ]);
  assert.match(
    issues({ symbol: "BTC-USDT", price: 1, direction: "above", note: "x" })[0],
    /note/,
  );
});
