import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { type Candle, CANDLE_INTERVALS } from "../protocol/candles.ts";
import { MemoryCandleStore, type StoredBar } from "./candle_store.ts";
import { CandleService, type CandleServiceOptions } from "./candle_service.ts";
import { LEADER_CHANGE } from "./outage_log.ts";
import { feedTicks } from "./test_utils.ts";

/** An hour boundary. */
const H = 1_699_999_200_000;
const HOURS = { "1s": 7_200_000, "1m": 7 * 86_400_000, "1h": 365 * 86_400_000 };
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

function open(
  clock: FakeClock,
  store: MemoryCandleStore,
  more: Partial<CandleServiceOptions> = {},
) {
  return CandleService.open({
    symbols: SYMBOLS,
    store,
    horizonsMs: HOURS,
    clock,
    ...more,
  });
}

/** Ticks every 200 ms from `from` for `ms`, with a trade each second. */
const feed = (
  service: CandleService,
  clock: FakeClock,
  from: number,
  ms: number,
) =>
  feedTicks(service, clock, from, ms, {
    origin: H,
    priceCycle: 37,
    trades: true,
  });

/** A source and a mirror on one store, with the bars the source stored. */
async function sourceAndMirror() {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  const written: StoredBar[] = [];
  const source = await open(clock, store, {
    onStored: ({ bars }) => written.push(...bars ?? []),
  });
  const mirror = await open(clock, store, { role: "mirror" });
  return { clock, store, written, source, mirror };
}

/** What a leader sends followers: stored bars, then each book's open state. */
function sync(source: CandleService, mirror: CandleService, bars: StoredBar[]) {
  mirror.mirror.takeBars(bars.splice(0));
  for (const symbol of SYMBOLS) {
    mirror.mirror.takeOpen(
      symbol,
      source.book(symbol)!.openState(),
      source.durableThrough(symbol),
    );
  }
}

function answers(service: CandleService) {
  return CANDLE_INTERVALS.map((interval) =>
    service.recent({ symbol: "BTC-USDT", interval, limit: 1_000 }).candles
  );
}

function assertIncreasing(candles: readonly Candle[], what: string) {
  for (let i = 1; i < candles.length; i++) {
    assert.ok(candles[i].t > candles[i - 1].t, `${what}: ${candles[i].t}`);
  }
}

Deno.test("CandleService - a mirror given the source's stored bars and open state answers the same candles at every interval, writing nothing", async () => {
  const { clock, store, written, source, mirror } = await sourceAndMirror();
  assert.equal(mirror.role, "mirror");
  for (let step = 0; step < 5; step++) {
    feed(source, clock, H + step * 25_300, 25_300);
    await source.flushed();
    sync(source, mirror, written);
    assert.deepEqual(answers(mirror), answers(source), `step ${step}`);
    assert.equal(
      mirror.durableThrough("BTC-USDT"),
      source.durableThrough("BTC-USDT"),
    );
  }
  const puts = store.puts;
  feed(mirror, clock, clock.now() + 200, 5_000);
  mirror.closeDue();
  await mirror.flushed();
  assert.equal(store.puts, puts, "a mirror writes nothing");
  assert.equal(mirror.merge("BTC-USDT", "1m", [answers(source)[1][0]]), 0);
  await source.stop();
  await mirror.stop();
});

Deno.test("CandleService - a mirror that takes over continues the bars: no bar twice, at most the second in progress lost, the pause an outage", async () => {
  const { clock, written, source, mirror } = await sourceAndMirror();
  feed(source, clock, H, 90_500);
  await source.flushed();
  sync(source, mirror, written);
  const before = answers(source);
  // The source is killed here; the mirror leads 4 s later.
  clock.advance(4_000);
  mirror.lead();
  assert.equal(mirror.role, "source");
  feed(mirror, clock, clock.now() + 200, 60_000);
  mirror.closeDue();
  await mirror.flushed();
  const after = answers(mirror);
  after.forEach((candles, i) => assertIncreasing(candles, CANDLE_INTERVALS[i]));
  // Every closed second from before the takeover is kept as it was.
  const seconds = new Map(after[0].map((c) => [c.t, c]));
  const closedBefore = before[0].filter((c) =>
    c.t + 1_000 <= source.durableThrough("BTC-USDT")
  );
  for (const bar of closedBefore) assert.deepEqual(seconds.get(bar.t), bar);
  const lost = before[0].filter((c) => !seconds.has(c.t));
  assert.ok(lost.length <= 1, `${lost.length} seconds lost`);
  // The minute the takeover cut closed from the seconds of both leaders.
  const minutes = after[1];
  assert.equal(minutes.find((c) => c.t === H + 60_000)?.o, before[1][1].o);
  const outages = mirror.outages.list(0, Infinity);
  assert.equal(outages.length, 1);
  assert.equal(outages[0].reason, LEADER_CHANGE);
  assert.ok(outages[0].from >= H + 90_000 && outages[0].to! > H + 94_000);
  await source.stop();
  await mirror.stop();
});

Deno.test("CandleService - a source that follows drops what waits, builds nothing more and reads the store again", async () => {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  const leader = await open(clock, store);
  const other = await open(clock, store);
  feed(leader, clock, H, 10_000);
  await leader.flushed();
  feed(other, clock, H + 10_000, 5_000);
  await other.flushed();
  await leader.follow();
  assert.equal(leader.role, "mirror");
  const puts = store.puts;
  feed(leader, clock, H + 15_000, 5_000);
  leader.closeDue();
  await leader.flushed();
  assert.equal(store.puts, puts);
  const { candles: seconds } = await leader.candles({
    symbol: "BTC-USDT",
    interval: "1s",
    limit: 100,
  });
  assert.ok(
    seconds.some((c) => c.t === H + 12_000),
    "the other instance's stored seconds were read",
  );
  await leader.stop();
  await other.stop();
});
