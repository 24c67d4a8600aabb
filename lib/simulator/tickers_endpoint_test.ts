import assert from "node:assert/strict";
import { parseTickers, symbolTable } from "../ingestion/bybit/bybit_schema.ts";
import {
  BYBIT_SPOT_TICKERS_EXAMPLE,
  TRACKED,
} from "../ingestion/test_utils.ts";
import { SimMarket } from "./market_model.ts";
import { type ContentFault, tickersResponse } from "./tickers_endpoint.ts";

const NOW = 1_700_000_000_000;

function answer(query: string, fault: ContentFault | null = null) {
  const market = new SimMarket({ startMs: NOW });
  return tickersResponse(market, new URLSearchParams(query), fault, NOW);
}

/** The shape of a JSON value: key order and value types, first array item. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [shape(value[0])];
  if (value !== null && typeof value === "object") {
    return Object.entries(value).map(([key, v]) => [key, shape(v)]);
  }
  return typeof value;
}

Deno.test("tickersResponse - the envelope has the shape of Bybit's documented example", async () => {
  const response = answer("category=spot&symbol=BTCUSDT");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type")!, /^application\/json/);
  const body = await response.json();
  assert.deepEqual(shape(body), shape(JSON.parse(BYBIT_SPOT_TICKERS_EXAMPLE)));
  assert.equal(body.time, NOW);
  assert.equal(body.result.list.length, 1);
  assert.equal(body.result.list[0].symbol, "BTCUSDT");
});

Deno.test("tickersResponse - without a symbol every listed symbol is answered", async () => {
  const body = await answer("category=spot&symbol=").json();
  assert.deepEqual(
    body.result.list.map((item: { symbol: string }) => item.symbol),
    ["BTCUSDT", "ETHUSDT", "SOLUSDT", "1000SATSUSDT", "XRPUSDT", "DOGEUSDT"],
  );
});

Deno.test("tickersResponse - the service's own parser accepts every tracked symbol", async () => {
  const parsed = parseTickers(
    await answer("category=spot").json(),
    symbolTable(TRACKED),
  );
  assert.equal(parsed.ticks.length, TRACKED.length);
  assert.deepEqual(parsed.rejected, []);
  assert.deepEqual(parsed.missing, []);
});

Deno.test("tickersResponse - an unknown symbol is refused as Bybit does", async () => {
  for (const symbol of ["NOPEUSDT", "btcusdt"]) {
    const response = answer(`category=spot&symbol=${symbol}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      retCode: 10001,
      retMsg: "Not supported symbols",
      result: { category: "spot", list: [] },
      retExtInfo: {},
      time: NOW,
    });
  }
});

Deno.test("tickersResponse - a missing or other category is a params error", async () => {
  for (const query of ["", "category=linear", "category=SPOT&symbol=BTCUSDT"]) {
    const response = answer(query);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      retCode: 10001,
      retMsg: "params error",
      result: {},
      retExtInfo: {},
      time: NOW,
    });
  }
});

Deno.test("tickersResponse - an unlisted symbol leaves the list and is refused by name", async () => {
  const fault = { kind: "unlisted", symbol: "SOLUSDT" } as const;
  const all = await answer("category=spot", fault).json();
  assert.ok(
    !all.result.list.some((item: { symbol: string }) =>
      item.symbol === "SOLUSDT"
    ),
  );
  assert.equal(all.result.list.length, 5);
  const one = await answer("category=spot&symbol=SOLUSDT", fault).json();
  assert.equal(one.retCode, 10001);
  const other = await answer("category=spot&symbol=BTCUSDT", fault).json();
  assert.equal(other.result.list[0].symbol, "BTCUSDT");
});

Deno.test("tickersResponse - item faults spoil only the first item", async () => {
  const cases: [
    ContentFault["kind"],
    (item: Record<string, string>) => void,
  ][] = [
    ["missing-field", (item) => assert.equal("lastPrice" in item, false)],
    ["empty-field", (item) => assert.equal(item.lastPrice, "")],
    ["bad-number", (item) => assert.equal(item.lastPrice, "abc")],
  ];
  for (const [kind, check] of cases) {
    const body = await answer("category=spot", { kind } as ContentFault).json();
    check(body.result.list[0]);
    assert.match(body.result.list[1].lastPrice, /^\d+\.\d+$/, kind);
    const parsed = parseTickers(body, symbolTable(TRACKED));
    assert.equal(parsed.rejected.length, 1, kind);
    assert.equal(parsed.ticks.length, TRACKED.length - 1, kind);
  }
});
