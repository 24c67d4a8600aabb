import assert from "node:assert/strict";
import { FakeClock } from "../../clock/fake_clock.ts";
import {
  dataSilenceMs,
  isConnectionSilent,
  isPacedTopic,
  silentTopics,
} from "./stream_silence.ts";
import { StreamWatch } from "./stream_watch.ts";

Deno.test("stream silence - a connection is silent from open or last data, with topics only", () => {
  assert.equal(dataSilenceMs(10_000, 1_000, null), 9_000);
  assert.equal(dataSilenceMs(10_000, 1_000, 8_000), 2_000);
  assert.equal(isConnectionSilent(31_000, 1_000, null, 3, 30_000), true);
  assert.equal(isConnectionSilent(30_999, 1_000, null, 3, 30_000), false);
  assert.equal(isConnectionSilent(99_000, 1_000, null, 0, 30_000), false);
});

Deno.test("stream silence - only ticker topics are judged by their pace", () => {
  assert.equal(isPacedTopic("tickers.BTCUSDT"), true);
  assert.equal(isPacedTopic("publicTrade.BTCUSDT"), false);
  assert.equal(isPacedTopic("allLiquidation.BTCUSDT"), false);
  assert.deepEqual(
    silentTopics(
      [
        ["tickers.A", 0],
        ["tickers.B", 1],
        ["publicTrade.A", 0],
        ["allLiquidation.A", 0],
      ],
      300_000,
      300_000,
    ),
    ["tickers.A"],
  );
});

/** A connection with data the test feeds by hand, watched on a fake clock. */
function watched(topics = ["tickers.A", "tickers.B", "publicTrade.A"]) {
  const clock = new FakeClock();
  const openedAt = clock.now();
  let lastData: number | null = null;
  const topicData = new Map(topics.map((t) => [t, openedAt]));
  const silences: number[] = [];
  const silentSets: string[][] = [];
  const watch = new StreamWatch({
    clock,
    dataSilenceMs: 30_000,
    topicSilenceMs: 300_000,
    openedAt: () => openedAt,
    lastDataAt: () => lastData,
    topicCount: () => topicData.size,
    topicsSince: () => topicData.entries(),
    silentConnection: (ms) => silences.push(ms),
    silentTopics: (t) => {
      silentSets.push(t);
      for (const topic of t) topicData.set(topic, clock.now());
    },
  });
  const data = (topic: string) => {
    lastData = clock.now();
    topicData.set(topic, lastData);
  };
  return { clock, watch, data, silences, silentSets, topicData };
}

Deno.test("StreamWatch - a connection with no data for the limit is reported once, at the limit", () => {
  const w = watched();
  w.watch.start();
  w.clock.advance(29_999);
  assert.deepEqual(w.silences, []);
  w.clock.advance(1);
  assert.deepEqual(w.silences, [30_000]);
  w.clock.advance(120_000);
  assert.equal(w.silences.length, 1, "stops watching once reported");
});

Deno.test("StreamWatch - data on any topic restarts the silence count", () => {
  const w = watched();
  w.watch.start();
  w.clock.advance(20_000);
  w.data("publicTrade.A");
  w.clock.advance(29_000);
  assert.deepEqual(w.silences, []);
  w.clock.advance(1_000);
  assert.deepEqual(w.silences, [30_000]);
});

Deno.test("StreamWatch - a ticker topic silent for 5 minutes is resubscribed, the others are not", () => {
  const w = watched();
  w.watch.start();
  // Data keeps the connection alive, but only tickers.B and trades speak.
  for (let t = 0; t < 300_000; t += 10_000) {
    w.clock.advance(10_000);
    w.data("tickers.B");
  }
  assert.deepEqual(w.silences, []);
  assert.deepEqual(w.silentSets, [["tickers.A"]]);
  const sweep = w.watch.topicSweepMs;
  assert.equal(sweep, 60_000);
  // Resubscribed at that moment: judged again only 5 minutes later.
  for (let t = 0; t < 240_000; t += 10_000) {
    w.clock.advance(10_000);
    w.data("tickers.B");
  }
  assert.equal(w.silentSets.length, 1);
  w.watch.stop();
  assert.deepEqual(w.clock.pending(), []);
});

Deno.test("StreamWatch - a connection that follows nothing is never reported", () => {
  const w = watched([]);
  w.watch.start();
  w.clock.advance(600_000);
  assert.deepEqual(w.silences, []);
  assert.ok(w.clock.pending().length <= 2, "no timer storm");
  w.watch.stop();
});
