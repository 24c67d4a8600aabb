/**
 * What the service bounds about slow HTTP clients, over raw TCP: a request
 * body that trickles in is answered 408 once HTTP_BODY_TIMEOUT_SECONDS has
 * passed, and a client that gives up mid-body is a client error, not a
 * logged server failure. On the `ws` layer (`node:http`) the same time also
 * bounds a request head and an idle keep-alive connection, which
 * `Deno.serve` does not bound at all.
 */
import assert from "node:assert/strict";
import { RawConnection } from "./support/raw_connection.ts";
import { startStack } from "./support/start_stack.ts";
import { layerTest } from "./support/layer_test.ts";

const TOKEN = "an-admin-token-for-timeout-tests";

function putHead(length: number): string {
  return `PUT /api/thresholds/BTC-USDT HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${length}\r\n\r\n`;
}

/**
 * Sends `text` a byte every 100 ms until an answer's head arrives (at most
 * 8 s); resolves once the trickle has stopped.
 */
async function trickleUntilAnswered(
  raw: RawConnection,
  text: string,
  what: string,
): Promise<void> {
  let answered = false;
  const trickle = (async () => {
    for (const byte of text) {
      if (answered || !await raw.write(byte)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    await raw.readUntil((c) => c.text.includes("\r\n\r\n"), what, 8_000);
  } finally {
    answered = true;
    await trickle;
  }
}

layerTest(
  "http timeouts - a body sent a byte at a time is answered 408 after HTTP_BODY_TIMEOUT_SECONDS",
  async (layer) => {
    const stack = await startStack({
      socketLayer: layer,
      env: { ADMIN_TOKEN: TOKEN, HTTP_BODY_TIMEOUT_SECONDS: "1" },
    });
    const raw = await RawConnection.open(stack.service.url);
    try {
      const body = `{"threshold": 25000000${" ".repeat(200)}}`;
      await raw.write(putHead(body.length));
      await trickleUntilAnswered(raw, body, "an answer to the trickling body");
      assert.match(raw.text, /^HTTP\/1\.1 408 /);
      assert.match(raw.text, /"error":"request_timeout"/);
      const thresholds = await fetch(`${stack.service.url}/api/thresholds`);
      assert.equal(
        (await thresholds.json()).thresholds["BTC-USDT"],
        50_000_000,
        "the trickled write was not applied",
      );
    } finally {
      raw.close();
      await stack.stop();
    }
  },
);

layerTest(
  "http timeouts - a client that gives up mid-body is not logged as a server failure",
  async (layer) => {
    const stack = await startStack({
      socketLayer: layer,
      env: { ADMIN_TOKEN: TOKEN },
    });
    try {
      const raw = await RawConnection.open(stack.service.url);
      await raw.write(putHead(100) + '{"threshold":');
      raw.close();
      // The next write goes through the same handler, so once it has been
      // answered the aborted one has long been read to its end.
      const after = await fetch(
        `${stack.service.url}/api/thresholds/BTC-USDT`,
        {
          method: "PUT",
          headers: {
            authorization: `Bearer ${TOKEN}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ threshold: 30_000_000 }),
        },
      );
      assert.equal(after.status, 200);
      await after.body?.cancel();
      const failures = stack.logs.filter((record) => record.level === "error");
      assert.deepEqual(failures, []);
    } finally {
      await stack.stop();
    }
  },
);

Deno.test("http timeouts (ws) - a request head sent a byte at a time is answered 408 after HTTP_BODY_TIMEOUT_SECONDS", async () => {
  const stack = await startStack({
    socketLayer: "ws",
    env: { HTTP_BODY_TIMEOUT_SECONDS: "1" },
  });
  const raw = await RawConnection.open(stack.service.url);
  try {
    const head = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
      `X-Padding: ${"p".repeat(200)}\r\n`;
    await trickleUntilAnswered(raw, head, "an answer to the trickling head");
    assert.match(raw.text, /^HTTP\/1\.1 408 /);
    await raw.readUntil(() => false, "the connection to close", 8_000);
    assert.ok(raw.closed, "the connection was closed after the 408");
  } finally {
    raw.close();
    await stack.stop();
  }
});

Deno.test("http timeouts (ws) - an idle keep-alive connection is closed after HTTP_BODY_TIMEOUT_SECONDS", async () => {
  const stack = await startStack({
    socketLayer: "ws",
    env: { HTTP_BODY_TIMEOUT_SECONDS: "1" },
  });
  const raw = await RawConnection.open(stack.service.url);
  try {
    await raw.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await raw.readUntil(
      (c) => /\r\n\r\n[\s\S]*"status"/.test(c.text),
      "the health answer",
    );
    assert.match(raw.text, /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(raw.text, /connection: close/i);
    // Idle from here on: the server closes it, not the client.
    await raw.readUntil(() => false, "the idle connection to close", 10_000);
    assert.ok(raw.closed);
  } finally {
    raw.close();
    await stack.stop();
  }
});
