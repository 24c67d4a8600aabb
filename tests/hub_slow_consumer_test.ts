/**
 * The slow-consumer policy on real sockets: a client that stops reading is
 * conflated and then closed with 1013, while a reading client keeps getting
 * every frame. Frames are made large so the kernel buffers fill in seconds.
 */
import assert from "node:assert/strict";
import type { AnalyzedTick } from "../lib/protocol/analyzed_tick.ts";
import { StreamHub } from "../lib/hub/stream_hub.ts";
import { analyzedTick } from "../lib/hub/test_utils.ts";
import { connectClient } from "./support/ws_client.ts";
import { pollUntil } from "./support/poll_until.ts";

Deno.test("hub - a stalled socket is conflated then closed with 1013; a reading one gets every tick", async () => {
  const hub = new StreamHub({
    symbols: ["BTC-USDT"],
    historySize: 4,
    policy: {
      highWaterBytes: 256 << 10,
      lowWaterBytes: 64 << 10,
      hardLimitBytes: 4 << 20,
      maxBehindMs: 300,
    },
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      let leave: (() => void) | undefined;
      socket.onopen = () =>
        leave = hub.join(socket, { symbols: ["BTC-USDT"], ip: "127.0.0.1" });
      socket.onclose = () => leave?.();
      return response;
    },
  );
  const stalled = await Deno.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
  });
  try {
    await stalled.write(
      new TextEncoder().encode(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n\r\n`,
      ),
    );
    await pollUntil(
      () => hub.activeSubscribers === 1,
      "the stalled socket to join",
    );
    const reader = await connectClient(`ws://127.0.0.1:${server.addr.port}/`);
    await pollUntil(() => hub.activeSubscribers === 2, "the reader to join");

    const padding = "x".repeat(64 << 10);
    let published = 0;
    while (hub.stats.slowCloses === 0) {
      // A padded string field keeps the frame valid JSON while making it large.
      const padded = {
        ...analyzedTick("BTC-USDT", published),
        source: padding,
      };
      hub.publishTicks([padded as unknown as AnalyzedTick]);
      published++;
      assert.ok(published < 5_000, "the stalled socket was never closed");
      // Yield so socket writes progress, as they do between real upstream ticks.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    assert.ok(hub.stats.conflated > 0, "ticks were conflated before the close");
    assert.equal(hub.activeSubscribers, 1, "only the reader remains");
    const ticks = await reader.waitForCount(
      (f) => f.type === "tick",
      published,
      30_000,
    );
    for (let i = 1; i < ticks.length; i++) {
      assert.equal(
        (ticks[i] as { seq: number }).seq,
        (ticks[i - 1] as { seq: number }).seq + 1,
      );
    }
    await reader.close();
  } finally {
    stalled.close();
    await server.shutdown();
  }
});
