import assert from "node:assert/strict";
import { parseLoadOptions } from "./load_options.ts";
import { type LoadPhase, runLoad } from "./load_run.ts";
import { LOAD_CLIENTS } from "./net_websocket.ts";

/**
 * A stand-in for the service's stream protocol: hello, a history batch per
 * symbol, then live ticks for every symbol every 20 ms.
 */
function fakeService() {
  const symbols = ["BTC-USDT", "ETH-USDT"];
  const seq = new Map(symbols.map((s) => [s, 0]));
  const sockets = new Map<WebSocket, string[]>();
  const controller = new AbortController();
  const timer = setInterval(() => {
    for (const symbol of symbols) {
      const frame = JSON.stringify({
        type: "tick",
        symbol,
        seq: seq.set(symbol, seq.get(symbol)! + 1).get(symbol),
        ts: Date.now(),
        price: 1,
        upstream_ts: 0,
      });
      for (const [socket, subscribed] of sockets) {
        if (
          subscribed.includes(symbol) && socket.readyState === WebSocket.OPEN
        ) {
          socket.send(frame);
        }
      }
    }
  }, 20);
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      signal: controller.signal,
      onListen() {},
    },
    (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/api/health") return Response.json({ ok: true });
      const subscribed = url.pathname === "/ws/stream"
        ? url.searchParams.get("symbols")!.split(",")
        : [url.pathname.split("/").pop()!];
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onopen = () => {
        socket.send(JSON.stringify({ type: "hello", symbols: subscribed }));
        for (const symbol of subscribed) {
          const frames = Array.from({ length: seq.get(symbol)! }, (_, i) => ({
            type: "tick",
            symbol,
            seq: i + 1,
            ts: 0,
          }));
          socket.send(JSON.stringify({ type: "batch", symbol, frames }));
        }
        sockets.set(socket, subscribed);
      };
      socket.onclose = () => sockets.delete(socket);
      return response;
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      clearInterval(timer);
      controller.abort();
      await server.finished;
    },
  };
}

for (const client of LOAD_CLIENTS) {
  Deno.test(`runLoad - measures a stream end to end without counting history (--client=${client})`, async () => {
    const service = fakeService();
    try {
      const phases: LoadPhase[] = [];
      const summary = await runLoad(
        parseLoadOptions([
          "--target=sentinel",
          `--url=${service.url}`,
          "--connections=8",
          "--symbols=BTC-USDT,ETH-USDT",
          "--mux-ratio=0.25",
          "--duration=1",
          `--client=${client}`,
        ]),
        { onPhase: (phase) => phases.push(phase) },
      );
      assert.deepEqual(phases, [
        "ready",
        "ramp-done",
        "window-start",
        "window-end",
        "drained",
      ]);
      assert.equal(summary.aborted, null);
      assert.equal(summary.handshakes.accepted, 8);
      assert.equal(summary.handshakes.failed, 0);
      assert.deepEqual(summary.delivery.subscribers_per_symbol, {
        "BTC-USDT": 5,
        "ETH-USDT": 5,
      });
      assert.ok(summary.delivery.offered > 0);
      assert.equal(summary.delivery.delivered, summary.delivery.offered);
      assert.equal(summary.delivery.latency.count, summary.delivery.delivered);
      assert.equal(summary.delivery.seq_gaps, 0);
      assert.equal(summary.other_frames, 8);
      assert.equal(summary.malformed_frames, 0);
      assert.deepEqual(summary.closes_by_code, {});
    } finally {
      await service.close();
    }
  });
}

for (const client of LOAD_CLIENTS) {
  Deno.test(`runLoad - refused handshakes are counted with their reason (--client=${client})`, async () => {
    const controller = new AbortController();
    const server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        signal: controller.signal,
        onListen() {},
      },
      (req) =>
        new URL(req.url).pathname === "/api/health"
          ? new Response("ok")
          : new Response("busy", { status: 429 }),
    );
    try {
      const summary = await runLoad(parseLoadOptions([
        "--target=bare",
        `--url=http://127.0.0.1:${server.addr.port}`,
        "--connections=3",
        "--duration=1",
        `--client=${client}`,
      ]));
      assert.equal(summary.handshakes.failed, 3);
      assert.equal(summary.handshakes.accepted, 0);
      const [reason, count] =
        Object.entries(summary.handshakes.failure_reasons)[0];
      assert.match(reason, /429/);
      assert.equal(count, 3);
      assert.equal(summary.delivery.offered, 0);
    } finally {
      controller.abort();
      await server.finished;
    }
  });
}

Deno.test("runLoad - an abort yields a partial summary", async () => {
  const controller = new AbortController();
  controller.abort("deadline");
  const summary = await runLoad(
    parseLoadOptions([
      "--target=bare",
      "--url=http://127.0.0.1:9",
      "--connections=1",
    ]),
    { signal: controller.signal },
  );
  assert.equal(summary.aborted, "deadline");
  assert.equal(summary.handshakes.attempted, 0);
});
