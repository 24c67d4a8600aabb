/**
 * Handshake policy of the stream routes over real sockets: every refusal is an
 * HTTP status with a JSON reason, sent before any upgrade.
 */
import assert from "node:assert/strict";
import type { ServerFrame } from "../lib/protocol/frames.ts";
import { attemptHandshake, connectClient } from "./support/ws_client.ts";
import { pollUntil, startStack } from "./support/start_stack.ts";
import { layerTest } from "./support/layer_test.ts";

const isTick = (f: ServerFrame) => f.type === "tick";

/** `promise`, or a failure naming `what` after 10 s. */
function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${what}`)),
        10_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

layerTest(
  "stream policy - a foreign Origin is refused with 403 before the upgrade",
  async (layer) => {
    const stack = await startStack({
      socketLayer: layer,
      env: { ALLOWED_ORIGIN_PRIMARY: "https://desk.example.com" },
    });
    try {
      const url = `${stack.wsUrl}/ws/price/BTC-USDT`;
      for (
        const origin of [
          "http://evil.com",
          "http://evil-localhost.com",
          "https://desk.example.com.evil.com",
          "https://desk.example.com:444",
          "null",
        ]
      ) {
        const refused = await attemptHandshake(url, { origin });
        assert.equal(refused.status, 403, origin);
        assert.deepEqual(Object.keys(refused.body as object).sort(), [
          "detail",
          "error",
        ]);
      }
      const own = await connectClient(url, { origin: stack.service.url });
      await own.waitFor(isTick);
      await own.close();
      const listed = await connectClient(url, {
        origin: "https://desk.example.com",
      });
      await listed.waitFor(isTick);
      await listed.close();
      const foreignMux = await attemptHandshake(`${stack.wsUrl}/ws/stream`, {
        origin: "http://evil.com",
      });
      assert.equal(foreignMux.status, 403);
      assert.ok(
        stack.service.services.metrics().handshakes_rejected_total >= 6,
      );
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream policy - a missing Origin is refused when configured so",
  async (layer) => {
    const stack = await startStack({
      socketLayer: layer,
      env: { ALLOW_MISSING_ORIGIN: "false" },
    });
    try {
      const refused = await attemptHandshake(
        `${stack.wsUrl}/ws/price/BTC-USDT`,
      );
      assert.equal(refused.status, 403);
      const crossSite = await attemptHandshake(
        `${stack.wsUrl}/ws/price/BTC-USDT`,
        {
          "sec-fetch-site": "cross-site",
        },
      );
      assert.equal(crossSite.status, 403);
      const sameOrigin = await attemptHandshake(
        `${stack.wsUrl}/ws/price/BTC-USDT`,
        {
          "sec-fetch-site": "same-origin",
        },
      );
      assert.notEqual(
        sameOrigin.status,
        403,
        "a same-origin fetch counts as the own origin",
      );
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream policy - bad symbols get 400 and unknown ones 404",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    try {
      const cases: [string, number][] = [
        ["/ws/price/BTC_USDT", 400],
        ["/ws/price/%2E%2E%2Fetc", 400],
        ["/ws/price/BTC%E2%80%93USDT", 400],
        [`/ws/price/${"A".repeat(33)}`, 400],
        ["/ws/price/DOGE-USDT", 404],
        ["/ws/stream?symbols=BTC-USDT,NOPE", 404],
        ["/ws/stream?symbols=BTC-USDT&since=BTC-USDT:x", 400],
        ["/ws/price/BTC-USDT?since=-1", 400],
      ];
      for (const [path, status] of cases) {
        const refused = await attemptHandshake(`${stack.wsUrl}${path}`);
        assert.equal(refused.status, status, path);
        assert.equal(
          typeof (refused.body as { detail: string }).detail,
          "string",
        );
      }
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream policy - the per-IP socket cap answers 429 and frees slots on close",
  async (layer) => {
    const stack = await startStack({
      socketLayer: layer,
      env: { MAX_SOCKETS_PER_IP: "2" },
    });
    try {
      const url = `${stack.wsUrl}/ws/price/BTC-USDT`;
      const a = await connectClient(url);
      const b = await connectClient(url);
      const refused = await attemptHandshake(url);
      assert.equal(refused.status, 429);
      const probe = await fetch(url.replace(/^ws/, "http"));
      assert.equal(probe.status, 429, "a plain GET learns the cap too");
      assert.equal(probe.headers.get("retry-after"), "5");
      await probe.body?.cancel();
      await a.close();
      await pollUntil(
        () => stack.service.services.rooms().rooms["BTC-USDT"] === 1,
        "the closed socket to leave its room",
      );
      const c = await connectClient(url);
      await c.waitFor(isTick);
      await Promise.all([b.close(), c.close()]);
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream policy - any data frame from the client closes its socket with 1008 and is counted",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    try {
      const url = `${stack.wsUrl}/ws/stream?history=0`;
      for (const data of ["hello", new Uint8Array([1, 2, 3])]) {
        const client = await connectClient(url);
        await client.waitFor((f) => f.type === "hello");
        client.socket.send(data);
        const closed = await withDeadline(client.closed, "the socket to close");
        assert.equal(closed.code, 1008);
        assert.match(closed.reason, /send-only/);
      }
      await pollUntil(
        () => stack.service.services.metrics().inbound_closes_total === 2,
        "both closes to be counted",
      );
      const text = await (await fetch(`${stack.service.url}/metrics`)).text();
      assert.match(text, /^sentinel_inbound_closes_total 2$/m);
      const reader = await connectClient(url);
      await reader.waitFor(isTick);
      await reader.close();
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream policy - a client that never reads does not delay one that does",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    try {
      const port = new URL(stack.service.url).port;
      const stalled = await Deno.connect({
        hostname: "127.0.0.1",
        port: Number(port),
      });
      await stalled.write(
        new TextEncoder().encode(
          "GET /ws/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n\r\n",
        ),
      );
      await pollUntil(
        () => stack.service.services.rooms().total === 1,
        "the stalled socket to join",
      );
      const reader = await connectClient(`${stack.wsUrl}/ws/stream`);
      const ticks = await reader.waitForCount(isTick, 20);
      assert.equal(ticks.length, 20);
      assert.equal(stack.service.services.rooms().total, 2);
      await reader.close();
      stalled.close();
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream policy - shutdown closes every socket with 1001",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    let stopped = false;
    try {
      const single = await connectClient(`${stack.wsUrl}/ws/price/BTC-USDT`);
      const mux = await connectClient(`${stack.wsUrl}/ws/stream`);
      await single.waitFor(isTick);
      await stack.stop();
      stopped = true;
      assert.equal((await single.closed).code, 1001);
      assert.equal((await mux.closed).code, 1001);
    } finally {
      if (!stopped) await stack.stop();
    }
  },
);
