import assert from "node:assert/strict";
import {
  batchSymbolIndex,
  frameKind,
  lastSeqOfBatch,
  readNumberAt,
  readNumberField,
  scanTick,
  SEQ_FIELD,
  type TickFields,
  TS_FIELD,
} from "./frame_scan.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT", "SOL-USDT", "1000SATS-USDT"];

const tick = (symbol: string, seq: number, ts: number) =>
  JSON.stringify({
    type: "tick",
    symbol,
    seq,
    ts,
    price: 97000.5,
    upstream_ts: 1,
    velocity: -0.25,
  });

Deno.test("frameKind - reads the type of type-first frames", () => {
  assert.equal(frameKind(tick("BTC-USDT", 1, 2)), "tick");
  assert.equal(
    frameKind('{"type":"batch","symbol":"BTC-USDT","frames":[]}'),
    "batch",
  );
  assert.equal(frameKind('{"type":"hello","epoch":"x"}'), "other");
  assert.equal(frameKind('{"type":"heartbeat"}'), "other");
});

Deno.test("frameKind - falls back to JSON.parse for other key orders", () => {
  assert.equal(frameKind('{"seq":1,"type":"tick"}'), "tick");
  assert.equal(
    frameKind('{"frames":[{"type":"tick","seq":1}],"type":"batch"}'),
    "batch",
  );
  assert.equal(frameKind("not json"), "other");
  assert.equal(frameKind('xx{"type":"tick","seq":1}', 2), "tick");
});

Deno.test("readNumberAt - integers, negatives, fractions and exponents", () => {
  assert.equal(readNumberAt("1732437000123,", 0), 1732437000123);
  assert.equal(readNumberAt("-42}", 0), -42);
  assert.equal(readNumberAt("3.25,", 0), 3.25);
  assert.equal(readNumberAt("1e3}", 0), 1000);
  assert.ok(Number.isNaN(readNumberAt("null", 0)));
});

Deno.test("readNumberField - does not mistake upstream_ts for ts", () => {
  const text = '{"type":"tick","upstream_ts":5,"ts":7}';
  assert.equal(readNumberField(text, TS_FIELD), 7);
  assert.ok(Number.isNaN(readNumberField(text, SEQ_FIELD)));
});

Deno.test("scanTick - extracts seq, ts and symbol index", () => {
  const out: TickFields = { seq: 0, ts: 0, symbolIndex: 0 };
  assert.ok(scanTick(tick("SOL-USDT", 17, 1732437000123), 0, SYMBOLS, out));
  assert.deepEqual(out, { seq: 17, ts: 1732437000123, symbolIndex: 2 });
  assert.ok(scanTick(tick("DOGE-USDT", 1, 2), 0, SYMBOLS, out));
  assert.equal(out.symbolIndex, -1);
});

Deno.test("scanTick - a symbol that only prefixes another does not match", () => {
  const out: TickFields = { seq: 0, ts: 0, symbolIndex: 0 };
  scanTick(tick("BTC-USDTX", 1, 2), 0, SYMBOLS, out);
  assert.equal(out.symbolIndex, -1);
});

Deno.test("scanTick - works at an offset inside a socket.io event", () => {
  const out: TickFields = { seq: 0, ts: 0, symbolIndex: 0 };
  const text = `42["tick",${tick("ETH-USDT", 9, 100)}]`;
  assert.ok(scanTick(text, 10, SYMBOLS, out));
  assert.deepEqual(out, { seq: 9, ts: 100, symbolIndex: 1 });
});

Deno.test("scanTick - rejects a frame without seq", () => {
  const out: TickFields = { seq: 0, ts: 0, symbolIndex: 0 };
  assert.equal(scanTick('{"type":"tick","ts":1}', 0, SYMBOLS, out), false);
});

Deno.test("lastSeqOfBatch - newest seq of the replay, NaN when empty", () => {
  const batch = `{"type":"batch","symbol":"ETH-USDT","frames":[${
    tick("ETH-USDT", 4, 1)
  },${tick("ETH-USDT", 5, 2)}]}`;
  assert.equal(lastSeqOfBatch(batch), 5);
  assert.equal(batchSymbolIndex(batch, SYMBOLS), 1);
  assert.ok(
    Number.isNaN(lastSeqOfBatch('{"type":"batch","symbol":"X","frames":[]}')),
  );
  assert.equal(batchSymbolIndex('{"type":"batch","frames":[]}', SYMBOLS), -1);
});
