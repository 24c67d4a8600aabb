import assert from "node:assert/strict";
import { CandleQueryError, parseCandleQuery } from "./candle_query.ts";

const parse = (query: string) => parseCandleQuery(new URLSearchParams(query));

function refused(query: string, detail: RegExp): void {
  assert.throws(() => parse(query), (error) => {
    assert.ok(error instanceof CandleQueryError, String(error));
    assert.match(error.message, detail, query);
    return true;
  });
}

Deno.test("candle query - defaults, the symbol as given, both time forms", () => {
  assert.deepEqual(parse("symbol=btc-usdt"), {
    symbol: "btc-usdt",
    interval: "1m",
    limit: 300,
  });
  assert.deepEqual(
    parse(
      "symbol=ETH-USDT&interval=4h&from=1700000000000&to=2024-01-02T03:04:05Z&limit=1000",
    ),
    {
      symbol: "ETH-USDT",
      interval: "4h",
      from: 1_700_000_000_000,
      to: Date.UTC(2024, 0, 2, 3, 4, 5),
      limit: 1_000,
    },
  );
  assert.equal(
    parse("symbol=BTC-USDT&to=2024-01-02T03:04:05 02:00").to,
    Date.UTC(2024, 0, 2, 1, 4, 5),
    "an unencoded + reads as +",
  );
});

Deno.test("candle query - each bad parameter is refused with a reason", () => {
  refused("", /symbol: required/);
  refused("symbol=BTC-USDT&interval=2m", /interval: expected one of 1s, 1m/);
  refused(
    "symbol=BTC-USDT&limit=1001",
    /limit: expected an integer from 1 to 1000/,
  );
  refused("symbol=BTC-USDT&limit=0", /limit/);
  refused(
    "symbol=BTC-USDT&from=yesterday",
    /from: expected epoch milliseconds/,
  );
  refused("symbol=BTC-USDT&to=2024-01-02T03:04:05", /with a zone/);
  refused("symbol=BTC-USDT&from=2000&to=1000", /from must be before to/);
  refused("symbol=BTC-USDT&symbols=ETH-USDT", /unknown parameter symbols/);
  refused(
    "symbol=BTC-USDT&symbol=ETH-USDT",
    /symbol: give each parameter at most once/,
  );
});
