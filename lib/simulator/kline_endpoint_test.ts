import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { parseKlinePage } from "../ingestion/bybit/kline_schema.ts";
import { SimExchange } from "./sim_exchange.ts";

/** A minute boundary plus 30 s, so the start minute is half over. */
const START = 1_700_000_040_000 + 30_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

function exchange(seed = 42) {
  const clock = new FakeClock(START);
  return { clock, sim: new SimExchange({ clock, seed }) };
}

async function kline(sim: SimExchange, query: string) {
  const response = await sim.handle(
    new Request(`http://sim.test/v5/market/kline?${query}`),
  );
  return { status: response.status, body: await response.json() };
}

async function bars(sim: SimExchange, query: string) {
  const { body } = await kline(sim, `category=spot&symbol=BTCUSDT&${query}`);
  const page = parseKlinePage(body, { symbol: "BTCUSDT", category: "spot" });
  assert.equal(page.rejected, 0, page.firstRejection);
  return page;
}

Deno.test("kline endpoint - Bybit's shape: seven strings a row, newest first, limit honoured", async () => {
  const { sim } = exchange();
  const { status, body } = await kline(
    sim,
    "category=spot&symbol=BTCUSDT&interval=1&limit=5",
  );
  assert.equal(status, 200);
  assert.equal(body.retCode, 0);
  assert.equal(body.retMsg, "OK");
  assert.deepEqual(body.retExtInfo, {});
  assert.equal(body.time, START);
  assert.deepEqual(
    [body.result.symbol, body.result.category],
    ["BTCUSDT", "spot"],
  );
  const list: string[][] = body.result.list;
  assert.equal(list.length, 5);
  for (const row of list) {
    assert.equal(row.length, 7);
    for (const field of row) assert.equal(typeof field, "string");
  }
  const starts = list.map((row) => Number(row[0]));
  assert.deepEqual(
    starts,
    [0, 1, 2, 3, 4].map((i) =>
      Math.floor(START / MINUTE) * MINUTE - i * MINUTE
    ),
  );
  assert.equal(list[0][1].split(".")[1].length, 2, "prices on the tick grid");
});

Deno.test("kline endpoint - history ends at the start price and live minutes continue it", async () => {
  const { sim, clock } = exchange();
  const startMinute = Math.floor(START / MINUTE) * MINUTE;
  const before = await bars(sim, "interval=1&limit=2");
  assert.deepEqual(before.bars.map((b) => b.t), [
    startMinute - MINUTE,
    startMinute,
  ]);
  assert.equal(
    before.bars[0].c,
    60_000,
    "the last history minute closes at the start price",
  );
  assert.equal(before.bars[1].o, 60_000, "the first live minute opens there");
  clock.advance(5 * MINUTE);
  const after = await bars(sim, "interval=1&limit=7");
  assert.equal(after.bars.length, 7);
  for (let i = 1; i < after.bars.length; i++) {
    assert.equal(after.bars[i].t - after.bars[i - 1].t, MINUTE, "no gaps");
  }
  const { body } = await kline(
    sim,
    "category=spot&symbol=BTCUSDT&interval=1&limit=1",
  );
  const tickers = await (await sim.handle(
    new Request(
      "http://sim.test/v5/market/tickers?category=spot&symbol=BTCUSDT",
    ),
  )).json();
  assert.equal(
    body.result.list[0][4],
    tickers.result.list[0].lastPrice,
    "the bar in progress closes at the ticker's last price",
  );
});

Deno.test("kline endpoint - the ticker's 24 h high and low agree with the minute history", async () => {
  const { sim } = exchange();
  const day = await bars(sim, "interval=1&limit=1000");
  const older = await bars(
    sim,
    `interval=1&limit=1000&end=${day.bars[0].t - 1}`,
  );
  const minutes = [...older.bars, ...day.bars].slice(-1_440);
  const tickers = await (await sim.handle(
    new Request(
      "http://sim.test/v5/market/tickers?category=spot&symbol=BTCUSDT",
    ),
  )).json();
  const ticker = tickers.result.list[0];
  assert.equal(
    Number(ticker.highPrice24h),
    Math.max(...minutes.map((b) => b.h)),
  );
  assert.equal(
    Number(ticker.lowPrice24h),
    Math.min(...minutes.map((b) => b.l)),
  );
});

Deno.test("kline endpoint - paging by end walks back without gaps or overlaps", async () => {
  const { sim } = exchange();
  const first = await bars(sim, "interval=1&limit=1000");
  const second = await bars(
    sim,
    `interval=1&limit=1000&end=${first.bars[0].t - 1}`,
  );
  assert.equal(second.bars.length, 1_000);
  assert.equal(second.bars.at(-1)!.t, first.bars[0].t - MINUTE);
  const ranged = await bars(
    sim,
    `interval=1&start=${first.bars[10].t}&end=${first.bars[19].t}`,
  );
  assert.deepEqual(
    ranged.bars.map((b) => b.t),
    first.bars.slice(10, 20).map((b) => b.t),
  );
});

Deno.test("kline endpoint - longer intervals are the minutes and hours aggregated", async () => {
  const { sim } = exchange();
  const minutes = (await bars(sim, "interval=1&limit=1000")).bars;
  const fives = (await bars(sim, "interval=5&limit=3")).bars;
  const five = fives[0];
  const parts = minutes.filter((b) =>
    b.t >= five.t && b.t < five.t + 5 * MINUTE
  );
  assert.equal(parts.length, 5);
  assert.equal(five.o, parts[0].o);
  assert.equal(five.c, parts[4].c);
  assert.equal(five.h, Math.max(...parts.map((b) => b.h)));
  const hours = (await bars(sim, "interval=60&limit=1000")).bars;
  assert.equal(hours.length, 1_000);
  for (let i = 1; i < hours.length; i++) {
    assert.equal(hours[i].t - hours[i - 1].t, HOUR);
    assert.equal(hours[i].o > 0, true);
  }
  const days = (await bars(sim, "interval=D&limit=400")).bars;
  assert.ok(days.length >= 365, `a year of days, got ${days.length}`);
  const weeks = (await bars(sim, "interval=W&limit=3")).bars;
  assert.equal(new Date(weeks[0].t).getUTCDay(), 1, "weeks start on Monday");
  const months = (await bars(sim, "interval=M&limit=2")).bars;
  assert.equal(new Date(months[1].t).getUTCDate(), 1);
});

Deno.test("kline endpoint - the same seed gives the same history", async () => {
  const a = await bars(exchange(7).sim, "interval=60&limit=50");
  const b = await bars(exchange(7).sim, "interval=60&limit=50");
  const c = await bars(exchange(8).sim, "interval=60&limit=50");
  assert.deepEqual(a.bars, b.bars);
  assert.notDeepEqual(a.bars, c.bars);
});

Deno.test("kline endpoint - a perpetual's bars come from the linear market, not its spot pair", async () => {
  const { sim } = exchange();
  const query = "symbol=BTCUSDT&interval=1&limit=5";
  const linear = await kline(sim, `category=linear&${query}`);
  assert.equal(linear.body.retCode, 0);
  assert.equal(linear.body.result.category, "linear");
  const page = parseKlinePage(linear.body, {
    symbol: "BTCUSDT",
    category: "linear",
  });
  assert.equal(page.rejected, 0, page.firstRejection);
  assert.equal(page.rows, 5);
  const spot = await bars(sim, "interval=1&limit=5");
  assert.deepEqual(
    page.bars.map((bar) => bar.t),
    spot.bars.map((bar) => bar.t),
  );
  assert.notDeepEqual(page.bars, spot.bars, "its own price path");
});

Deno.test("kline endpoint - a synthetic market's minutes reach back to the whole hour before the day, as a backfill asks", async () => {
  const clock = new FakeClock(START);
  const sim = new SimExchange({ clock, seed: 42, syntheticSymbols: 1 });
  const listing = await (await sim.handle(
    new Request("http://sim.test/v5/market/instruments-info?category=spot"),
  )).json();
  const majors = ["BTC", "ETH", "SOL", "1000SATS", "XRP", "DOGE"];
  const synthetic = listing.result.list.find((
    i: { symbol: string; baseCoin: string; quoteCoin: string; status: string },
  ) =>
    i.status === "Trading" && i.quoteCoin === "USDT" &&
    !majors.includes(i.baseCoin)
  ).symbol;
  const dayBefore = Math.floor((START - 24 * HOUR) / HOUR) * HOUR;
  const end = dayBefore + 999 * MINUTE;
  const { body } = await kline(
    sim,
    `category=spot&symbol=${synthetic}&interval=1&start=${dayBefore}&end=${end}&limit=1000`,
  );
  const page = parseKlinePage(body, { symbol: synthetic, category: "spot" });
  assert.equal(page.rejected, 0, page.firstRejection);
  assert.equal(page.bars[0].t, dayBefore, "the oldest minute asked for");
  assert.equal(page.bars.length, 1_000);
});

Deno.test("kline endpoint - bad parameters are Bybit's params error; faults apply", async () => {
  const { sim } = exchange();
  const retCode = async (query: string) =>
    (await kline(sim, query)).body.retCode;
  assert.equal(
    await retCode("symbol=BTCUSDT&interval=1"),
    10001,
    "no category: a client that forgot it",
  );
  assert.equal(
    await retCode("category=inverse&symbol=BTCUSDT&interval=1"),
    10001,
    "a category not simulated",
  );
  assert.equal(await retCode("category=spot&symbol=BTCUSDT&interval=2"), 10001);
  assert.equal(
    await retCode("category=spot&symbol=BTCUSDT&interval=1&limit=1001"),
    10001,
  );
  assert.equal(
    await retCode("category=spot&symbol=BTCUSDT&interval=1&end=x"),
    10001,
  );
  const unknown = await kline(sim, "category=spot&symbol=NOPE&interval=1");
  assert.equal(unknown.body.retMsg, "Not supported symbols");
  const q = "category=spot&symbol=BTCUSDT&interval=1&limit=3";
  assert.equal(
    (await kline(sim, `${q}&fault=retcode10006`)).body.retCode,
    10006,
  );
  const limited = await sim.handle(
    new Request(`http://sim.test/v5/market/kline?${q}&fault=http429`),
  );
  await limited.body?.cancel();
  assert.equal(limited.status, 429);
  const spoiled = await kline(sim, `${q}&fault=bad-number`);
  const page = parseKlinePage(spoiled.body, {
    symbol: "BTCUSDT",
    category: "spot",
  });
  assert.deepEqual([page.rows, page.rejected], [3, 1]);
  sim.setFault("http503", { count: 1 });
  const failed = await sim.handle(
    new Request(`http://sim.test/v5/market/kline?${q}`),
  );
  await failed.body?.cancel();
  assert.equal(
    failed.status,
    503,
    "a standing fault hits the kline endpoint too",
  );
  assert.equal(sim.state().requests.kline, 10);
});
