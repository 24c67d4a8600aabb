import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import {
  Dashboard,
  type DashboardEnvironment,
  FIRST_POLL_MS,
  RENDER_INTERVAL_MS,
} from "./dashboard.ts";
import type { Schedule } from "./frame_batcher.ts";
import { PREFERENCES_KEY } from "./preferences.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { FakeEvents, FakeSocket, tickFrame } from "./test_utils.ts";
import { toPoint } from "./tick_series.ts";

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
      const body = url.endsWith("/api/rooms")
        ? { total: 1, rooms: { [BTC]: 1, [ETH]: 1 } }
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
  };
}

Deno.test("Dashboard - resumes the server-rendered history and applies frames per frame", () => {
  const h = harness();
  h.dashboard.seed({
    symbols: [BTC, ETH],
    epoch: "e1",
    ticks: [tickFrame(BTC, 5), tickFrame(ETH, 9)],
    history: {
      symbol: BTC,
      points: [4, 5].map((s) => toPoint(tickFrame(BTC, s))),
    },
  });
  h.dashboard.start();
  const url = new URL(h.sockets[0].url);
  assert.equal(url.href.split("?")[0], "ws://sats.test/ws/stream");
  assert.equal(
    url.searchParams.get("since"),
    `${BTC}:5`,
    "ETH has no history: full replay",
  );
  assert.equal(url.searchParams.get("epoch"), "e1");

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

Deno.test("Dashboard - a reset reconnects at once without the reset symbol's resume point", () => {
  const h = harness();
  h.dashboard.seed({
    symbols: [BTC, ETH],
    epoch: "e1",
    ticks: [tickFrame(BTC, 5), tickFrame(ETH, 9)],
    history: { symbol: BTC, points: [toPoint(tickFrame(BTC, 5))] },
  });
  h.dashboard.start();
  h.sockets[0].open();
  h.sockets[0].send({
    type: "reset",
    symbol: BTC,
    epoch: "e1",
    seq: 2,
    reason: "ahead",
  });
  h.sockets[0].send(tickFrame(BTC, 2));
  h.clock.advance(RENDER_INTERVAL_MS);
  h.runFrame();
  assert.equal(h.sockets.length, 2, "reconnected for the history");
  assert.equal(new URL(h.sockets[1].url).searchParams.get("since"), null);
  assert.equal(h.dashboard.store.tick(BTC).value?.seq, 2);
  h.dashboard.stop();
});

Deno.test("Dashboard - polls diagnostics, rooms and metrics, only while visible", async () => {
  const h = harness();
  h.dashboard.start();
  h.clock.advance(FIRST_POLL_MS);
  await h.clock.settle();
  assert.deepEqual(h.fetched.sort(), [
    "/api/diagnostics",
    "/api/metrics",
    "/api/rooms",
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
    "5m",
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
