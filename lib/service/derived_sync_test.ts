import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { MemoryCandleStore } from "../candles/candle_store.ts";
import { CandleService } from "../candles/candle_service.ts";
import { CANDLE_INTERVALS } from "../protocol/candles.ts";
import type { DerivedUpdate } from "../protocol/derived_update.ts";
import { TradeTape } from "../tape/trade_tape.ts";
import {
  DerivedSync,
  type DerivedSyncOptions,
  TAKEOVER_LOOKBACK_MS,
} from "./derived_sync.ts";

/** An hour boundary. */
const H = 1_699_999_200_000;
const HOURS = { "1s": 7_200_000, "1m": 7 * 86_400_000, "1h": 365 * 86_400_000 };
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

/** A leader and a follower on one store, the follower fed what it publishes. */
async function pair(more: Partial<DerivedSyncOptions> = {}) {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  const published: string[] = [];
  /** Every entry published, kept. */
  const log: string[] = [];
  let leaderSync: DerivedSync | undefined = undefined;
  const leader = await CandleService.open({
    symbols: SYMBOLS,
    store,
    horizonsMs: HOURS,
    clock,
    onStored: (stored) => leaderSync?.stored(stored),
  });
  const leaderTape = new TradeTape(SYMBOLS);
  leaderSync = new DerivedSync({
    candles: leader,
    tape: leaderTape,
    publish: (items) => published.push(...items),
    ...more,
  });
  const follower = await CandleService.open({
    symbols: SYMBOLS,
    store,
    horizonsMs: HOURS,
    clock,
    role: "mirror",
  });
  const followerTape = new TradeTape(SYMBOLS);
  const followerSync = new DerivedSync({
    candles: follower,
    tape: followerTape,
    publish: () => assert.fail("a follower publishes nothing"),
  });
  /** One push cycle of the leader, applied by the follower. */
  const cycle = async () => {
    leader.closeDue();
    const trades = leaderTape.takePending();
    leaderSync!.publish(trades);
    for (const item of published.splice(0)) {
      log.push(item);
      followerSync.apply(item);
    }
    await followerSync.settled();
    return trades;
  };
  return {
    clock,
    store,
    leader,
    follower,
    leaderTape,
    followerTape,
    log,
    cycle,
    stop: async () => {
      await leader.stop();
      await follower.stop();
    },
  };
}

/** 250 ms of ticks every 50 ms and one trade, from the clock's time. */
function feed(p: Awaited<ReturnType<typeof pair>>, price: number) {
  const start = p.clock.now();
  for (let t = start; t < start + 250; t += 50) {
    p.clock.advance(t - p.clock.now());
    p.leader.observeTicks([{
      symbol: "BTC-USDT",
      price: price + (t % 1_000) / 1_000,
      volume: 5_000_000 + t - H,
      upstream_ts: t,
    }]);
  }
  const trade = {
    id: `T${start}`,
    symbol: "BTC-USDT",
    time: start,
    side: "Sell" as const,
    price,
    size: 0.5,
    notional: price / 2,
  };
  p.leader.observeTrades([trade]);
  p.leaderTape.add([trade]);
  p.clock.advance(250 - (p.clock.now() - start));
}

const answers = (service: CandleService) =>
  CANDLE_INTERVALS.map((interval) =>
    service.recent({ symbol: "BTC-USDT", interval, limit: 1_000 })
  );

Deno.test("DerivedSync - a follower fed the leader's updates answers every interval as the leader does after every cycle, stored or not yet", async () => {
  const p = await pair();
  for (let cycle = 0; cycle < 300; cycle++) {
    feed(p, 100 + (cycle % 17));
    await p.cycle();
    assert.deepEqual(answers(p.follower), answers(p.leader), `cycle ${cycle}`);
    if (cycle % 7 === 0) await p.leader.flushed();
  }
  assert.deepEqual(
    p.followerTape.recent("BTC-USDT"),
    p.leaderTape.recent("BTC-USDT"),
  );
  await p.stop();
});

Deno.test("DerivedSync - nothing changed, nothing published; each trade goes out once", async () => {
  const p = await pair();
  feed(p, 100);
  assert.equal((await p.cycle()).get("BTC-USDT")?.length, 1);
  p.clock.advance(5_000);
  await p.cycle();
  await p.leader.flushed();
  await p.cycle(); // the last bars stored
  const before = p.log.length;
  await p.cycle();
  await p.cycle();
  assert.equal(p.log.length, before, "quiet cycles publish nothing");
  const told = p.log.flatMap((item) =>
    (JSON.parse(item) as DerivedUpdate).symbols["BTC-USDT"]?.trades ?? []
  );
  assert.equal(told.length, 1);
  assert.equal(p.followerTape.recent("BTC-USDT").length, 1);
  await p.stop();
});

Deno.test("DerivedSync - many stored bars travel as a span the follower reads from the store; entries stay under the limit", async () => {
  const p = await pair({ maxInlineBars: 5, maxEntryBytes: 1_500 });
  const minutes = Array.from({ length: 120 }, (_, i) => ({
    t: H - 7_200_000 + i * 60_000,
    o: 1 + i,
    h: 2 + i,
    l: 1,
    c: 2,
    v: 1,
    turnover: 2,
    volume_source: "trades" as const,
  }));
  assert.equal(p.leader.merge("BTC-USDT", "1m", minutes), 120);
  await p.leader.flushed();
  feed(p, 100);
  await p.cycle();
  const updates = p.log.map((item) => JSON.parse(item) as DerivedUpdate);
  assert.ok(updates.some((u) => u.symbols["BTC-USDT"]?.load?.["1m"]));
  for (const item of p.log) assert.ok(item.length < 1_500, `${item.length}`);
  assert.deepEqual(answers(p.follower), answers(p.leader));
  await p.stop();
});

Deno.test("DerivedSync - a new leader's first update makes every follower read back what the last leader stored but never told", async () => {
  const p = await pair();
  feed(p, 100);
  await p.cycle();
  // The last leader stored a bar, then died before its update went out.
  const untold = {
    t: H - 60_000,
    o: 7,
    h: 9,
    l: 6,
    c: 8,
    v: 1,
    turnover: 8,
    volume_source: "trades" as const,
  };
  await p.store.put([{ symbol: "BTC-USDT", resolution: "1m", candle: untold }]);
  const minute = () =>
    p.follower.recent({ symbol: "BTC-USDT", interval: "1m", limit: 1_000 })
      .candles.find((bar) => bar.t === untold.t);
  await p.cycle();
  assert.equal(minute(), undefined, "not told, not shown");

  const sync = new DerivedSync({
    candles: p.leader,
    tape: p.leaderTape,
    publish: (items) => items.forEach((item) => p.log.push(item)),
  });
  sync.tookOver();
  sync.publish(new Map());
  const told = p.log.at(-1)!;
  assert.equal(
    (JSON.parse(told) as DerivedUpdate).takeover_lookback_ms,
    TAKEOVER_LOOKBACK_MS,
  );
  const follower = new DerivedSync({
    candles: p.follower,
    tape: p.followerTape,
    publish: () => assert.fail("a follower publishes nothing"),
  });
  follower.apply(told);
  await follower.settled();
  assert.deepEqual(minute(), untold);
  const before = p.log.length;
  sync.publish(new Map());
  assert.equal(p.log.length, before, "said once");
  await p.stop();
});
