/**
 * The JSON API of a real service over loopback: shapes, errors, admin writes,
 * rate limiting and security headers.
 */
import assert from "node:assert/strict";
import type {
  DiagnosticsResponse,
  MetricsResponse,
  RoomsResponse,
  SymbolsResponse,
  ThresholdsResponse,
} from "../lib/protocol/api_types.ts";
import { pollUntil, startStack } from "./support/start_stack.ts";
import { layerTest } from "./support/layer_test.ts";

const TOKEN = "test-admin-token-0123456789";

async function getJson<T>(
  url: string,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url);
  return {
    status: response.status,
    body: await response.json(),
    headers: response.headers,
  };
}

Deno.test("api - health, symbols, rooms, metrics and diagnostics report the live service", async () => {
  const stack = await startStack();
  const base = stack.service.url;
  try {
    const health = await getJson<{ status: string }>(`${base}/api/health`);
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "ok");

    const symbols = await pollUntil(async () => {
      const { body } = await getJson<SymbolsResponse>(`${base}/api/symbols`);
      return body.symbols.every((s) => s.tick !== null) ? body : undefined;
    }, "a tick for every symbol");
    assert.deepEqual(symbols.symbols.map((s) => s.symbol), [
      "BTC-USDT",
      "ETH-USDT",
      "SOL-USDT",
      "1000SATS-USDT",
    ]);
    assert.equal(symbols.symbols[0].upstream, "BTCUSDT");
    assert.equal(symbols.symbols[0].threshold, 50_000_000);
    assert.equal(symbols.symbols[0].trade_threshold, 250_000);

    const diagnostics = await pollUntil(async () => {
      const { body } = await getJson<DiagnosticsResponse>(
        `${base}/api/diagnostics`,
      );
      return body.status === "healthy" ? body : undefined;
    }, "a healthy diagnosis");
    assert.equal(diagnostics.simulated, true);
    assert.equal(diagnostics.source, "simulator");
    assert.equal(diagnostics.upstream.stalled, false);
    assert.equal(typeof diagnostics.upstream.latency_ms, "number");
    assert.equal(diagnostics.symbols.length, 4);

    const rooms = await getJson<RoomsResponse>(`${base}/api/rooms`);
    assert.deepEqual(rooms.body, {
      total: 0,
      rooms: {
        "BTC-USDT": 0,
        "ETH-USDT": 0,
        "SOL-USDT": 0,
        "1000SATS-USDT": 0,
      },
    });
    const room = await getJson<{ subscribers: number }>(
      `${base}/api/rooms/btc-usdt`,
    );
    assert.deepEqual(room.body, { symbol: "BTC-USDT", subscribers: 0 });
    assert.equal((await getJson(`${base}/api/rooms/NOPE`)).status, 404);
    assert.equal((await getJson(`${base}/api/rooms/no_pe`)).status, 400);

    const metrics = await getJson<MetricsResponse>(`${base}/api/metrics`);
    assert.ok(metrics.body.ticks_processed > 0);
    assert.ok(metrics.body.upstream_requests > 0);
    const memory = metrics.body.memory!;
    assert.ok(memory.rss_bytes > memory.main_heap_used_bytes, "rss and heap");
    assert.ok(memory.main_heap_used_bytes <= memory.main_heap_total_bytes);

    const prometheus = await fetch(`${base}/metrics`);
    const text = await prometheus.text();
    assert.match(
      prometheus.headers.get("content-type")!,
      /^text\/plain; version=0\.0\.4/,
    );
    assert.match(text, /^# TYPE sentinel_ticks_processed_total counter$/m);
    assert.match(text, /^sentinel_room_subscribers\{symbol="BTC-USDT"\} 0$/m);
    assert.match(text, /^sentinel_resident_memory_bytes \d+$/m);
  } finally {
    await stack.stop();
  }
});

Deno.test("api - threshold writes need the admin token and valid positive numbers", async () => {
  const stack = await startStack({ env: { ADMIN_TOKEN: TOKEN } });
  const url = `${stack.service.url}/api/thresholds/btc-usdt`;
  const put = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "PUT",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
  const auth = { authorization: `Bearer ${TOKEN}` };
  try {
    const anonymous = await put('{"threshold":1000000}');
    assert.equal(anonymous.status, 401);
    assert.ok(anonymous.headers.get("www-authenticate"));
    await anonymous.body?.cancel();
    const wrong = await put('{"threshold":1000000}', {
      authorization: "Bearer nope",
    });
    assert.equal(wrong.status, 403);
    await wrong.body?.cancel();
    for (
      const bad of [
        '{"threshold":-5}',
        '{"threshold":0}',
        '{"threshold":1e400}',
        '{"threshold":"9"}',
        "{",
        '{"threshold":5,"x":1}',
      ]
    ) {
      const response = await put(bad, auth);
      assert.equal(response.status, 400, bad);
      const body = await response.json();
      assert.equal(typeof body.detail, "string");
    }
    const tooBig = await put(
      JSON.stringify({ threshold: 1, pad: "x".repeat(10_000) }),
      auth,
    );
    assert.equal(tooBig.status, 413);
    await tooBig.body?.cancel();
    const unknown = await fetch(
      `${stack.service.url}/api/thresholds/DOGE-USDT`,
      {
        method: "PUT",
        body: '{"threshold":5}',
        headers: { "content-type": "application/json", ...auth },
      },
    );
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();

    const ok = await put('{"threshold":12345678.5}', auth);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      symbol: "BTC-USDT",
      threshold: 12345678.5,
      previous: 50_000_000,
    });
    const listed = await getJson<ThresholdsResponse>(
      `${stack.service.url}/api/thresholds`,
    );
    assert.equal(listed.body.thresholds["BTC-USDT"], 12345678.5);
    assert.equal(listed.body.writable, true);
    assert.equal(
      JSON.stringify(stack.logs).includes(TOKEN),
      false,
      "token never logged",
    );
  } finally {
    await stack.stop();
  }
});

Deno.test("api - threshold writes are refused when no admin token is configured", async () => {
  const stack = await startStack();
  try {
    const response = await fetch(
      `${stack.service.url}/api/thresholds/BTC-USDT`,
      {
        method: "PUT",
        body: '{"threshold":5}',
        headers: {
          "content-type": "application/json",
          authorization: "Bearer anything-at-all",
        },
      },
    );
    assert.equal(response.status, 403);
    assert.equal((await response.json()).error, "admin_disabled");
    const listed = await getJson<ThresholdsResponse>(
      `${stack.service.url}/api/thresholds`,
    );
    assert.equal(listed.body.writable, false);
  } finally {
    await stack.stop();
  }
});

Deno.test("api - thresholds survive a restart on the same KV store", async () => {
  const kv = await Deno.openKv(":memory:");
  const first = await startStack({ kv, env: { ADMIN_TOKEN: TOKEN } });
  try {
    const response = await fetch(
      `${first.service.url}/api/thresholds/SOL-USDT`,
      {
        method: "PUT",
        body: '{"threshold":7777777}',
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${TOKEN}`,
        },
      },
    );
    assert.equal(response.status, 200);
    await response.body?.cancel();
  } finally {
    await first.stop({ keepKv: true });
  }
  const second = await startStack({ kv });
  try {
    const listed = await getJson<ThresholdsResponse>(
      `${second.service.url}/api/thresholds`,
    );
    assert.equal(listed.body.thresholds["SOL-USDT"], 7777777);
  } finally {
    await second.stop();
  }
});

Deno.test("api - the per-IP rate limit answers 429 with Retry-After", async () => {
  const stack = await startStack({ env: { API_RATE_LIMIT_PER_MINUTE: "3" } });
  try {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${stack.service.url}/api/health`);
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get("retry-after");
      }
      await response.body?.cancel();
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.ok(Number(retryAfter) >= 1);
  } finally {
    await stack.stop();
  }
});

Deno.test("api - every response carries the security headers; errors are JSON", async () => {
  const stack = await startStack();
  try {
    for (
      const path of ["/api/health", "/api/nope", "/metrics", "/api/rooms/%00"]
    ) {
      const response = await fetch(`${stack.service.url}${path}`);
      await response.body?.cancel();
      assert.equal(
        response.headers.get("content-security-policy")?.startsWith(
          "default-src 'self'; frame-ancestors 'none'",
        ),
        true,
        path,
      );
      assert.equal(response.headers.get("x-frame-options"), "DENY", path);
      assert.equal(
        response.headers.get("x-content-type-options"),
        "nosniff",
        path,
      );
      assert.ok(response.headers.get("referrer-policy"), path);
    }
    const missing = await getJson<{ error: string }>(
      `${stack.service.url}/api/nope`,
    );
    assert.equal(missing.status, 404);
    assert.equal(typeof missing.body.error, "string");
    const method = await fetch(`${stack.service.url}/api/health`, {
      method: "DELETE",
    });
    assert.equal(method.status, 405);
    await method.body?.cancel();
  } finally {
    await stack.stop();
  }
});

layerTest(
  "api - answers from 1 KB are gzipped for a client that accepts gzip, and only then",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    const base = stack.service.url;
    try {
      // fetch asks for gzip by default and inflates what it gets.
      for (const path of ["/api/metrics", "/metrics"]) {
        const zipped = await fetch(`${base}${path}`);
        assert.equal(zipped.headers.get("content-encoding"), "gzip", path);
        assert.equal(zipped.headers.get("vary"), "accept-encoding", path);
        assert.ok((await zipped.text()).length >= 1_024, path);
      }
      const plain = await fetch(`${base}/api/metrics`, {
        headers: { "accept-encoding": "identity" },
      });
      assert.equal(plain.headers.get("content-encoding"), null);
      const metrics: MetricsResponse = await plain.json();
      assert.equal(typeof metrics.uptime_s, "number");
      const small = await fetch(`${base}/api/health`);
      assert.equal(small.headers.get("content-encoding"), null);
      await small.body?.cancel();
    } finally {
      await stack.stop();
    }
  },
);
