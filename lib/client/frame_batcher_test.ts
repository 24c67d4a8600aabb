import assert from "node:assert/strict";
import { FrameBatcher, type Schedule } from "./frame_batcher.ts";
import { FakeClock } from "../clock/fake_clock.ts";

function manualSchedule() {
  const pending = new Set<() => void>();
  const schedule: Schedule = (callback) => {
    pending.add(callback);
    return () => pending.delete(callback);
  };
  const runFrame = () => {
    const callbacks = [...pending];
    pending.clear();
    for (const callback of callbacks) callback();
  };
  return { schedule, runFrame, pending };
}

Deno.test("FrameBatcher - hands over everything pushed in a frame at once", () => {
  const frames = manualSchedule();
  const flushed: number[][] = [];
  const batcher = new FrameBatcher<number>((items) => flushed.push(items), {
    schedule: frames.schedule,
  });
  for (let i = 0; i < 80; i++) batcher.push(i);
  assert.equal(frames.pending.size, 1, "one flush scheduled");
  frames.runFrame();
  assert.equal(flushed.length, 1);
  assert.equal(flushed[0].length, 80);
  frames.runFrame();
  assert.equal(flushed.length, 1, "nothing new, no flush");
});

Deno.test("FrameBatcher - a full queue flushes without waiting for a frame", () => {
  const frames = manualSchedule();
  const flushed: number[][] = [];
  const batcher = new FrameBatcher<number>((items) => flushed.push(items), {
    schedule: frames.schedule,
    maxQueue: 3,
  });
  [1, 2, 3, 4].forEach((n) => batcher.push(n));
  assert.deepEqual(flushed, [[1, 2, 3]]);
  frames.runFrame();
  assert.deepEqual(flushed, [[1, 2, 3], [4]]);
});

Deno.test("FrameBatcher - dispose cancels the pending flush", () => {
  const frames = manualSchedule();
  const flushed: number[][] = [];
  const batcher = new FrameBatcher<number>((items) => flushed.push(items), {
    schedule: frames.schedule,
  });
  batcher.push(1);
  batcher.dispose();
  assert.equal(frames.pending.size, 0);
  frames.runFrame();
  assert.deepEqual(flushed, []);
});

Deno.test("FrameBatcher - flushes at most once per minimum interval", () => {
  const frames = manualSchedule();
  const clock = new FakeClock(1_000);
  const flushed: number[][] = [];
  const batcher = new FrameBatcher<number>((items) => flushed.push(items), {
    schedule: frames.schedule,
    minIntervalMs: 100,
    clock,
  });
  batcher.push(1);
  frames.runFrame();
  assert.deepEqual(flushed, [[1]]);
  batcher.push(2);
  batcher.push(3);
  frames.runFrame();
  assert.equal(flushed.length, 1, "too soon: waits for the interval");
  clock.advance(99);
  frames.runFrame();
  assert.equal(flushed.length, 1);
  clock.advance(1);
  frames.runFrame();
  assert.deepEqual(flushed, [[1], [2, 3]]);
  batcher.push(4);
  batcher.dispose();
  assert.equal(clock.pending().length, 0, "dispose clears the interval timer");
});
