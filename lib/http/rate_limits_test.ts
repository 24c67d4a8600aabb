import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { HttpError } from "../web/mod.ts";
import { EdgeRateLimits, rateBucket } from "./rate_limits.ts";

Deno.test("rateBucket - API, socket and page paths draw from their own bucket; files from none", () => {
  const cases: [string, string | undefined][] = [
    ["/api/health", "api"],
    ["/api/alerts.csv", "api"],
    ["/ws/stream", "handshake"],
    ["/ws/price/BTC-USDT", "handshake"],
    ["/", "page"],
    ["/s/BTC-USDT", "page"],
    ["/metrics", "page"],
    ["/no-such-page", "page"],
    ["/styles.css", undefined],
    ["/favicon.svg", undefined],
    ["/_build/abc/island.js", undefined],
  ];
  for (const [path, bucket] of cases) {
    assert.equal(rateBucket(path), bucket, path);
  }
});

function refusal(limits: EdgeRateLimits, path: string, key: string) {
  try {
    limits.take(path, key);
  } catch (error) {
    assert.ok(error instanceof HttpError);
    return error;
  }
  return undefined;
}

Deno.test("EdgeRateLimits - each bucket has its own budget per key, refusals are 429 and counted", () => {
  const clock = new FakeClock();
  const limits = new EdgeRateLimits({
    apiPerMinute: 2,
    handshakesPerMinute: 1,
    pagesPerMinute: 1,
    clock,
  });
  assert.equal(refusal(limits, "/ws/stream", "a"), undefined);
  const refused = refusal(limits, "/ws/stream", "a");
  assert.equal(refused?.status, 429);
  assert.equal(refused?.code, "rate_limited");
  assert.equal(refused?.headers["retry-after"], "60");
  assert.equal(refusal(limits, "/ws/stream", "b"), undefined);
  assert.equal(refusal(limits, "/", "a"), undefined);
  assert.equal(refusal(limits, "/metrics", "a")?.status, 429);
  assert.equal(refusal(limits, "/api/health", "a"), undefined);
  assert.equal(refusal(limits, "/api/health", "a"), undefined);
  assert.equal(refusal(limits, "/api/health", "a")?.status, 429);
  for (let i = 0; i < 5; i++) {
    assert.equal(refusal(limits, "/styles.css", "a"), undefined);
  }
  assert.deepEqual(limits.refused(), { api: 1, handshake: 1, page: 1 });
  clock.advance(60_000);
  assert.equal(refusal(limits, "/ws/stream", "a"), undefined);
});
