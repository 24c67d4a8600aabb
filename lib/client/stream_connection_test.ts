import assert from "node:assert/strict";
import type { ServerFrame } from "../protocol/frames.ts";
import { CLIENT_DEAD_SOCKET, StreamConnection } from "./stream_connection.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { FakeEvents, FakeSocket } from "./test_utils.ts";

function harness(
  probe: () => Promise<Response> = () => Promise.reject(new TypeError("down")),
) {
  const clock = new FakeClock(1_000_000);
  const events = new FakeEvents();
  const sockets: FakeSocket[] = [];
  const frames: ServerFrame[] = [];
  const probes: string[] = [];
  let seq = 0;
  const connection = new StreamConnection({
    url: () => `ws://svc/ws/stream?n=${++seq}`,
    onFrame: (frame) => frames.push(frame),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    fetch: (url) => {
      probes.push(url);
      return probe();
    },
    clock,
    random: () => 0.5,
    events,
  });
  return {
    clock,
    events,
    sockets,
    frames,
    probes,
    connection,
    last: () => sockets.at(-1)!,
  };
}

const HELLO: ServerFrame = {
  type: "hello",
  epoch: "e",
  symbols: ["BTC-USDT"],
  server_time: 0,
  simulated: true,
};

Deno.test("StreamConnection - opens, delivers parsed frames, ignores junk", () => {
  const h = harness();
  h.connection.start();
  assert.equal(h.connection.state.value.phase, "connecting");
  h.last().open();
  assert.equal(h.connection.state.value.phase, "open");
  h.last().send(HELLO);
  h.last().onmessage?.(new MessageEvent("message", { data: "not json" }));
  h.last().onmessage?.(new MessageEvent("message", { data: "42" }));
  assert.deepEqual(h.frames, [HELLO]);
  h.connection.dispose();
});

Deno.test("StreamConnection - a dropped socket retries with growing jittered backoff and a fresh URL", async () => {
  const h = harness();
  h.connection.start();
  h.last().open();
  h.last().drop(1001);
  const state = h.connection.state.value;
  assert.equal(state.phase, "retrying");
  assert.equal(
    state.phase === "retrying" && state.retryAt - h.clock.now(),
    500,
  );
  assert.equal(
    state.phase === "retrying" && state.reason,
    "The server is restarting",
  );
  h.clock.advance(499);
  assert.equal(h.sockets.length, 1);
  h.clock.advance(1);
  assert.equal(h.sockets.length, 2);
  assert.equal(h.last().url, "ws://svc/ws/stream?n=2");
  // The handshake fails (never opens): probe, then back off twice as long.
  h.last().drop();
  await h.clock.settle();
  assert.deepEqual(h.probes, ["http://svc/ws/stream?n=2"]);
  const next = h.connection.state.value;
  assert.equal(
    next.phase === "retrying" && next.retryAt - h.clock.now(),
    1_000,
  );
  h.connection.dispose();
});

Deno.test("StreamConnection - backoff resets only after a connection proved stable", () => {
  const h = harness();
  h.connection.start();
  for (let i = 0; i < 3; i++) {
    h.last().open();
    h.last().drop();
    h.clock.advance(20_000);
  }
  const unstable = h.connection.state.value;
  assert.equal(unstable.phase, "connecting");
  assert.equal(unstable.phase === "connecting" && unstable.attempt, 3);
  h.last().open();
  h.clock.advance(10_000);
  h.last().send(HELLO);
  h.last().drop();
  const state = h.connection.state.value;
  assert.equal(
    state.phase === "retrying" && state.retryAt - h.clock.now(),
    500,
  );
  h.connection.dispose();
});

Deno.test("StreamConnection - a policy refusal is shown and not retried", async () => {
  const h = harness(() =>
    Promise.resolve(Response.json(
      {
        error: "forbidden_origin",
        detail: "The page's origin is not allowed to open this socket",
      },
      { status: 403 },
    ))
  );
  h.connection.start();
  h.last().drop();
  await h.clock.settle();
  assert.deepEqual(h.connection.state.value, {
    phase: "rejected",
    status: 403,
    error: "forbidden_origin",
    detail: "The page's origin is not allowed to open this socket",
    retryAt: null,
  });
  h.clock.advance(600_000);
  assert.equal(h.sockets.length, 1, "no retry loop");
  h.connection.retryNow();
  assert.equal(h.sockets.length, 2, "the user can retry");
  h.connection.dispose();
});

Deno.test("StreamConnection - 429 retries after the advised delay", async () => {
  const h = harness(() =>
    Promise.resolve(Response.json(
      {
        error: "too_many_sockets",
        detail: "At most 5 sockets per client address",
      },
      { status: 429, headers: { "retry-after": "5" } },
    ))
  );
  h.connection.start();
  h.last().drop();
  await h.clock.settle();
  const state = h.connection.state.value;
  assert.equal(state.phase, "rejected");
  assert.equal(
    state.phase === "rejected" && state.retryAt! - h.clock.now(),
    5_000,
  );
  h.clock.advance(4_999);
  assert.equal(h.sockets.length, 1);
  h.clock.advance(1);
  assert.equal(h.sockets.length, 2);
  h.connection.dispose();
});

Deno.test("StreamConnection - a silent socket is declared dead after two missed heartbeats", () => {
  const h = harness();
  h.connection.start();
  h.last().open();
  h.last().send({ type: "heartbeat", server_time: 0, interval_ms: 1_000 });
  h.clock.advance(6_000);
  assert.equal(
    h.connection.state.value.phase,
    "open",
    "within 2 × 1 s + 5 s slack",
  );
  h.clock.advance(1_001);
  assert.equal(h.sockets[0].closedWith, CLIENT_DEAD_SOCKET);
  assert.equal(h.connection.state.value.phase, "retrying");
  h.clock.advance(500);
  assert.equal(h.sockets.length, 2, "reconnected after the backoff");
  h.connection.dispose();
});

Deno.test("StreamConnection - traffic keeps the watchdog quiet", () => {
  const h = harness();
  h.connection.start();
  h.last().open();
  for (let i = 0; i < 100; i++) {
    h.clock.advance(1_000);
    h.last().send(HELLO);
  }
  assert.equal(h.connection.state.value.phase, "open");
  assert.equal(h.sockets.length, 1);
  h.connection.dispose();
});

Deno.test("StreamConnection - offline closes and waits; online reconnects at once", () => {
  const h = harness();
  h.connection.start();
  h.last().open();
  h.events.online = false;
  h.events.fire("offline");
  assert.equal(h.connection.state.value.phase, "offline");
  assert.equal(h.sockets[0].closedWith, 1000);
  h.clock.advance(60_000);
  assert.equal(h.sockets.length, 1);
  h.events.online = true;
  h.events.fire("online");
  assert.equal(h.sockets.length, 2);
  h.connection.dispose();
});

Deno.test("StreamConnection - returning to the tab skips a pending backoff", () => {
  const h = harness();
  h.connection.start();
  h.last().open();
  h.last().drop();
  assert.equal(h.connection.state.value.phase, "retrying");
  h.events.fire("visibilitychange");
  assert.equal(h.sockets.length, 2);
  h.connection.dispose();
});

Deno.test("StreamConnection - while waiting out a long backoff, the service answering its health check reconnects within a second", async () => {
  let up = false;
  const h = harness(() =>
    up
      ? Promise.resolve(new Response("{}", { status: 200 }))
      : Promise.reject(new TypeError("down"))
  );
  h.connection.start();
  // Five failed handshakes: the next backoff ceiling is 32 s (capped at 16).
  for (let i = 0; i < 5; i++) {
    h.last().drop();
    await h.clock.settle();
    h.clock.advance(20_000);
    await h.clock.settle();
  }
  h.last().drop();
  await h.clock.settle();
  const waiting = h.connection.state.value;
  assert.equal(waiting.phase, "retrying");
  assert.ok(
    waiting.phase === "retrying" && waiting.retryAt - h.clock.now() >= 8_000,
  );
  const sockets = h.sockets.length;
  h.clock.advance(2_000);
  await h.clock.settle();
  assert.equal(h.sockets.length, sockets, "still down: no reconnect");
  assert.ok(h.probes.filter((url) => url === "/api/health").length >= 2);
  up = true;
  const upAt = h.clock.now();
  for (let i = 0; i < 10 && h.sockets.length === sockets; i++) {
    h.clock.advance(100);
    await h.clock.settle();
  }
  assert.equal(h.sockets.length, sockets + 1, "reconnected");
  assert.ok(h.clock.now() - upAt <= 1_000, `${h.clock.now() - upAt} ms`);
  h.connection.dispose();
  assert.equal(h.clock.pending().length, 0);
});

Deno.test("StreamConnection - health probes are spread: each pause is half to all of a second", async () => {
  const clock = new FakeClock(0);
  const randoms = [0.99, 0, 0.999];
  const probedAt: number[] = [];
  const sockets: FakeSocket[] = [];
  const connection = new StreamConnection({
    url: () => "ws://svc/ws/stream",
    onFrame: () => {},
    createSocket: (url) => {
      sockets.push(new FakeSocket(url));
      return sockets.at(-1)!;
    },
    fetch: (url) => {
      if (url === "/api/health") probedAt.push(clock.now());
      return Promise.reject(new TypeError("down"));
    },
    clock,
    random: () => randoms.shift() ?? 0.5,
    events: new FakeEvents(),
  });
  connection.start();
  sockets[0].open();
  clock.advance(20_000);
  // Stable for 20 s, so attempt 0: a retry within 990 ms, probes before it.
  sockets[0].drop();
  clock.advance(499);
  await clock.settle();
  assert.deepEqual(probedAt, []);
  clock.advance(1);
  await clock.settle();
  assert.deepEqual(probedAt, [20_500], "first pause: 500 ms (random 0)");
  connection.dispose();
  assert.equal(clock.pending().length, 0);
});

Deno.test("StreamConnection - dispose clears every timer, listener and socket", () => {
  const h = harness();
  h.connection.start();
  h.last().open();
  h.last().drop();
  assert.ok(h.clock.pending().length > 0);
  h.connection.dispose();
  assert.equal(h.clock.pending().length, 0);
  assert.equal(h.events.count, 0);
  assert.equal(h.connection.state.value.phase, "stopped");
  h.clock.advance(100_000);
  assert.equal(h.sockets.length, 1);
});

Deno.test("StreamConnection - starts offline when the browser is offline", () => {
  const h = harness();
  h.events.online = false;
  h.connection.start();
  assert.equal(h.connection.state.value.phase, "offline");
  assert.equal(h.sockets.length, 0);
  h.connection.dispose();
});
