/**
 * Bybit's public WebSocket wire format as the simulator speaks it: client
 * requests in, acks, pongs and pushes out. Pure string building, kept apart
 * from the connection handling so each shape has a direct test.
 *
 * Every message the simulator sends carries `"simulator": true`, a field Bybit
 * never sends. A WebSocket client cannot read the upgrade response's headers
 * (the simulator sets `x-sentinel-simulator: 1` there too), and an ack can
 * arrive after the first data, so the mark rides on every message: whatever
 * the client receives first already says it is simulated.
 */
import { z } from "zod";
import type { SpotTickerItem } from "./spot_ticker.ts";
import type { SimTrade } from "./trade_tape.ts";
import type { SimLiquidation } from "./market_model.ts";

/** Path of the spot public stream, as on `stream.bybit.com`. */
export const SPOT_WS_PATH = "/v5/public/spot";

/** Path of the linear (USDT perpetual) public stream. */
export const LINEAR_WS_PATH = "/v5/public/linear";

/** Bybit: most characters of the args one connection subscribes. */
export const MAX_ARGS_CHARS_PER_CONNECTION = 21_000;

/** Bybit spot accepts at most this many args per subscribe request. */
export const MAX_ARGS_PER_REQUEST = 10;

/** Bybit caps one `publicTrade.*` push at this many trades. */
export const MAX_TRADES_PER_PUSH = 1024;

/** Topic families the simulator serves (`allLiquidation` on linear only). */
export type TopicKind = "tickers" | "publicTrade" | "allLiquidation";

/** A client request: `subscribe`, `unsubscribe` or `ping`. */
export const clientRequestSchema = z.object({
  op: z.string().max(32),
  req_id: z.union([z.string().max(64), z.number()]).optional()
    .transform((id) => id === undefined ? undefined : String(id)),
  args: z.array(z.string().max(64)).optional(),
});

/** A validated client request. */
export type ClientRequest = z.infer<typeof clientRequestSchema>;

/** Parses a client frame; `null` when it is not a request. */
export function parseClientRequest(text: string): ClientRequest | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = clientRequestSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Splits `tickers.BTCUSDT` into its family and symbol; `null` if neither fits. */
export function parseTopic(
  topic: string,
): { kind: TopicKind; symbol: string } | null {
  const dot = topic.indexOf(".");
  if (dot < 0) return null;
  const kind = topic.slice(0, dot);
  const symbol = topic.slice(dot + 1);
  if (
    (kind !== "tickers" && kind !== "publicTrade" &&
      kind !== "allLiquidation") || symbol === ""
  ) {
    return null;
  }
  return { kind, symbol };
}

/** An op response (ack or pong) as Bybit words it. */
export function opResponse(
  op: string,
  success: boolean,
  retMsg: string,
  connId: string,
  reqId?: string,
): string {
  const body: Record<string, unknown> = {
    success,
    ret_msg: retMsg,
    conn_id: connId,
  };
  if (reqId !== undefined) body.req_id = reqId;
  body.op = op;
  body.simulator = true;
  return JSON.stringify(body);
}

/** A `tickers.*` spot snapshot: the REST item without bid/ask, as Bybit pushes it. */
export function tickersPush(
  item: SpotTickerItem,
  ts: number,
  cs: number,
): string {
  return JSON.stringify({
    topic: `tickers.${item.symbol}`,
    ts,
    type: "snapshot",
    cs,
    data: {
      symbol: item.symbol,
      lastPrice: item.lastPrice,
      highPrice24h: item.highPrice24h,
      lowPrice24h: item.lowPrice24h,
      prevPrice24h: item.prevPrice24h,
      volume24h: item.volume24h,
      turnover24h: item.turnover24h,
      price24hPcnt: item.price24hPcnt,
      usdIndexPrice: item.usdIndexPrice,
    },
    simulator: true,
  });
}

/**
 * A linear `tickers.*` push: the whole ticker (`snapshot`) or only the
 * fields that changed (`delta`), as Bybit pushes them every 100 ms.
 */
export function linearTickersPush(
  symbol: string,
  type: "snapshot" | "delta",
  data: Readonly<Record<string, string>>,
  ts: number,
  cs: number,
): string {
  return JSON.stringify({
    topic: `tickers.${symbol}`,
    type,
    data,
    cs,
    ts,
    simulator: true,
  });
}

/** An `allLiquidation.*` push of one symbol's liquidations, oldest first. */
export function liquidationPush(
  symbol: string,
  liquidations: readonly SimLiquidation[],
  ts: number,
): string {
  return JSON.stringify({
    topic: `allLiquidation.${symbol}`,
    type: "snapshot",
    ts,
    data: liquidations.map((l) => ({
      T: l.time,
      s: l.symbol,
      S: l.side,
      v: l.size,
      p: l.price,
    })),
    simulator: true,
  });
}

/**
 * `publicTrade.*` pushes for one symbol's trades (oldest first), split so no
 * push holds more than {@linkcode MAX_TRADES_PER_PUSH}.
 */
export function publicTradePushes(
  symbol: string,
  trades: readonly SimTrade[],
  ts: number,
): string[] {
  const pushes: string[] = [];
  for (let i = 0; i < trades.length; i += MAX_TRADES_PER_PUSH) {
    const data = trades.slice(i, i + MAX_TRADES_PER_PUSH).map((t) => ({
      T: t.time,
      s: t.symbol,
      S: t.side,
      v: t.size,
      p: t.price,
      L: t.tickDirection,
      i: tradeId(t.seq),
      BT: false,
      seq: t.seq,
    }));
    pushes.push(JSON.stringify({
      topic: `publicTrade.${symbol}`,
      type: "snapshot",
      ts,
      data,
      simulator: true,
    }));
  }
  return pushes;
}

/** A trade id derived from the tape sequence: unique and reproducible. */
export function tradeId(seq: number): string {
  return `sim-${seq}`;
}

/** The kinds of broken frame `malformed` sends, in turn. */
export const MALFORMED_VARIANTS = [
  "cut-json",
  "bad-number",
  "wrong-shape",
  "binary",
] as const;

/** One kind of broken frame. */
export type MalformedVariant = typeof MALFORMED_VARIANTS[number];

/**
 * A broken frame about `symbol`: valid enough to look like a push for a
 * subscribed topic, so a client has to validate to notice.
 */
export function malformedFrame(
  variant: MalformedVariant,
  item: SpotTickerItem,
  ts: number,
): string | Uint8Array<ArrayBuffer> {
  switch (variant) {
    case "cut-json": {
      const whole = tickersPush(item, ts, 0);
      return whole.slice(0, Math.ceil(whole.length / 2));
    }
    case "bad-number":
      return tickersPush({ ...item, lastPrice: "abc" }, ts, 0);
    case "wrong-shape":
      return JSON.stringify({
        topic: `publicTrade.${item.symbol}`,
        type: "snapshot",
        ts,
        data: { trades: "not a list" },
        simulator: true,
      });
    case "binary":
      return new TextEncoder().encode(tickersPush(item, ts, 0));
  }
}
