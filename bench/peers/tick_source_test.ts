import assert from "node:assert/strict";
import {
  createTickSource,
  parsePeerArgs,
  PEER_SYMBOLS,
  type PeerTick,
  roomFromPath,
  seededRandom,
  statsBody,
} from "./tick_source.mjs";

const TICK_KEYS = [
  "type",
  "symbol",
  "seq",
  "ts",
  "price",
  "high",
  "low",
  "volume",
  "change",
  "spread",
  "is_whale",
  "whale_alert",
  "whale_threshold",
  "tier",
  "range_position",
  "velocity",
  "upstream_ts",
  "source",
];

Deno.test("createTickSource - one TickFrame-shaped tick per symbol, type first, one ts per emit", () => {
  const ticks: PeerTick[] = [];
  let now = 1_000;
  const source = createTickSource({
    rate: 20,
    // The clock moves on with every reading: one reading per emit.
    now: () => now++,
    onTick: (tick) => ticks.push(tick),
  });
  source.emit();
  now = 1_050;
  source.emit();
  assert.equal(ticks.length, PEER_SYMBOLS.length * 2);
  const stamps = ticks.map((tick) => JSON.parse(tick.json).ts);
  assert.deepEqual(stamps, [
    ...PEER_SYMBOLS.map(() => stamps[0]),
    ...PEER_SYMBOLS.map(() => 1_050),
  ]);
  const last = JSON.parse(ticks.at(-1)!.json);
  assert.deepEqual(Object.keys(last), TICK_KEYS);
  assert.equal(last.symbol, "1000SATS-USDT");
  assert.equal(last.seq, 2);
  assert.equal(last.ts, 1_050);
  assert.ok(ticks[0].json.startsWith('{"type":"tick"'));
  assert.deepEqual(
    source.emitted(),
    Object.fromEntries(PEER_SYMBOLS.map((s) => [s, 2])),
  );
});

Deno.test("createTickSource - the same seed gives the same stream", () => {
  const run = () => {
    const out: string[] = [];
    const source = createTickSource({
      rate: 5,
      now: () => 0,
      onTick: (t) => out.push(t.json),
    });
    for (let i = 0; i < 5; i++) source.emit();
    return out;
  };
  assert.deepEqual(run(), run());
  assert.throws(
    () => createTickSource({ rate: 0, onTick: () => {} }),
    RangeError,
  );
});

Deno.test("seededRandom - deterministic values in [0, 1)", () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  for (let i = 0; i < 100; i++) {
    const value = a();
    assert.equal(value, b());
    assert.ok(value >= 0 && value < 1);
  }
});

Deno.test("roomFromPath - only streamed symbols on the price route", () => {
  assert.equal(roomFromPath("/ws/price/BTC-USDT"), "BTC-USDT");
  assert.equal(roomFromPath("/ws/price/sol-usdt"), "SOL-USDT");
  assert.equal(roomFromPath("/ws/price/DOGE-USDT"), undefined);
  assert.equal(roomFromPath("/ws/stream"), undefined);
});

Deno.test("statsBody - emitted and subscribers per symbol", () => {
  const body = JSON.parse(statsBody(20, { "BTC-USDT": 7 }, () => 3));
  assert.deepEqual(body, {
    rate: 20,
    symbols: { "BTC-USDT": { emitted: 7, subscribers: 3 } },
  });
});

Deno.test("parsePeerArgs - defaults, values and named errors", () => {
  assert.deepEqual(parsePeerArgs([]), {
    port: 0,
    hostname: "127.0.0.1",
    rate: 20,
  });
  assert.deepEqual(parsePeerArgs(["--port=8100", "--rate=5"]), {
    port: 8100,
    hostname: "127.0.0.1",
    rate: 5,
  });
  assert.throws(
    () => parsePeerArgs(["--port=99999"]),
    /Flag --port .* got 99999/,
  );
  assert.throws(() => parsePeerArgs(["--hostname=0.0.0.0"]), /loopback/);
  assert.throws(() => parsePeerArgs(["--rate=fast"]), /Flag --rate/);
  assert.throws(() => parsePeerArgs(["--verbose"]), /Unknown peer flag/);
});
