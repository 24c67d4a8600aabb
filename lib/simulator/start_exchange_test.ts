import assert from "node:assert/strict";
import { startExchange } from "./start_exchange.ts";

Deno.test("startExchange - binds loopback on a free port and reports its URLs", async () => {
  await using sim = await startExchange();
  assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(sim.tickersUrl, `${sim.url}/v5/market/tickers`);
  const response = await fetch(`${sim.tickersUrl}?category=spot`);
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

Deno.test("startExchange - aborting the signal shuts the server down", async () => {
  const stop = new AbortController();
  const sim = await startExchange({ signal: stop.signal });
  stop.abort();
  await sim.finished;
  await assert.rejects(fetch(sim.url));
  await sim.shutdown();
});

Deno.test("startExchange - shutdown is idempotent", async () => {
  const sim = await startExchange();
  await Promise.all([sim.shutdown(), sim.shutdown()]);
  await sim.shutdown();
  await sim.finished;
});

Deno.test("startExchange - rejects a bad port or start-up fault", async () => {
  await assert.rejects(startExchange({ port: 70_000 }), /port must be/);
  await assert.rejects(startExchange({ port: -1 }), RangeError);
  await assert.rejects(startExchange({ fault: "nope" }), /Unknown fault/);
});

/** Whether this machine can bind IPv6 loopback (some CI runners cannot). */
function hasIpv6Loopback(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "startExchange - an IPv6 host is bracketed in the URL",
  ignore: !hasIpv6Loopback(),
  fn: async () => {
    await using sim = await startExchange({ hostname: "::1" });
    assert.match(sim.url, /^http:\/\/\[::1\]:\d+$/);
    const response = await fetch(`${sim.tickersUrl}?category=spot`);
    assert.equal(response.status, 200);
    await response.body?.cancel();
  },
});
