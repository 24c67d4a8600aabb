import assert from "node:assert/strict";
import { inLanes } from "./in_lanes.ts";

/** Work whose items finish only when the test lets them, one at a time. */
function gated() {
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const done: number[] = [];
  return {
    done,
    get most() {
      return most;
    },
    work: async (item: number) => {
      most = Math.max(most, ++inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      done.push(item);
    },
    /** Lets the oldest waiting item finish; false when none waits. */
    release: async () => {
      const next = waiting.shift();
      next?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
      return next !== undefined;
    },
  };
}

Deno.test("inLanes - every item once, never more than `lanes` at a time", async () => {
  const gate = gated();
  const running = inLanes([0, 1, 2, 3, 4, 5, 6], 3, gate.work);
  while (await gate.release());
  await running;
  assert.equal(gate.most, 3);
  assert.deepEqual([...gate.done].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("inLanes - stops taking items once stopped; at least one lane", async () => {
  const gate = gated();
  let stop = false;
  const running = inLanes([0, 1, 2, 3], 0, gate.work, () => stop);
  await gate.release();
  stop = true;
  while (await gate.release());
  await running;
  assert.equal(gate.most, 1, "lanes 0 runs one");
  assert.deepEqual(gate.done, [0, 1], "the item in flight finishes, no more");
});
