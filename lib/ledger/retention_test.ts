import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { PruneOptions, PruneResult } from "./alert_trail.ts";
import { RetentionSweeper } from "./retention.ts";

/** A store whose prune reports what it was asked and answers from a script. */
function scriptedStore(results: PruneResult[]) {
  const calls: PruneOptions[] = [];
  return {
    calls,
    prune: (options: PruneOptions): Promise<PruneResult> => {
      calls.push(options);
      const result = results.shift();
      return result
        ? Promise.resolve(result)
        : Promise.reject(new Error("KV unavailable"));
    },
  };
}

Deno.test("RetentionSweeper - runs at start, then every interval, with the limits", async () => {
  const clock = new FakeClock();
  const store = scriptedStore([
    { deleted: 0, more: false },
    { deleted: 3, more: false },
  ]);
  const pruned: PruneResult[] = [];
  const sweeper = new RetentionSweeper({
    store,
    maxAgeMs: 86_400_000,
    maxCount: 1_000,
    intervalMs: 60_000,
    maxDeletesPerRun: 50,
    clock,
    onPruned: (r) => pruned.push(r),
  });
  sweeper.start();
  clock.advance(0);
  await sweeper.idle();
  assert.deepEqual(store.calls[0], {
    now: clock.now(),
    maxAgeMs: 86_400_000,
    maxCount: 1_000,
    maxDeletes: 50,
  });
  assert.deepEqual(clock.pending(), [60_000]);
  clock.advance(59_999);
  assert.equal(store.calls.length, 1);
  clock.advance(1);
  await sweeper.idle();
  assert.deepEqual(pruned, [{ deleted: 3, more: false }]);
  await sweeper.stop();
  assert.deepEqual(clock.pending(), [], "no timer left after stop");
});

Deno.test("RetentionSweeper - a backlog is worked off at the catch-up pace", async () => {
  const clock = new FakeClock();
  const store = scriptedStore([
    { deleted: 1_000, more: true },
    { deleted: 10, more: false },
  ]);
  const sweeper = new RetentionSweeper({
    store,
    maxAgeMs: 1,
    maxCount: 1,
    catchUpMs: 1_000,
    clock,
  });
  sweeper.start();
  clock.advance(0);
  await sweeper.idle();
  assert.deepEqual(clock.pending(), [1_000]);
  clock.advance(1_000);
  await sweeper.idle();
  assert.deepEqual(clock.pending(), [60_000]);
  await sweeper.stop();
});

Deno.test("RetentionSweeper - a failed run is reported and the next one still comes", async () => {
  const clock = new FakeClock();
  const store = scriptedStore([]);
  const errors: unknown[] = [];
  const sweeper = new RetentionSweeper({
    store,
    maxAgeMs: 1,
    maxCount: 1,
    clock,
    onError: (e) => errors.push(e),
  });
  sweeper.start();
  clock.advance(0);
  await sweeper.idle();
  assert.equal(errors.length, 1);
  assert.deepEqual(clock.pending(), [60_000]);
  await sweeper.stop();
});

Deno.test("RetentionSweeper - stop waits for the run in flight and schedules nothing after it", async () => {
  const clock = new FakeClock();
  let finish!: (r: PruneResult) => void;
  let finished = false;
  const sweeper = new RetentionSweeper({
    store: {
      prune: () =>
        new Promise<PruneResult>((resolve) => finish = resolve).finally(() =>
          finished = true
        ),
    },
    maxAgeMs: 1,
    maxCount: 1,
    clock,
  });
  sweeper.start();
  clock.advance(0);
  const stopped = sweeper.stop();
  finish({ deleted: 0, more: true });
  await stopped;
  assert.equal(finished, true);
  assert.deepEqual(clock.pending(), []);
});

Deno.test("RetentionSweeper - bad options are refused naming the field", () => {
  const store = scriptedStore([]);
  assert.throws(
    () => new RetentionSweeper({ store, maxAgeMs: 0, maxCount: 1 }),
    /maxAgeMs/,
  );
  assert.throws(
    () => new RetentionSweeper({ store, maxAgeMs: 1, maxCount: NaN }),
    /maxCount/,
  );
  assert.throws(
    () =>
      new RetentionSweeper({ store, maxAgeMs: 1, maxCount: 1, intervalMs: -1 }),
    /intervalMs/,
  );
});
