import assert from "node:assert/strict";
import type { MarketFrame, TickFrame } from "../protocol/frames.ts";
import { marketItem, MarketOverview } from "./market_overview.ts";
import { analyzedTick } from "./test_utils.ts";

function frame(symbol: string, price: number, velocity = 0): TickFrame {
  return {
    ...analyzedTick(symbol, price),
    velocity,
    type: "tick",
    seq: 1,
    ts: 1,
  };
}

/** Notes a built frame, as the hub notes a stored entry. */
function note(overview: MarketOverview, tick: TickFrame): void {
  overview.note(tick.symbol, { frame: tick });
}

const decode = (text: string | undefined) =>
  text === undefined ? undefined : JSON.parse(text) as MarketFrame;

Deno.test("MarketOverview - a cycle holds each changed symbol once, with its latest values", () => {
  const overview = new MarketOverview();
  for (let i = 0; i < 10; i++) note(overview, frame("BTC-USDT", 100 + i));
  note(overview, frame("ETH-USDT", 5));
  const first = decode(overview.cycle(1_000).delta)!;
  assert.equal(first.type, "market");
  assert.equal(first.ts, 1_000);
  assert.deepEqual(first.items.map((i) => [i.symbol, i.price]), [
    ["BTC-USDT", 109],
    ["ETH-USDT", 5],
  ]);
  note(overview, frame("ETH-USDT", 6));
  const second = decode(overview.cycle(2_000).delta)!;
  assert.deepEqual(second.items.map((i) => i.symbol), ["ETH-USDT"]);
  assert.equal(overview.cycle(3_000).delta, undefined, "nothing changed");
});

Deno.test("MarketOverview - a noted tick's frame is read once, at the cycle", () => {
  const overview = new MarketOverview();
  let reads = 0;
  for (let i = 0; i < 5; i++) {
    const built = frame("BTC-USDT", 100 + i);
    overview.note("BTC-USDT", {
      get frame() {
        reads++;
        return built;
      },
    });
  }
  assert.equal(reads, 0);
  overview.cycle(1);
  assert.equal(reads, 1, "only the latest tick, once");
});

Deno.test("MarketOverview - a tick that moves nothing the overview shows is not a change", () => {
  const overview = new MarketOverview();
  note(overview, frame("BTC-USDT", 100));
  overview.cycle(1);
  note(overview, {
    ...frame("BTC-USDT", 100),
    seq: 2,
    ts: 2,
    range_position: 3,
  });
  assert.equal(overview.cycle(2).delta, undefined);
  note(overview, frame("BTC-USDT", 100, 0.0000004));
  assert.equal(
    overview.cycle(3).delta,
    undefined,
    "below the 6 decimals shown",
  );
});

Deno.test("MarketOverview - the full frame holds every symbol, built once per cycle", () => {
  const overview = new MarketOverview();
  note(overview, frame("A-USDT", 1));
  note(overview, frame("B-USDT", 2));
  overview.cycle(1);
  note(overview, frame("B-USDT", 3));
  const cycle = overview.cycle(2);
  assert.deepEqual(decode(cycle.delta)!.items.map((i) => i.symbol), ["B-USDT"]);
  const full = cycle.full();
  assert.equal(cycle.full(), full, "encoded once");
  assert.deepEqual(decode(full)!.items.map((i) => [i.symbol, i.price]), [
    ["A-USDT", 1],
    ["B-USDT", 3],
  ]);
});

Deno.test("MarketOverview - a removed symbol leaves the view and is named once", () => {
  const overview = new MarketOverview();
  note(overview, frame("A-USDT", 1));
  note(overview, frame("B-USDT", 2));
  overview.cycle(1);
  overview.remove("A-USDT");
  const cycle = overview.cycle(2);
  assert.deepEqual(decode(cycle.delta), {
    type: "market",
    ts: 2,
    items: [],
    removed: ["A-USDT"],
  });
  assert.deepEqual(decode(cycle.full())!.items.map((i) => i.symbol), [
    "B-USDT",
  ]);
  assert.equal(overview.cycle(3).delta, undefined);
});

Deno.test("marketItem - the screener's fields, rounded as documented", () => {
  assert.deepEqual(
    marketItem({ ...frame("BTC-USDT", 100, 0.123456789), spread: 3.14159265 }),
    {
      symbol: "BTC-USDT",
      price: 100,
      change: 0.5,
      volume: 1_000,
      spread: 3.1416,
      velocity: 0.123457,
      tier: "ELEVATED",
      is_whale: false,
    },
  );
});
