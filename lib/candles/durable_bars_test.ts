import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { noClosedBars } from "./candle_book.ts";
import { MemoryCandleStore } from "./candle_store.ts";
import { DurableBars } from "./durable_bars.ts";
import { testBar } from "./test_utils.ts";

/** Bars closed in one second: a 1 s bar starting at `t`. */
function second(t: number) {
  const closed = noClosedBars();
  closed["1s"].push(testBar(t));
  return closed;
}

Deno.test("DurableBars - a symbol nobody reads holds no tickets for writes already done", async () => {
  const bars = new DurableBars({
    store: new MemoryCandleStore(),
    clock: new FakeClock(0),
  });
  for (let s = 0; s < 1_000; s++) {
    bars.persist("QUIET-USDT", second(s * 1_000), (s + 1) * 1_000);
    if (s % 10 === 9) await bars.drained();
  }
  await bars.drained();
  assert.ok(
    bars.heldTickets <= 10,
    `${bars.heldTickets} tickets held for a symbol never read`,
  );
  assert.equal(bars.durableThrough("QUIET-USDT"), 1_000_000);
  assert.equal(bars.heldTickets, 0);
});

Deno.test("DurableBars - bars are durable through a time only once their write is done", async () => {
  let release: () => void = () => {};
  const store = new MemoryCandleStore();
  const put = store.put.bind(store);
  store.put = async (written) => {
    await new Promise<void>((resolve) => release = resolve);
    await put(written);
  };
  const bars = new DurableBars({ store, clock: new FakeClock(0) });
  bars.persist("BTC-USDT", second(0), 1_000);
  assert.equal(bars.durableThrough("BTC-USDT"), -Infinity, "in flight");
  release();
  await bars.drained();
  assert.equal(bars.durableThrough("BTC-USDT"), 1_000);
});
