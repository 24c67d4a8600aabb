/**
 * Per-client budgets at the edge, over real sockets: socket handshakes and
 * rendered pages (including /metrics) have their own token buckets, answer
 * 429 with Retry-After and are counted in the metrics; IPv6 clients are
 * keyed by their /64 everywhere a per-client limit applies.
 */
import assert from "node:assert/strict";
import { attemptHandshake, connectClient } from "./support/ws_client.ts";
import { pollUntil, startStack } from "./support/start_stack.ts";

async function answer(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  await response.body?.cancel();
  return response;
}

Deno.test("rate limits - socket handshakes past HANDSHAKE_RATE_LIMIT_PER_MINUTE get 429 with Retry-After", async () => {
  const stack = await startStack({
    env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: "3" },
  });
  try {
    const url = `${stack.wsUrl}/ws/stream?history=0`;
    for (let i = 0; i < 3; i++) {
      const client = await connectClient(url);
      await client.close();
    }
    const refused = await attemptHandshake(url);
    assert.equal(refused.status, 429);
    assert.equal((refused.body as { error: string }).error, "rate_limited");
    const metrics = stack.service.services.metrics();
    assert.equal(metrics.rate_limited_total.handshake, 1);
    assert.equal(metrics.sockets_opened_total, 3);
    const text = await (await fetch(`${stack.service.url}/metrics`)).text();
    assert.match(
      text,
      /^sentinel_rate_limited_total\{bucket="handshake"\} 1$/m,
    );
  } finally {
    await stack.stop();
  }
});

Deno.test("rate limits - pages and /metrics past PAGE_RATE_LIMIT_PER_MINUTE get 429 with Retry-After", async () => {
  const stack = await startStack({ env: { PAGE_RATE_LIMIT_PER_MINUTE: "3" } });
  try {
    const base = stack.service.url;
    for (const path of ["/", "/s/BTC-USDT", "/metrics"]) {
      assert.equal((await answer(base + path)).status, 200, path);
    }
    const refused = await answer(`${base}/metrics`);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    assert.equal((await answer(`${base}/`)).status, 429);
    assert.equal((await answer(`${base}/styles.css`)).status, 200);
    const metrics = await (await fetch(`${base}/api/metrics`)).json();
    assert.equal(metrics.rate_limited_total.page, 2);
  } finally {
    await stack.stop();
  }
});

Deno.test("rate limits - IPv6 clients of one /64 share the API budget and the socket cap", async () => {
  const stack = await startStack({
    env: {
      TRUST_PROXY: "true",
      TRUSTED_PROXIES: "127.0.0.1",
      API_RATE_LIMIT_PER_MINUTE: "2",
      MAX_SOCKETS_PER_IP: "1",
    },
  });
  const sockets = [];
  try {
    const health = `${stack.service.url}/api/health`;
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    assert.equal((await answer(health, from("2001:db8:1:2::1"))).status, 200);
    assert.equal((await answer(health, from("2001:db8:1:2::99"))).status, 200);
    assert.equal(
      (await answer(health, from("2001:db8:1:2:ffff::1"))).status,
      429,
    );
    assert.equal((await answer(health, from("2001:db8:1:3::1"))).status, 200);

    const url = `${stack.wsUrl}/ws/price/BTC-USDT`;
    sockets.push(
      await connectClient(url, { headers: from("2001:db8:9:9::1") }),
    );
    await pollUntil(
      () => stack.service.services.hub.activeSubscribers === 1,
      "the first socket to join",
    );
    const sameNet = await attemptHandshake(url, from("2001:db8:9:9::2"));
    assert.equal(sameNet.status, 429);
    sockets.push(
      await connectClient(url, { headers: from("2001:db8:9:a::1") }),
    );
  } finally {
    for (const socket of sockets) await socket.close();
    await stack.stop();
  }
});
