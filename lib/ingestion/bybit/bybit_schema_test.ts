import assert from "node:assert/strict";
import {
  decimalString,
  optionalDecimalString,
  parseTickers,
  readLinearTicker,
  spotTickerItemSchema,
  symbolTable,
} from "./bybit_schema.ts";
import { FieldProblem } from "./decimal_fields.ts";
import { PLAUSIBLE } from "./plausible_ranges.ts";
import { UpstreamError } from "./upstream_error.ts";
import {
  BYBIT_SPOT_TICKERS_EXAMPLE,
  DOC_LINEAR_SNAPSHOT,
  spotItem,
  tickersEnvelope,
  TRACKED,
} from "../test_utils.ts";

const table = symbolTable(TRACKED);

function parse(body: unknown) {
  return parseTickers(body, table);
}

function thrown(fn: () => unknown): UpstreamError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UpstreamError);
    return error;
  }
  assert.fail("expected an UpstreamError");
}

Deno.test("parseTickers - the documented example maps every field", () => {
  const result = parse(JSON.parse(BYBIT_SPOT_TICKERS_EXAMPLE));
  assert.deepEqual(result.ticks, [{
    symbol: "BTC-USDT",
    price: 20533.13,
    high: 21128.12,
    low: 20318.89,
    volume: 243765620.65899866,
    change: 0.68,
    baseVolume: 11801.27771,
    bid: 20517.96,
    ask: 20527.77,
    upstreamTs: 1673859087947,
  }]);
  assert.deepEqual(result.rejected, []);
  assert.deepEqual(result.missing, ["ETH-USDT", "SOL-USDT", "1000SATS-USDT"]);
});

Deno.test("parseTickers - maps symbols through the table, not by stripping dashes", () => {
  const custom = symbolTable([
    { id: "SATS-USDT", upstream: "1000SATSUSDT", category: "spot" },
  ]);
  const body = tickersEnvelope([
    spotItem("SATSUSDT"),
    spotItem("1000SATSUSDT"),
  ]);
  const result = parseTickers(body, custom);
  assert.deepEqual(result.ticks.map((t) => t.symbol), ["SATS-USDT"]);
  assert.deepEqual(result.missing, []);
});

Deno.test('parseTickers - "" usdIndexPrice and blank optional fields are fine', () => {
  const result = parse(tickersEnvelope([
    spotItem("BTCUSDT", {
      usdIndexPrice: "",
      bid1Price: "",
      ask1Price: "",
      volume24h: "",
    }),
  ]));
  assert.equal(result.rejected.length, 0);
  const [tick] = result.ticks;
  assert.equal(tick.price, 20533.13);
  assert.equal("bid" in tick, false);
  assert.equal("ask" in tick, false);
  assert.equal("baseVolume" in tick, false);
});

Deno.test("parseTickers - fields not consumed are not validated", () => {
  const result = parse(tickersEnvelope([
    spotItem("BTCUSDT", { usdIndexPrice: "abc", bid1Size: null }),
  ]));
  assert.equal(result.ticks.length, 1);
});

const badItems: [string, Record<string, unknown>, RegExp][] = [
  ["missing lastPrice", { lastPrice: undefined }, /^lastPrice: /],
  ['"" lastPrice', { lastPrice: "" }, /^lastPrice: expected a finite/],
  ['"abc" price', { lastPrice: "abc" }, /lastPrice: .*"abc"/],
  ['"NaN" high', { highPrice24h: "NaN" }, /^highPrice24h: .*"NaN"/],
  ['"Infinity" turnover', { turnover24h: "Infinity" }, /^turnover24h: /],
  ["overflowing exponent", { lowPrice24h: "1e999" }, /^lowPrice24h: /],
  ["hex number", { lastPrice: "0x10" }, /^lastPrice: /],
  ["number instead of string", { lastPrice: 20533.13 }, /^lastPrice: /],
  ["negative price", { lastPrice: "-1" }, /^lastPrice: outside the plaus/],
  ["price 1e300", { lastPrice: "1e300" }, /^lastPrice: .* 0 to 1e9$/],
  ["high 1e10", { highPrice24h: "1e10" }, /^highPrice24h: outside the plaus/],
  ["turnover 1e308", { turnover24h: "1e308" }, /^turnover24h: .* 0 to 1e12$/],
  ["base volume 1e17", { volume24h: "1e17" }, /^volume24h: .* 0 to 1e16$/],
  ["change +200,000 %", { price24hPcnt: "2000" }, /: .* -1 to 1000$/],
  ["change below -100 %", { price24hPcnt: "-1.5" }, /^price24hPcnt: outside/],
  ["ask 1e300", { ask1Price: "1e300" }, /^ask1Price: outside the plaus/],
  ['"abc" bid', { bid1Price: "abc" }, /^bid1Price: /],
  ["high below low", { highPrice24h: "1", lowPrice24h: "2" }, /below/],
];

for (const [name, overrides, reason] of badItems) {
  Deno.test(`parseTickers - ${name} rejects only that item`, () => {
    const result = parse(tickersEnvelope([
      spotItem("BTCUSDT", overrides),
      spotItem("ETHUSDT"),
      spotItem("SOLUSDT"),
    ]));
    assert.deepEqual(result.ticks.map((t) => t.symbol), [
      "ETH-USDT",
      "SOL-USDT",
    ]);
    assert.equal(result.rejected.length, 1);
    assert.equal(result.rejected[0].symbol, "BTC-USDT");
    assert.match(result.rejected[0].reason, reason);
    assert.deepEqual(result.missing, ["1000SATS-USDT"]);
  });
}

Deno.test("parseTickers - null and symbol-less items are rejected, others survive", () => {
  const result = parse(tickersEnvelope([
    null,
    42,
    { lastPrice: "1" },
    spotItem("ETHUSDT"),
  ]));
  assert.deepEqual(result.ticks.map((t) => t.symbol), ["ETH-USDT"]);
  assert.deepEqual(result.rejected, [
    { symbol: null, reason: "item has no symbol" },
    { symbol: null, reason: "item has no symbol" },
    { symbol: null, reason: "item has no symbol" },
  ]);
});

Deno.test("parseTickers - untracked items are skipped without validation", () => {
  const result = parse(tickersEnvelope([
    spotItem("DOGEUSDT", { lastPrice: "garbage" }),
    spotItem("BTCUSDT"),
  ]));
  assert.equal(result.ticks.length, 1);
  assert.deepEqual(result.rejected, []);
});

Deno.test("parseTickers - a symbol listed twice keeps the first", () => {
  const result = parse(tickersEnvelope([
    spotItem("BTCUSDT", { lastPrice: "1" }),
    spotItem("BTCUSDT", { lastPrice: "2" }),
  ]));
  assert.deepEqual(result.ticks.map((t) => t.price), [1]);
  assert.deepEqual(result.rejected, [{
    symbol: "BTC-USDT",
    reason: "symbol listed more than once",
  }]);
});

Deno.test("parseTickers - an empty list reports every symbol missing", () => {
  const result = parse(tickersEnvelope([]));
  assert.deepEqual(result.ticks, []);
  assert.deepEqual(result.missing, TRACKED.map((s) => s.id));
});

Deno.test("parseTickers - retCode errors carry code and message", () => {
  const error = thrown(() =>
    parse({ retCode: 10001, retMsg: "Not supported symbols", result: {} })
  );
  assert.equal(error.kind, "ret-code");
  assert.equal(error.retCode, 10001);
  assert.equal(error.message, "Bybit retCode 10001: Not supported symbols");
});

Deno.test("parseTickers - retCode 10006 is a rate limit", () => {
  const error = thrown(() =>
    parse({ retCode: 10006, retMsg: "Too many visits!", result: {} })
  );
  assert.equal(error.kind, "rate-limited");
  assert.equal(error.retCode, 10006);
});

Deno.test("parseTickers - an oversized retMsg is bounded", () => {
  const error = thrown(() =>
    parse({ retCode: 10016, retMsg: "x".repeat(10_000) + "\n\u0000" })
  );
  assert.ok(error.message.length <= 200);
  assert.ok(!error.message.includes("\n") && !error.message.includes("\0"));
});

const badEnvelopes: [string, unknown, RegExp][] = [
  ["null body", null, /^Invalid response envelope/],
  ["an array", [], /^Invalid response envelope/],
  ["retCode as a string", { retCode: "0", result: {} }, /retCode/],
  ["null list", { ...tickersEnvelope(null) }, /result\.list/],
  ["missing result", { retCode: 0, retMsg: "OK", time: 1 }, /result/],
  ["missing time", { retCode: 0, result: { list: [] } }, /time/],
  [
    "a linear category",
    { ...tickersEnvelope([]), result: { category: "linear", list: [] } },
    /category/,
  ],
];

for (const [name, body, message] of badEnvelopes) {
  Deno.test(`parseTickers - ${name} is an invalid envelope`, () => {
    const error = thrown(() => parse(body));
    assert.equal(error.kind, "invalid-envelope");
    assert.match(error.message, message);
  });
}

Deno.test("decimalString - parses plain and exponent notation", () => {
  const schema = decimalString();
  assert.equal(schema.parse("20533.13"), 20533.13);
  assert.equal(schema.parse("-0.0068"), -0.0068);
  assert.equal(schema.parse("1e-8"), 1e-8);
  assert.equal(schema.parse("20575"), 20575);
  for (const bad of ["", " 1", "1 ", "1,5", "+", ".", "Infinity", "-NaN"]) {
    assert.equal(schema.safeParse(bad).success, false, bad);
  }
});

Deno.test("optionalDecimalString - blank and missing are absent", () => {
  const schema = optionalDecimalString({ range: PLAUSIBLE.size });
  assert.equal(schema.parse(""), undefined);
  assert.equal(schema.parse(undefined), undefined);
  assert.equal(schema.parse("2"), 2);
  assert.equal(schema.safeParse("-2").success, false);
});

Deno.test("spotTickerItemSchema - strips fields it does not consume", () => {
  const parsed = spotTickerItemSchema.parse(spotItem("BTCUSDT"));
  assert.equal("usdIndexPrice" in parsed, false);
});

Deno.test("parseSpotTickers - an implausible value's reason does not carry the value, so it logs once", () => {
  const reasons = ["1e300", "2e300", "3.5e301"].map((price) =>
    parse(tickersEnvelope([spotItem("BTCUSDT", { lastPrice: price })]))
      .rejected[0].reason
  );
  assert.equal(new Set(reasons).size, 1, reasons.join(" | "));
});

Deno.test("readLinearTicker - a merged ticker is read whole, or refused naming the field", () => {
  const snapshot = JSON.parse(DOC_LINEAR_SNAPSHOT).data;
  const item = readLinearTicker(snapshot);
  assert.ok(!(item instanceof FieldProblem));
  assert.equal(item.markPrice, 17217.33);
  assert.equal(item.nextFundingTime, 1673280000000);
  assert.equal(
    String(readLinearTicker({ ...snapshot, fundingRate: "abc" })),
    'fundingRate: expected a finite decimal string, got "abc"',
  );
  assert.match(
    String(readLinearTicker({ ...snapshot, lastPrice: 17216 })),
    /^lastPrice: /,
  );
  assert.equal(
    String(readLinearTicker({ ...snapshot, highPrice24h: "1" })),
    "highPrice24h: highPrice24h is below lowPrice24h",
  );
});
