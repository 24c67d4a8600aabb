import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { type Candle, CANDLE_INTERVALS } from "../protocol/candles.ts";
import { BYTES_PER_BAR } from "./bar_series.ts";
import { groupCandles } from "./candle_aggregate.ts";
import { MemoryCandleStore, type StoredBar } from "./candle_store.ts";
import {
  type CandleQuery,
  CandleService,
  type CandleServiceOptions,
  type OlderBarsLoaded,
} from "./candle_service.ts";
import { SERVICE_DOWN } from "./outage_log.ts";
import { feedTicks, heldOlderReads, testBar } from "./test_utils.ts";

/** An hour boundary. */
const H = 1_699_999_200_000;
const HOURS = { "1s": 7_200_000, "1m": 7 * 86_400_000, "1h": 365 * 86_400_000 };

function open(
  clock: FakeClock,
  store: MemoryCandleStore,
  more: Partial<CandleServiceOptions> = {},
) {
  return CandleService.open({
    symbols: ["BTC-USDT", "ETH-USDT"],
    store,
    horizonsMs: HOURS,
    clock,
    ...more,
  });
}

async function stored(
  store: MemoryCandleStore,
  resolution: "1s" | "1m" | "1h",
) {
  const out: Candle[] = [];
  for await (const c of store.load("BTC-USDT", resolution, 0)) out.push(c);
  return out;
}

/** Ticks every 200 ms from `from` for `ms`, price rising 1 a second. */
const feed = (
  service: CandleService,
  clock: FakeClock,
  from: number,
  ms: number,
) => feedTicks(service, clock, from, ms, { origin: H });

Deno.test("CandleService - closed bars are written as they close; the one in progress is not", async () => {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  const service = await open(clock, store);
  feed(service, clock, H, 65_000);
  await service.flushed();
  const seconds = await stored(store, "1s");
  assert.equal(seconds.length, 64, "the 65th second is still open");
  assert.deepEqual(seconds[3], {
    t: H + 3_000,
    o: 103,
    h: 103,
    l: 103,
    c: 103,
    v: 1_000 / 103,
    turnover: 1_000,
    volume_source: "turnover",
  });
  const minutes = await stored(store, "1m");
  assert.deepEqual(minutes.map((c) => [c.t, c.o, c.c]), [[H, 100, 159]]);
  assert.ok(service.stats().writer.written >= 65);
  await service.stop();
});

Deno.test("CandleService - silence closes bars by the local clock", async () => {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  const service = await open(clock, store, { silenceMs: 2_000 });
  feed(service, clock, H, 1_000);
  clock.advance(1_999);
  service.closeDue();
  await service.flushed();
  assert.equal((await stored(store, "1s")).length, 0);
  clock.advance(1_000);
  service.closeDue();
  await service.flushed();
  assert.equal((await stored(store, "1s")).length, 1);
  await service.stop();
});

Deno.test("CandleService - a restart keeps the bars, closes the minute left open and records the downtime", async () => {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  const first = await open(clock, store);
  feed(first, clock, H, 30_500);
  await first.flushed(); // killed here: nothing else is written
  clock.advance(600_000);
  const second = await open(clock, store);
  await second.flushed();
  const minutes = await stored(store, "1m");
  assert.deepEqual(minutes.map((c) => [c.t, c.o, c.c, c.v > 0]), [
    [H, 100, 129, true],
  ], "the minute cut short closed with its seconds");
  const answer = await second.candles({
    symbol: "BTC-USDT",
    interval: "1m",
    limit: 10,
  });
  assert.equal(answer.candles.length, 1);
  assert.deepEqual(answer.outages, [{
    from: H + 30_000,
    to: H + 30_400 + 600_000,
    reason: SERVICE_DOWN,
  }]);
  await second.stop();
  const quick = await open(clock, store);
  assert.equal(
    quick.outages.list(0, Infinity).length,
    1,
    "a start right after the last bar records nothing new",
  );
  await quick.stop();
});

Deno.test("CandleService - merge takes only missing bars and reseals the hour", async () => {
  const clock = new FakeClock(H + 2 * 3_600_000);
  const store = new MemoryCandleStore();
  const service = await open(clock, store);
  const minute = (i: number): Candle => testBar(H + i * 60_000);
  assert.equal(service.merge("BTC-USDT", "1m", [minute(0), minute(1)]), 2);
  assert.equal(service.merge("BTC-USDT", "1m", [minute(1), minute(2)]), 1);
  service.closeDue();
  assert.equal(service.merge("BTC-USDT", "1m", [minute(3)]), 1);
  await service.flushed();
  const hours = await stored(store, "1h");
  assert.deepEqual(hours.map((c) => [c.t, c.v]), [[H, 4]]);
  assert.equal(service.merge("NOPE", "1m", [minute(0)]), 0);
  assert.equal(service.stats().backfilled, 4);
  await service.stop();
});

Deno.test("CandleService - retention trims memory and the store to each horizon", async () => {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  const service = await open(clock, store, {
    horizonsMs: { "1s": 10_000, "1m": 600_000, "1h": 7_200_000 },
  });
  feed(service, clock, H, 30_000);
  await service.flushed();
  const result = await service.prune(1_000);
  assert.equal(result.more, false);
  assert.equal(result.deleted, 20);
  assert.equal((await stored(store, "1s")).length, 9);
  assert.equal(service.book("BTC-USDT")!.series["1s"].size, 9);
  await service.stop();
  await assert.rejects(
    () => open(clock, store, { horizonsMs: { ...HOURS, "1m": 1 } }),
    RangeError,
  );
});

/**
 * A store as a running service leaves it, as of `now`: 1 s bars for the
 * last two hours (ten silent minutes among them), every closed minute and
 * hour they make, and older minutes and hours before them.
 */
async function storedHistory(now: number): Promise<MemoryCandleStore> {
  const store = new MemoryCandleStore();
  const bars: StoredBar[] = [];
  const put = (resolution: "1s" | "1m" | "1h", candle: Candle) =>
    bars.push({ symbol: "BTC-USDT", resolution, candle });
  const price = (t: number) => 100 + Math.sin(t / 7_777_777) * 10;
  const seconds: Candle[] = [];
  for (let t = now - 7_200_000; t < now - 60_000; t += 1_000) {
    if (t >= now - 3_000_000 && t < now - 2_400_000) continue;
    seconds.push(testBar(t, { o: price(t), c: price(t + 999), v: 1 }));
  }
  const minutes: Candle[] = [];
  for (let t = now - 3 * 86_400_000; t < now - 7_200_000; t += 60_000) {
    minutes.push(testBar(t, { o: price(t), c: price(t + 59_999), v: 60 }));
  }
  minutes.push(
    ...groupCandles(seconds, 60_000).filter((m) =>
      m.t + 60_000 <= now - 60_000
    ),
  );
  const hours: Candle[] = [];
  for (
    let t = now - 30 * 86_400_000;
    t < now - 3 * 86_400_000;
    t += 3_600_000
  ) {
    hours.push(testBar(t, { o: price(t), c: price(t + 3_599_999), v: 3_600 }));
  }
  const lastHour = Math.floor(now / 3_600_000) * 3_600_000;
  hours.push(...groupCandles(minutes, 3_600_000).filter((h) => h.t < lastHour));
  for (const c of seconds) put("1s", c);
  for (const c of minutes) put("1m", c);
  for (const c of hours) put("1h", c);
  await store.put(bars);
  return store;
}

Deno.test("CandleService - with small memory windows every answer equals the one from whole horizons in memory: older bars come from the store", async () => {
  const now = H + 1_800_000 + 30_000;
  const whole = await open(new FakeClock(now), await storedHistory(now), {
    minDowntimeMs: Infinity,
  });
  const small = await open(new FakeClock(now), await storedHistory(now), {
    minDowntimeMs: Infinity,
    windowsFor: () => ({ "1s": 300_000, "1m": 7_200_000, "1h": 86_400_000 }),
  });
  await small.loaded;
  assert.equal(
    small.book("BTC-USDT")!.series["1s"].size,
    30,
    "the seconds since the newest stored minute; older ones are in the store",
  );
  const queries: Omit<CandleQuery, "symbol" | "interval">[] = [
    { limit: 1 },
    { limit: 300 },
    { limit: 1_000 },
    { limit: 1_000, to: now - 2_000_000 },
    { limit: 1_000, from: now - 5_000_000, to: now - 1_000_000 },
    { limit: 50, from: now - 40 * 86_400_000 },
  ];
  let fromStore = 0;
  for (const interval of CANDLE_INTERVALS) {
    for (const q of queries) {
      const query = { symbol: "BTC-USDT", interval, ...q };
      const expected = await whole.candles(query);
      assert.deepEqual(
        await small.candles(query),
        expected,
        `${interval} ${JSON.stringify(q)}`,
      );
      if (
        expected.candles.length > small.recent(query).candles.length
      ) fromStore++;
    }
  }
  assert.ok(fromStore >= 10, `${fromStore} answers needed the store`);
});

Deno.test("CandleService - a symbol tracked later gets a book sized for the new count, builds bars, and finds its older bars in the store; untracked, it has none", async () => {
  const clock = new FakeClock(H);
  const store = new MemoryCandleStore();
  await store.put(
    Array.from({ length: 30 }, (_, i) => ({
      symbol: "NEW-USDT",
      resolution: "1m" as const,
      candle: testBar(H - 1_800_000 + i * 60_000),
    })),
  );
  const counts: number[] = [];
  const service = await open(clock, store, {
    windowsFor: (symbols) => {
      counts.push(symbols);
      return { "1s": 300_000, "1m": 7_200_000, "1h": 86_400_000 };
    },
  });
  service.track(["NEW-USDT", "BTC-USDT"]);
  assert.equal(counts[0], 2, "sized for the two at start");
  assert.equal(counts.at(-1), 3, "then for three");
  assert.equal(service.book("NEW-USDT")!.series["1s"].capacity, 301);
  const older = await service.candles({
    symbol: "NEW-USDT",
    interval: "1m",
    limit: 10,
  });
  assert.deepEqual(
    older.candles.map((c) => c.t),
    Array.from({ length: 10 }, (_, i) => H - 600_000 + i * 60_000),
  );
  for (let t = H; t <= H + 3_000; t += 500) {
    clock.advance(t - clock.now());
    service.observeTicks([{
      symbol: "NEW-USDT",
      price: 10 + t / 1_000_000_000_000,
      volume: 5_000 + (t - H),
      upstream_ts: t,
    }]);
  }
  clock.advance(5_000);
  service.closeDue();
  const seconds = service.recent({
    symbol: "NEW-USDT",
    interval: "1s",
    limit: 10,
  }).candles;
  assert.deepEqual(seconds.map((c) => c.t), [
    H,
    H + 1_000,
    H + 2_000,
    H + 3_000,
  ]);
  service.untrack(["NEW-USDT"]);
  assert.equal(service.book("NEW-USDT"), undefined);
  assert.deepEqual(
    (await service.candles({ symbol: "NEW-USDT", interval: "1m", limit: 10 }))
      .candles,
    [],
  );
});

Deno.test("CandleService - every book held takes the memory windows for the new count as symbols are added and removed", async () => {
  const clock = new FakeClock(H);
  // The budget shared: the 1 s window shrinks as symbols are added.
  const service = await open(clock, new MemoryCandleStore(), {
    windowsFor: (symbols) => ({
      "1s": 600_000 / symbols,
      "1m": 7_200_000,
      "1h": 86_400_000,
    }),
  });
  const btc = service.book("BTC-USDT")!.series["1s"];
  assert.equal(btc.capacity, 301);
  for (let i = 0; i < 301; i++) btc.put(testBar(H + i * 1_000));
  service.track(["SOL-USDT"]);
  for (const symbol of ["BTC-USDT", "ETH-USDT", "SOL-USDT"]) {
    const series = service.book(symbol)!.series["1s"];
    assert.equal(series.capacity, 201, symbol);
    assert.equal(series.bytes, 201 * BYTES_PER_BAR, symbol);
  }
  assert.equal(btc.size, 201, "the oldest 100 seconds dropped");
  assert.equal(btc.firstTime, H + 100_000);
  assert.equal(btc.completeFrom, H + 99_001, "older ones read from the store");
  service.untrack(["SOL-USDT", "ETH-USDT"]);
  assert.equal(btc.capacity, 601);
  assert.equal(btc.size, 201, "bars are not brought back, room is");
  assert.equal(btc.bytes, 601 * BYTES_PER_BAR);
});

Deno.test("CandleService - opens with the newest part of each window and reads the older bars in the background, answering the same meanwhile", async () => {
  const now = H + 1_800_000 + 30_000;
  // The 1 s window is two hours: 1 m bars of three hours are read first.
  const first = 3 * 3_600_000;
  const reads = heldOlderReads(await storedHistory(now), now, HOURS);
  let loaded: OlderBarsLoaded | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => done = resolve);
  const service = await open(new FakeClock(now), reads.store, {
    minDowntimeMs: Infinity,
    onLoaded: (summary) => {
      loaded = summary;
      done();
    },
  });
  const minutes = service.book("BTC-USDT")!.series["1m"];
  assert.equal(service.stats().booksLoading, 2, "both books still read");
  assert.equal(minutes.completeFrom, now - first);
  assert.equal(minutes.firstTime, now - first);
  assert.deepEqual(reads.held, ["BTC-USDT 1m", "ETH-USDT 1m"], "they wait");
  const query: CandleQuery = {
    symbol: "BTC-USDT",
    interval: "1m",
    limit: 3_000,
  };
  const meanwhile = await service.candles(query);
  assert.equal(meanwhile.candles.length, 3_000, "older bars from the store");
  reads.release();
  await service.loaded;
  await finished;
  assert.equal(service.stats().booksLoading, 0);
  assert.equal(minutes.completeFrom, now - HOURS["1m"]);
  assert.equal(minutes.firstTime, now - 3 * 86_400_000, "all 1 m bars held");
  assert.deepEqual(await service.candles(query), meanwhile);
  assert.deepEqual({ ...loaded!, ms: 0 }, { books: 2, ms: 0, failures: 0 });
  await service.stop();
});

Deno.test("CandleService - a book's older bars are read with the windows of when its turn comes", async () => {
  const now = H + 30_000;
  const wide = { "1s": 300_000, "1m": 6 * 3_600_000, "1h": 86_400_000 };
  const narrow = { ...wide, "1m": 3 * 3_600_000 };
  const oneMinuteReads: string[] = [];
  class RecordingStore extends MemoryCandleStore {
    override load(
      symbol: string,
      resolution: StoredBar["resolution"],
      from: number,
      before?: number,
    ) {
      if (resolution === "1m") oneMinuteReads.push(`${symbol} ${now - from}`);
      return super.load(symbol, resolution, from, before);
    }
  }
  const reads = heldOlderReads(new RecordingStore(), now, wide);
  // Five books, four read at once: the fifth waits for a lane.
  const symbols = ["A-USDT", "B-USDT", "C-USDT", "D-USDT", "E-USDT"];
  const service = await open(new FakeClock(now), reads.store, {
    symbols,
    windowsFor: (count) => count <= 5 ? wide : narrow,
  });
  service.track(["F-USDT"]);
  reads.release();
  await service.loaded;
  assert.ok(oneMinuteReads.includes(`A-USDT ${wide["1m"]}`), "began before");
  assert.ok(oneMinuteReads.includes(`E-USDT ${narrow["1m"]}`));
  assert.ok(!oneMinuteReads.includes(`E-USDT ${wide["1m"]}`));
  await service.stop();
});

Deno.test("CandleService - stop ends the read of older bars without reporting it done", async () => {
  const now = H + 1_800_000 + 30_000;
  const reads = heldOlderReads(await storedHistory(now), now, HOURS);
  let reported = false;
  const symbols = ["A", "B", "C", "D", "E", "F"].map((s) => `${s}-USDT`);
  const service = await open(new FakeClock(now), reads.store, {
    symbols,
    onLoaded: () => reported = true,
  });
  const stopped = service.stop();
  reads.release();
  await stopped;
  await service.loaded;
  assert.equal(reported, false);
  const books = new Set(reads.held.map((read) => read.split(" ")[0]));
  assert.equal(books.size, 4, "the four books being read end; no other starts");
});
