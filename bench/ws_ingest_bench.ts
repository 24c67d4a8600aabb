/**
 * Tick-to-broadcast of WebSocket ingestion, measured with `deno bench`:
 * `deno bench --allow-all bench/ws_ingest_bench.ts`.
 *
 * - "per frame": the worker's own work on one Bybit frame — JSON parse, zod
 *   validation, normalisation and analytics — in this isolate.
 * - "end to end": one `tickers.*` frame sent by a loopback exchange stand-in
 *   until the hub hands the encoded tick to a subscriber's `send`: socket,
 *   the real ingestion worker (parse, validate, analyse, `postMessage`), the
 *   main thread's validation of the worker message, and the hub's stamp,
 *   encode and fan-out. It includes one loopback socket hop that a real
 *   deployment pays on the network anyway, so it is an upper bound of the
 *   time spent inside the service.
 *
 * Every iteration waits for its tick before the next frame is sent, so no
 * queue builds up: this is the latency of each tick, not throughput. It
 * includes the worker's push-cycle window (`cycle_batcher.ts`, 10 ms), the
 * price of sending a whole market's frames as one message per cycle. Bybit
 * pushes a spot ticker every 50 ms per symbol; the iterations here come
 * back to back, far faster than that.
 */
import { TickAnalyzer } from "../lib/analytics/tick_analyzer.ts";
import { StreamHub } from "../lib/hub/stream_hub.ts";
import type { SocketLike } from "../lib/hub/subscriber.ts";
import {
  parseWsFrame,
  topicTable,
} from "../lib/ingestion/bybit/bybit_ws_schema.ts";
import type { IngestConfig } from "../lib/ingestion/engines/engine_contract.ts";
import { tickerPush, TRACKED, tradePush } from "../lib/ingestion/test_utils.ts";
import { WorkerIngestion } from "../lib/ingestion/hosting/worker_supervisor.ts";

const thresholds = Object.fromEntries(TRACKED.map((s) => [s.id, 50_000_000]));
const topics = topicTable(TRACKED);
const analyzer = new TickAnalyzer(thresholds);
const tickerFrame = JSON.stringify(tickerPush("BTCUSDT"));
const tradeFrame = JSON.stringify(
  tradePush("BTCUSDT", Array.from({ length: 5 }, (_, i) => ({ i: `t${i}` }))),
);

Deno.bench("parse + validate + analyse one tickers frame", {
  group: "per frame",
  baseline: true,
}, () => {
  const frame = parseWsFrame(tickerFrame, topics);
  if (frame.kind === "ticker") analyzer.analyze(frame.tick, "ws");
});

Deno.bench("parse + validate one publicTrade frame (5 trades)", {
  group: "per frame",
}, () => {
  parseWsFrame(tradeFrame, topics);
});

/**
 * A loopback stand-in for Bybit's public stream: acks subscriptions and
 * sends a `tickers.BTCUSDT` frame whenever asked.
 */
function exchangeStandIn() {
  const sockets = new Set<WebSocket>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.op !== "subscribe") return;
        socket.send(JSON.stringify({
          success: true,
          ret_msg: "subscribe",
          conn_id: "bench",
          req_id: message.req_id,
          op: "subscribe",
        }));
        sockets.add(socket);
      };
      socket.onclose = () => sockets.delete(socket);
      return response;
    },
  );
  let n = 0;
  return {
    url: `ws://127.0.0.1:${server.addr.port}/v5/public/spot`,
    tickersUrl: `http://127.0.0.1:${server.addr.port}/v5/market/tickers`,
    /** Sends one ticker with a fresh price to every subscriber. */
    push() {
      const price = (20_000 + (n++ % 1_000) / 100).toFixed(2);
      const text = JSON.stringify(tickerPush("BTCUSDT", { lastPrice: price }));
      for (const socket of sockets) socket.send(text);
    },
    close: () => server.shutdown(),
  };
}

const exchange = exchangeStandIn();
const hub = new StreamHub({
  symbols: TRACKED.map((s) => s.id),
  historySize: 300,
});
let delivered: (() => void) | undefined;
const subscriber: SocketLike = {
  readyState: 1,
  bufferedAmount: 0,
  queueGrowsOnlyBySend: false,
  sendPrepared(frame) {
    if (frame.text.startsWith('{"type":"tick"')) delivered?.();
  },
  close() {},
};
hub.join(subscriber, { symbols: ["BTC-USDT"], ip: "127.0.0.1" });

const config: IngestConfig = {
  upstream: {
    mode: "ws",
    tickersUrl: exchange.tickersUrl,
    timeoutMs: 5_000,
    pollIntervalMs: 1_000,
    wsUrl: exchange.url,
    // Never fall back during the run: every tick must come from the socket.
    wsFallbackAfterMs: 3_600_000,
    wsSilenceTimeoutMs: 30_000,
    wsMaxFrameBytes: 1 << 20,
    wsLinearUrl: exchange.url,
    wsDataSilenceMs: 3_600_000,
    wsTopicSilenceMs: 3_600_000,
  },
  markets: ["spot"],
  symbols: TRACKED,
  thresholds,
};
const ingestion = new WorkerIngestion({
  config,
  onTicks: (ticks) => hub.publishTicks(ticks),
  onTrades() {},
  onLiquidations() {},
  onState() {},
  onLog(level, message, fields) {
    if (level === "error") console.error(message, fields);
  },
});

/** Sends one frame and resolves when the hub has sent its tick. */
function roundTrip(): Promise<void> {
  const sent = new Promise<void>((resolve) => delivered = resolve);
  exchange.push();
  return sent;
}

// The worker boots, connects and subscribes before the first iteration.
for (;;) {
  const first = roundTrip();
  const timeout = new Promise<"late">((resolve) =>
    setTimeout(() => resolve("late"), 200)
  );
  if (await Promise.race([first, timeout]) !== "late") break;
}

Deno.bench("tickers frame → worker → hub send", {
  group: "end to end",
  n: 2_000,
  warmup: 200,
}, async () => {
  await roundTrip();
});

globalThis.addEventListener("unload", () => {
  void ingestion.stop();
  void exchange.close();
});
