/**
 * The stream sockets against a real service and simulator over loopback:
 * ordering, replay on join, gapless resume and reset, multiplexing.
 */
import assert from "node:assert/strict";
import type {
  BatchFrame,
  HelloFrame,
  ResetFrame,
  ServerFrame,
  TickFrame,
} from "../lib/protocol/frames.ts";
import { connectClient } from "./support/ws_client.ts";
import { pollUntil, startStack } from "./support/start_stack.ts";
import { layerTest } from "./support/layer_test.ts";

const isTick = (f: ServerFrame): f is TickFrame => f.type === "tick";
const isBatch = (f: ServerFrame): f is BatchFrame => f.type === "batch";
const isHello = (f: ServerFrame): f is HelloFrame => f.type === "hello";
const ticksOf = (frames: ServerFrame[], symbol: string) =>
  frames.flatMap((f) =>
    isTick(f) && f.symbol === symbol
      ? [f]
      : isBatch(f) && f.symbol === symbol
      ? [...f.frames]
      : []
  );

function assertConsecutive(ticks: readonly TickFrame[]) {
  for (let i = 1; i < ticks.length; i++) {
    assert.equal(
      ticks[i].seq,
      ticks[i - 1].seq + 1,
      `seq ${ticks[i - 1].seq} followed by ${ticks[i].seq}`,
    );
  }
}

layerTest(
  "stream - ticks arrive in order with increasing seq and the full payload",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    try {
      await pollUntil(
        () => stack.service.services.diagnostics().simulated,
        "the first upstream answer",
      );
      const client = await connectClient(`${stack.wsUrl}/ws/price/BTC-USDT`);
      const hello = await client.waitFor(isHello);
      assert.deepEqual(hello.symbols, ["BTC-USDT"]);
      assert.equal(hello.simulated, true);
      await client.waitForCount(isTick, 5);
      const ticks = ticksOf(client.frames, "BTC-USDT");
      assertConsecutive(ticks);
      const tick = client.frames.find(isTick)!;
      for (
        const field of [
          "price",
          "high",
          "low",
          "volume",
          "change",
          "spread",
          "whale_threshold",
          "range_position",
          "velocity",
          "ts",
          "upstream_ts",
        ] as const
      ) {
        assert.equal(typeof tick[field], "number", field);
        assert.ok(Number.isFinite(tick[field]), field);
      }
      assert.equal(typeof tick.is_whale, "boolean");
      assert.equal(typeof tick.whale_alert, "boolean");
      assert.equal(tick.symbol, "BTC-USDT");
      assert.equal(tick.source, "simulator");
      assert.ok(["STABLE", "ACTIVE", "ELEVATED"].includes(tick.tier));
      await client.close();
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream - a joining client gets history then live ticks with no duplicate or gap",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    try {
      const first = await connectClient(`${stack.wsUrl}/ws/price/ETH-USDT`);
      await first.waitForCount(isTick, 6);
      const second = await connectClient(`${stack.wsUrl}/ws/price/eth-usdt`);
      const batch = await second.waitFor(isBatch);
      assert.equal(batch.symbol, "ETH-USDT");
      assert.ok(batch.frames.length >= 6, `history of ${batch.frames.length}`);
      await second.waitForCount(isTick, 3);
      const ticks = ticksOf(second.frames, "ETH-USDT");
      assertConsecutive(ticks);
      assert.equal(ticks[0].seq, 1, "history starts at the first tick");
      await Promise.all([first.close(), second.close()]);
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream - resume with since delivers exactly the missed ticks",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    try {
      const client = await connectClient(`${stack.wsUrl}/ws/price/SOL-USDT`);
      const hello = await client.waitFor(isHello);
      await client.waitForCount(isTick, 3);
      await client.close();
      const seen = ticksOf(client.frames, "SOL-USDT");
      const lastSeen = seen[seen.length - 1].seq;
      await pollUntil(
        () =>
          (stack.service.services.hub.latest("SOL-USDT")?.seq ?? 0) >=
            lastSeen + 5,
        "five ticks published while disconnected",
      );
      const resumed = await connectClient(
        `${stack.wsUrl}/ws/price/SOL-USDT?since=${lastSeen}&epoch=${hello.epoch}`,
      );
      const batch = await resumed.waitFor(isBatch);
      assert.equal(
        batch.frames[0].seq,
        lastSeen + 1,
        "replay starts right after since",
      );
      await resumed.waitForCount(isTick, 2);
      const all = [...seen, ...ticksOf(resumed.frames, "SOL-USDT")];
      assertConsecutive(all);
      assert.equal(resumed.frames.some((f) => f.type === "reset"), false);
      await resumed.close();
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream - a resume point older than the history gets a reset then the latest snapshot",
  async (layer) => {
    const stack = await startStack({
      socketLayer: layer,
      env: { HISTORY_SIZE: "5" },
    });
    try {
      await pollUntil(
        () => (stack.service.services.hub.latest("BTC-USDT")?.seq ?? 0) > 12,
        "more ticks than the history holds",
      );
      const client = await connectClient(
        `${stack.wsUrl}/ws/price/BTC-USDT?since=2&epoch=${stack.service.services.hub.epoch}`,
      );
      const reset = await client.waitFor((f): f is ResetFrame =>
        f.type === "reset"
      );
      assert.equal(reset.reason, "too-old");
      const index = client.frames.indexOf(reset);
      const snapshot = client.frames[index + 1];
      assert.equal(snapshot?.type, "tick");
      assert.equal((snapshot as TickFrame).seq, reset.seq);
      await client.close();

      const otherEpoch = await connectClient(
        `${stack.wsUrl}/ws/price/BTC-USDT?since=10&epoch=some-older-run`,
      );
      const epochReset = await otherEpoch.waitFor((f): f is ResetFrame =>
        f.type === "reset"
      );
      assert.equal(epochReset.reason, "epoch-changed");
      await otherEpoch.close();
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "stream - one multiplexed socket serves several symbols with per-symbol resume",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    try {
      const client = await connectClient(
        `${stack.wsUrl}/ws/stream?symbols=BTC-USDT,1000SATS-USDT`,
      );
      const hello = await client.waitFor(isHello);
      assert.deepEqual(hello.symbols, ["BTC-USDT", "1000SATS-USDT"]);
      await client.waitForCount(
        (f) => isTick(f) && f.symbol === "1000SATS-USDT",
        3,
      );
      await client.waitForCount((f) => isTick(f) && f.symbol === "BTC-USDT", 3);
      assert.equal(
        client.frames.some((f) =>
          isTick(f) && !["BTC-USDT", "1000SATS-USDT"].includes(f.symbol)
        ),
        false,
      );
      assertConsecutive(ticksOf(client.frames, "BTC-USDT"));
      assertConsecutive(ticksOf(client.frames, "1000SATS-USDT"));
      await client.close();
      const btc = ticksOf(client.frames, "BTC-USDT").at(-1)!.seq;
      const sats = ticksOf(client.frames, "1000SATS-USDT").at(-1)!.seq;
      const resumed = await connectClient(
        `${stack.wsUrl}/ws/stream?symbols=BTC-USDT,1000SATS-USDT&since=BTC-USDT:${btc},1000SATS-USDT:${sats}&epoch=${hello.epoch}`,
      );
      await resumed.waitForCount(
        (f) => isTick(f) && f.symbol === "BTC-USDT",
        2,
      );
      assertConsecutive([
        ...ticksOf(client.frames, "BTC-USDT"),
        ...ticksOf(resumed.frames, "BTC-USDT"),
      ]);
      await resumed.close();
    } finally {
      await stack.stop();
    }
  },
);
