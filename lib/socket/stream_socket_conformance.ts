/**
 * The behaviour every socket layer must have, as one suite: each layer's
 * listener runs a tiny app that refuses `/refuse` with a JSON 403 and
 * upgrades `/ws`, and a real client checks what the stream gate and the hub
 * rely on — a frame prepared once arrives whole, in order and as the same
 * bytes at every socket, a plain text frame prepared elsewhere is sent too,
 * a close carries its code and reason both ways, data frames reach
 * `onmessage`, refusals are plain HTTP answers, a bad handshake is a
 * TypeError, a frame sent after close is dropped quietly, and
 * `bufferedAmount` grows for a client that stops reading (the slow-consumer
 * policy's signal).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { preparedText } from "../protocol/prepared_frame.ts";
import { listenHttp } from "./http_listener.ts";
import type { SocketLayerName, StreamSocket } from "./stream_socket.ts";

/** Waits until `condition()` holds, polling every 10 ms, up to 10 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Connects to `port` and sends a WebSocket handshake for `path` by hand. */
async function rawHandshake(port: number, path: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n\r\n`,
  ));
  return conn;
}

/** Reads from `conn` until `bytes` bytes came after the handshake's answer. */
async function readAfterHandshake(
  conn: Deno.TcpConn,
  bytes: number,
): Promise<Buffer> {
  let received = Buffer.alloc(0);
  const chunk = new Uint8Array(64 << 10);
  while (true) {
    const end = received.indexOf("\r\n\r\n");
    if (end >= 0 && received.length - end - 4 >= bytes) {
      return received.subarray(end + 4, end + 4 + bytes);
    }
    const n = await conn.read(chunk);
    if (n === null) throw new Error("Connection closed early");
    received = Buffer.concat([received, chunk.subarray(0, n)]);
  }
}

/** A listener on `layer` whose `/ws` route hands each socket to the test. */
async function serve(layer: SocketLayerName) {
  const sockets: StreamSocket[] = [];
  const listener = await listenHttp({
    layer,
    hostname: "127.0.0.1",
    port: 0,
    timeouts: { headersMs: 5_000, requestMs: 10_000, keepAliveMs: 5_000 },
  }, (req) => {
    const { pathname } = new URL(req.url);
    if (pathname === "/refuse") {
      return Response.json({ error: "forbidden_origin" }, {
        status: 403,
        headers: { "x-reason": "test" },
      });
    }
    try {
      const { socket, response } = listener.socketLayer.upgrade(req);
      sockets.push(socket);
      return response;
    } catch (error) {
      return Response.json({ error: (error as Error).name }, { status: 400 });
    }
  });
  const url = `ws://127.0.0.1:${listener.addr.port}`;
  return { listener, sockets, url };
}

/** Opens a client to `url` and resolves once it is open. */
async function open(url: string) {
  const client = new WebSocket(url);
  const messages: string[] = [];
  client.onmessage = (event) => messages.push(event.data as string);
  const closed = new Promise<CloseEvent>((resolve) => client.onclose = resolve);
  await new Promise<void>((resolve, reject) => {
    client.onopen = () => resolve();
    client.onerror = () => reject(new Error("client failed to open"));
  });
  return { client, messages, closed };
}

/** Registers the suite's tests for `layer`. */
export function streamSocketConformance(layer: SocketLayerName): void {
  const name = (behaviour: string) => `socket layer ${layer} - ${behaviour}`;

  Deno.test(
    name("a frame prepared once arrives whole, in order, at every socket"),
    async () => {
      const { listener, sockets, url } = await serve(layer);
      const a = await open(`${url}/ws`);
      const b = await open(`${url}/ws`);
      try {
        await until(
          () =>
            sockets.every((s) => s.readyState === 1) && sockets.length === 2,
          "both sockets open",
        );
        const frames = ["one", "one", "x".repeat(70_000), "zwölf €", "two"];
        for (const text of frames) {
          const frame = listener.socketLayer.prepare(text);
          assert.equal(frame.text, text);
          assert.equal(frame.byteLength, Buffer.byteLength(text));
          for (const socket of sockets) socket.sendPrepared(frame);
        }
        await until(
          () => a.messages.length === 5 && b.messages.length === 5,
          "every frame",
        );
        assert.deepEqual(a.messages, frames);
        assert.deepEqual(b.messages, frames);
      } finally {
        a.client.close();
        b.client.close();
        await Promise.all([a.closed, b.closed]);
        await listener.shutdown();
      }
    },
  );

  Deno.test(
    name("the same prepared frame reaches every socket as the same bytes"),
    async () => {
      const { listener, sockets } = await serve(layer);
      const port = listener.addr.port;
      const conns = [await rawHandshake(port, "/ws")];
      conns.push(await rawHandshake(port, "/ws"));
      try {
        await until(
          () =>
            sockets.length === 2 && sockets.every((s) => s.readyState === 1),
          "both sockets open",
        );
        const text = `{"type":"tick","note":"${"ü".repeat(200)}"}`;
        const frame = listener.socketLayer.prepare(text);
        for (const socket of sockets) socket.sendPrepared(frame);
        const payload = Buffer.from(text);
        // FIN + text opcode, unmasked, 16-bit length (RFC 6455 §5.2).
        const expected = Buffer.concat([
          Buffer.from([0x81, 126, payload.length >> 8, payload.length & 255]),
          payload,
        ]);
        for (const conn of conns) {
          assert.deepEqual(
            await readAfterHandshake(conn, expected.length),
            expected,
          );
        }
      } finally {
        for (const conn of conns) conn.close();
        await until(
          () => sockets.every((s) => s.readyState === 3),
          "the sockets to close",
        );
        await listener.shutdown();
      }
    },
  );

  Deno.test(
    name("a text frame prepared elsewhere is sent as its text"),
    async () => {
      const { listener, sockets, url } = await serve(layer);
      const client = await open(`${url}/ws`);
      try {
        await until(() => sockets[0]?.readyState === 1, "the server socket");
        sockets[0].sendPrepared(preparedText("plain €"));
        await until(() => client.messages.length === 1, "the frame");
        assert.deepEqual(client.messages, ["plain €"]);
      } finally {
        client.client.close();
        await client.closed;
        await listener.shutdown();
      }
    },
  );

  Deno.test(
    name(
      "onopen fires once the handshake completes; a close carries code and reason",
    ),
    async () => {
      const { listener, sockets, url } = await serve(layer);
      const { client, closed } = await open(`${url}/ws`);
      try {
        await until(() => sockets.length === 1, "the server socket");
        const [socket] = sockets;
        let opened = 0;
        let serverClose: CloseEvent | undefined;
        socket.onclose = (event) => serverClose = event;
        if (socket.readyState === 1) opened++;
        else socket.onopen = () => opened++;
        await until(() => opened === 1, "onopen");
        socket.close(1013, "consumer too slow");
        const event = await closed;
        assert.equal(event.code, 1013);
        assert.equal(event.reason, "consumer too slow");
        await until(
          () => serverClose !== undefined,
          "the server's close event",
        );
        assert.equal(socket.readyState, 3);
        // Dropped without a throw, as WHATWG sockets do.
        socket.sendPrepared(listener.socketLayer.prepare("late"));
      } finally {
        client.close();
        await listener.shutdown();
      }
    },
  );

  Deno.test(
    name("a client's data frame reaches onmessage; its close reaches onclose"),
    async () => {
      const { listener, sockets, url } = await serve(layer);
      const { client, closed } = await open(`${url}/ws`);
      try {
        await until(() => sockets[0]?.readyState === 1, "the server socket");
        const received: unknown[] = [];
        let code: number | undefined;
        sockets[0].onmessage = (event) => received.push(event.data);
        sockets[0].onclose = (event) => code = event.code;
        client.send("hello");
        await until(() => received.length === 1, "the client's frame");
        client.close(1000, "bye");
        await closed;
        await until(() => code !== undefined, "onclose");
        assert.equal(code, 1000);
      } finally {
        await listener.shutdown();
      }
    },
  );

  Deno.test(
    name("a refused handshake is answered as plain HTTP, headers and body"),
    async () => {
      const { listener, url } = await serve(layer);
      try {
        const conn = await rawHandshake(listener.addr.port, "/refuse");
        let text = "";
        const buffer = new Uint8Array(4096);
        while (!text.includes("forbidden_origin")) {
          const n = await conn.read(buffer);
          if (n === null) break;
          text += new TextDecoder().decode(buffer.subarray(0, n));
        }
        conn.close();
        assert.match(text, /^HTTP\/1\.1 403 /);
        assert.match(text, /x-reason: test/i);
        assert.match(text, /\{"error":"forbidden_origin"\}/);
        await assert.rejects(() => open(`${url}/refuse`));
      } finally {
        await listener.shutdown();
      }
    },
  );

  Deno.test(
    name("an invalid handshake makes upgrade throw a TypeError"),
    async () => {
      const { listener, sockets } = await serve(layer);
      try {
        const response = await fetch(
          `http://127.0.0.1:${listener.addr.port}/ws`,
          {
            headers: {
              upgrade: "websocket",
              connection: "Upgrade",
              "sec-websocket-version": "13",
            },
          },
        );
        assert.equal(response.status, 400);
        assert.deepEqual(await response.json(), { error: "TypeError" });
        assert.equal(sockets.length, 0);
      } finally {
        await listener.shutdown();
      }
    },
  );

  Deno.test(
    name("bufferedAmount grows for a client that stops reading"),
    async () => {
      const { listener, sockets } = await serve(layer);
      const conn = await rawHandshake(listener.addr.port, "/ws");
      try {
        await until(() => sockets[0]?.readyState === 1, "the server socket");
        const chunk = listener.socketLayer.prepare("y".repeat(64 << 10));
        // The kernel's buffers (several MB on loopback) fill first; bounded.
        for (let sent = 0; sockets[0].bufferedAmount < 256 << 10; sent++) {
          assert.ok(sent < 2048, "bufferedAmount never grew (128 MiB sent)");
          sockets[0].sendPrepared(chunk);
          if (sent % 16 === 15) await new Promise((r) => setTimeout(r, 0));
        }
        assert.ok(sockets[0].bufferedAmount >= 256 << 10);
      } finally {
        conn.close();
        await until(() => sockets[0]?.readyState === 3, "the socket to close");
        await listener.shutdown();
      }
    },
  );
}
