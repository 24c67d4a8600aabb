import assert from "node:assert/strict";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import { BackfillQueue } from "./backfill_queue.ts";

const spot = (id: string): TrackedSymbol => ({
  id: `${id}-USDT`,
  upstream: `${id}USDT`,
  category: "spot",
});
const perp = (id: string): TrackedSymbol => ({
  id: `${id}-USDT-PERP`,
  upstream: `${id}USDT`,
  category: "linear",
});

/** A queue whose runs wait until the test ends them, recording each. */
function queue(followed: TrackedSymbol[], leading = true) {
  const runs: string[][] = [];
  const finish: (() => void)[] = [];
  let lead = leading;
  let left: (steps: number) => void = () => {};
  const backfill = new BackfillQueue({
    followed,
    leading: () => lead,
    run: (symbols, signal, onLeft) => {
      runs.push(symbols.map((s) => s.id));
      left = onLeft;
      return new Promise<void>((resolve) => {
        finish.push(resolve);
        signal.addEventListener("abort", () => resolve());
      });
    },
  });
  /** Lets the macrotask queue run, so a run can start or end. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    backfill,
    runs,
    settle,
    lead: (value: boolean) => lead = value,
    left: (steps: number) => left(steps),
    endRun: async () => {
      finish.shift()?.();
      await settle();
    },
  };
}

Deno.test("BackfillQueue - the leader fills every followed market, perpetuals too, then each listing in the next run", async () => {
  const q = queue([spot("BTC"), spot("ETH"), perp("BTC")]);
  assert.equal(q.backfill.pending, 0, "nothing queued before it leads");
  q.backfill.fillAll();
  await q.settle();
  assert.deepEqual(q.runs, [["BTC-USDT", "ETH-USDT", "BTC-USDT-PERP"]]);
  assert.equal(q.backfill.pending, 6, "two steps per market");
  q.left(1);
  q.backfill.track([spot("NEW"), perp("NEW"), spot("GONE")]);
  q.backfill.untrack(["GONE-USDT"]);
  assert.equal(
    q.backfill.pending,
    1 + 4,
    "the run's last step, NEW and its perpetual",
  );
  await q.endRun();
  assert.deepEqual(
    q.runs[1],
    ["NEW-USDT", "NEW-USDT-PERP"],
    "listings go to the next run",
  );
  await q.endRun();
  assert.equal(q.backfill.pending, 0);
  q.backfill.track([perp("LATER")]);
  await q.settle();
  assert.deepEqual(q.runs[2], ["LATER-USDT-PERP"], "a new run once idle");
  await q.backfill.stop();
});

Deno.test("BackfillQueue - a follower runs nothing and counts nothing; stop ends the run and what it had", async () => {
  const q = queue([spot("BTC")], false);
  q.backfill.track([spot("NEW")]);
  q.backfill.fillAll();
  await q.settle();
  assert.equal(q.runs.length, 0);
  assert.equal(q.backfill.pending, 0);
  q.lead(true);
  q.backfill.fillAll();
  await q.settle();
  assert.deepEqual(q.runs.map((run) => run.toSorted()), [[
    "BTC-USDT",
    "NEW-USDT",
  ]]);
  await q.backfill.stop();
  assert.equal(q.runs.length, 1, "no run after the stop");
  const none = new BackfillQueue({
    followed: [spot("BTC")],
    leading: () => true,
  });
  none.fillAll();
  assert.equal(none.pending, 0, "no run: no backfill at all");
});
