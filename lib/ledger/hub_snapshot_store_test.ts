import assert from "node:assert/strict";
import { withKv } from "./test_utils.ts";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { StreamHub } from "../hub/stream_hub.ts";
import {
  saveHubSnapshot,
  snapshotEntries,
  takeHubSnapshot,
} from "./hub_snapshot_store.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT", "SOL-USDT", "1000SATS-USDT"];

function tick(symbol: string, price: number): AnalyzedTick {
  return {
    symbol,
    price,
    high: price * 1.05,
    low: price * 0.95,
    volume: 123_456_789.123456,
    change: -1.2345,
    spread: 10.526315789473685,
    is_whale: true,
    whale_alert: false,
    whale_threshold: 50_000_000,
    tier: "ELEVATED",
    range_position: 50,
    velocity: 0.000123456789,
    upstream_ts: 1_700_000_000_000,
    source: "rest",
  };
}

function hubWith(ticksPerSymbol: number, historySize = 300): StreamHub {
  const clock = new FakeClock(1_700_000_000_000);
  const hub = new StreamHub({
    symbols: SYMBOLS,
    historySize,
    epoch: "epoch-7",
    clock,
  });
  for (let i = 0; i < ticksPerSymbol; i++) {
    hub.publishTicks(SYMBOLS.map((s) => tick(s, 20_000 + i / 7)));
    clock.advance(1);
  }
  return hub;
}

Deno.test("hub snapshot - none saved reads as undefined", async () => {
  await withKv(async (kv) => {
    assert.equal(await takeHubSnapshot(kv), undefined);
  });
});

Deno.test("hub snapshot - round trip keeps epoch, frames and encodings", async () => {
  await withKv(async (kv) => {
    const hub = hubWith(12);
    const saved = hub.snapshot();
    await saveHubSnapshot(kv, saved);
    const taken = await takeHubSnapshot(kv);
    assert.ok(taken);
    assert.equal(taken.epoch, "epoch-7");
    assert.deepEqual(taken, saved);
  });
});

Deno.test("hub snapshot - a restored hub continues seq in the same epoch", async () => {
  await withKv(async (kv) => {
    await saveHubSnapshot(kv, hubWith(5).snapshot());
    const restored = new StreamHub(
      { symbols: SYMBOLS, historySize: 300 },
      await takeHubSnapshot(kv),
    );
    assert.equal(restored.epoch, "epoch-7");
    restored.publishTicks([tick("BTC-USDT", 1)]);
    assert.equal(restored.latest("BTC-USDT")?.seq, 6);
    assert.deepEqual(
      restored.history("ETH-USDT").map((t) => t.seq),
      [1, 2, 3, 4, 5],
    );
  });
});

Deno.test("hub snapshot - it is deleted once taken", async () => {
  await withKv(async (kv) => {
    await saveHubSnapshot(kv, hubWith(3).snapshot());
    assert.ok(await takeHubSnapshot(kv));
    assert.equal(await takeHubSnapshot(kv), undefined);
    const left = await Array.fromAsync(kv.list({ prefix: [] }));
    assert.deepEqual(left, []);
  });
});

Deno.test("hub snapshot - 300 entries per symbol (more than one KV value) round-trip", async () => {
  await withKv(async (kv) => {
    const saved = hubWith(320).snapshot();
    assert.equal(saved.channels["BTC-USDT"].length, 300);
    const oneValue = JSON.stringify(
      saved.channels["BTC-USDT"].map((e) => e.frame),
    );
    assert.ok(oneValue.length > 65_536, "the test must exceed one KV value");
    await saveHubSnapshot(kv, saved);
    const taken = await takeHubSnapshot(kv);
    assert.ok(taken);
    for (const symbol of SYMBOLS) {
      assert.deepEqual(
        taken.channels[symbol].map((e) => e.seq),
        Array.from({ length: 300 }, (_, i) => 21 + i),
        symbol,
      );
    }
    assert.deepEqual(taken, saved);
  });
});

Deno.test("hub snapshot - saving replaces an earlier snapshot entirely", async () => {
  await withKv(async (kv) => {
    await saveHubSnapshot(kv, hubWith(120).snapshot());
    const small = {
      epoch: "epoch-8",
      channels: { "BTC-USDT": hubWith(2).snapshot().channels["BTC-USDT"] },
    };
    await saveHubSnapshot(kv, small);
    const taken = await takeHubSnapshot(kv);
    assert.ok(taken);
    assert.equal(taken.epoch, "epoch-8");
    assert.deepEqual(Object.keys(taken.channels), ["BTC-USDT"]);
    assert.deepEqual(taken.channels["BTC-USDT"].map((e) => e.seq), [1, 2]);
  });
});

Deno.test("hub snapshot - a save that fails part-way leaves no snapshot to restore", async () => {
  await withKv(async (kv) => {
    // A KV that loses the write of one history chunk, as in a crash mid-save.
    let writes = 0;
    const failing = {
      list: kv.list.bind(kv),
      set: kv.set.bind(kv),
      atomic: () => {
        const op = kv.atomic();
        const set = op.set.bind(op);
        op.set = (key: Deno.KvKey, value: unknown) => {
          if (key.includes("channel") && ++writes === 3) {
            throw new Error("Disk full");
          }
          return set(key, value);
        };
        return op;
      },
    } as unknown as Deno.Kv;
    await assert.rejects(
      () => saveHubSnapshot(failing, hubWith(120).snapshot()),
      /Disk full/,
    );
    assert.equal(await takeHubSnapshot(kv), undefined);
  });
});

Deno.test("hub snapshot - entries are saved and restored as their encoding, never decoded", async () => {
  await withKv(async (kv) => {
    const encoded =
      '{"type":"tick","symbol":"BTC-USDT","seq":7,"ts":5,"price":1}';
    const entry = {
      seq: 7,
      encoded,
      get frame(): never {
        throw new Error("decoded");
      },
    };
    await saveHubSnapshot(kv, {
      epoch: "e",
      channels: { "BTC-USDT": [entry] },
    });
    const taken = (await takeHubSnapshot(kv))!;
    assert.equal(taken.channels["BTC-USDT"][0].encoded, encoded);
    assert.deepEqual(snapshotEntries(taken)["BTC-USDT"], [
      { channel: "BTC-USDT", seq: 7, data: '{"ts":5,"price":1}' },
    ]);
  });
});
