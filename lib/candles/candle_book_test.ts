import assert from "node:assert/strict";
import type { Candle } from "../protocol/candles.ts";
import { BYTES_PER_BAR } from "./bar_series.ts";
import { CandleBook, type ClosedBars } from "./candle_book.ts";
import { testBar } from "./test_utils.ts";

/** An hour boundary, so minutes and hours line up with the test's arithmetic. */
const H = 1_699_999_200_000;
const S = 1_000;
const M = 60_000;

const book = () =>
  new CandleBook({ capacities: { "1s": 7_200, "1m": 10_080, "1h": 8_760 } });

/** One trade at `ts` at `price` of size 1. */
function trade(b: CandleBook, ts: number, price: number): void {
  b.observeTrade(ts, price, 1, price, []);
}

function collect(into: ClosedBars, more: ClosedBars): ClosedBars {
  for (const key of ["1s", "1m", "1h"] as const) into[key].push(...more[key]);
  return into;
}

Deno.test("CandleBook - the 1 s window is allocated whole, the longer ones grow as bars come", () => {
  const b = new CandleBook({
    capacities: { "1s": 447, "1m": 1_441, "1h": 25 },
  });
  assert.equal(b.series["1s"].bytes, 447 * BYTES_PER_BAR);
  assert.equal(b.series["1m"].bytes, 64 * BYTES_PER_BAR);
  assert.equal(b.series["1h"].bytes, 25 * BYTES_PER_BAR);
});

Deno.test("CandleBook - 1 s bars roll up into 1 m and 1 h as time closes them", () => {
  const b = book();
  const closed: ClosedBars = { "1s": [], "1m": [], "1h": [] };
  // Two trades a second for 61 minutes, price = minute index.
  for (let s = 0; s < 61 * 60; s++) {
    trade(b, H + s * S + 100, 100 + Math.floor(s / 60));
    trade(b, H + s * S + 600, 100 + Math.floor(s / 60) + 0.5);
    collect(closed, b.closeBefore(H + s * S + 300));
  }
  collect(closed, b.closeBefore(H + 61 * M + 5 * S));
  assert.equal(closed["1s"].length, 61 * 60);
  assert.equal(closed["1m"].length, 61);
  assert.deepEqual(closed["1m"][3], {
    t: H + 3 * M,
    o: 103,
    h: 103.5,
    l: 103,
    c: 103.5,
    v: 120,
    turnover: 60 * (103 + 103.5),
    volume_source: "trades",
  });
  assert.equal(closed["1h"].length, 1);
  const hour = closed["1h"][0];
  assert.deepEqual([hour.t, hour.o, hour.h, hour.l, hour.c, hour.v], [
    H,
    100,
    159.5,
    100,
    159.5,
    7_200,
  ]);
  // Longer intervals are aggregates of the stored ones.
  const fives = b.query({ interval: "5m", limit: 100 });
  assert.equal(
    fives.length,
    13,
    "12 closed five-minute bars and 1 in progress",
  );
  assert.deepEqual([fives[1].t, fives[1].o, fives[1].c, fives[1].v], [
    H + 5 * M,
    105,
    109.5,
    600,
  ]);
  const hours = b.query({ interval: "4h", limit: 10 });
  const four = Math.floor(H / 14_400_000) * 14_400_000;
  assert.deepEqual(hours.map((c) => [c.t, c.o, c.c]), [[four, 100, 160.5]]);
});

Deno.test("CandleBook - an open bar at any interval covers what is closed plus what is open", () => {
  const b = book();
  trade(b, H + 10 * S, 50);
  trade(b, H + 20 * S, 60);
  b.closeBefore(H + 21 * S);
  trade(b, H + 30 * S + 500, 40);
  const minute = b.openBar("1m")!;
  assert.deepEqual([minute.t, minute.o, minute.h, minute.l, minute.c], [
    H,
    50,
    60,
    40,
    40,
  ]);
  assert.equal(b.openBar("1s")!.t, H + 30 * S);
  assert.equal(b.openBar("1d")!.v, 3);
  assert.equal(book().openBar("1m"), undefined);
});

Deno.test("CandleBook - a gap leaves no bars, in any interval", () => {
  const b = book();
  trade(b, H + 5 * S, 10);
  trade(b, H + 3 * M + 5 * S, 11); // nothing for two minutes
  b.closeBefore(H + 4 * M);
  assert.deepEqual(b.query({ interval: "1m", limit: 10 }).map((c) => c.t), [
    H,
    H + 3 * M,
  ]);
  assert.deepEqual(
    b.query({ interval: "1s", limit: 10 }).map((c) => c.t - H),
    [5 * S, 3 * M + 5 * S],
  );
});

Deno.test("CandleBook - a late trade is amended into its second while the minute is open", () => {
  const b = book();
  trade(b, H + 1_200, 100);
  b.closeBefore(H + 2_500);
  const amended: Candle[] = [];
  b.observeTrade(H + 1_500, 120, 2, 240, amended);
  assert.deepEqual(amended.map((c) => [c.t, c.h, c.v]), [[H + S, 120, 3]]);
  b.observeTrade(H + 500, 90, 1, 90, amended); // a second with no bar yet
  assert.deepEqual(amended.map((c) => c.t), [H + S, H]);
  const closed = b.closeBefore(H + M);
  assert.deepEqual(closed["1m"].map((c) => [c.o, c.h, c.l, c.v]), [
    [90, 120, 90, 4],
  ]);
  b.observeTrade(H + 3_000, 1, 1, 1, amended); // its minute has closed
  assert.deepEqual(b.late, { dropped: 1, amended: 2 });
});

Deno.test("CandleBook - restart mid-minute: the seconds before it still count, only the open second is lost", () => {
  const before = book();
  const stored: ClosedBars = { "1s": [], "1m": [], "1h": [] };
  for (let s = 0; s < 30; s++) {
    trade(before, H + s * S + 100, 100 + s);
    collect(stored, before.closeBefore(H + s * S + 50));
  }
  // Killed at H + 29.5 s: second 29 was open, never stored.
  assert.equal(stored["1s"].length, 29);
  const after = book();
  after.restore("1s", stored["1s"]);
  const amended: Candle[] = [];
  assert.equal(
    after.observeTrade(H + 28 * S + 200, 128, 0, 0, amended),
    "late",
    "data the dead run already covered is late",
  );
  assert.equal(amended.length, 1, "…and amended into its stored second");
  for (let s = 40; s < 60; s++) trade(after, H + s * S + 100, 100 + s);
  const closed = after.closeBefore(H + M);
  assert.equal(closed["1m"].length, 1);
  const minute = closed["1m"][0];
  assert.deepEqual([minute.o, minute.c, minute.v], [100, 159, 29 + 20]);
  assert.equal(
    after.query({ interval: "1s", limit: 100 }).length,
    29 + 20,
    "second 29 (open at the kill) and the gap are missing",
  );
});

Deno.test("CandleBook - 1 s bars older than those held, restored once live data arrived, keep the bar in progress", () => {
  const b = book();
  b.series["1s"].loadedFrom(H + 10 * M);
  b.restore("1s", [testBar(H + 10 * M), testBar(H + 10 * M + S)]);
  trade(b, H + 10 * M + 5 * S + 100, 105);
  assert.equal(b.openBar("1s")!.t, H + 10 * M + 5 * S);
  const older = [testBar(H + 9 * M), testBar(H + 9 * M + S)];
  assert.deepEqual(b.restore("1s", older), older);
  assert.equal(b.openBar("1s")?.c, 105, "the second in progress is kept");
  assert.equal(b.series["1s"].size, 4);
  assert.equal(b.closeBefore(H + 11 * M)["1m"].length, 1, "only its minute");
});

Deno.test("CandleBook - restored bars close the minute and hour they leave open; a backfill reseals", () => {
  const b = book();
  b.restore("1s", [testBar(H + 5 * S)]);
  // Restarted two hours later: the first close seals the minute and hour.
  const closed = b.closeBefore(H + 2 * 3_600_000);
  assert.deepEqual(closed["1m"].map((c) => [c.t, c.o, c.c]), [[H, 1, 2]]);
  assert.deepEqual(closed["1h"].map((c) => [c.t, c.o, c.c, c.v]), [
    [H, 1, 2, 1],
  ]);
  // A backfill brings the rest of that hour: the hour is aggregated again.
  const taken = b.restore(
    "1m",
    Array.from({ length: 60 }, (_, i) => ({
      t: H + i * M,
      o: 3,
      h: 3,
      l: 3,
      c: 3,
      v: 1,
      turnover: 3,
    })),
  );
  assert.equal(taken.length, 59, "the minute already there is kept");
  const [hour] = b.reseal(
    "1h",
    taken.map((c) => Math.floor(c.t / 3_600_000) * 3_600_000),
  );
  assert.deepEqual([hour.t, hour.o, hour.c, hour.v], [H, 1, 3, 60]);
  assert.equal(b.query({ interval: "1h", limit: 5 })[0].v, 60);
});

Deno.test("CandleBook - query takes the newest bars before `to`, across gaps, at most `limit`", () => {
  const b = book();
  b.restore(
    "1m",
    [0, 1, 2, 10, 11, 30].map((m) => ({
      t: H + m * M,
      o: m,
      h: m,
      l: m,
      c: m,
      v: 1,
      turnover: 1,
    })),
  );
  const mins = (q: Parameters<CandleBook["query"]>[0]) =>
    b.query(q).map((c) => (c.t - H) / M);
  assert.deepEqual(mins({ interval: "1m", limit: 3 }), [10, 11, 30]);
  assert.deepEqual(mins({ interval: "1m", limit: 3, to: H + 11 * M }), [
    1,
    2,
    10,
  ]);
  assert.deepEqual(mins({ interval: "1m", limit: 9, from: H + 1 }), [
    1,
    2,
    10,
    11,
    30,
  ]);
  assert.deepEqual(mins({ interval: "5m", limit: 2 }), [10, 30]);
  assert.deepEqual(mins({ interval: "15m", limit: 5, to: H + 15 * M }), [0]);
});

Deno.test("CandleBook - hasDue: nothing is due again within a second already closed, until a restored bar leaves a minute pending", () => {
  const b = book();
  trade(b, H + 100, 100);
  assert.equal(b.hasDue(H + 999), true, "never closed before");
  assert.deepEqual(b.closeBefore(H + 999)["1s"], []);
  assert.equal(b.hasDue(H + 999), false);
  trade(b, H + 1_100, 101);
  assert.equal(b.hasDue(H + 1_500), true, "second 0 ends at H + 1 s");
  assert.equal(b.closeBefore(H + 1_500)["1s"].length, 1);
  assert.equal(b.hasDue(H + 1_999), false);
  assert.deepEqual(
    b.closeBefore(H + 1_999),
    { "1s": [], "1m": [], "1h": [] },
    "a call inside the same second closes nothing",
  );
  // A restored second from a minute long past leaves that minute pending:
  // due now, although the time has not moved.
  b.restore("1s", [testBar(H - 30 * S)]);
  assert.equal(b.hasDue(H + 1_999), true);
  assert.deepEqual(
    b.closeBefore(H + 1_999)["1m"].map((c) => c.t),
    [H - M],
  );
  assert.equal(b.hasDue(H + 1_999), false);
});

Deno.test("CandleBook - a backfill's older page goes in front of what is held, and is reported oldest first", () => {
  const b = book();
  const minutes = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => testBar(H + (from + i) * M));
  assert.equal(b.restore("1m", minutes(40, 20)).length, 20);
  const taken = b.restore("1m", minutes(0, 40));
  assert.deepEqual(
    taken.map((c) => (c.t - H) / M),
    Array.from({ length: 40 }, (_, i) => i),
    "oldest first, as given",
  );
  assert.deepEqual(
    b.restore("1m", minutes(30, 20)),
    [],
    "a page overlapping what is held takes nothing it has",
  );
  const series = b.series["1m"];
  assert.deepEqual(
    Array.from({ length: series.size }, (_, i) => (series.timeAt(i) - H) / M),
    Array.from({ length: 60 }, (_, i) => i),
  );
});
