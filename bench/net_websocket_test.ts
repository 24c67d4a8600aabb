import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import {
  type LoadSocket,
  MAX_MESSAGE_BYTES,
  NetWebSocket,
  SOCKET_STATE,
} from "./net_websocket.ts";

/** What a test socket saw, and promises for its open and close. */
function watch(socket: LoadSocket) {
  const messages: unknown[] = [];
  const errors: string[] = [];
  let opened = false;
  const closed = Promise.withResolvers<number>();
  const open = Promise.withResolvers<void>();
  socket.onopen = () => {
    opened = true;
    open.resolve();
  };
  socket.onmessage = (event) => messages.push(event.data);
  socket.onerror = (event) => errors.push(event.message);
  socket.onclose = (event) => closed.resolve(event.code);
  return {
    messages,
    errors,
    opened: () => opened,
    open: open.promise,
    closed: closed.promise,
  };
}

/** Resolves once `check` holds, polling until a 5 s deadline. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in 5 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("NetWebSocket exchanges messages of every length class with a Deno server", async () => {
  const received: string[] = [];
  const serverClosed = Promise.withResolvers<number>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onopen = () => {
        socket.send("short");
        socket.send("m".repeat(1_000));
        socket.send("l".repeat(70_000));
        socket.send(new Uint8Array([1, 2, 3]));
      };
      socket.onmessage = (event) => {
        received.push(event.data);
        socket.send(`echo:${event.data}`);
      };
      socket.onclose = (event) => serverClosed.resolve(event.code);
      return response;
    },
  );
  try {
    const client = new NetWebSocket(
      `ws://127.0.0.1:${server.addr.port}/stream?x=1`,
    );
    const seen = watch(client);
    await seen.open;
    assert.equal(client.readyState, SOCKET_STATE.OPEN);
    client.send("héllo");
    await until(() => seen.messages.length === 5);
    assert.deepEqual(seen.messages.slice(0, 3), [
      "short",
      "m".repeat(1_000),
      "l".repeat(70_000),
    ]);
    assert.ok(seen.messages[3] instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(seen.messages[3])], [1, 2, 3]);
    assert.equal(seen.messages[4], "echo:héllo");
    assert.deepEqual(received, ["héllo"]);
    client.close(1000);
    assert.equal(await seen.closed, 1000);
    assert.equal(await serverClosed.promise, 1000);
    assert.equal(client.readyState, SOCKET_STATE.CLOSED);
  } finally {
    await server.shutdown();
  }
});

Deno.test("NetWebSocket reports the server's close code", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onopen = () => socket.close(4001, "bye");
      return response;
    },
  );
  try {
    const seen = watch(new NetWebSocket(`ws://127.0.0.1:${server.addr.port}`));
    assert.equal(await seen.closed, 4001);
    assert.deepEqual(seen.errors, []);
  } finally {
    await server.shutdown();
  }
});

Deno.test("NetWebSocket fails a refused upgrade with the status, and never opens", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("no", { status: 403 }),
  );
  try {
    const seen = watch(new NetWebSocket(`ws://127.0.0.1:${server.addr.port}`));
    assert.equal(await seen.closed, 1006);
    assert.equal(seen.opened(), false);
    assert.equal(seen.errors.length, 1);
    assert.match(seen.errors[0], /Unexpected response code: 403/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("NetWebSocket closed while connecting reports 1006 and never opens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const client = new NetWebSocket(`ws://127.0.0.1:${listener.addr.port}`);
    const seen = watch(client);
    const accepted = await listener.accept();
    client.close();
    assert.equal(await seen.closed, 1006);
    assert.equal(seen.opened(), false);
    accepted.close();
  } finally {
    listener.close();
  }
});

Deno.test("NetWebSocket rejects non-ws URLs", () => {
  assert.throws(() => new NetWebSocket("http://127.0.0.1:1/"), SyntaxError);
});

/**
 * A hand-written server for one connection: completes the handshake, writes
 * `frames` (raw bytes), and collects what the client writes back, unmasked.
 */
async function rawServer(frames: Uint8Array[], accept?: string) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = new NetWebSocket(`ws://127.0.0.1:${listener.addr.port}`);
  const seen = watch(client);
  const conn = await listener.accept();
  listener.close();
  let head = "";
  const buffer = new Uint8Array(4096);
  while (!head.includes("\r\n\r\n")) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("client went away");
    head += new TextDecoder().decode(buffer.subarray(0, n));
  }
  const key = /sec-websocket-key: (\S+)/i.exec(head)![1];
  const acceptValue = accept ??
    createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
      .digest("base64");
  await conn.write(
    new TextEncoder().encode(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" +
        `Connection: Upgrade\r\nSec-WebSocket-Accept: ${acceptValue}\r\n\r\n`,
    ),
  );
  for (const frame of frames) await conn.write(frame);
  const replies: { opcode: number; payload: Buffer }[] = [];
  const reading = (async () => {
    let data = Buffer.alloc(0);
    while (true) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) return;
      data = Buffer.concat([data, buffer.subarray(0, n)]);
      while (data.length >= 6) {
        assert.ok(data[1] & 0x80, "client frames are masked");
        const length = data[1] & 0x7f;
        if (data.length < 6 + length) break;
        const mask = data.subarray(2, 6);
        const payload = Buffer.from(data.subarray(6, 6 + length)).map((
          byte,
          i,
        ) => byte ^ mask[i & 3]);
        replies.push({ opcode: data[0] & 0x0f, payload: Buffer.from(payload) });
        data = data.subarray(6 + length);
      }
    }
  })();
  return {
    client,
    seen,
    replies,
    /** Ends the connection, with a close frame first if `closeCode` is given. */
    done: async (closeCode?: number) => {
      if (closeCode !== undefined) {
        await conn.write(
          frame(0x88, Uint8Array.of(closeCode >> 8, closeCode & 0xff)),
        );
      }
      conn.close();
      await reading;
    },
  };
}

/** An unmasked server frame. */
function frame(first: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  assert.ok(body.length <= 125);
  return Uint8Array.from([first, body.length, ...body]);
}

Deno.test("NetWebSocket answers a ping and joins a fragmented message", async () => {
  const server = await rawServer([
    frame(0x89, "are you there"),
    frame(0x01, "frag"),
    frame(0x00, "men"),
    frame(0x80, "ted"),
  ]);
  await until(() => server.seen.messages.length === 1);
  assert.deepEqual(server.seen.messages, ["fragmented"]);
  await until(() => server.replies.length === 1);
  assert.equal(server.replies[0].opcode, 0xa);
  assert.equal(server.replies[0].payload.toString(), "are you there");
  server.client.close(1000);
  await until(() => server.replies.length === 2);
  assert.equal(server.replies[1].opcode, 0x8);
  assert.equal(server.replies[1].payload.readUInt16BE(0), 1000);
  await server.done(1000);
  assert.equal(await server.seen.closed, 1000);
});

Deno.test("NetWebSocket closes with 1002 on a masked server frame and 1009 on an oversized one", async () => {
  const masked = await rawServer([Uint8Array.from([0x81, 0x81, 0, 0, 0, 0])]);
  await until(() => masked.replies.length === 1);
  assert.equal(masked.replies[0].payload.readUInt16BE(0), 1002);
  await masked.done();
  assert.equal(await masked.seen.closed, 1002);

  const huge = Buffer.alloc(10);
  huge[0] = 0x81;
  huge[1] = 127;
  huge.writeUInt32BE(0, 2);
  huge.writeUInt32BE(MAX_MESSAGE_BYTES + 1, 6);
  const oversized = await rawServer([huge]);
  await until(() => oversized.replies.length === 1);
  assert.equal(oversized.replies[0].payload.readUInt16BE(0), 1009);
  await oversized.done();
  assert.equal(await oversized.seen.closed, 1009);
  assert.deepEqual(oversized.seen.messages, []);
});

Deno.test("NetWebSocket refuses a handshake with a wrong accept value", async () => {
  const server = await rawServer([], "bm90IHRoZSByaWdodCBvbmU=");
  assert.equal(await server.seen.closed, 1006);
  assert.equal(server.seen.opened(), false);
  assert.match(server.seen.errors[0], /not a valid WebSocket handshake/);
  await server.done();
});
