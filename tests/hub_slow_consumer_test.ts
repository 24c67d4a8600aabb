/**
 * The slow-consumer policy on real sockets: a client that stops reading is
 * conflated and then closed with 1013, while a reading client keeps getting
 * every frame. Frames are made large so the kernel buffers fill in seconds.
 * Through the service's own gate, a client that never reads meets the same
 * policy rather than the runtime's ping timeout.
 */
import assert from "node:assert/strict";
import type { AnalyzedTick } from "../lib/protocol/analyzed_tick.ts";
import { StreamHub } from "../lib/hub/stream_hub.ts";
import { analyzedTick } from "../lib/hub/test_utils.ts";
import { connectClient } from "./support/ws_client.ts";
import { pollUntil } from "./support/poll_until.ts";
import { RawConnection } from "./support/raw_connection.ts";
import { startStack } from "./support/start_stack.ts";
import { layerTest } from "./support/layer_test.ts";
import { listenHttp } from "../lib/socket/http_listener.ts";
import {
  closeCode,
  parseServerFrames,
  upgradeRequest,
} from "./support/ws_wire.ts";

layerTest(
  "hub - a stalled socket is conflated then closed with 1013; a reading one gets every tick",
  async (layer) => {
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
    const server = await listenHttp({
      layer,
      hostname: "127.0.0.1",
      port: 0,
      timeouts: { headersMs: 10_000, requestMs: 20_000, keepAliveMs: 10_000 },
    }, (req) => {
      const { socket, response } = server.socketLayer.upgrade(req);
      let leave: (() => void) | undefined;
      socket.onopen = () =>
        leave = hub.join(socket, { symbols: ["BTC-USDT"], ip: "127.0.0.1" });
      socket.onclose = () => leave?.();
      return response;
    });
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
      assert.ok(
        hub.stats.conflated > 0,
        "ticks were conflated before the close",
      );
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
  },
);

layerTest(
  "stream gate - a client that never reads is closed with 1013 by the slow-consumer policy, not first by a ping timeout",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    const { hub } = stack.service.services;
    const host = new URL(stack.service.url).host;
    const stalled = await RawConnection.open(stack.service.url);
    try {
      await stalled.write(
        upgradeRequest("/ws/stream?symbols=BTC-USDT&history=0", host),
      );
      await stalled.readUntil(
        (c) => c.text.includes("\r\n\r\n"),
        "the handshake answer",
      );
      assert.match(stalled.text, /^HTTP\/1\.1 101 /);
      await pollUntil(() => hub.activeSubscribers === 1, "the socket to join");
      // The client reads nothing from here on. At the service's own tick rate
      // its kernel buffers take minutes to fill; the runtime's ping timeout
      // (30 s by default) must not close it in the meantime.
      await new Promise((resolve) => setTimeout(resolve, 31_000));
      assert.equal(
        hub.activeSubscribers,
        1,
        "the client that never reads was closed before it fell behind",
      );
      // Large ticks (3 MB/s) fill the kernel buffers in seconds; then the
      // policy runs. Paced, so the test leaves CPU to its neighbours.
      const padding = "x".repeat(64 << 10);
      const deadline = Date.now() + 60_000;
      for (let seq = 0; hub.stats.slowCloses === 0; seq++) {
        assert.ok(
          Date.now() < deadline,
          "the slow-consumer policy never acted",
        );
        const padded = { ...analyzedTick("BTC-USDT", seq), source: padding };
        hub.publishTicks([padded as unknown as AnalyzedTick]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Reading again, the client finds everything queued for it, then 1013.
      await stalled.readUntil(
        (c) => endsWithCloseFrame(c.tail(128)),
        "the close frame",
        30_000,
      );
      const frames = parseServerFrames(stalled.received.subarray(
        stalled.text.indexOf("\r\n\r\n") + 4,
      ));
      const last = frames.at(-1)!;
      assert.equal(last.opcode, 8);
      assert.equal(closeCode(last), 1013);
    } finally {
      stalled.close();
      await stack.stop();
    }
  },
);

/** Whether `tail` ends with a whole close frame (small, so unextended). */
function endsWithCloseFrame(tail: Uint8Array): boolean {
  for (let at = tail.length - 2; at >= 0; at--) {
    if (tail[at] === 0x88 && at + 2 + tail[at + 1] === tail.length) {
      return true;
    }
  }
  return false;
}
