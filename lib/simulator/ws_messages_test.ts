import assert from "node:assert/strict";
import type { SpotTickerItem } from "./spot_ticker.ts";
import type { SimTrade } from "./trade_tape.ts";
import {
  malformedFrame,
  MAX_TRADES_PER_PUSH,
  opResponse,
  parseClientRequest,
  parseTopic,
  publicTradePushes,
  tickersPush,
} from "./ws_messages.ts";

const ITEM: SpotTickerItem = {
  symbol: "BTCUSDT",
  bid1Price: "20517.96",
  bid1Size: "2",
  ask1Price: "20527.77",
  ask1Size: "1.862172",
  lastPrice: "21109.77",
  prevPrice24h: "20704.93",
  price24hPcnt: "0.0196",
  highPrice24h: "21426.99",
  lowPrice24h: "20575",
  turnover24h: "141946527.22907118",
  volume24h: "6780.866843",
  usdIndexPrice: "21120.2400136",
};

function trade(seq: number): SimTrade {
  return {
    seq,
    time: 1_672_304_486_865 + seq,
    symbol: "BTCUSDT",
    side: "Buy",
    price: "16578.50",
    size: "0.001",
    tickDirection: "PlusTick",
    notional: 16.5785,
  };
}

Deno.test("opResponse - an ack and a pong in Bybit's shape, marked simulated", () => {
  assert.deepEqual(
    JSON.parse(opResponse("subscribe", true, "subscribe", "c1", "7")),
    {
      success: true,
      ret_msg: "subscribe",
      conn_id: "c1",
      req_id: "7",
      op: "subscribe",
      simulator: true,
    },
  );
  assert.deepEqual(JSON.parse(opResponse("ping", true, "pong", "c1")), {
    success: true,
    ret_msg: "pong",
    conn_id: "c1",
    op: "ping",
    simulator: true,
  });
});

Deno.test("tickersPush - the spot snapshot shape: no bid or ask", () => {
  const push = JSON.parse(tickersPush(ITEM, 1673853746003, 2588407389));
  assert.deepEqual(push, {
    topic: "tickers.BTCUSDT",
    ts: 1673853746003,
    type: "snapshot",
    cs: 2588407389,
    data: {
      symbol: "BTCUSDT",
      lastPrice: "21109.77",
      highPrice24h: "21426.99",
      lowPrice24h: "20575",
      prevPrice24h: "20704.93",
      volume24h: "6780.866843",
      turnover24h: "141946527.22907118",
      price24hPcnt: "0.0196",
      usdIndexPrice: "21120.2400136",
    },
    simulator: true,
  });
});

Deno.test("publicTradePushes - Bybit's trade fields, split at 1,024 per push", () => {
  const trades = Array.from(
    { length: MAX_TRADES_PER_PUSH + 3 },
    (_, i) => trade(i + 1),
  );
  const pushes = publicTradePushes("BTCUSDT", trades, 1_672_304_486_868).map((
    p,
  ) => JSON.parse(p));
  assert.equal(pushes.length, 2);
  assert.equal(pushes[0].data.length, MAX_TRADES_PER_PUSH);
  assert.equal(pushes[1].data.length, 3);
  assert.equal(pushes[0].topic, "publicTrade.BTCUSDT");
  assert.equal(pushes[0].type, "snapshot");
  assert.deepEqual(pushes[0].data[0], {
    T: 1_672_304_486_866,
    s: "BTCUSDT",
    S: "Buy",
    v: "0.001",
    p: "16578.50",
    L: "PlusTick",
    i: "sim-1",
    BT: false,
    seq: 1,
  });
  assert.deepEqual(publicTradePushes("BTCUSDT", [], 1), []);
});

Deno.test("parseClientRequest - reads ops and args, stringifies req_id, rejects the rest", () => {
  assert.deepEqual(
    parseClientRequest(
      '{"req_id":1,"op":"subscribe","args":["tickers.BTCUSDT"]}',
    ),
    {
      op: "subscribe",
      req_id: "1",
      args: ["tickers.BTCUSDT"],
    },
  );
  assert.equal(parseClientRequest('{"op":"ping"}')?.op, "ping");
  assert.equal(parseClientRequest("{oops"), null);
  assert.equal(parseClientRequest('{"args":[]}'), null);
  assert.equal(
    parseClientRequest('{"op":"subscribe","args":"tickers.X"}'),
    null,
  );
});

Deno.test("parseTopic - knows tickers and publicTrade only", () => {
  assert.deepEqual(parseTopic("tickers.BTCUSDT"), {
    kind: "tickers",
    symbol: "BTCUSDT",
  });
  assert.deepEqual(parseTopic("publicTrade.1000SATSUSDT"), {
    kind: "publicTrade",
    symbol: "1000SATSUSDT",
  });
  assert.equal(parseTopic("kline.1.BTCUSDT"), null);
  assert.equal(parseTopic("tickers."), null);
  assert.equal(parseTopic("tickers"), null);
});

Deno.test("malformedFrame - each variant is broken in its own way", () => {
  assert.throws(() =>
    JSON.parse(malformedFrame("cut-json", ITEM, 1) as string)
  );
  const bad = JSON.parse(malformedFrame("bad-number", ITEM, 1) as string);
  assert.equal(bad.data.lastPrice, "abc");
  const shape = JSON.parse(malformedFrame("wrong-shape", ITEM, 1) as string);
  assert.equal(Array.isArray(shape.data), false);
  assert.ok(malformedFrame("binary", ITEM, 1) instanceof Uint8Array);
});
