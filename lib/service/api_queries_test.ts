import assert from "node:assert/strict";
import { HttpError } from "../web/mod.ts";
import { symbolTable } from "../http/symbol_policy.ts";
import {
  readAlertExportQuery,
  readAlertListQuery,
  readAuditQuery,
} from "./api_queries.ts";

const TABLE = symbolTable(["BTC-USDT", "ETH-USDT"]);
const params = (query: string) => new URLSearchParams(query);

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error;
  }
  assert.fail("expected an HttpError");
}

Deno.test("api queries - defaults: no filters, 100 per page", () => {
  assert.deepEqual(readAlertListQuery(params(""), TABLE), {
    symbol: undefined,
    limit: 100,
  });
  assert.deepEqual(readAuditQuery(params(""), TABLE), {
    symbol: undefined,
    limit: 100,
  });
});

Deno.test("api queries - the symbol is made canonical", () => {
  assert.deepEqual(
    readAlertListQuery(
      params(
        "symbol=btc-usdt&kind=whale_trade&since=1704164645006&until=2024-01-03T00:00:00Z&cursor=00lr0bqh9a-0001&limit=500",
      ),
      TABLE,
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
    readAuditQuery(
      params("symbol=eth-usdt&cursor=00lr0bqh9a-0a1b2c3d&limit=5"),
      TABLE,
    ),
    { symbol: "ETH-USDT", cursor: "00lr0bqh9a-0a1b2c3d", limit: 5 },
  );
  assert.equal(
    readAlertExportQuery(params("symbol=eth-usdt"), TABLE).symbol,
    "ETH-USDT",
  );
});

Deno.test("api queries - refused queries are 400 invalid_query with the parser's detail", () => {
  const cases: [string, RegExp][] = [
    ["kind=whale", /^kind: expected one of/],
    ["cursor=nope", /^cursor: /],
    ["symbols=BTC-USDT", /unknown parameter symbols/],
    ["kind=whale_trade&kind=volume_spike", /^kind: give each parameter/],
    ["since=2000&until=1000", /since must be before until/],
    ["limit=501", /^limit: /],
    ["since=yesterday", /^since: /],
    ["__proto__=1", /^unknown parameter __proto__$/],
  ];
  for (const [query, message] of cases) {
    const error = refusal(() => readAlertListQuery(params(query), TABLE));
    assert.equal(error.status, 400, query);
    assert.equal(error.code, "invalid_query", query);
    assert.match(error.message, message, query);
  }
  for (
    const fn of [
      () => readAlertExportQuery(params("limit=0"), TABLE),
      () => readAuditQuery(params("cursor=00lr0bqh9a-0001"), TABLE),
      () => readAuditQuery(params("kind=whale"), TABLE),
    ]
  ) {
    const error = refusal(fn);
    assert.equal(error.status, 400);
    assert.equal(error.code, "invalid_query");
  }
});

Deno.test("api queries - symbols follow the symbol policy (400 malformed, 404 untracked)", () => {
  assert.equal(
    refusal(() => readAlertListQuery(params("symbol=no_pe"), TABLE)).status,
    400,
  );
  assert.equal(
    refusal(() => readAlertListQuery(params("symbol=DOGE-USDT"), TABLE)).status,
    404,
  );
  assert.equal(
    refusal(() => readAuditQuery(params("symbol=DOGE-USDT"), TABLE)).status,
    404,
  );
});

Deno.test("api queries - a bad query is refused before the symbol is looked up", () => {
  const error = refusal(() =>
    readAlertListQuery(params("symbol=DOGE-USDT&limit=0"), TABLE)
  );
  assert.equal(error.status, 400);
  assert.equal(error.code, "invalid_query");
});
