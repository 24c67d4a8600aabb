/**
 * Shared fakes for the ingestion tests: the real Bybit example payloads, a
 * scriptable `fetch`, a loopback upstream, and collectors for the ingestion callbacks.
 */
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import type { WebSocketLike } from "./bybit/web_socket_like.ts";
import type {
  IngestConfig,
  LogFields,
  UpstreamState,
} from "./engines/engine_contract.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { MarketLiquidation } from "../market/market_liquidation.ts";

/** The spot tickers example from Bybit's V5 documentation, verbatim. */
export const BYBIT_SPOT_TICKERS_EXAMPLE =
  '{"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[{"symbol":"BTCUSDT","bid1Price":"20517.96","bid1Size":"2","ask1Price":"20527.77","ask1Size":"1.862172","lastPrice":"20533.13","prevPrice24h":"20393.48","price24hPcnt":"0.0068","highPrice24h":"21128.12","lowPrice24h":"20318.89","turnover24h":"243765620.65899866","volume24h":"11801.27771","usdIndexPrice":"20784.12009279"}]},"retExtInfo":{},"time":1673859087947}';

/** The documented BTCUSDT item, as a mutable object to derive variants from. */
export function btcItem(): Record<string, unknown> {
  return structuredClone(
    JSON.parse(BYBIT_SPOT_TICKERS_EXAMPLE).result.list[0],
  );
}

/** A spot item for `symbol` with plausible values; `overrides` win. */
export function spotItem(
  symbol: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...btcItem(), symbol, ...overrides };
}

/** A successful tickers envelope around `list`. */
export function tickersEnvelope(
  list: unknown,
  time = 1673859087947,
): Record<string, unknown> {
  return {
    retCode: 0,
    retMsg: "OK",
    result: { category: "spot", list },
    retExtInfo: {},
    time,
  };
}

/** The symbols of the default configuration. */
export const TRACKED: readonly TrackedSymbol[] = [
  { id: "BTC-USDT", upstream: "BTCUSDT", category: "spot" },
  { id: "ETH-USDT", upstream: "ETHUSDT", category: "spot" },
  { id: "SOL-USDT", upstream: "SOLUSDT", category: "spot" },
  { id: "1000SATS-USDT", upstream: "1000SATSUSDT", category: "spot" },
];

/** A tickers body listing every tracked symbol with valid values. */
export function allTrackedBody(time = 1673859087947): string {
  return JSON.stringify(
    tickersEnvelope(TRACKED.map((s) => spotItem(s.upstream)), time),
  );
}

/** What a scripted fetch answers: a response, an error to throw, or a hang. */
export type FetchStep =
  | { readonly respond: () => Response }
  | { readonly fail: () => Error }
  | { readonly hang: true };

/** A `fetch` that plays `steps` in order (the last one repeats). */
export class ScriptedFetch {
  /** URLs requested, in order. */
  readonly urls: string[] = [];
  #steps: FetchStep[];
  #pending = 0;

  constructor(steps: FetchStep[]) {
    this.#steps = steps;
  }

  /** Requests started but not yet settled. */
  get pending(): number {
    return this.#pending;
  }

  /** Replaces the remaining script. */
  script(steps: FetchStep[]): void {
    this.#steps = steps;
  }

  readonly fetch = (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    this.urls.push(String(input instanceof Request ? input.url : input));
    const step = this.#steps.length > 1 ? this.#steps.shift()! : this.#steps[0];
    const signal = init?.signal ?? undefined;
    this.#pending++;
    return new Promise<Response>((resolve, reject) => {
      const settle = (fn: () => void) => {
        this.#pending--;
        signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = () => settle(() => reject(signal!.reason));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort);
      if ("hang" in step) return;
      if ("fail" in step) return settle(() => reject(step.fail()));
      settle(() => resolve(step.respond()));
    });
  };
}

/** A JSON response with optional headers. */
export function jsonResponse(
  body: string,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return new Response(body, {
    status: init.status ?? 200,
    headers: { "content-type": "application/json", ...init.headers },
  });
}

/**
 * Collects values pushed by a callback and lets a test await the next one
 * (the event, not a sleep).
 */
export class Inbox<T> {
  readonly items: T[] = [];
  #waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  readonly push = (item: T): void => {
    this.items.push(item);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(item)) return true;
      w.resolve(item);
      return false;
    });
  };

  /**
   * Resolves with the next item (pushed after this call) that matches; with
   * `withinMs`, rejects if none arrives in that much real time.
   */
  next(
    match: (item: T) => boolean = () => true,
    withinMs?: number,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = withinMs === undefined ? undefined : setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`No matching item within ${withinMs} ms`));
      }, withinMs);
      const waiter = {
        match,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      this.#waiters.push(waiter);
    });
  }
}

/** One `onLog` call. */
export interface LogEntry {
  level: string;
  message: string;
  fields: LogFields;
}

/**
 * Real time allowed for a worker to boot and deliver, ms (a deadline, only
 * reached when something is wrong). A worker compiles its module graph in a
 * fresh isolate; on a loaded two-core machine that has taken over 15 s.
 */
export const WITHIN_MS = 45_000;

/**
 * A loopback upstream (port 0) serving Bybit's documented example payload.
 * `inject` adds the `x-test-worker-fault` header to the next response, which
 * `hosting/testdata/faulty_worker_entry.ts` obeys.
 */
export function exampleUpstream() {
  let fault: string | undefined;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => {
      const headers: Record<string, string> = {};
      if (fault !== undefined) headers["x-test-worker-fault"] = fault;
      fault = undefined;
      return jsonResponse(BYBIT_SPOT_TICKERS_EXAMPLE, { headers });
    },
  );
  return {
    port: server.addr.port,
    url: `http://127.0.0.1:${server.addr.port}/v5/market/tickers`,
    inject(kind: "crash" | "hang") {
      fault = kind;
    },
    close: () => server.shutdown(),
  };
}

/**
 * The WebSocket part of an upstream config (the defaults), for configs built
 * by hand; a placeholder host that tests never connect to.
 */
export const WS_UPSTREAM = {
  wsUrl: "ws://127.0.0.1:9/v5/public/spot",
  wsLinearUrl: "ws://127.0.0.1:9/v5/public/linear",
  wsFallbackAfterMs: 5_000,
  wsSilenceTimeoutMs: 30_000,
  wsMaxFrameBytes: 1 << 20,
  wsDataSilenceMs: 30_000,
  wsTopicSilenceMs: 300_000,
} as const;

/** Whale thresholds of the tracked symbols in the test configs. */
export const TRACKED_THRESHOLDS: Readonly<Record<string, number>> = {
  "BTC-USDT": 50_000_000,
  "ETH-USDT": 20_000_000,
  "SOL-USDT": 5_000_000,
  "1000SATS-USDT": 1_000_000,
};

/** An ingestion config polling `tickersUrl` every 50 ms (REST mode). */
export function ingestConfig(tickersUrl: string): IngestConfig {
  return {
    upstream: {
      ...WS_UPSTREAM,
      mode: "rest",
      tickersUrl,
      timeoutMs: 5_000,
      pollIntervalMs: 50,
    },
    markets: ["spot"],
    symbols: TRACKED,
    thresholds: TRACKED_THRESHOLDS,
  };
}

/**
 * A config in `mode` against placeholder hosts (`api.example.test`,
 * `stream.example.test`) that tests fake with {@linkcode ScriptedFetch} and
 * {@linkcode FakeSockets}: polls every second, falls back after 5 s.
 */
export function fakeHostConfig(mode: "rest" | "ws"): IngestConfig {
  return {
    upstream: {
      mode,
      tickersUrl: "https://api.example.test/v5/market/tickers",
      timeoutMs: 10_000,
      pollIntervalMs: 1_000,
      wsUrl: "wss://stream.example.test/v5/public/spot",
      wsLinearUrl: "wss://stream.example.test/v5/public/linear",
      wsFallbackAfterMs: 5_000,
      wsSilenceTimeoutMs: 30_000,
      wsMaxFrameBytes: 1 << 20,
      wsDataSilenceMs: 30_000,
      wsTopicSilenceMs: 300_000,
    },
    markets: ["spot"],
    symbols: TRACKED,
    thresholds: TRACKED_THRESHOLDS,
  };
}

/** The inboxes and callbacks {@linkcode collectors} returns. */
export type Collectors = ReturnType<typeof collectors>;

/** Inboxes for the ingestion callbacks, and the callbacks feeding them. */
export function collectors() {
  const ticks = new Inbox<AnalyzedTick[]>();
  const trades = new Inbox<MarketTrade[]>();
  const liquidations = new Inbox<MarketLiquidation[]>();
  const states = new Inbox<UpstreamState>();
  const logs = new Inbox<LogEntry>();
  const callbacks = {
    onTicks: ticks.push,
    onTrades: trades.push,
    onLiquidations: liquidations.push,
    onState: states.push,
    onLog: (level: string, message: string, fields: LogFields) =>
      logs.push({ level, message, fields }),
  };
  return { ticks, trades, liquidations, states, logs, callbacks };
}

/** Runs `fn` with the global `Worker` replaced, restoring it afterwards. */
export async function withWorkerGlobal(
  replacement: unknown,
  fn: () => Promise<void>,
): Promise<void> {
  const original = globalThis.Worker;
  Object.defineProperty(globalThis, "Worker", {
    value: replacement,
    configurable: true,
    writable: true,
  });
  try {
    await fn();
  } finally {
    Object.defineProperty(globalThis, "Worker", {
      value: original,
      configurable: true,
      writable: true,
    });
  }
}

/**
 * A client WebSocket double: the test opens it, feeds it frames and closes it
 * from the "server" side; what the client sends is recorded.
 */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  binaryType: BinaryType = "blob";
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  /** Frames the client sent, in order. */
  readonly sent: string[] = [];
  /** How the client closed it, if it did. */
  closedWith: { code?: number; reason?: string } | undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("Socket is not open");
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** The server accepted the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  /** A frame from the server: objects are sent as JSON text. */
  receive(data: unknown): void {
    const payload = typeof data === "string" || data instanceof ArrayBuffer
      ? data
      : JSON.stringify(data);
    this.onmessage?.(new MessageEvent("message", { data: payload }));
  }

  /** The server (or the network) closed the connection. */
  drop(code = 1006, reason = ""): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code, reason }));
  }

  /** The client's requests, parsed. */
  requests(): { op: string; req_id?: string; args?: string[] }[] {
    return this.sent.map((text) => JSON.parse(text));
  }

  /** Subscribe requests sent so far. */
  subscribes(): { req_id: string; args: string[] }[] {
    return this.requests().filter((r) => r.op === "subscribe") as {
      req_id: string;
      args: string[];
    }[];
  }

  /** Acks every subscribe request sent so far as Bybit would. */
  ackAll(success = true, retMsg = success ? "subscribe" : "refused"): void {
    for (const request of this.subscribes()) {
      this.receive({
        success,
        ret_msg: retMsg,
        conn_id: "fake",
        req_id: request.req_id,
        op: "subscribe",
      });
    }
  }
}

/** Hands out {@linkcode FakeWebSocket}s and keeps every one made. */
export class FakeSockets {
  readonly made: FakeWebSocket[] = [];

  readonly connect = (url: string): FakeWebSocket => {
    const socket = new FakeWebSocket(url);
    this.made.push(socket);
    return socket;
  };

  /** The most recent socket. */
  get last(): FakeWebSocket {
    const socket = this.made.at(-1);
    if (socket === undefined) throw new Error("No socket was opened");
    return socket;
  }
}

/** A spot `tickers.*` push as Bybit sends it (the documented example's numbers). */
export function tickerPush(
  upstream: string,
  overrides: Record<string, unknown> = {},
  ts = 1673853746003,
): Record<string, unknown> {
  return {
    topic: `tickers.${upstream}`,
    ts,
    type: "snapshot",
    cs: 2588407389,
    data: {
      symbol: upstream,
      lastPrice: "21109.77",
      highPrice24h: "21426.99",
      lowPrice24h: "20575",
      prevPrice24h: "20704.93",
      volume24h: "6780.866843",
      turnover24h: "141946527.22907118",
      price24hPcnt: "0.0196",
      usdIndexPrice: "21120.2400136",
      ...overrides,
    },
  };
}

/** A `publicTrade.*` push of `trades` (Bybit's documented example by default). */
export function tradePush(
  upstream: string,
  trades: Record<string, unknown>[] = [{}],
  ts = 1672304486868,
): Record<string, unknown> {
  return {
    topic: `publicTrade.${upstream}`,
    type: "snapshot",
    ts,
    data: trades.map((t) => ({
      T: 1672304486865,
      s: upstream,
      S: "Buy",
      v: "0.001",
      p: "16578.50",
      L: "PlusTick",
      i: "20f43950-d8dd-5b31-9112-a178eb6023af",
      BT: false,
      seq: 1783284617,
      ...t,
    })),
  };
}

/** Bybit's documented linear `tickers.BTCUSDT` snapshot, verbatim. */
export const DOC_LINEAR_SNAPSHOT =
  '{"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","tickDirection":"PlusTick","price24hPcnt":"0.017103","lastPrice":"17216.00","prevPrice24h":"16926.50","highPrice24h":"17281.50","lowPrice24h":"16915.00","prevPrice1h":"17238.00","markPrice":"17217.33","indexPrice":"17227.36","openInterest":"68744.761","openInterestValue":"1183601235.91","turnover24h":"1570383121.943499","volume24h":"91705.276","nextFundingTime":"1673280000000","fundingRate":"-0.000212","bid1Price":"17215.50","bid1Size":"84.489","ask1Price":"17216.00","ask1Size":"83.020"},"cs":24987956059,"ts":1673272861686}';

/** A delta as Bybit pushes one after it: only the fields that changed. */
export const DOC_LINEAR_DELTA =
  '{"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","tickDirection":"MinusTick","lastPrice":"17211.50","markPrice":"17214.02","openInterest":"68745.101","bid1Price":"17211.00","bid1Size":"12.005"},"cs":24987956083,"ts":1673272861786}';

/** The documented linear snapshot (or delta) re-addressed to `upstream`. */
export function linearPush(
  upstream: string,
  type: "snapshot" | "delta" = "snapshot",
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const doc = JSON.parse(
    type === "snapshot" ? DOC_LINEAR_SNAPSHOT : DOC_LINEAR_DELTA,
  );
  return {
    ...doc,
    topic: `tickers.${upstream}`,
    data: { ...doc.data, symbol: upstream, ...overrides },
  };
}

/** An `allLiquidation.*` push (Bybit's documented item shape). */
export function liquidationPush(
  upstream: string,
  items: Record<string, unknown>[] = [{}],
  ts = 1739502303204,
): Record<string, unknown> {
  return {
    topic: `allLiquidation.${upstream}`,
    type: "snapshot",
    ts,
    data: items.map((item) => ({
      T: 1739502302929,
      s: upstream,
      S: "Sell",
      v: "20000",
      p: "0.04499",
      ...item,
    })),
  };
}

/** The default perpetuals, as `MARKETS=spot,linear` adds them. */
export const TRACKED_PERPS: readonly TrackedSymbol[] = [
  { id: "BTC-USDT-PERP", upstream: "BTCUSDT", category: "linear" },
  { id: "ETH-USDT-PERP", upstream: "ETHUSDT", category: "linear" },
];
