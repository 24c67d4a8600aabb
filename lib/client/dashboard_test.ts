import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { Dashboard, FIRST_POLL_MS, RENDER_INTERVAL_MS } from "./dashboard.ts";
import type { DashboardEnvironment } from "./dashboard_inputs.ts";
import type { Schedule } from "./frame_batcher.ts";
import { PREFERENCES_KEY } from "./preferences.ts";
import { WATCHLIST_KEY } from "./watchlist.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { FakeEvents, FakeSocket, tickFrame } from "./test_utils.ts";

const BTC = "BTC-USDT";
const ETH = "ETH-USDT";

function memoryStorage(initial: Record<string, string> = {}): Storage {
  const data = new Map(Object.entries(initial));
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (key) => void data.delete(key),
    setItem: (key, value) => void data.set(key, value),
  };
}

/** Answers a candle request with one flat bar per interval of its range. */
function candleAnswer(url: URL) {
  const interval = url.searchParams.get("interval")!;
  const size = interval === "1s" ? 1_000 : 60_000;
  const from = Number(url.searchParams.get("from"));
  const to = Number(url.searchParams.get("to"));
  const candles = [];
  for (let t = Math.ceil(from / size) * size; t < to; t += size) {
    candles.push({ t, o: 1, h: 2, l: 1, c: 2, v: 5, turnover: 10 });
  }
  return {
    symbol: url.searchParams.get("symbol"),
    interval,
    candles,
    outages: [],
  };
}

function harness(storage = memoryStorage()) {
  const clock = new FakeClock(1_000_000);
  const events = new FakeEvents();
  const sockets: FakeSocket[] = [];
  const fetched: string[] = [];
  const frames = new Set<() => void>();
  const schedule: Schedule = (callback) => {
    frames.add(callback);
    return () => frames.delete(callback);
  };
  const environment: DashboardEnvironment = {
    pageUrl: () => "http://sats.test/",
    fetch: (url) => {
      fetched.push(url);
      const body = url.startsWith("/api/symbols?ids=")
        ? {
          symbols: decodeURIComponent(url.split("=")[1]).split(",")
            .filter((id) => id !== "GONE-USDT")
            .map((symbol) => ({
              symbol,
              threshold: 7_000_000,
              trade_threshold: 70_000,
              tick: tickFrame(symbol, 3),
            })),
        }
        : url.startsWith("/api/rooms?")
        ? { total: 1, rooms: { [BTC]: 1, [ETH]: 1 } }
        : url.startsWith("/api/candles")
        ? candleAnswer(new URL(url, "http://sats.test"))
        : url === "/api/price-alerts"
        ? { price_alerts: [] }
        : {};
      return Promise.resolve(Response.json(body));
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    clock,
    events,
    localStorage: storage,
    random: () => 0.5,
    schedule,
  };
  const dashboard = new Dashboard([BTC, ETH], environment);
  const runFrame = () => {
    const callbacks = [...frames];
    frames.clear();
    for (const callback of callbacks) callback();
  };
  return {
    dashboard,
    clock,
    events,
    sockets,
    fetched,
    storage,
    runFrame,
    frames,
    last: () => sockets.at(-1)!,
  };
}

Deno.test("Dashboard - resumes from the server-rendered ticks, asks for candles and trades, applies frames per frame", () => {
  const h = harness();
  h.dashboard.seed({
    symbols: [BTC, ETH],
    epoch: "e1",
    ticks: [tickFrame(BTC, 5), tickFrame(ETH, 9)],
  });
  h.dashboard.start();
  const url = new URL(h.sockets[0].url);
  assert.equal(url.href.split("?")[0], "ws://sats.test/ws/stream");
  assert.equal(url.searchParams.get("since"), `${BTC}:5,${ETH}:9`);
  assert.equal(url.searchParams.get("epoch"), "e1");
  assert.equal(url.searchParams.get("candles"), "1s");
  assert.equal(url.searchParams.get("trades"), "1");

  h.sockets[0].open();
  h.sockets[0].send(tickFrame(BTC, 6));
  assert.equal(
    h.dashboard.store.tick(BTC).value?.seq,
    5,
    "not before the frame",
  );
  h.runFrame();
  assert.equal(h.dashboard.store.tick(BTC).value?.seq, 6);
  h.dashboard.stop();
});

Deno.test("Dashboard - every hello reloads the chart's candles; frames and ticks keep them live", async () => {
  const h = harness();
  h.dashboard.start();
  const selected = signal(BTC);
  h.dashboard.adoptSelection(selected, true);
  const loads = () => h.fetched.filter((u) => u.startsWith("/api/candles"));
  assert.equal(loads().length, 1, "nothing server-rendered: loaded at once");
  h.dashboard.setChartWindow("1m");
  await h.clock.settle();
  assert.equal(loads().length, 2, "the window change loaded");
  h.sockets[0].open();
  h.sockets[0].send({
    type: "hello",
    epoch: "e1",
    symbols: [BTC, ETH],
    server_time: h.clock.now(),
    simulated: true,
  });
  h.runFrame();
  await h.clock.settle();
  assert.equal(loads().length, 3, "reloaded after the hello");
  assert.ok(h.fetched.includes("/api/price-alerts"));
  const series = h.dashboard.candles.series(BTC, "1s");
  const bars = series.bars.length;
  assert.ok(bars >= 300, `${bars} bars`);
  const t = series.bars.at(-1)!.t + 1_000;
  h.clock.advance(RENDER_INTERVAL_MS);
  h.sockets[0].send({
    type: "candle",
    symbol: BTC,
    interval: "1s",
    t,
    o: 2,
    h: 3,
    l: 2,
    c: 3,
    v: 1,
    closed: false,
  });
  h.sockets[0].send(tickFrame(BTC, 1, { ts: t + 500, price: 4 }));
  h.runFrame();
  assert.equal(series.bars.length, bars + 1);
  assert.deepEqual(
    [series.bars.at(-1)!.h, series.bars.at(-1)!.c],
    [4, 4],
    "the tick moved the open bar",
  );
  h.dashboard.stop();
});

Deno.test("Dashboard - a lost socket and a failing feed become outages on the server's clock", () => {
  const h = harness();
  h.dashboard.start();
  h.sockets[0].open();
  h.sockets[0].send({
    type: "status",
    upstream: "degraded",
    simulated: true,
    last_success: h.clock.now() - 3_000,
    detail: "network: Network error: fetch failed",
    mode: "rest",
  });
  h.runFrame();
  assert.equal(h.dashboard.outages.outages.length, 1);
  assert.match(h.dashboard.outages.outages[0].reason, /cannot be reached/);
  h.sockets[0].drop(1006);
  h.clock.advance(5_000);
  h.last().open();
  const page = h.dashboard.outages.outages.find((o) =>
    /this page/.test(o.reason)
  );
  assert.ok(page && page.to !== null && page.to - page.from >= 2_000);
  h.dashboard.stop();
});

Deno.test("Dashboard - polls diagnostics, rooms and metrics of the pairs it streams, only while visible", async () => {
  const h = harness();
  h.dashboard.start();
  h.clock.advance(FIRST_POLL_MS);
  await h.clock.settle();
  const ids = `ids=${encodeURIComponent(`${BTC},${ETH}`)}`;
  assert.deepEqual(h.fetched.sort(), [
    `/api/diagnostics?${ids}`,
    `/api/metrics?${ids}`,
    `/api/rooms?${ids}`,
  ]);
  assert.equal(h.dashboard.rooms.value?.value.total, 1);
  h.events.visible = false;
  h.clock.advance(60_000);
  assert.equal(h.fetched.length, 3, "hidden tab: no polling");
  h.dashboard.stop();
});

Deno.test("Dashboard - preferences apply at start and selections are saved", () => {
  const h = harness(memoryStorage({
    [PREFERENCES_KEY]: JSON.stringify({
      symbol: ETH,
      window: "15m",
      chime: false,
    }),
  }));
  assert.equal(
    h.dashboard.chartWindow.value,
    "1h",
    "the server's default until start",
  );
  h.dashboard.start();
  assert.equal(h.dashboard.chartWindow.value, "15m");
  const selected = signal(BTC);
  h.dashboard.adoptSelection(selected, false);
  assert.equal(selected.value, ETH, "restored on /");
  selected.value = BTC;
  assert.equal(JSON.parse(h.storage.getItem(PREFERENCES_KEY)!).symbol, BTC);
  h.dashboard.stop();
});

Deno.test("Dashboard - a deep link keeps its symbol over the saved one", () => {
  const h = harness(
    memoryStorage({ [PREFERENCES_KEY]: JSON.stringify({ symbol: ETH }) }),
  );
  h.dashboard.start();
  const selected = signal("SOL-USDT");
  h.dashboard.adoptSelection(selected, true);
  assert.equal(selected.value, "SOL-USDT");
  h.dashboard.stop();
});

Deno.test("Dashboard - stop closes the socket and clears every timer and listener", () => {
  const h = harness();
  h.dashboard.start();
  h.sockets[0].open();
  h.sockets[0].send(tickFrame(BTC, 1));
  assert.ok(h.clock.pending().length > 0);
  h.dashboard.stop();
  assert.equal(h.clock.pending().length, 0);
  assert.equal(h.events.count, 0);
  assert.equal(h.frames.size, 0, "no frame flush pending");
  assert.equal(h.sockets[0].closedWith, 1000);
  assert.equal(h.dashboard.connectionState.value.phase, "stopped");
});

Deno.test("Dashboard - a saved watchlist of streamed pairs applies at start, no request", () => {
  const h = harness(memoryStorage({ [WATCHLIST_KEY]: JSON.stringify([ETH]) }));
  assert.deepEqual(h.dashboard.watchlist.value, [BTC, ETH], "default first");
  h.dashboard.start();
  assert.deepEqual(h.dashboard.watchlist.value, [ETH]);
  assert.equal(h.sockets.length, 1, "connects at once");
  assert.ok(!h.fetched.some((u) => u.startsWith("/api/symbols")));
  h.dashboard.toggleWatch(BTC);
  assert.deepEqual(JSON.parse(h.storage.getItem(WATCHLIST_KEY)!), [ETH, BTC]);
  h.dashboard.stop();
});

Deno.test("Dashboard - saved pairs the page does not stream are checked, then streamed", async () => {
  const h = harness(
    memoryStorage({
      [WATCHLIST_KEY]: JSON.stringify(["SOL-USDT-PERP", "GONE-USDT", BTC]),
    }),
  );
  h.dashboard.seed({ symbols: [BTC, ETH], firstSymbols: [BTC, ETH] });
  h.dashboard.start();
  assert.equal(h.sockets.length, 0, "not before the check");
  await h.clock.settle();
  assert.ok(
    h.fetched.includes(
      `/api/symbols?ids=${
        encodeURIComponent("SOL-USDT-PERP,GONE-USDT,BTC-USDT")
      }`,
    ),
  );
  assert.deepEqual(h.dashboard.watchlist.value, ["SOL-USDT-PERP", BTC]);
  assert.deepEqual(h.dashboard.store.symbols.value, [
    BTC,
    ETH,
    "SOL-USDT-PERP",
  ]);
  assert.equal(h.dashboard.store.tick("SOL-USDT-PERP").value?.seq, 3);
  assert.equal(h.dashboard.store.thresholds.value["SOL-USDT-PERP"], 7_000_000);
  assert.equal(h.dashboard.tradeThresholds.value["SOL-USDT-PERP"], 70_000);
  assert.equal(
    new URL(h.sockets[0].url).searchParams.get("symbols"),
    `${BTC},${ETH},SOL-USDT-PERP`,
  );
  h.dashboard.stop();
});
