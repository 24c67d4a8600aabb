import assert from "node:assert/strict";
import type { Clock } from "../clock/clock.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { analyzedTick } from "../hub/test_utils.ts";
import { IntakeMeter } from "./intake_meter.ts";

Deno.test("IntakeMeter - nothing measured before the first cycle", () => {
  const meter = new IntakeMeter(new FakeClock());
  assert.deepEqual(meter.metrics(), {
    tick_age_ms: { p50: null, p99: null, max: null },
    cycle_handling_ms: { p50: null, p99: null, max: null },
    cycles_total: 0,
  });
});

Deno.test("IntakeMeter - ages each tick from its exchange time, and times the handling of its cycle", () => {
  const clock = new FakeClock();
  const meter = new IntakeMeter(clock);
  const at = (ageMs: number) => ({
    ...analyzedTick("BTC-USDT"),
    upstream_ts: clock.now() - ageMs,
  });
  const handled: number[] = [];
  meter.take([at(10), at(30), at(20)], () => {
    handled.push(3);
    clock.advance(7);
  });
  meter.take([at(5)], () => {
    handled.push(1);
    clock.advance(2);
  });
  assert.deepEqual(handled, [3, 1]);
  assert.deepEqual(meter.metrics(), {
    tick_age_ms: { p50: 20, p99: 30, max: 30 },
    cycle_handling_ms: { p50: 7, p99: 7, max: 7 },
    cycles_total: 2,
  });
});

Deno.test("IntakeMeter - a handler that throws is still timed, and the error reaches the caller", () => {
  const clock = new FakeClock();
  const meter = new IntakeMeter(clock);
  assert.throws(
    () =>
      meter.take([analyzedTick("BTC-USDT")], () => {
        clock.advance(4);
        throw new Error("boom");
      }),
    /boom/,
  );
  assert.equal(meter.metrics().cycles_total, 1);
  assert.equal(meter.metrics().cycle_handling_ms.max, 4);
});

Deno.test("IntakeMeter - handling times to a hundredth of a millisecond", () => {
  let monotonic = 0;
  const clock: Clock = {
    now: () => 0,
    monotonic: () => monotonic,
    setTimer: () => 0,
    clearTimer: () => {},
  };
  const meter = new IntakeMeter(clock);
  meter.take([], () => monotonic += 7.566543);
  assert.equal(meter.metrics().cycle_handling_ms.max, 7.57);
});
