/**
 * The simulator's perpetuals: instruments listed and paged like Bybit's,
 * linear tickers as a snapshot then deltas every 100 ms, liquidations with
 * the occasional large one, synthetic listings, listings changed at runtime,
 * and the `mute` fault.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { SimMarket } from "./market_model.ts";
import { SimExchange } from "./sim_exchange.ts";
import { SimWsFeed } from "./sim_ws_feed.ts";
import { syntheticSpecs } from "./synthetic_specs.ts";
import { DEFAULT_PERP_SPECS } from "./symbol_specs.ts";
import { tickerDelta } from "./linear_ticker.ts";
import { FakeSimSocket } from "./test_utils.ts";

const START = Date.UTC(2024, 5, 1);

async function instruments(
  sim: SimExchange,
  query: string,
): Promise<{
  retCode: number;
  result: {
    list: Record<string, string>[];
    nextPageCursor?: string;
  };
}> {
  const response = await sim.handle(
    new Request(`http://sim/v5/market/instruments-info?${query}`),
  );
  return await response.json();
}

Deno.test("SimExchange - instruments are paged like Bybit's linear listing, spot in one page", async () => {
  const sim = new SimExchange({
    clock: new FakeClock(START),
    syntheticSymbols: 30,
  });
  const spot = await instruments(sim, "category=spot");
  assert.equal(spot.retCode, 0);
  assert.equal(spot.result.list.length, 6 + 30 + 2);
  assert.equal(spot.result.nextPageCursor, undefined);
  assert.ok(spot.result.list.some((i) => i.quoteCoin === "USDC"));
  const pages: Record<string, string>[][] = [];
  let cursor = "";
  do {
    const page = await instruments(
      sim,
      `category=linear&limit=10${cursor ? `&cursor=${cursor}` : ""}`,
    );
    pages.push(page.result.list);
    cursor = page.result.nextPageCursor ?? "";
  } while (cursor !== "" && pages.length < 20);
  const linear = pages.flat();
  assert.equal(pages.length, 3, "5 majors + 20 synthetic + 3 unfollowed");
  assert.equal(linear.length, 5 + 20 + 3);
  assert.equal(linear[0].symbol, "BTCUSDT");
  assert.equal(linear[0].contractType, "LinearPerpetual");
  assert.ok(linear.some((i) => i.contractType === "LinearFutures"));
  assert.ok(linear.some((i) => i.status === "PreLaunch"));
  assert.equal(
    (await instruments(sim, "category=linear&cursor=bogus")).retCode,
    10001,
  );
  assert.equal((await instruments(sim, "category=option")).retCode, 10001);
  sim.close();
});

Deno.test("SimExchange - symbols listed and delisted at runtime, on REST and in the listing", async () => {
  const clock = new FakeClock(START);
  const sim = new SimExchange({ clock });
  assert.equal(sim.list("linear", "NEWCOINUSDT"), true);
  assert.equal(sim.list("linear", "NEWCOINUSDT"), false);
  clock.advance(1_000);
  const body = await (await sim.handle(
    new Request(
      "http://sim/v5/market/tickers?category=linear&symbol=NEWCOINUSDT",
    ),
  )).json();
  assert.equal(body.result.list[0].symbol, "NEWCOINUSDT");
  assert.ok(Number(body.result.list[0].markPrice) > 0);
  assert.ok(
    (await instruments(sim, "category=linear")).result.list.some((i) =>
      i.symbol === "NEWCOINUSDT"
    ),
  );
  assert.equal(sim.delist("linear", "NEWCOINUSDT"), true);
  assert.ok(
    !(await instruments(sim, "category=linear")).result.list.some((i) =>
      i.symbol === "NEWCOINUSDT"
    ),
  );
  sim.close();
});

Deno.test("syntheticSpecs - any number of distinct, plausible, reproducible listings", () => {
  const a = syntheticSpecs(600, 42);
  assert.equal(new Set(a.map((s) => s.symbol)).size, 600);
  assert.deepEqual(syntheticSpecs(600, 42), a);
  for (const spec of a) {
    assert.match(spec.symbol, /^[A-Z]{6}USDT$/);
    assert.ok(spec.startPrice > 0);
    // The market model accepts every one of them.
    new SimMarket({ startMs: START, specs: [spec] });
  }
  assert.throws(() => syntheticSpecs(-1, 1), /count/);
});

/** A linear feed over the majors, with one subscribed session. */
function linearFeed() {
  const clock = new FakeClock(START);
  const market = new SimMarket({
    startMs: START,
    category: "linear",
    specs: DEFAULT_PERP_SPECS,
  });
  const feed = new SimWsFeed({ market, clock, pushIntervalMs: 100 });
  const socket = new FakeSimSocket();
  const session = feed.open(socket);
  const subscribe = (args: string[]) =>
    session.receive(JSON.stringify({ op: "subscribe", req_id: "1", args }));
  return { clock, market, feed, socket, session, subscribe };
}

Deno.test("SimWsFeed (linear) - a snapshot first, then deltas with only the fields that changed", () => {
  const h = linearFeed();
  h.subscribe(["tickers.BTCUSDT"]);
  for (let i = 0; i < 20; i++) h.clock.advance(100);
  const pushes = h.socket.pushes("tickers.BTCUSDT");
  assert.equal(pushes[0].type, "snapshot");
  const snapshot = pushes[0].data as Record<string, string>;
  for (
    const field of [
      "markPrice",
      "indexPrice",
      "openInterest",
      "openInterestValue",
      "fundingRate",
      "nextFundingTime",
      "lastPrice",
    ]
  ) assert.ok(field in snapshot, field);
  assert.ok(pushes.length > 5);
  let merged = { ...snapshot };
  for (const push of pushes.slice(1)) {
    assert.equal(push.type, "delta");
    const delta = push.data as Record<string, string>;
    assert.ok(Object.keys(delta).length < Object.keys(snapshot).length);
    merged = { ...merged, ...delta };
  }
  // Merging every delta onto the snapshot gives the market's ticker.
  assert.deepEqual(merged, { ...h.market.ticker("BTCUSDT") });
  h.feed.close();
});

Deno.test("SimWsFeed (linear) - liquidations arrive, mostly small, the occasional large one", () => {
  const h = linearFeed();
  h.subscribe(["allLiquidation.BTCUSDT", "allLiquidation.ETHUSDT"]);
  // An hour of market, pushed every 100 ms.
  for (let i = 0; i < 36_000; i++) h.clock.advance(100);
  const items = h.socket.pushes("allLiquidation.").flatMap((p) =>
    p.data as { p: string; v: string; S: string; T: number }[]
  );
  assert.ok(items.length > 20, `${items.length} liquidations in an hour`);
  const notionals = items.map((i) => Number(i.p) * Number(i.v));
  assert.ok(notionals.some((n) => n >= 1_000_000), "a large one");
  assert.ok(notionals.filter((n) => n < 150_001).length > items.length / 2);
  assert.ok(items.every((i) => i.S === "Buy" || i.S === "Sell"));
  h.feed.close();
});

Deno.test("SimWsFeed - mute: pings and requests still answered, no data", () => {
  const h = linearFeed();
  h.subscribe(["tickers.ETHUSDT"]);
  h.clock.advance(100);
  h.feed.setFault("mute", { count: 1 });
  const before = h.socket.pushes("tickers.").length;
  h.clock.advance(1_000);
  assert.equal(h.socket.pushes("tickers.").length, before, "no data");
  h.session.receive(JSON.stringify({ op: "ping", req_id: "p" }));
  assert.equal(h.socket.acks().at(-1)?.ret_msg, "pong");
  assert.equal(h.feed.state().muted, 1);
  h.feed.close();
});

Deno.test("SimWsSession - more than 21,000 args characters on one connection are refused", () => {
  const clock = new FakeClock(START);
  const specs = syntheticSpecs(1_000, 7);
  const market = new SimMarket({ startMs: START, specs });
  const feed = new SimWsFeed({ market, clock });
  const socket = new FakeSimSocket();
  const session = feed.open(socket);
  const topics = specs.flatMap((s) => [
    `tickers.${s.symbol}`,
    `publicTrade.${s.symbol}`,
  ]);
  for (let i = 0; i < topics.length; i += 10) {
    session.receive(JSON.stringify({
      op: "subscribe",
      req_id: String(i),
      args: topics.slice(i, i + 10),
    }));
  }
  const refused = socket.acks().filter((a) => a.success === false);
  assert.ok(refused.length > 0);
  assert.match(String(refused[0].ret_msg), /args length exceeds 21000/);
  assert.ok(JSON.stringify([...session.topics]).length <= 21_000);
  feed.close();
});

Deno.test("tickerDelta - only changed fields, with the symbol; nothing when nothing changed", () => {
  const a = { symbol: "X", lastPrice: "1", markPrice: "2" };
  assert.deepEqual(tickerDelta(a, { ...a, markPrice: "3" }), {
    symbol: "X",
    markPrice: "3",
  });
  assert.equal(tickerDelta(a, { ...a }), undefined);
});
