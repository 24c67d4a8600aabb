import assert from "node:assert/strict";
import {
  formatPcnt,
  formatPrice,
  formatSpotTicker,
  formatTicks,
  priceTicks,
} from "./spot_ticker.ts";
import { DEFAULT_SYMBOL_SPECS } from "./symbol_specs.ts";

Deno.test("spot_ticker - prices print on the tick grid with fixed decimals", () => {
  assert.equal(formatPrice(60_000, 2), "60000.00");
  assert.equal(formatPrice(0.00031234, 7), "0.0003123");
  assert.equal(formatTicks(priceTicks(0.1 + 0.2, 2), 2), "0.30");
});

Deno.test("spot_ticker - rounding keeps the order of prices", () => {
  for (let i = 0; i < 10_000; i++) {
    const a = 0.0003 + i * 1.3e-11;
    const b = a + 1e-12;
    assert.ok(priceTicks(a, 7) <= priceTicks(b, 7));
  }
});

Deno.test("spot_ticker - the 24 h change is a 4-decimal fraction, '0' when flat", () => {
  assert.equal(formatPcnt(2053313, 2039348), "0.0068");
  assert.equal(formatPcnt(99, 100), "-0.0100");
  assert.equal(formatPcnt(100, 100), "0");
  assert.equal(formatPcnt(1000000, 1000001), "0");
});

Deno.test("spot_ticker - an item has Bybit's spot fields in Bybit's order, all strings", () => {
  const item = formatSpotTicker(DEFAULT_SYMBOL_SPECS[0], {
    price: 60_000.004,
    bidTicksBelow: 1,
    askTicksAbove: 2,
    bidSize: 0.5,
    askSize: 1.25,
    high24h: 61_000,
    low24h: 59_000,
    prevPrice24h: 59_500,
    turnover24h: 51_000_000.123456,
    volume24h: 850.5,
    indexRatio: 1.0001,
  });
  assert.deepEqual(Object.keys(item), [
    "symbol",
    "bid1Price",
    "bid1Size",
    "ask1Price",
    "ask1Size",
    "lastPrice",
    "prevPrice24h",
    "price24hPcnt",
    "highPrice24h",
    "lowPrice24h",
    "turnover24h",
    "volume24h",
    "usdIndexPrice",
  ]);
  assert.equal(item.lastPrice, "60000.00");
  assert.equal(item.bid1Price, "59999.99");
  assert.equal(item.ask1Price, "60000.02");
  assert.equal(item.price24hPcnt, "0.0084");
  assert.equal(item.turnover24h, "51000000.1235");
  assert.equal(item.bid1Size, "0.500000");
});
