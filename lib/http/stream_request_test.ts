import assert from "node:assert/strict";
import { HttpError } from "../web/mod.ts";
import {
  MAX_STREAM_SYMBOLS,
  parseMultiplexedStream,
  parseSingleStream,
} from "./stream_request.ts";
import { symbolTable } from "./symbol_policy.ts";

const TABLE = symbolTable(["BTC-USDT", "ETH-USDT", "SOL-USDT"]);
const q = (query: string) => new URLSearchParams(query);

function rejects(fn: () => unknown, status: number, detail?: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    assert.equal(error.status, status, error.message);
    if (detail) assert.match(error.message, detail);
    return;
  }
  assert.fail(`expected HTTP ${status}`);
}

Deno.test("parseSingleStream - a fresh join has no resume point", () => {
  const request = parseSingleStream("btc-usdt", q(""), TABLE);
  assert.deepEqual(request.symbols, ["BTC-USDT"]);
  assert.equal(request.since.size, 0);
  assert.equal(request.epoch, undefined);
});

Deno.test("parseSingleStream - since and epoch are parsed", () => {
  const request = parseSingleStream(
    "BTC-USDT",
    q("since=42&epoch=3f2a-b9"),
    TABLE,
  );
  assert.deepEqual([...request.since], [["BTC-USDT", 42]]);
  assert.equal(request.epoch, "3f2a-b9");
});

Deno.test("parseSingleStream - since=0 is a valid resume point", () => {
  const request = parseSingleStream("BTC-USDT", q("since=0"), TABLE);
  assert.equal(request.since.get("BTC-USDT"), 0);
});

Deno.test("parseSingleStream - a bad since is 400", () => {
  for (
    const since of [
      "",
      "-1",
      "1.5",
      "1e3",
      "abc",
      " 1",
      "0x10",
      "1234567890123456",
    ]
  ) {
    rejects(
      () =>
        parseSingleStream(
          "BTC-USDT",
          q(`since=${encodeURIComponent(since)}`),
          TABLE,
        ),
      400,
      /since must be a non-negative integer/,
    );
  }
});

Deno.test("parseSingleStream - a bad epoch is 400", () => {
  for (const epoch of ["", "a b", "a/b", "x".repeat(65), "é"]) {
    rejects(
      () =>
        parseSingleStream(
          "BTC-USDT",
          q(`epoch=${encodeURIComponent(epoch)}`),
          TABLE,
        ),
      400,
      /epoch must be/,
    );
  }
});

Deno.test("parseSingleStream - bad and untracked symbols are 400 and 404", () => {
  rejects(() => parseSingleStream("../", q(""), TABLE), 400);
  rejects(() => parseSingleStream("DOGE-USDT", q(""), TABLE), 404);
});

Deno.test("parseMultiplexedStream - without symbols every tracked symbol is followed", () => {
  const request = parseMultiplexedStream(q(""), TABLE);
  assert.deepEqual(request.symbols, ["BTC-USDT", "ETH-USDT", "SOL-USDT"]);
  assert.equal(request.since.size, 0);
});

Deno.test("parseMultiplexedStream - symbols are canonical and in request order", () => {
  const request = parseMultiplexedStream(q("symbols=sol-usdt,BTC-USDT"), TABLE);
  assert.deepEqual(request.symbols, ["SOL-USDT", "BTC-USDT"]);
});

Deno.test("parseMultiplexedStream - since=A:1,B:2 gives one resume point each", () => {
  const request = parseMultiplexedStream(
    q("symbols=BTC-USDT,ETH-USDT,SOL-USDT&since=BTC-USDT:1,eth-usdt:2&epoch=e1"),
    TABLE,
  );
  assert.deepEqual(
    [...request.since],
    [["BTC-USDT", 1], ["ETH-USDT", 2]],
  );
  assert.equal(request.since.has("SOL-USDT"), false);
  assert.equal(request.epoch, "e1");
});

Deno.test("parseMultiplexedStream - an empty since means no resume", () => {
  const request = parseMultiplexedStream(q("symbols=BTC-USDT&since="), TABLE);
  assert.equal(request.since.size, 0);
});

Deno.test("parseMultiplexedStream - duplicate symbols collapse to one room", () => {
  const request = parseMultiplexedStream(
    q("symbols=BTC-USDT,btc-usdt,BTC-USDT"),
    TABLE,
  );
  assert.deepEqual(request.symbols, ["BTC-USDT"]);
});

Deno.test("parseMultiplexedStream - an unknown symbol is 404, a malformed one 400", () => {
  rejects(
    () => parseMultiplexedStream(q("symbols=BTC-USDT,DOGE-USDT"), TABLE),
    404,
  );
  rejects(
    () => parseMultiplexedStream(q("symbols=BTC-USDT,BTC%2FUSDT"), TABLE),
    400,
  );
});

Deno.test("parseMultiplexedStream - no symbols at all is 400", () => {
  for (const query of ["symbols=", "symbols=,,,"]) {
    rejects(() => parseMultiplexedStream(q(query), TABLE), 400, /at least one/);
  }
});

Deno.test("parseMultiplexedStream - more than the maximum symbols is 400", () => {
  const names = Array.from(
    { length: MAX_STREAM_SYMBOLS + 1 },
    () => "BTC-USDT",
  );
  rejects(
    () => parseMultiplexedStream(q(`symbols=${names.join(",")}`), TABLE),
    400,
    /at most 32/,
  );
});

Deno.test("parseMultiplexedStream - malformed since pairs are 400", () => {
  for (
    const since of ["BTC-USDT", ":5", "BTC-USDT:", "BTC-USDT:-1", "BTC-USDT:x"]
  ) {
    rejects(
      () =>
        parseMultiplexedStream(
          q(`symbols=BTC-USDT&since=${encodeURIComponent(since)}`),
          TABLE,
        ),
      400,
      undefined,
    );
  }
});

Deno.test("parseMultiplexedStream - since for a symbol not joined is 400", () => {
  rejects(
    () => parseMultiplexedStream(q("symbols=BTC-USDT&since=ETH-USDT:3"), TABLE),
    400,
    /not in symbols/,
  );
});

Deno.test("parseMultiplexedStream - since for an untracked symbol is 404", () => {
  rejects(
    () =>
      parseMultiplexedStream(q("symbols=BTC-USDT&since=DOGE-USDT:3"), TABLE),
    404,
  );
});

Deno.test("parse stream requests - history limits the replay; bad values are 400", () => {
  assert.equal(
    parseSingleStream("BTC-USDT", q("history=0"), TABLE).historyLimit,
    0,
  );
  assert.equal(
    parseMultiplexedStream(q("symbols=BTC-USDT&history=25"), TABLE)
      .historyLimit,
    25,
  );
  assert.equal(
    parseSingleStream("BTC-USDT", q(""), TABLE).historyLimit,
    undefined,
  );
  for (const bad of ["-1", "x", "1.5", ""]) {
    rejects(
      () => parseSingleStream("BTC-USDT", q(`history=${bad}`), TABLE),
      400,
    );
  }
});

Deno.test("parse stream requests - candles and trades ask for derived frames; bad values are 400", () => {
  const asked = parseMultiplexedStream(
    q("symbols=BTC-USDT&candles=15m&trades=1"),
    TABLE,
  );
  assert.equal(asked.candles, "15m");
  assert.equal(asked.trades, true);
  const plain = parseMultiplexedStream(q(""), TABLE);
  assert.equal("candles" in plain, false, "nothing extra unless asked");
  assert.equal("trades" in plain, false);
  assert.equal(
    parseMultiplexedStream(q("trades=0"), TABLE).trades,
    undefined,
  );
  assert.equal(
    parseSingleStream("BTC-USDT", q("candles=1s"), TABLE).candles,
    "1s",
  );
  for (const bad of ["candles=2m", "candles=", "candles=1M", "trades=yes"]) {
    rejects(
      () => parseMultiplexedStream(q(bad), TABLE),
      400,
      /candles must be one of 1s, 1m, 5m, 15m, 1h, 4h, 1d|trades must be 1/,
    );
  }
});
