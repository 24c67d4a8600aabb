/**
 * Per-tick hot paths, measured with `deno bench` (`deno task bench:hot`):
 * upstream validation + normalisation, analytics, frame encoding, the whole
 * per-tick path, history append/resume, the hub's reads of stored ticks at
 * whole-market scale (the overview's cycle, the diagnostics' last tick
 * times), and the handshake's own JavaScript (routing among the app's
 * routes, the query, the origin and symbol checks). The goal
 * for validation + analytics + encode is under 20 µs per tick.
 */
import { TickAnalyzer } from "../lib/analytics/tick_analyzer.ts";
import { Channel } from "../lib/hub/channel.ts";
import { StreamHub } from "../lib/hub/stream_hub.ts";
import { systemClock } from "../lib/clock/clock.ts";
import type { MarketTrade } from "../lib/market/market_trade.ts";
import { IntakeMeter } from "../lib/service/intake_meter.ts";
import { TradeTape } from "../lib/tape/trade_tape.ts";
import { planResume } from "../lib/hub/resume_plan.ts";
import { checkOrigin } from "../lib/http/origin_policy.ts";
import {
  resolveSymbol,
  symbolTable as channelTable,
} from "../lib/http/symbol_policy.ts";
import {
  parseTickers,
  symbolTable,
} from "../lib/ingestion/bybit/bybit_schema.ts";
import {
  allTrackedBody,
  DOC_LINEAR_DELTA,
  DOC_LINEAR_SNAPSHOT,
  liquidationPush,
  tickerPush,
  TRACKED,
  TRACKED_PERPS,
  tradePush,
} from "../lib/ingestion/test_utils.ts";
import {
  parseWsFrame,
  topicTable,
} from "../lib/ingestion/bybit/bybit_ws_schema.ts";
import { TickerBook } from "../lib/ingestion/bybit/ticker_book.ts";
import {
  readLinearTicker,
  toMarketTick,
} from "../lib/ingestion/bybit/bybit_schema.ts";
import { FieldProblem } from "../lib/ingestion/bybit/decimal_fields.ts";
import { parseMultiplexedStream } from "../lib/http/stream_request.ts";
import { Router } from "../lib/web/router.ts";
import { prepareWsFrame } from "../lib/socket/ws_prepared_frame.ts";
import { parseWorkerMessage } from "../lib/ingestion/hosting/worker_messages.ts";
import { classifyRouteFile } from "../lib/web/route_path.ts";

const upstreamTable = symbolTable(TRACKED);
const body = JSON.parse(allTrackedBody());
const thresholds = Object.fromEntries(TRACKED.map((s) => [s.id, 50_000_000]));
const analyzer = new TickAnalyzer(thresholds);
const market = parseTickers(body, upstreamTable).ticks;
const analysed = market.map((tick) => analyzer.analyze(tick, "rest"));
const channels = new Map(TRACKED.map((s) => [s.id, new Channel(s.id, 300)]));
let clock = 1_700_000_000_000;

Deno.bench("validate + normalise 4 upstream tickers (one poll)", {
  group: "per poll",
}, () => {
  parseTickers(body, upstreamTable);
});

Deno.bench("analyse 4 ticks", { group: "per poll" }, () => {
  for (const tick of market) analyzer.analyze(tick, "rest");
});

Deno.bench("stamp + encode 4 tick frames", { group: "per poll" }, () => {
  clock++;
  for (const tick of analysed) channels.get(tick.symbol)!.publish(tick, clock);
});

Deno.bench("validate + analyse + encode 4 ticks (whole per-tick path ×4)", {
  group: "per poll",
  baseline: true,
}, () => {
  clock++;
  for (const tick of parseTickers(body, upstreamTable).ticks) {
    channels.get(tick.symbol)!.publish(analyzer.analyze(tick, "rest"), clock);
  }
});

// One upstream frame of each kind the worker takes in at whole-market scale,
// from the text as it arrives (JSON.parse included) to what the feed hands on.
const spotTopics = topicTable(TRACKED);
const linearTopics = topicTable(TRACKED_PERPS);
const spotFrame = JSON.stringify(tickerPush("BTCUSDT"));
const tradeFrame = JSON.stringify(tradePush(
  "ETHUSDT",
  [{ i: "a" }, { i: "b", S: "Sell" }, { i: "c" }, { i: "d" }, { i: "e" }],
));
const liquidationFrame = JSON.stringify(liquidationPush("BTCUSDT", [
  { v: "0.5", p: "17216.5" },
  { v: "1.25", p: "17215", S: "Buy" },
]));
const book = new TickerBook();
book.keep("BTC-USDT-PERP", JSON.parse(DOC_LINEAR_SNAPSHOT).data);

Deno.bench("ws frame: spot ticker", { group: "per ws frame" }, () => {
  const frame = parseWsFrame(spotFrame, spotTopics);
  if (frame.kind !== "ticker") throw new Error(frame.kind);
});

Deno.bench("ws frame: linear delta, merged and validated", {
  group: "per ws frame",
}, () => {
  const frame = parseWsFrame(DOC_LINEAR_DELTA, linearTopics);
  if (frame.kind !== "ticker-update") throw new Error(frame.kind);
  const merged = book.merge(frame.id, frame.type, frame.data)!;
  const item = readLinearTicker(merged);
  if (item instanceof FieldProblem) throw new Error(item.toString());
  book.keep(frame.id, merged);
  toMarketTick(item, frame.id, frame.ts);
});

Deno.bench("ws frame: 5 trades", { group: "per ws frame" }, () => {
  const frame = parseWsFrame(tradeFrame, spotTopics);
  if (frame.kind !== "trades" || frame.trades.length !== 5) {
    throw new Error(frame.kind);
  }
});

Deno.bench("ws frame: 2 liquidations", { group: "per ws frame" }, () => {
  const frame = parseWsFrame(liquidationFrame, linearTopics);
  if (frame.kind !== "liquidations" || frame.liquidations.length !== 2) {
    throw new Error(frame.kind);
  }
});

Deno.bench("ws frame: JSON.parse of the spot ticker alone (floor)", {
  group: "per ws frame",
}, () => {
  JSON.parse(spotFrame);
});

const history = new Channel("BTC-USDT", 300);
for (let i = 0; i < 300; i++) history.publish(analysed[0], i);

Deno.bench("history: plan + slice a resume of 20 missed ticks", {
  group: "history",
}, () => {
  const plan = planResume(
    { since: history.latestSeq - 20, epoch: "e" },
    history.window("e"),
  );
  history.entriesFor(plan);
});

Deno.bench(
  "history: full replay slice of 300 ticks",
  { group: "history" },
  () => {
    history.entriesFor({ kind: "full" });
  },
);

// A whole market's worth of channels, each with a stored tick.
const marketIds = Array.from({ length: 1_000 }, (_, i) => `S${i}-USDT`);
const marketTicks = marketIds.map((symbol, i) => ({
  ...analysed[i % analysed.length],
  symbol,
  price: 100 + i,
}));
const marketHub = new StreamHub({ symbols: marketIds, historySize: 300 });
marketHub.publishTicks(marketTicks);

Deno.bench("hub: publish 1,000 symbols' ticks + one overview cycle", {
  group: "hub reads",
}, () => {
  marketHub.publishTicks(marketTicks);
  marketHub.publishMarket();
});

// The main thread's per-cycle bookkeeping around the hub: the intake's
// figures for a whole market's cycle, and the trades tape taking 500 trades
// (a whole market trades about 5,000 a second).
const intake = new IntakeMeter(systemClock);
Deno.bench("intake: age 1,000 ticks and time their cycle", {
  group: "hub reads",
}, () => {
  intake.take(marketTicks, () => {});
});

const tape = new TradeTape(marketIds);
const cycleTrades: MarketTrade[] = Array.from({ length: 500 }, (_, i) => ({
  symbol: marketIds[(i * 7) % marketIds.length],
  id: crypto.randomUUID(),
  time: 1_700_000_000_000 + i,
  side: i % 3 ? "Buy" : "Sell",
  price: 100 + i / 100,
  size: 0.25,
  notional: 25 + i / 400,
}));
Deno.bench("tape: take a cycle's 500 trades of a whole market", {
  group: "hub reads",
}, () => {
  tape.add(cycleTrades);
  tape.takePending();
});

const tickText = JSON.stringify({
  type: "tick",
  seq: 1,
  ts: 0,
  ...analysed[0],
});

Deno.bench("broadcast: prepare one tick's frame for the ws layer", {
  group: "broadcast",
}, () => {
  prepareWsFrame(tickText);
});

Deno.bench("hub: last tick time of 1,000 symbols (diagnostics)", {
  group: "hub reads",
}, () => {
  for (const symbol of marketIds) marketHub.latestTs(symbol);
});

// A push cycle's batch from the worker as the main thread receives it.
const batchTicks = Array.from({ length: 16 }, (_, i) => ({
  ...analysed[i % analysed.length],
  price: 100 + i,
}));
const cleanBatch = {
  type: "batch",
  ticks: batchTicks,
  trades: [],
  liquidations: [],
};
// A key the tick's schema does not know leaves the batch to zod (the path
// every batch took before the quick check).
const schemaBatch = {
  ...cleanBatch,
  ticks: batchTicks.map((tick) => ({ ...tick, extra: 1 })),
};

Deno.bench("worker batch of 16 ticks: quick check, kept as it came", {
  group: "worker batch",
  baseline: true,
}, () => {
  parseWorkerMessage(cleanBatch);
});

Deno.bench("worker batch of 16 ticks: zod parse and copy", {
  group: "worker batch",
}, () => {
  parseWorkerMessage(schemaBatch);
});

const origins = {
  allowed: new Set(["https://desk.example.com"]),
  allowMissing: true,
};
const table = channelTable(TRACKED.map((s) => s.id));

Deno.bench("handshake: origin + symbol checks", { group: "handshake" }, () => {
  checkOrigin("https://desk.example.com", "http://127.0.0.1:8000", origins);
  resolveSymbol("btc-usdt", table);
});

/** Every file under routes/, as the app's router sees them. */
const routeFiles: string[] = [];
for (const dir of [""]) {
  const walk = (at: string) => {
    for (
      const entry of Deno.readDirSync(
        new URL(`../routes/${at}`, import.meta.url),
      )
    ) {
      const path = at === "" ? entry.name : `${at}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else routeFiles.push(path);
    }
  };
  walk(dir);
}
const routes = routeFiles.flatMap((file) => {
  const route = classifyRouteFile(file);
  return route?.kind === "route"
    ? [{ segments: route.segments, value: file }]
    : [];
});
const middleware = routeFiles.flatMap((file) => {
  const route = classifyRouteFile(file);
  return route?.kind === "middleware"
    ? [{ segments: route.segments, value: file }]
    : [];
});
const router = new Router(routes, middleware);

Deno.bench("handshake: route /ws/price/:symbol among the app's routes", {
  group: "handshake",
}, () => {
  router.match("/ws/price/BTC-USDT");
});

const streamQuery = new URLSearchParams(
  "symbols=BTC-USDT,ETH-USDT&since=BTC-USDT:120,ETH-USDT:98&epoch=e-1a2b3c&history=0",
);

Deno.bench("handshake: parse a multiplexed stream query", {
  group: "handshake",
}, () => {
  parseMultiplexedStream(streamQuery, table);
});
