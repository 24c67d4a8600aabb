import assert from "node:assert/strict";
import { HttpError } from "../http/http_error.ts";
import { symbolTable } from "../http/symbol_policy.ts";
import {
  parseAlertExportQuery,
  parseAlertListQuery,
  parseAuditQuery,
} from "./alert_query.ts";

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

Deno.test("alert query - defaults: no filters, 100 per page", () => {
  assert.deepEqual(parseAlertListQuery(params(""), TABLE), {
    symbol: undefined,
    limit: 100,
  });
});

Deno.test("alert query - every filter is parsed and the symbol made canonical", () => {
  const query = parseAlertListQuery(
    params(
      "symbol=btc-usdt&kind=whale_trade&since=1704164645006&until=2024-01-03T00:00:00Z&cursor=00lr0bqh9a-0001&limit=500",
    ),
    TABLE,
  );
  assert.deepEqual(query, {
    symbol: "BTC-USDT",
    kind: "whale_trade",
    since: 1704164645006,
    until: Date.UTC(2024, 0, 3),
    cursor: "00lr0bqh9a-0001",
    limit: 500,
  });
});

Deno.test("alert query - ISO times need a zone; dates alone are UTC midnight", () => {
  assert.equal(
    parseAlertListQuery(params("since=2024-01-02"), TABLE).since,
    Date.UTC(2024, 0, 2),
  );
  assert.equal(
    parseAlertListQuery(params("since=2024-01-02T01:00:00.5+01:00"), TABLE)
      .since,
    Date.UTC(2024, 0, 2, 0, 0, 0, 500),
  );
  for (const bad of ["2024-01-02T03:04:05", "yesterday", "-5", "1e12", ""]) {
    const error = refusal(() =>
      parseAlertListQuery(params(`since=${bad}`), TABLE)
    );
    assert.equal(error.status, 400, bad);
    assert.match(error.message, /^since: /, bad);
  }
});

Deno.test("alert query - limit is an integer from 1 to 500", () => {
  for (const bad of ["0", "501", "1.5", "-1", "abc", ""]) {
    const error = refusal(() =>
      parseAlertListQuery(params(`limit=${bad}`), TABLE)
    );
    assert.equal(error.status, 400, bad);
    assert.match(error.message, /^limit: /, bad);
  }
});

Deno.test("alert query - unknown kinds, cursors, parameters and repeats are 400", () => {
  const cases: [string, RegExp][] = [
    ["kind=whale", /^kind: expected one of/],
    ["cursor=nope", /^cursor: /],
    ["symbols=BTC-USDT", /unknown parameter symbols/],
    ["kind=whale_trade&kind=volume_spike", /^kind: give each parameter/],
    ["since=2000&until=1000", /since must be before until/],
  ];
  for (const [query, message] of cases) {
    const error = refusal(() => parseAlertListQuery(params(query), TABLE));
    assert.equal(error.status, 400, query);
    assert.equal(error.code, "invalid_query", query);
    assert.match(error.message, message, query);
  }
});

Deno.test("alert query - symbols follow the symbol policy (400 malformed, 404 untracked)", () => {
  assert.equal(
    refusal(() => parseAlertListQuery(params("symbol=no_pe"), TABLE)).status,
    400,
  );
  assert.equal(
    refusal(() => parseAlertListQuery(params("symbol=DOGE-USDT"), TABLE))
      .status,
    404,
  );
});

Deno.test("alert export query - limit is optional and may exceed a page", () => {
  assert.equal(parseAlertExportQuery(params(""), TABLE).limit, undefined);
  assert.equal(
    parseAlertExportQuery(params("limit=20000"), TABLE).limit,
    20_000,
  );
  assert.equal(
    refusal(() => parseAlertExportQuery(params("limit=0"), TABLE)).status,
    400,
  );
});

Deno.test("audit query - symbol, audit cursor and limit", () => {
  assert.deepEqual(
    parseAuditQuery(
      params("symbol=eth-usdt&cursor=00lr0bqh9a-0a1b2c3d&limit=5"),
      TABLE,
    ),
    { symbol: "ETH-USDT", cursor: "00lr0bqh9a-0a1b2c3d", limit: 5 },
  );
  assert.deepEqual(parseAuditQuery(params(""), TABLE), {
    symbol: undefined,
    limit: 100,
  });
  assert.equal(
    refusal(() => parseAuditQuery(params("cursor=00lr0bqh9a-0001"), TABLE))
      .status,
    400,
  );
  assert.equal(
    refusal(() => parseAuditQuery(params("kind=whale"), TABLE)).status,
    400,
  );
});
