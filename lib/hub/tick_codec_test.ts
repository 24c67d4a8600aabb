import assert from "node:assert/strict";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import { analyzedTick } from "./test_utils.ts";
import {
  encodedEntry,
  entryTs,
  tickData,
  tickDataTs,
  tickEntry,
} from "./tick_codec.ts";

Deno.test("tickEntry - the text is exactly the frame's JSON", () => {
  const { symbol, ...fields } = analyzedTick("BTC-USDT", 64_000.5);
  const ts = 1_700_000_000_123;
  const entry = tickEntry(symbol, 42, tickData({ symbol, ...fields }, ts));
  // A TickFrame's fields in wire order: type, symbol, seq, ts, then the tick's.
  const frame = { type: "tick", symbol, seq: 42, ts, ...fields };
  assert.equal(entry.encoded, JSON.stringify(frame));
  assert.deepEqual(entry.frame, frame);
  assert.equal(entry.seq, 42);
});

Deno.test("tickData - the same text JSON.stringify gives, spot and perpetual, non-finite numbers as null", () => {
  const spot = analyzedTick("BTC-USDT", 64_000.5);
  const perp: AnalyzedTick = {
    ...analyzedTick("BTC-USDT-PERP", 0.000123),
    velocity: -0.005000784289717944,
    mark_price: 64_001.25,
    index_price: 1e21,
    open_interest: 0,
    open_interest_value: 123_456.789,
    funding_rate: -0.0001,
    next_funding_time: 1_700_028_800_000,
  };
  const partial: AnalyzedTick = { ...spot, mark_price: 5, funding_rate: 1e-7 };
  const odd: AnalyzedTick = {
    ...spot,
    spread: NaN,
    velocity: Infinity,
    change: -0,
    range_position: -Infinity,
  };
  for (const tick of [spot, perp, partial, odd]) {
    const { symbol: _symbol, ...fields } = tick;
    assert.equal(
      tickData(tick, 1_700_000_000_123),
      JSON.stringify({ ts: 1_700_000_000_123, ...fields }),
    );
  }
});

Deno.test("tickDataTs - reads the stamp a tick's data starts with", () => {
  assert.equal(tickDataTs(tickData(analyzedTick("A"), 1_234)), 1_234);
  assert.equal(tickDataTs('{"price":1}'), undefined);
});

Deno.test("entryTs - reads a stored tick's stamp from its text, whatever its shape", () => {
  const entry = tickEntry(
    "BTC-USDT",
    7,
    tickData(analyzedTick("BTC-USDT"), 99),
  );
  assert.equal(entryTs(entry), 99);
  // Restored history in another field order is decoded instead.
  const { ts, ...rest } = entry.frame;
  const reordered = encodedEntry(7, JSON.stringify({ ...rest, ts }));
  assert.equal(entryTs(reordered), 99);
});
