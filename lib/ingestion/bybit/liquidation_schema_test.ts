import assert from "node:assert/strict";
import { parseWsFrame, topicTable } from "./bybit_ws_schema.ts";
import { MAX_LIQUIDATION_NOTIONAL } from "./liquidation_schema.ts";

/** Bybit's documented `allLiquidation.*` push, verbatim. */
const DOC_LIQUIDATION =
  '{"topic":"allLiquidation.ROSEUSDT","type":"snapshot","ts":1739502303204,"data":[{"T":1739502302929,"s":"ROSEUSDT","S":"Sell","v":"20000","p":"0.04499"}]}';

const routes = topicTable([
  { id: "ROSE-USDT-PERP", upstream: "ROSEUSDT", category: "linear" },
]);

function parse(text: string) {
  const frame = parseWsFrame(text, routes);
  if (frame.kind !== "liquidations") throw new Error(`got ${frame.kind}`);
  return frame;
}

function withItems(items: Record<string, unknown>[]): string {
  const doc = JSON.parse(DOC_LIQUIDATION);
  return JSON.stringify({
    ...doc,
    data: items.map((item) => ({ ...doc.data[0], ...item })),
  });
}

Deno.test("parseWsFrame - the documented liquidation push maps side, price and size", () => {
  const frame = parse(DOC_LIQUIDATION);
  assert.deepEqual(frame.liquidations, [{
    symbol: "ROSE-USDT-PERP",
    time: 1739502302929,
    side: "Sell",
    price: 0.04499,
    size: 20000,
    notional: 0.04499 * 20000,
  }]);
  assert.deepEqual(frame.rejected, []);
});

Deno.test("parseWsFrame - absurd liquidations are rejected one by one, the rest kept", () => {
  const frame = parse(withItems([
    { p: "0" },
    { v: "-5" },
    { p: "1e8", v: "1000" },
    { p: String(MAX_LIQUIDATION_NOTIONAL), v: "1.0001" },
    { T: 5 },
    { S: "Long" },
    { p: "NaN" },
    { s: "BTCUSDT" },
    { p: "0.05", v: "1000" },
  ]));
  assert.equal(frame.rejected.length, 8);
  assert.deepEqual(frame.liquidations.map((l) => l.notional), [50]);
  assert.match(frame.rejected[2].reason, /not believable/);
});
