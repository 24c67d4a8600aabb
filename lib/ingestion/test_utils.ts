/**
 * Shared fakes for the ingestion tests: the real Bybit example payloads, a
 * fake clock whose timers fire only when the test advances time, a scriptable
 * `fetch`, a loopback upstream, and collectors for the ingestion callbacks.
 */
import type { AnalyzedTick } from "../analytics/tick_analyzer.ts";
import type { TrackedSymbol } from "../config/config_schema.ts";
import type { Clock, TimerId } from "./clock.ts";
import type { IngestConfig, LogFields, UpstreamState } from "./ingest_loop.ts";

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
  { id: "BTC-USDT", upstream: "BTCUSDT" },
  { id: "ETH-USDT", upstream: "ETHUSDT" },
  { id: "SOL-USDT", upstream: "SOLUSDT" },
  { id: "1000SATS-USDT", upstream: "1000SATSUSDT" },
];

/** A tickers body listing every tracked symbol with valid values. */
export function allTrackedBody(time = 1673859087947): string {
  return JSON.stringify(
    tickersEnvelope(TRACKED.map((s) => spotItem(s.upstream)), time),
  );
}

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock whose time moves only through {@linkcode FakeClock.advance}. Timers
 * fire synchronously, in due order, inside `advance`.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: FakeTimer[] = [];

  /** Starts at `start` epoch ms. */
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): TimerId {
    const id = this.#nextId++;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimer(id: TimerId): void {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }

  /** Delays (from now) of the pending timers, soonest first. */
  pending(): number[] {
    return this.#timers.map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.callback();
    }
    this.#now = target;
  }
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

/** Real time allowed for a worker to boot and deliver, ms (a deadline). */
export const WITHIN_MS = 15_000;

/**
 * A loopback upstream (port 0) serving Bybit's documented example payload.
 * `inject` adds the `x-test-worker-fault` header to the next response, which
 * `testdata/faulty_ingest_worker.ts` obeys.
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

/** An ingestion config polling `tickersUrl` every 50 ms. */
export function ingestConfig(tickersUrl: string): IngestConfig {
  return {
    upstream: { tickersUrl, timeoutMs: 5_000, pollIntervalMs: 50 },
    symbols: TRACKED,
    thresholds: {
      "BTC-USDT": 50_000_000,
      "ETH-USDT": 20_000_000,
      "SOL-USDT": 5_000_000,
      "1000SATS-USDT": 1_000_000,
    },
  };
}

/** Inboxes for the three ingestion callbacks, and the callbacks feeding them. */
export function collectors() {
  const ticks = new Inbox<AnalyzedTick[]>();
  const states = new Inbox<UpstreamState>();
  const logs = new Inbox<LogEntry>();
  const callbacks = {
    onTicks: ticks.push,
    onState: states.push,
    onLog: (level: string, message: string, fields: LogFields) =>
      logs.push({ level, message, fields }),
  };
  return { ticks, states, logs, callbacks };
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
