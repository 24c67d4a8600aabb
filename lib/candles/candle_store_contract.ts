/**
 * The behaviour every {@linkcode CandleStore} must show, as one suite that
 * each implementation's test file runs against its own store.
 */
import assert from "node:assert/strict";
import type { Candle } from "../protocol/candles.ts";
import type { CandleStore, StoredBar } from "./candle_store.ts";

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  readonly store: CandleStore;
  close(): void | Promise<void>;
  /**
   * For a store fenced to a leader: makes this instance lead, and hands the
   * lease to another instance. Absent for an unfenced store.
   */
  readonly fence?: {
    grant(): Promise<void>;
    revoke(): Promise<void>;
  };
}

const bar = (t: number, c = 1): Candle => ({
  t,
  o: c,
  h: c,
  l: c,
  c,
  v: 0.5,
  turnover: c / 2,
  volume_source: "turnover",
});

async function collect(iterable: AsyncIterable<Candle>): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Registers the suite's tests under `name` for stores made by `open`. */
export function candleStoreContract(
  name: string,
  open: () => Promise<StoreFixture>,
  options: {
    /** Skip every case (e.g. `redis-server` missing). */
    readonly ignore?: boolean;
    /** The fixture's store is fenced: run the fence case too. */
    readonly fenced?: boolean;
  } = {},
): void {
  const test = (
    title: string,
    body: (store: CandleStore, fixture: StoreFixture) => Promise<void>,
  ) =>
    Deno.test({
      name: `${name} - ${title}`,
      ignore: options.ignore,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const fixture = await open();
        try {
          if (fixture.fence) await fixture.fence.grant();
          await body(fixture.store, fixture);
        } finally {
          await fixture.close();
        }
      },
    });

  test("bars come back whole, per series, oldest first", async (store) => {
    const bars: StoredBar[] = [
      { symbol: "BTC-USDT", resolution: "1m", candle: bar(120_000, 3) },
      { symbol: "BTC-USDT", resolution: "1m", candle: bar(60_000, 2) },
      { symbol: "BTC-USDT", resolution: "1s", candle: bar(1_000) },
      { symbol: "ETH-USDT", resolution: "1m", candle: bar(60_000, 9) },
    ];
    await store.put(bars);
    assert.deepEqual(await collect(store.load("BTC-USDT", "1m", 0)), [
      bar(60_000, 2),
      bar(120_000, 3),
    ]);
    assert.deepEqual(await collect(store.load("BTC-USDT", "1m", 61_000)), [
      bar(120_000, 3),
    ]);
    assert.deepEqual(await collect(store.load("SOL-USDT", "1m", 0)), []);
    assert.deepEqual(
      await collect(store.load("BTC-USDT", "1m", 0, 120_000)),
      [bar(60_000, 2)],
      "before is exclusive",
    );
    assert.deepEqual(
      await collect(store.load("BTC-USDT", "1m", 60_000, 60_001)),
      [bar(60_000, 2)],
    );
  });

  test("a bar written again replaces the old one", async (store) => {
    await store.put([{ symbol: "A", resolution: "1s", candle: bar(0, 1) }]);
    await store.put([{ symbol: "A", resolution: "1s", candle: bar(0, 7) }]);
    assert.deepEqual(await collect(store.load("A", "1s", 0)), [bar(0, 7)]);
  });

  test("a large write is split within the backend's limits", async (store) => {
    const bars = Array.from({ length: 2_500 }, (_, i): StoredBar => ({
      symbol: "A",
      resolution: "1s",
      candle: bar(i * 1_000),
    }));
    await store.put(bars);
    assert.equal((await collect(store.load("A", "1s", 0))).length, 2_500);
  });

  test("deleteBefore trims the oldest bars in bounded runs", async (store) => {
    await store.put(
      [0, 1, 2, 3, 4].map((i) => ({
        symbol: "A",
        resolution: "1h",
        candle: bar(i * 3_600_000),
      })),
    );
    assert.deepEqual(await store.deleteBefore("A", "1h", 3 * 3_600_000, 2), {
      deleted: 2,
      more: true,
    });
    assert.deepEqual(await store.deleteBefore("A", "1h", 3 * 3_600_000, 2), {
      deleted: 1,
      more: false,
    });
    assert.deepEqual(
      (await collect(store.load("A", "1h", 0))).map((c) => c.t),
      [3 * 3_600_000, 4 * 3_600_000],
    );
  });

  if (options.fenced) {
    test(
      "a fenced store writes while this instance leads and nothing after the lease moved",
      async (store, fixture) => {
        const a: StoredBar = { symbol: "A", resolution: "1s", candle: bar(0) };
        await store.put([a]);
        await store.putOutage({ from: 1, to: null, reason: "x" });
        await fixture.fence!.revoke();
        await assert.rejects(() => store.put([{ ...a, candle: bar(1_000) }]));
        await assert.rejects(() =>
          store.putOutage({ from: 1, to: 2, reason: "x" })
        );
        await assert.rejects(() => store.deleteBefore("A", "1s", 5_000, 10));
        assert.deepEqual(await collect(store.load("A", "1s", 0)), [bar(0)]);
        assert.deepEqual(await store.outages(0, Infinity), [
          { from: 1, to: null, reason: "x" },
        ]);
      },
    );
  }

  test("outages are kept by start, closed by writing again, listed by overlap", async (store) => {
    await store.putOutage({ from: 1_000, to: null, reason: "Feed offline" });
    await store.putOutage({ from: 5_000, to: 6_000, reason: "Not running" });
    await store.putOutage({ from: 1_000, to: 2_000, reason: "Feed offline" });
    assert.deepEqual(await store.outages(1_500, 5_500), [
      { from: 1_000, to: 2_000, reason: "Feed offline" },
      { from: 5_000, to: 6_000, reason: "Not running" },
    ]);
    assert.deepEqual(await store.outages(2_000, 5_000), []);
    await store.putOutage({ from: 9_000, to: null, reason: "Feed offline" });
    assert.equal((await store.outages(100_000, 200_000)).length, 1);
    assert.equal(await store.deleteOutagesBefore(5_500), 1);
    assert.deepEqual(
      (await store.outages(0, Infinity)).map((o) => o.from),
      [5_000, 9_000],
    );
  });
}
