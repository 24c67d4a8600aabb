import assert from "node:assert/strict";
import { parseKlinePage } from "./kline_schema.ts";
import { UpstreamError } from "./upstream_error.ts";

/** The response example of Bybit's "Get Kline" page (inverse BTCUSD, 60). */
const BYBIT_KLINE_EXAMPLE = {
  retCode: 0,
  retMsg: "OK",
  result: {
    symbol: "BTCUSD",
    category: "inverse",
    list: [
      [
        "1670608800000",
        "17071",
        "17073",
        "17027",
        "17055.5",
        "268611",
        "15.74462667",
      ],
      [
        "1670605200000",
        "17071.5",
        "17071.5",
        "17061",
        "17071",
        "4177",
        "0.24469757",
      ],
      [
        "1670601600000",
        "17086.5",
        "17088",
        "16978",
        "17071.5",
        "6356",
        "0.37288112",
      ],
    ],
  },
  retExtInfo: {},
  time: 1672025956592,
};

const EXPECT = { symbol: "BTCUSD", category: "inverse" };

Deno.test("parseKlinePage - Bybit's documented example, newest first, becomes bars oldest first", () => {
  const page = parseKlinePage(BYBIT_KLINE_EXAMPLE, EXPECT);
  assert.equal(page.rows, 3);
  assert.equal(page.rejected, 0);
  assert.equal(page.time, 1672025956592);
  assert.deepEqual(page.bars, [
    {
      t: 1670601600000,
      o: 17086.5,
      h: 17088,
      l: 16978,
      c: 17071.5,
      v: 6356,
      turnover: 0.37288112,
      volume_source: "trades",
    },
    {
      t: 1670605200000,
      o: 17071.5,
      h: 17071.5,
      l: 17061,
      c: 17071,
      v: 4177,
      turnover: 0.24469757,
      volume_source: "trades",
    },
    {
      t: 1670608800000,
      o: 17071,
      h: 17073,
      l: 17027,
      c: 17055.5,
      v: 268611,
      turnover: 15.74462667,
      volume_source: "trades",
    },
  ]);
});

/** The documented example with `rows` as its list. */
function withRows(rows: unknown[]) {
  return {
    ...BYBIT_KLINE_EXAMPLE,
    result: { ...BYBIT_KLINE_EXAMPLE.result, list: rows },
  };
}

Deno.test("parseKlinePage - bad rows are skipped and counted, the rest kept", () => {
  const list = BYBIT_KLINE_EXAMPLE.result.list;
  const body = withRows([
    list[0],
    [1670605200000, "1", "1", "1", "1", "1", "1"], // a number, not a string
    ["1670605200000", "1", "1", "1", "1", "1"], // six fields
    ["1670601600000", "abc", "1", "1", "1", "1", "1"],
    ["1670601600000", "5", "4", "3", "4", "1", "1"], // high below open
    ["1670601600000", "0", "0", "0", "0", "1", "1"], // zero price
    list[2],
  ]);
  const page = parseKlinePage(body, EXPECT);
  assert.equal(page.rows, 7);
  assert.equal(page.rejected, 5);
  assert.match(page.firstRejection!, /^0: /);
  assert.deepEqual(page.bars.map((b) => b.t), [1670601600000, 1670608800000]);
});

Deno.test("parseKlinePage - error envelopes and answers for another market throw", () => {
  const kind = (body: unknown) => {
    try {
      parseKlinePage(body, EXPECT);
    } catch (error) {
      assert.ok(error instanceof UpstreamError);
      return error.kind;
    }
    assert.fail("expected a throw");
  };
  assert.equal(
    kind({ retCode: 10006, retMsg: "Too many visits!", result: {} }),
    "rate-limited",
  );
  assert.equal(
    kind({ retCode: 10001, retMsg: "params error", result: {} }),
    "ret-code",
  );
  assert.equal(
    kind({ ...BYBIT_KLINE_EXAMPLE, result: { list: null } }),
    "invalid-envelope",
  );
  assert.equal(
    kind({
      ...BYBIT_KLINE_EXAMPLE,
      result: { ...BYBIT_KLINE_EXAMPLE.result, category: "linear" },
    }),
    "invalid-envelope",
  );
});

Deno.test("parseKlinePage - rows with implausible prices, volumes or turnover are skipped", () => {
  const page = parseKlinePage(
    withRows([
      ["1670608800000", "1e300", "1e300", "1e300", "1e300", "1", "1"],
      ["1670605200000", "5", "6", "4", "5", "1e17", "1"],
      ["1670601600000", "5", "6", "4", "5", "1", "1e308"],
      BYBIT_KLINE_EXAMPLE.result.list[2],
    ]),
    EXPECT,
  );
  assert.equal(page.rejected, 3);
  assert.match(page.firstRejection!, /outside the plausible range/);
  assert.deepEqual(page.bars.map((b) => b.t), [1670601600000]);
});
