import assert from "node:assert/strict";
import { MAX_BODY_BYTES, TickersPoller } from "./tickers_poller.ts";
import { UpstreamError } from "./upstream_error.ts";
import {
  allTrackedBody,
  BYBIT_SPOT_TICKERS_EXAMPLE,
  type FetchStep,
  jsonResponse,
  ScriptedFetch,
  TRACKED,
} from "../test_utils.ts";
import { FakeClock } from "../../clock/fake_clock.ts";

const URL_ = "https://api.example.test/v5/market/tickers";

function setup(steps: FetchStep[], tickersUrl = URL_) {
  const clock = new FakeClock();
  const fake = new ScriptedFetch(steps);
  const poller = new TickersPoller({
    tickersUrl,
    timeoutMs: 10_000,
    symbols: TRACKED,
    fetch: fake.fetch,
    clock,
  });
  return { clock, fake, poller };
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UpstreamError, String(error));
    return error;
  }
  assert.fail("expected the poll to fail");
}

Deno.test("TickersPoller - one request for all symbols, never symbol=", async () => {
  const { fake, poller } = setup(
    [{ respond: () => jsonResponse(allTrackedBody()) }],
    `${URL_}?symbol=BTCUSDT&category=linear`,
  );
  const result = await poller.poll();
  assert.equal(fake.urls.length, 1);
  const url = new URL(fake.urls[0]);
  assert.equal(url.searchParams.get("category"), "spot");
  assert.equal(url.searchParams.has("symbol"), false);
  assert.equal(result.ticks.length, TRACKED.length);
  assert.equal(poller.host, "api.example.test");
});

Deno.test("TickersPoller - parses the documented payload and measures latency", async () => {
  const ctx = setup([{
    respond: () => {
      ctx.clock.advance(37);
      return jsonResponse(BYBIT_SPOT_TICKERS_EXAMPLE);
    },
  }]);
  const { clock } = ctx;
  const result = await ctx.poller.poll();
  assert.equal(result.latencyMs, 37);
  assert.equal(result.simulated, false);
  assert.deepEqual(result.ticks.map((t) => [t.symbol, t.price]), [
    ["BTC-USDT", 20533.13],
  ]);
  assert.deepEqual(result.missing, ["ETH-USDT", "SOL-USDT", "1000SATS-USDT"]);
  assert.deepEqual(clock.pending(), [], "timeout timer cleared");
});

Deno.test("TickersPoller - detects the simulator header", async () => {
  const { poller } = setup([{
    respond: () =>
      jsonResponse(allTrackedBody(), {
        headers: { "x-sentinel-simulator": "1" },
      }),
  }]);
  assert.equal((await poller.poll()).simulated, true);
});

Deno.test("TickersPoller - times out after timeoutMs and aborts the request", async () => {
  const { clock, fake, poller } = setup([{ hang: true }]);
  const pending = failure(poller.poll());
  clock.advance(9_999);
  assert.equal(fake.pending, 1);
  clock.advance(1);
  const error = await pending;
  assert.equal(error.kind, "timeout");
  assert.equal(error.message, "No complete response within 10000 ms");
  assert.equal(fake.pending, 0);
});

Deno.test("TickersPoller - the caller's signal aborts as 'aborted'", async () => {
  const { clock, fake, poller } = setup([{ hang: true }]);
  const stop = new AbortController();
  const pending = failure(poller.poll(stop.signal));
  stop.abort();
  const error = await pending;
  assert.equal(error.kind, "aborted");
  assert.equal(fake.pending, 0);
  assert.deepEqual(clock.pending(), []);
});

Deno.test("TickersPoller - network errors are classified without URLs", async () => {
  const { poller } = setup([{
    fail: () =>
      new TypeError(
        "error sending request for url (https://u:pw@api.example.test/v5?k=s3cret): Connection refused",
      ),
  }]);
  const error = await failure(poller.poll());
  assert.equal(error.kind, "network");
  assert.doesNotMatch(error.message, /s3cret|pw@/);
  assert.match(error.message, /^Network error: .*Connection refused/);
});

const statuses: [number, string, Record<string, string>, number | undefined][] =
  [
    [500, "http", {}, undefined],
    [502, "http", { "retry-after": "3" }, 3_000],
    [404, "http", {}, undefined],
    [403, "rate-limited", {}, undefined],
    [429, "rate-limited", { "retry-after": "7" }, 7_000],
  ];

for (const [status, kind, headers, retryAfterMs] of statuses) {
  Deno.test(`TickersPoller - HTTP ${status} is ${kind}`, async () => {
    const { poller } = setup([{
      respond: () =>
        jsonResponse("<html>secret internals</html>", { status, headers }),
    }]);
    const error = await failure(poller.poll());
    assert.equal(error.kind, kind);
    assert.equal(error.status, status);
    assert.equal(error.retryAfterMs, retryAfterMs);
    assert.doesNotMatch(error.message, /secret internals/);
  });
}

Deno.test("TickersPoller - retCode errors keep the code", async () => {
  const { poller } = setup([
    {
      respond: () =>
        jsonResponse('{"retCode":10001,"retMsg":"params error","result":{}}'),
    },
    {
      respond: () =>
        jsonResponse('{"retCode":10006,"retMsg":"Too many visits!"}', {
          headers: { "x-sentinel-simulator": "1" },
        }),
    },
  ]);
  const first = await failure(poller.poll());
  assert.equal(first.kind, "ret-code");
  assert.equal(first.retCode, 10001);
  assert.equal(first.status, 200);
  const second = await failure(poller.poll());
  assert.equal(second.kind, "rate-limited");
  assert.equal(second.retCode, 10006);
  assert.equal(second.simulated, true);
});

Deno.test("TickersPoller - malformed JSON and bad envelopes are classified", async () => {
  const { poller } = setup([
    { respond: () => jsonResponse('{"retCode":0,"result":{"li') },
    { respond: () => jsonResponse('{"retCode":0,"result":{"list":null}}') },
  ]);
  assert.equal((await failure(poller.poll())).kind, "malformed-json");
  assert.equal((await failure(poller.poll())).kind, "invalid-envelope");
});

Deno.test("TickersPoller - rejects a declared oversized body unread", async () => {
  const { poller } = setup([{
    respond: () =>
      jsonResponse("{}", { headers: { "content-length": "999999999" } }),
  }]);
  const error = await failure(poller.poll());
  assert.equal(error.kind, "invalid-envelope");
  assert.match(error.message, /too large/);
});

Deno.test({
  name:
    "TickersPoller - a chunked body past the cap is cut off while streaming, and the next poll works",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const total = 8 * MAX_BODY_BYTES;
    const chunk = new Uint8Array(64 << 10).fill(0x20);
    let sent = 0;
    let cancelled = false;
    let huge = true;
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => {
        if (!huge) return jsonResponse(BYBIT_SPOT_TICKERS_EXAMPLE);
        huge = false;
        // No Content-Length: the body is chunked and its size unknown.
        return new Response(
          new ReadableStream({
            pull(controller) {
              if (sent >= total) return controller.close();
              controller.enqueue(chunk);
              sent += chunk.length;
            },
            cancel() {
              cancelled = true;
            },
          }),
          { headers: { "content-type": "application/json" } },
        );
      },
    );
    try {
      const poller = new TickersPoller({
        tickersUrl: `http://127.0.0.1:${server.addr.port}/v5/market/tickers`,
        timeoutMs: 30_000,
        symbols: TRACKED,
      });
      const error = await failure(poller.poll());
      assert.equal(error.kind, "invalid-envelope");
      assert.match(error.message, /too large/);
      assert.ok(
        sent < total / 2,
        `read ${sent} bytes of ${total}: the body was not cut off at the cap`,
      );
      const next = await poller.poll();
      assert.equal(next.ticks[0].price, 20533.13);
      assert.equal(cancelled, true, "the upstream saw the read stop");
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test("TickersPoller - rejects bad options naming the field", () => {
  assert.throws(
    () => new TickersPoller({ tickersUrl: URL_, timeoutMs: 0, symbols: [] }),
    /timeoutMs/,
  );
  assert.throws(
    () =>
      new TickersPoller({
        tickersUrl: "ftp://x/",
        timeoutMs: 1,
        symbols: [],
      }),
    /tickersUrl/,
  );
});

Deno.test({
  name: "TickersPoller - polls a real loopback server without leaking",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const requests: string[] = [];
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => {
        requests.push(request.url);
        return jsonResponse(BYBIT_SPOT_TICKERS_EXAMPLE, {
          headers: { "x-sentinel-simulator": "1" },
        });
      },
    );
    try {
      const poller = new TickersPoller({
        tickersUrl: `http://127.0.0.1:${server.addr.port}/v5/market/tickers`,
        timeoutMs: 5_000,
        symbols: TRACKED,
      });
      const result = await poller.poll();
      assert.equal(result.simulated, true);
      assert.equal(result.ticks[0].price, 20533.13);
      assert.equal(requests.length, 1);
      assert.match(requests[0], /\?category=spot$/);
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "TickersPoller - a refused connection is a network error",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const poller = new TickersPoller({
      tickersUrl: `http://127.0.0.1:${port}/v5/market/tickers`,
      timeoutMs: 5_000,
      symbols: TRACKED,
    });
    const error = await failure(poller.poll());
    assert.equal(error.kind, "network");
    assert.doesNotMatch(error.message, /127\.0\.0\.1/);
  },
});
