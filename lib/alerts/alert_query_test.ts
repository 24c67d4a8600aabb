import assert from "node:assert/strict";
import {
  AlertQueryError,
  parseAlertExportQuery,
  parseAlertListQuery,
  parseAuditQuery,
} from "./alert_query.ts";

const params = (query: string) => new URLSearchParams(query);

function refusal(fn: () => unknown): AlertQueryError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AlertQueryError, String(error));
    return error;
  }
  assert.fail("expected an AlertQueryError");
}

Deno.test("alert query - defaults: no filters, 100 per page", () => {
  assert.deepEqual(parseAlertListQuery(params("")), { limit: 100 });
});

Deno.test("alert query - every filter is parsed; the symbol is left as given", () => {
  const query = parseAlertListQuery(
    params(
      "symbol=btc-usdt&kind=whale_trade&since=1704164645006&until=2024-01-03T00:00:00Z&cursor=00lr0bqh9a-0001&limit=500",
    ),
  );
  assert.deepEqual(query, {
    symbol: "btc-usdt",
    kind: "whale_trade",
    since: 1704164645006,
    until: Date.UTC(2024, 0, 3),
    cursor: "00lr0bqh9a-0001",
    limit: 500,
  });
});

Deno.test("alert query - ISO times need a zone; dates alone are UTC midnight", () => {
  assert.equal(
    parseAlertListQuery(params("since=2024-01-02")).since,
    Date.UTC(2024, 0, 2),
  );
  assert.equal(
    parseAlertListQuery(params("since=2024-01-02T01:00:00.5+01:00")).since,
    Date.UTC(2024, 0, 2, 0, 0, 0, 500),
  );
  for (const bad of ["2024-01-02T03:04:05", "yesterday", "-5", "1e12", ""]) {
    const error = refusal(() => parseAlertListQuery(params(`since=${bad}`)));
    assert.equal(error.name, "AlertQueryError", bad);
    assert.match(error.message, /^since: /, bad);
  }
});

Deno.test("alert query - limit is an integer from 1 to 500", () => {
  for (const bad of ["0", "501", "1.5", "-1", "abc", ""]) {
    const error = refusal(() => parseAlertListQuery(params(`limit=${bad}`)));
    assert.match(error.message, /^limit: /, bad);
  }
  assert.equal(
    refusal(() => parseAlertListQuery(params("limit=0"))).message,
    "limit: expected an integer from 1 to 500",
  );
});

Deno.test("alert query - unknown kinds, cursors, parameters and repeats are refused", () => {
  const cases: [string, RegExp][] = [
    ["kind=whale", /^kind: expected one of/],
    ["cursor=nope", /^cursor: /],
    ["symbols=BTC-USDT", /unknown parameter symbols/],
    ["kind=whale_trade&kind=volume_spike", /^kind: give each parameter/],
    ["since=2000&until=1000", /since must be before until/],
  ];
  for (const [query, message] of cases) {
    const error = refusal(() => parseAlertListQuery(params(query)));
    assert.match(error.message, message, query);
  }
});

Deno.test("alert query - names on the prototype chain are unknown parameters, not repeats", () => {
  for (
    const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]
  ) {
    assert.equal(
      refusal(() => parseAlertListQuery(params(`${name}=1`))).message,
      `unknown parameter ${name}`,
    );
    assert.equal(
      refusal(() => parseAuditQuery(params(`${name}=1`))).message,
      `unknown parameter ${name}`,
    );
  }
  assert.equal(
    refusal(() => parseAlertListQuery(params("__proto__=1&__proto__=2")))
      .message,
    "__proto__: give each parameter at most once",
  );
});

Deno.test("alert export query - limit is optional and may exceed a page", () => {
  assert.equal(parseAlertExportQuery(params("")).limit, undefined);
  assert.equal(parseAlertExportQuery(params("limit=20000")).limit, 20_000);
  assert.match(
    refusal(() => parseAlertExportQuery(params("limit=0"))).message,
    /^limit: /,
  );
});

Deno.test("audit query - symbol, audit cursor and limit", () => {
  assert.deepEqual(
    parseAuditQuery(
      params("symbol=eth-usdt&cursor=00lr0bqh9a-0a1b2c3d&limit=5"),
    ),
    { symbol: "eth-usdt", cursor: "00lr0bqh9a-0a1b2c3d", limit: 5 },
  );
  assert.deepEqual(parseAuditQuery(params("")), { limit: 100 });
  assert.match(
    refusal(() => parseAuditQuery(params("cursor=00lr0bqh9a-0001"))).message,
    /^cursor: /,
  );
  assert.match(
    refusal(() => parseAuditQuery(params("kind=whale"))).message,
    /unknown parameter kind/,
  );
});
