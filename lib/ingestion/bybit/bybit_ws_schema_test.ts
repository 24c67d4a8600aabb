import assert from "node:assert/strict";
import {
  DEFAULT_MAX_FRAME_CHARS,
  parseWsFrame,
  symbolTopics,
  topicTable,
} from "./bybit_ws_schema.ts";
import { tickerPush, TRACKED, tradePush } from "../test_utils.ts";

const TOPICS = topicTable(TRACKED);
const parse = (frame: unknown) =>
  parseWsFrame(
    typeof frame === "string" ? frame : JSON.stringify(frame),
    TOPICS,
  );

/** Bybit's documented spot tickers push, verbatim. */
const DOC_TICKER =
  '{"topic":"tickers.BTCUSDT","ts":1673853746003,"type":"snapshot","cs":2588407389,"data":{"symbol":"BTCUSDT","lastPrice":"21109.77","highPrice24h":"21426.99","lowPrice24h":"20575","prevPrice24h":"20704.93","volume24h":"6780.866843","turnover24h":"141946527.22907118","price24hPcnt":"0.0196","usdIndexPrice":"21120.2400136"}}';
/** Bybit's documented publicTrade push, verbatim. */
const DOC_TRADE =
  '{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false,"seq":1783284617}]}';

Deno.test("topicTable - tickers and publicTrade per tracked symbol, by upstream name", () => {
  assert.deepEqual(symbolTopics(TRACKED[3]), [
    "tickers.1000SATSUSDT",
    "publicTrade.1000SATSUSDT",
  ]);
  assert.equal(TOPICS.size, 8);
  assert.deepEqual(TOPICS.get("publicTrade.ETHUSDT"), {
    id: "ETH-USDT",
    kind: "publicTrade",
    category: "spot",
  });
  assert.deepEqual(
    symbolTopics({
      id: "BTC-USDT-PERP",
      upstream: "BTCUSDT",
      category: "linear",
    }),
    ["tickers.BTCUSDT", "publicTrade.BTCUSDT", "allLiquidation.BTCUSDT"],
  );
});

Deno.test("parseWsFrame - the documented tickers push becomes a tick", () => {
  const frame = parse(DOC_TICKER);
  assert.equal(frame.kind, "ticker");
  if (frame.kind !== "ticker") return;
  assert.deepEqual(frame.tick, {
    symbol: "BTC-USDT",
    price: 21109.77,
    high: 21426.99,
    low: 20575,
    volume: 141946527.22907118,
    change: 1.96,
    baseVolume: 6780.866843,
    upstreamTs: 1673853746003,
  });
  assert.equal(frame.simulated, false);
  assert.equal(frame.topic, "tickers.BTCUSDT");
});

Deno.test("parseWsFrame - the documented trade push becomes trades with notional", () => {
  const frame = parse(DOC_TRADE);
  assert.equal(frame.kind, "trades");
  if (frame.kind !== "trades") return;
  assert.deepEqual(frame.trades, [{
    symbol: "BTC-USDT",
    id: "20f43950-d8dd-5b31-9112-a178eb6023af",
    time: 1672304486865,
    price: 16578.5,
    size: 0.001,
    notional: 16578.5 * 0.001,
    side: "Buy",
    seq: 1783284617,
  }]);
  assert.deepEqual(frame.rejected, []);
});

Deno.test("parseWsFrame - one bad trade costs only itself", () => {
  const frame = parse(tradePush("ETHUSDT", [
    { i: "a" },
    { i: "b", p: "abc" },
    { i: "c", S: "Hold" },
    { i: "d", s: "BTCUSDT" },
    { i: "e" },
  ]));
  assert.equal(frame.kind, "trades");
  if (frame.kind !== "trades") return;
  assert.deepEqual(frame.trades.map((t) => t.id), ["a", "e"]);
  assert.equal(frame.rejected.length, 3);
  assert.ok(frame.rejected.every((r) => r.symbol === "ETH-USDT"));
});

Deno.test("parseWsFrame - the simulator's mark is read", () => {
  const frame = parse({ ...tickerPush("SOLUSDT"), simulator: true });
  assert.equal(frame.kind === "ticker" && frame.simulated, true);
});

Deno.test("parseWsFrame - acks and pongs are op frames", () => {
  assert.deepEqual(
    parse({
      success: false,
      ret_msg: "args size >10",
      conn_id: "c",
      req_id: 7,
      op: "subscribe",
    }),
    {
      kind: "op",
      op: "subscribe",
      success: false,
      retMsg: "args size >10",
      reqId: "7",
      simulated: false,
    },
  );
  const pong = parse({
    success: true,
    ret_msg: "pong",
    conn_id: "c",
    op: "ping",
  });
  assert.equal(pong.kind === "op" && pong.retMsg, "pong");
});

Deno.test("parseWsFrame - untracked topics are skipped before validation", () => {
  assert.deepEqual(parse({ topic: "tickers.DOGEUSDT", data: "junk" }), {
    kind: "untracked",
    topic: "tickers.DOGEUSDT",
  });
});

Deno.test("parseWsFrame - anything unusable is invalid with a reason, never a throw", () => {
  const cases: [unknown, RegExp][] = [
    ["{cut", /not JSON/],
    ["[1,2]", /not a JSON object/],
    ["null", /not a JSON object/],
    [{ hello: "world" }, /neither topic nor op/],
    [tickerPush("BTCUSDT", { lastPrice: "abc" }), /lastPrice/],
    [tickerPush("BTCUSDT", { lastPrice: "" }), /lastPrice/],
    [tickerPush("BTCUSDT", { highPrice24h: "1" }), /highPrice24h is below/],
    [tickerPush("BTCUSDT", { symbol: "ETHUSDT" }), /does not match/],
    [{ ...tickerPush("BTCUSDT"), type: "delta" }, /snapshot/],
    [{ ...tickerPush("BTCUSDT"), ts: "1673853746003" }, /ts/],
    [{ ...tradePush("BTCUSDT"), data: { trades: [] } }, /data/],
    [{ op: 42 }, /neither topic nor op/],
  ];
  for (const [frame, reason] of cases) {
    const parsed = parse(frame);
    assert.equal(parsed.kind, "invalid", JSON.stringify(frame));
    if (parsed.kind === "invalid") assert.match(parsed.reason, reason);
  }
  const bad = parse(tickerPush("SOLUSDT", { lastPrice: "NaN" }));
  assert.equal(bad.kind === "invalid" && bad.symbol, "SOL-USDT");
});

Deno.test("parseWsFrame - a frame past maxChars is refused before it is parsed", () => {
  const padded = DOC_TICKER.slice(0, -1) + " ".repeat(2048) + "}";
  assert.equal(parseWsFrame(padded, TOPICS).kind, "ticker");
  const frame = parseWsFrame(padded, TOPICS, 1024);
  assert.equal(frame.kind, "invalid");
  if (frame.kind !== "invalid") return;
  assert.match(frame.reason, /too large/);
  const notJson = "x".repeat(4096);
  const refused = parseWsFrame(notJson, TOPICS, 1024);
  assert.ok(refused.kind === "invalid" && /too large/.test(refused.reason));
});

Deno.test("parseWsFrame - the default cap is 1 MiB", () => {
  const padded = DOC_TICKER.slice(0, -1) +
    " ".repeat(DEFAULT_MAX_FRAME_CHARS - DOC_TICKER.length) + "}";
  assert.equal(parseWsFrame(padded, TOPICS).kind, "ticker");
  assert.equal(parseWsFrame(padded + " ", TOPICS).kind, "invalid");
  assert.equal(DEFAULT_MAX_FRAME_CHARS, 1 << 20);
});

Deno.test("parseWsFrame - implausible trades are rejected one by one, the rest kept", () => {
  const frame = parse(tradePush("BTCUSDT", [
    { i: "huge-price", p: "1e300" },
    { i: "huge-size", v: "1e17" },
    { i: "huge-notional", p: "1000000", v: "10000000" },
    { i: "fine" },
  ]));
  assert.equal(frame.kind, "trades");
  if (frame.kind !== "trades") return;
  assert.deepEqual(frame.trades.map((t) => t.id), ["fine"]);
  assert.equal(frame.rejected.length, 3);
  for (const { reason } of frame.rejected) {
    assert.match(reason, /outside the plausible range/);
  }
});

Deno.test("parseWsFrame - a ticker with price 1e300 or turnover 1e308 is invalid", () => {
  for (const data of [{ lastPrice: "1e300" }, { turnover24h: "1e308" }]) {
    const frame = parse(tickerPush("BTCUSDT", data));
    assert.equal(frame.kind, "invalid", JSON.stringify(data));
  }
});
