import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";

Deno.test("FakeClock - advance fires due timers in time order, ties in the order set", () => {
  const clock = new FakeClock(1_000);
  const fired: string[] = [];
  clock.setTimer(() => fired.push(`b@${clock.now()}`), 20);
  clock.setTimer(() => fired.push(`a@${clock.now()}`), 10);
  clock.setTimer(() => fired.push(`c@${clock.now()}`), 20);
  const cleared = clock.setTimer(() => fired.push("never"), 5);
  clock.clearTimer(cleared);
  assert.deepEqual(clock.pending(), [10, 20, 20]);
  clock.advance(25);
  assert.deepEqual(fired, ["a@1010", "b@1020", "c@1020"]);
  assert.equal(clock.now(), 1_025);
  assert.equal(clock.monotonic(), 25);
  assert.deepEqual(clock.pending(), []);
});

Deno.test("FakeClock - a timer set while advancing fires in the same advance when due", () => {
  const clock = new FakeClock();
  const fired: number[] = [];
  const again = () => {
    fired.push(clock.monotonic());
    clock.setTimer(again, 10);
  };
  clock.setTimer(again, 10);
  clock.advance(35);
  assert.deepEqual(fired, [10, 20, 30]);
  assert.deepEqual(clock.pending(), [5]);
});

Deno.test("FakeClock - lateByMs makes timers set afterwards fire late", () => {
  const clock = new FakeClock();
  const fired: number[] = [];
  clock.setTimer(() => fired.push(clock.monotonic()), 10);
  clock.lateByMs = 7;
  clock.setTimer(() => fired.push(clock.monotonic()), 10);
  clock.advance(20);
  assert.deepEqual(fired, [10, 17]);
});
