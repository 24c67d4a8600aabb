import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { DashboardEnvironment } from "./dashboard_inputs.ts";
import type { Schedule } from "./frame_batcher.ts";
import { MarketPage, marketStreamUrl } from "./market_page.ts";
import { signal } from "@preact/signals";
import { DEFAULT_SCREENER_QUERY, type ScreenerQuery } from "./screener.ts";
import { alertFrame, FakeEvents, FakeSocket } from "./test_utils.ts";
import { WATCHLIST_KEY } from "./watchlist.ts";
import type { MarketItem } from "../protocol/frames.ts";

function item(symbol: string, volume: number): MarketItem {
  return {
    symbol,
    price: 1,
    change: 0,
    volume,
    spread: 1,
    velocity: 0,
    tier: "STABLE",
    is_whale: false,
  };
}

function harness(saved?: string[]) {
  const data = new Map<string, string>();
  if (saved) data.set(WATCHLIST_KEY, JSON.stringify(saved));
  const sockets: FakeSocket[] = [];
  const frames = new Set<() => void>();
  const schedule: Schedule = (callback) => {
    frames.add(callback);
    return () => frames.delete(callback);
  };
  const clock = new FakeClock(1_000_000);
  const environment: DashboardEnvironment = {
    pageUrl: () => "https://sats.test/markets",
    fetch: () => Promise.resolve(Response.json({})),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    clock,
    events: new FakeEvents(),
    localStorage: {
      getItem: (key: string) => data.get(key) ?? null,
      setItem: (key: string, value: string) => void data.set(key, value),
    } as Storage,
    random: () => 0.5,
    schedule,
  };
  const page = new MarketPage(environment);
  const flush = () => {
    clock.advance(1_000);
    for (const callback of [...frames]) callback();
    frames.clear();
  };
  return { page, sockets, data, flush };
}

Deno.test("marketStreamUrl - the page's origin, ws or wss", () => {
  assert.equal(
    marketStreamUrl("http://a.test/markets"),
    "ws://a.test/ws/market",
  );
  assert.equal(marketStreamUrl("https://a.test/x"), "wss://a.test/ws/market");
});

Deno.test("MarketPage - market frames fill the model; alerts the ledger, once, newest first", () => {
  const h = harness();
  h.page.seed({
    items: [item("A-USDT", 5)],
    alerts: [alertFrame(2, { symbol: "A-USDT" })],
    firstSymbols: ["A-USDT", "B-USDT"],
  });
  assert.equal(h.page.live.value, false);
  h.page.start();
  assert.equal(h.sockets[0].url, "wss://sats.test/ws/market");
  h.sockets[0].open();
  h.sockets[0].send({
    type: "market",
    ts: 1,
    items: [item("A-USDT", 5), item("B-USDT", 9), item("C-USDT-PERP", 1)],
  });
  h.sockets[0].send(alertFrame(3, { symbol: "B-USDT" }));
  h.sockets[0].send(alertFrame(2, { symbol: "A-USDT" }));
  assert.equal(h.page.model.size, 1, "applied per batch, not per frame");
  h.flush();
  assert.equal(h.page.live.value, true);
  assert.deepEqual(
    h.page.model.order(DEFAULT_SCREENER_QUERY),
    ["B-USDT", "A-USDT", "C-USDT-PERP"],
  );
  assert.deepEqual(h.page.ledger.value.map((a) => a.id), [
    "a000003",
    "a000002",
  ]);
  h.sockets[0].send({ type: "market", ts: 2, items: [], removed: ["A-USDT"] });
  h.flush();
  assert.equal(h.page.model.has("A-USDT"), false);
  h.page.stop();
});

Deno.test("MarketPage - the watchlist: default first four, saved one at start, toggles saved", () => {
  const fresh = harness();
  fresh.page.seed({
    firstSymbols: ["A", "B", "C", "D", "E"].map((c) => `${c}-USDT`),
  });
  fresh.page.start();
  assert.deepEqual(fresh.page.watchlist.value, [
    "A-USDT",
    "B-USDT",
    "C-USDT",
    "D-USDT",
  ]);
  fresh.page.toggleWatch("A-USDT");
  fresh.page.toggleWatch("Z-USDT-PERP");
  assert.deepEqual(JSON.parse(fresh.data.get(WATCHLIST_KEY)!), [
    "B-USDT",
    "C-USDT",
    "D-USDT",
    "Z-USDT-PERP",
  ]);
  fresh.page.stop();

  const saved = harness(["Z-USDT-PERP"]);
  saved.page.seed({ firstSymbols: ["A-USDT"] });
  saved.page.start();
  assert.deepEqual(saved.page.watchlist.value, ["Z-USDT-PERP"]);
  saved.page.stop();
});

Deno.test("MarketPage - a frame sets the row signals of what it changed, alerts too; removed rows become undefined", () => {
  const h = harness();
  h.page.seed({ items: [item("A-USDT", 5), item("B-USDT", 9)] });
  const a = h.page.row("A-USDT");
  const b = h.page.row("B-USDT");
  assert.equal(a.value?.volume, 5);
  assert.equal(h.page.size.value, 2);
  const bBefore = b.value;
  h.page.start();
  h.sockets[0].open();
  h.sockets[0].send({ type: "market", ts: 1, items: [item("A-USDT", 7)] });
  h.sockets[0].send(alertFrame(3, { symbol: "A-USDT" }));
  h.flush();
  assert.equal(a.value?.volume, 7);
  assert.notEqual(a.value?.lastAlertAt, null, "the alert's time is on the row");
  assert.equal(b.value, bBefore, "an unchanged row keeps its value");
  h.sockets[0].send({ type: "market", ts: 2, items: [], removed: ["A-USDT"] });
  h.flush();
  assert.equal(a.value, undefined);
  assert.equal(h.page.size.value, 1);
  assert.equal(h.page.row("A-USDT").value, undefined);
  h.page.stop();
});

Deno.test("MarketPage - the order signal changes only when the order does", () => {
  const h = harness();
  h.page.seed({ items: [item("A-USDT", 5), item("B-USDT", 9)] });
  const query = signal<ScreenerQuery>(DEFAULT_SCREENER_QUERY);
  const order = h.page.order(query);
  const first = order.value;
  assert.deepEqual(first, ["B-USDT", "A-USDT"]);
  h.page.start();
  h.sockets[0].open();
  // New figures, same order: the same array, so the table does not render.
  h.sockets[0].send({ type: "market", ts: 1, items: [item("A-USDT", 6)] });
  h.flush();
  assert.equal(order.value, first);
  // A row overtakes another: a new order.
  h.sockets[0].send({ type: "market", ts: 2, items: [item("A-USDT", 10)] });
  h.flush();
  assert.deepEqual(order.value, ["A-USDT", "B-USDT"]);
  query.value = { ...DEFAULT_SCREENER_QUERY, text: "b-" };
  assert.deepEqual(order.value, ["B-USDT"]);
  h.page.stop();
});
