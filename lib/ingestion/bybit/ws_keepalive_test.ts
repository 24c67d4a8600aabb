import assert from "node:assert/strict";
import { FakeClock } from "../../clock/fake_clock.ts";
import { WsKeepalive, type WsKeepaliveOptions } from "./ws_keepalive.ts";

function harness(overrides: Partial<WsKeepaliveOptions> = {}) {
  const clock = new FakeClock();
  let lastFrameAt: number | null = null;
  const pings: number[] = [];
  const deaths: number[] = [];
  const keepalive = new WsKeepalive({
    clock,
    pingIntervalMs: 20_000,
    silenceTimeoutMs: 30_000,
    lastFrameAt: () => lastFrameAt,
    ping: () => pings.push(clock.now()),
    dead: (silent) => deaths.push(silent),
    ...overrides,
  });
  const frame = () => lastFrameAt = clock.now();
  return { clock, keepalive, pings, deaths, frame };
}

Deno.test("WsKeepalive - pings every interval and measures the pong", () => {
  const h = harness();
  h.keepalive.start();
  h.clock.advance(20_000);
  assert.equal(h.pings.length, 1);
  h.clock.advance(35);
  h.frame();
  assert.equal(h.keepalive.pong(), 35);
  assert.equal(h.keepalive.pong(), null, "one pong per ping");
  h.clock.advance(19_965);
  assert.equal(h.pings.length, 2);
  h.keepalive.stop();
});

Deno.test("WsKeepalive - silence for the timeout is death; any frame postpones it", () => {
  const h = harness();
  h.keepalive.start();
  h.clock.advance(25_000);
  h.frame();
  h.clock.advance(29_999);
  assert.deepEqual(h.deaths, []);
  h.clock.advance(1);
  assert.deepEqual(h.deaths, [30_000]);
  assert.deepEqual(h.clock.pending(), [], "no ping after death");
});

Deno.test("WsKeepalive - silence counts from start, not from an older frame", () => {
  const h = harness();
  h.frame();
  h.clock.advance(60_000);
  h.keepalive.start();
  h.clock.advance(29_999);
  assert.deepEqual(h.deaths, []);
  h.clock.advance(1);
  assert.equal(h.deaths.length, 1);
});

Deno.test("WsKeepalive - stop cancels everything; bad options throw", () => {
  const h = harness();
  h.keepalive.start();
  h.keepalive.stop();
  assert.deepEqual(h.clock.pending(), []);
  assert.throws(
    () => harness({ pingIntervalMs: 0 }),
    /pingIntervalMs must be > 0/,
  );
  assert.throws(
    () => harness({ silenceTimeoutMs: Infinity }),
    /silenceTimeoutMs must be > 0, got Infinity/,
  );
});
