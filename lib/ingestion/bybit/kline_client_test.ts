import assert from "node:assert/strict";
import { FakeClock } from "../../clock/fake_clock.ts";
import { jsonResponse, ScriptedFetch } from "../test_utils.ts";
import { KlineClient, klineUrlFrom } from "./kline_client.ts";
import { UpstreamError } from "./upstream_error.ts";

const URL_ = "https://api.example.test/v5/market/kline";

function page(rows: string[][], symbol = "BTCUSDT", category = "spot") {
  return JSON.stringify({
    retCode: 0,
    retMsg: "OK",
    result: { symbol, category, list: rows },
    retExtInfo: {},
    time: 1_700_000_000_000,
  });
}

const ROW = ["1700000000000", "10", "11", "9", "10.5", "2", "21"];

/** Lets the client's promises and timers run until `done` settles. */
async function run<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  for (let i = 0; i < 10_000 && !settled; i++) {
    await clock.settle();
    const next = clock.pending()[0];
    if (next !== undefined) clock.advance(next);
  }
  return await promise;
}

Deno.test("klineUrlFrom - the kline path on the tickers host, no query", () => {
  assert.equal(
    klineUrlFrom("https://api.bybit.com/v5/market/tickers?category=spot"),
    "https://api.bybit.com/v5/market/kline",
  );
  assert.equal(
    klineUrlFrom("http://127.0.0.1:9010/prefix/v5/market/tickers"),
    "http://127.0.0.1:9010/prefix/v5/market/kline",
  );
  assert.equal(
    klineUrlFrom("http://127.0.0.1:9010/other"),
    "http://127.0.0.1:9010/v5/market/kline",
  );
});

Deno.test("KlineClient - always passes category, symbol, interval, range and limit", async () => {
  const clock = new FakeClock();
  const fake = new ScriptedFetch([{
    respond: () => jsonResponse(page([ROW])),
  }]);
  const client = new KlineClient({
    klineUrl: URL_,
    timeoutMs: 1_000,
    fetch: fake.fetch,
    clock,
  });
  const result = await run(
    clock,
    client.fetchPage({
      category: "spot",
      symbol: "BTCUSDT",
      interval: "1",
      start: 5,
      end: 9,
    }),
  );
  assert.equal(result.bars.length, 1);
  const url = new URL(fake.urls[0]);
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    category: "spot",
    symbol: "BTCUSDT",
    interval: "1",
    start: "5",
    end: "9",
    limit: "1000",
  });
});

Deno.test("KlineClient - a perpetual's page is asked of, and checked against, the linear market", async () => {
  const clock = new FakeClock();
  const fake = new ScriptedFetch([
    { respond: () => jsonResponse(page([ROW], "BTCUSDT", "linear")) },
    { respond: () => jsonResponse(page([ROW], "BTCUSDT", "spot")) },
  ]);
  const client = new KlineClient({
    klineUrl: URL_,
    timeoutMs: 1_000,
    fetch: fake.fetch,
    clock,
    maxAttempts: 1,
  });
  const request = {
    category: "linear",
    symbol: "BTCUSDT",
    interval: "1",
  } as const;
  const result = await run(clock, client.fetchPage(request));
  assert.equal(result.bars.length, 1);
  assert.equal(new URL(fake.urls[0]).searchParams.get("category"), "linear");
  await assert.rejects(
    run(clock, client.fetchPage(request)),
    (error) =>
      error instanceof UpstreamError && error.kind === "invalid-envelope" &&
      /spot BTCUSDT, asked for linear BTCUSDT/.test(error.message),
  );
});

Deno.test("KlineClient - requests are paced at most one per interval", async () => {
  const clock = new FakeClock();
  const times: number[] = [];
  const fake = new ScriptedFetch([{
    respond: () => {
      times.push(clock.now());
      return jsonResponse(page([ROW]));
    },
  }]);
  const client = new KlineClient({
    klineUrl: URL_,
    timeoutMs: 1_000,
    minIntervalMs: 300,
    fetch: fake.fetch,
    clock,
  });
  for (let i = 0; i < 3; i++) {
    await run(
      clock,
      client.fetchPage({ category: "spot", symbol: "BTCUSDT", interval: "60" }),
    );
  }
  assert.deepEqual(times.map((t) => t - times[0]), [0, 300, 600]);
});

Deno.test("KlineClient - backs off on 429, 10006 and 5xx, then succeeds", async () => {
  const clock = new FakeClock();
  const fake = new ScriptedFetch([
    { respond: () => jsonResponse("busy", { status: 429 }) },
    {
      respond: () =>
        jsonResponse(JSON.stringify({ retCode: 10006, retMsg: "Too many" })),
    },
    { respond: () => jsonResponse("oops", { status: 502 }) },
    { respond: () => jsonResponse(page([ROW])) },
  ]);
  const delays: [string, number][] = [];
  const client = new KlineClient({
    klineUrl: URL_,
    timeoutMs: 1_000,
    fetch: fake.fetch,
    clock,
    random: () => 0.5,
    onRetry: (error, ms) => delays.push([error.kind, ms]),
  });
  const started = clock.now();
  const result = await run(
    clock,
    client.fetchPage({ category: "spot", symbol: "BTCUSDT", interval: "1" }),
  );
  assert.equal(result.bars.length, 1);
  assert.deepEqual(delays, [
    ["rate-limited", 22_500],
    ["rate-limited", 45_000],
    ["http", 2_000],
  ]);
  assert.equal(clock.now() - started, 22_500 + 45_000 + 2_000);
  assert.equal(client.requests, 4);
});

Deno.test("KlineClient - 403 waits ten minutes; a params error is final", async () => {
  const clock = new FakeClock();
  const fake = new ScriptedFetch([
    { respond: () => jsonResponse("no", { status: 403 }) },
    {
      respond: () =>
        jsonResponse(
          JSON.stringify({ retCode: 10001, retMsg: "params error" }),
        ),
    },
  ]);
  const delays: number[] = [];
  const client = new KlineClient({
    klineUrl: URL_,
    timeoutMs: 1_000,
    fetch: fake.fetch,
    clock,
    random: () => 0,
    onRetry: (_, ms) => delays.push(ms),
  });
  const error = await run(
    clock,
    client.fetchPage({ category: "spot", symbol: "BTCUSDT", interval: "1" }),
  ).catch((e) => e);
  assert.ok(error instanceof UpstreamError);
  assert.equal(error.retCode, 10001);
  assert.deepEqual(delays, [600_000]);
});

Deno.test("KlineClient - aborting ends a wait at once", async () => {
  const clock = new FakeClock();
  const fake = new ScriptedFetch([
    { respond: () => jsonResponse("no", { status: 403 }) },
  ]);
  const client = new KlineClient({
    klineUrl: URL_,
    timeoutMs: 1_000,
    fetch: fake.fetch,
    clock,
  });
  const stop = new AbortController();
  const pending = client.fetchPage({
    category: "spot",
    symbol: "X",
    interval: "1",
  }, stop.signal)
    .catch((e) => e);
  for (let i = 0; i < 5; i++) await clock.settle();
  stop.abort();
  const error = await pending;
  assert.equal(error.kind, "aborted");
  assert.deepEqual(clock.pending(), [], "no timer left behind");
  assert.throws(
    () => new KlineClient({ klineUrl: "ftp://x", timeoutMs: 1 }),
    RangeError,
  );
});

Deno.test("KlineClient - requests in flight together start at most one per interval, and a rate limit holds back those already waiting", async () => {
  const clock = new FakeClock();
  const fake: ScriptedFetch = new ScriptedFetch([
    { respond: () => jsonResponse("no", { status: 403 }) },
    {
      respond: (): Response =>
        jsonResponse(
          page([ROW], new URL(fake.urls.at(-1)!).searchParams.get("symbol")!),
        ),
    },
  ]);
  const starts: number[] = [];
  const client = new KlineClient({
    klineUrl: URL_,
    timeoutMs: 1_000,
    fetch: (input, init) => {
      starts.push(clock.now());
      return fake.fetch(input, init);
    },
    clock,
    minIntervalMs: 100,
    random: () => 0,
  });
  const pages = await run(
    clock,
    Promise.all(
      ["A", "B", "C"].map((symbol) =>
        client.fetchPage({
          category: "spot",
          symbol: `${symbol}USDT`,
          interval: "1",
        })
      ),
    ),
  );
  assert.equal(pages.length, 3);
  // A starts first and is refused (403: ten minutes); B and C had their
  // slots 100 and 200 ms later but wait for the pause, then go one per
  // interval.
  const origin = starts[0];
  assert.ok(
    starts.slice(1).every((t) => t - origin >= 600_000),
    `${starts.map((t) => t - origin)}`,
  );
  assert.equal(starts.length, 4);
  const later = starts.slice(1).sort((a, b) => a - b);
  assert.ok(
    later[1] - later[0] >= 100 && later[2] - later[1] >= 100,
    `${later}`,
  );
});
