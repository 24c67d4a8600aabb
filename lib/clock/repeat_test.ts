import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";
import { repeatEvery } from "./repeat.ts";

Deno.test("repeatEvery - fires every period until stopped", () => {
  const clock = new FakeClock();
  const fired: number[] = [];
  const repeating = repeatEvery(
    clock,
    100,
    () => fired.push(clock.monotonic()),
  );
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(251);
  assert.deepEqual(fired, [100, 200, 300]);
  repeating.stop();
  repeating.stop();
  clock.advance(1_000);
  assert.deepEqual(fired, [100, 200, 300]);
  assert.deepEqual(clock.pending(), []);
});

Deno.test("repeatEvery - reports how late each firing is", () => {
  const clock = new FakeClock();
  const lateness: number[] = [];
  const repeating = repeatEvery(clock, 50, (ms) => lateness.push(ms));
  clock.lateByMs = 30; // from the second firing on
  clock.advance(50);
  clock.advance(80);
  clock.lateByMs = 0; // from the fourth firing on
  clock.advance(80);
  clock.advance(50);
  assert.deepEqual(lateness, [0, 30, 30, 0]);
  repeating.stop();
});

Deno.test("repeatEvery - a throwing callback does not end the repetition", () => {
  const clock = new FakeClock();
  let calls = 0;
  const repeating = repeatEvery(clock, 10, () => {
    calls++;
    throw new Error("callback bug");
  });
  assert.throws(() => clock.advance(10), /callback bug/);
  assert.throws(() => clock.advance(10), /callback bug/);
  assert.equal(calls, 2);
  repeating.stop();
  assert.deepEqual(clock.pending(), []);
});

Deno.test("repeatEvery - rejects a period that is not positive", () => {
  const clock = new FakeClock();
  for (const bad of [0, -1, NaN, Infinity]) {
    assert.throws(() => repeatEvery(clock, bad, () => {}), /periodMs/);
  }
});
