/**
 * Start-up and shutdown as users meet them: bad configuration stops the
 * process before it listens; a graceful restart keeps sequences so clients
 * resume without a gap.
 */
import assert from "node:assert/strict";
import type {
  HelloFrame,
  ServerFrame,
  TickFrame,
} from "../lib/protocol/frames.ts";
import { connectClient } from "./support/ws_client.ts";
import {
  pollUntil,
  startServiceAgainst,
  startStack,
} from "./support/start_stack.ts";

const isTick = (f: ServerFrame): f is TickFrame => f.type === "tick";

Deno.test("lifecycle - invalid configuration exits 1 naming each bad variable, without secrets", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts"],
    cwd: new URL("../", import.meta.url),
    env: {
      PORT: "99999",
      STREAM_HEARTBEAT_DELAY: "0",
      ALLOWED_ORIGIN_PRIMARY: "http://localhost:8000/",
      ADMIN_TOKEN: "short-secret",
      KV_PATH: ":memory:",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, stderr);
  const lines = stderr.trim().split("\n");
  for (
    const name of [
      "PORT",
      "STREAM_HEARTBEAT_DELAY",
      "ALLOWED_ORIGIN_PRIMARY",
      "ADMIN_TOKEN",
    ]
  ) {
    assert.equal(
      lines.filter((line) => line.startsWith(`Invalid configuration: ${name}:`))
        .length,
      1,
      `${name} in:\n${stderr}`,
    );
  }
  assert.equal(
    stderr.includes("short-secret"),
    false,
    "the secret is not printed",
  );
  assert.equal(
    new TextDecoder().decode(output.stdout).includes("Listening"),
    false,
  );
});

Deno.test("lifecycle - a graceful restart keeps the epoch and clients resume with no gap", async () => {
  const kv = await Deno.openKv(":memory:");
  const first = await startStack({ kv });
  let hello: HelloFrame;
  let seen: TickFrame[];
  try {
    const client = await connectClient(`${first.wsUrl}/ws/price/BTC-USDT`);
    hello = await client.waitFor((f): f is HelloFrame => f.type === "hello");
    await client.waitForCount(isTick, 3);
    seen = client.frames.filter(isTick);
    await first.stop({ keepKv: true, keepExchange: true });
    assert.equal((await client.closed).code, 1001);
    seen = client.frames.filter(isTick);
  } catch (error) {
    await first.stop();
    throw error;
  }
  const second = await startServiceAgainst(first.exchange, { kv });
  try {
    assert.equal(second.service.services.hub.epoch, hello.epoch);
    const last = seen.at(-1)!.seq;
    await pollUntil(
      () =>
        (second.service.services.hub.latest("BTC-USDT")?.seq ?? 0) > last + 2,
      "ticks after the restart",
    );
    const resumed = await connectClient(
      `${second.wsUrl}/ws/price/BTC-USDT?since=${last}&epoch=${hello.epoch}`,
    );
    await resumed.waitForCount(isTick, 1);
    const replay = resumed.frames.flatMap((f) =>
      f.type === "batch" ? [...f.frames] : isTick(f) ? [f] : []
    );
    assert.equal(replay[0].seq, last + 1);
    for (let i = 1; i < replay.length; i++) {
      assert.equal(replay[i].seq, replay[i - 1].seq + 1);
    }
    await resumed.close();
  } finally {
    await second.stop();
  }
});
