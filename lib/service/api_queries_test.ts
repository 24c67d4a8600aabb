import assert from "node:assert/strict";
import { symbolTable } from "../http/symbol_policy.ts";
import {
  readAlertExportQuery,
  readAlertListQuery,
  readAuditQuery,
  readCandleQuery,
} from "./api_queries.ts";

const TABLE = symbolTable(["BTC-USDT", "ETH-USDT"]);
const list = (query: string) =>
  readAlertListQuery(new URLSearchParams(query), TABLE);
const exporting = (query: string) =>
  readAlertExportQuery(new URLSearchParams(query), TABLE);
const audit = (query: string) =>
  readAuditQuery(new URLSearchParams(query), TABLE);

/** What a refused query throws: an HttpError with `status` and `code`. */
const refused = (status: number, code: string, message?: RegExp) => ({
  name: "HttpError",
  status,
  code,
  ...(message && { message }),
});

Deno.test("api queries - defaults: no filters, 100 per page", () => {
  assert.deepEqual(list(""), { symbol: undefined, limit: 100 });
  assert.deepEqual(audit(""), { symbol: undefined, limit: 100 });
});

Deno.test("api queries - the symbol is made canonical", () => {
  assert.deepEqual(
    list(
      "symbol=btc-usdt&kind=whale_trade&since=1704164645006&until=2024-01-03T00:00:00Z&cursor=00lr0bqh9a-0001&limit=500",
    ),
    {
      symbol: "BTC-USDT",
      kind: "whale_trade",
      since: 1704164645006,
      until: Date.UTC(2024, 0, 3),
      cursor: "00lr0bqh9a-0001",
      limit: 500,
    },
  );
  assert.deepEqual(
    audit("symbol=eth-usdt&cursor=00lr0bqh9a-0a1b2c3d&limit=5"),
    { symbol: "ETH-USDT", cursor: "00lr0bqh9a-0a1b2c3d", limit: 5 },
  );
  assert.equal(exporting("symbol=eth-usdt").symbol, "ETH-USDT");
});

Deno.test("api queries - refused queries are 400 invalid_query with the parser's detail", () => {
  for (
    const [query, detail] of [
      ["limit=501", "limit: expected an integer from 1 to 500"],
      ["since=2000&until=1000", "since must be before until"],
      ["__proto__=1", "unknown parameter __proto__"],
    ]
  ) {
    assert.throws(
      () => list(query),
      refused(400, "invalid_query", new RegExp(`^${detail}$`)),
      query,
    );
  }
  assert.throws(() => exporting("limit=0"), refused(400, "invalid_query"));
  assert.throws(
    () => audit("cursor=00lr0bqh9a-0001"),
    refused(400, "invalid_query"),
  );
  assert.throws(() => audit("kind=whale"), refused(400, "invalid_query"));
});

Deno.test("api queries - symbols follow the symbol policy (400 malformed, 404 untracked)", () => {
  assert.throws(() => list("symbol=no_pe"), refused(400, "invalid_symbol"));
  assert.throws(
    () => list("symbol=DOGE-USDT"),
    refused(404, "unknown_symbol"),
  );
  assert.throws(
    () => audit("symbol=DOGE-USDT"),
    refused(404, "unknown_symbol"),
  );
});

Deno.test("api queries - a bad query is refused before the symbol is looked up", () => {
  assert.throws(
    () => list("symbol=DOGE-USDT&limit=0"),
    refused(400, "invalid_query"),
  );
});

Deno.test("api queries - the candle query: canonical symbol, refusals as 400 and 404", () => {
  const candles = (query: string) =>
    readCandleQuery(new URLSearchParams(query), TABLE);
  assert.deepEqual(candles("symbol=btc-usdt&interval=15m"), {
    symbol: "BTC-USDT",
    interval: "15m",
    limit: 300,
  });
  assert.throws(
    () => candles("symbol=BTC-USDT&interval=2m"),
    refused(400, "invalid_query", /^interval: expected one of/),
  );
  assert.throws(() => candles("interval=1m"), refused(400, "invalid_query"));
  assert.throws(
    () => candles("symbol=DOGE-USDT"),
    refused(404, "unknown_symbol"),
  );
});
