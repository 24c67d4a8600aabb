import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { DEFAULT_FANOUT_GOVERNOR } from "../hub/fanout_governor.ts";
import {
  type GovernedHub,
  GOVERNOR_PERIOD_MS,
  startFanoutGovernor,
} from "./fanout_governor_loop.ts";

/** A hub that records the intervals set and the flushes asked for. */
class RecordingHub implements GovernedHub {
  fanoutIntervalMs = 0;
  flushes = 0;
  flushHeld(): void {
    this.flushes++;
  }
}

/**
 * Starts the loop and lets one firing happen per entry of `lateness`, each
 * that many ms late; returns the hub's interval after each firing. A timer's
 * lateness is fixed when it is armed, and each firing arms the next, so the
 * clock is told the following entry's lateness before each firing.
 */
function governed(lateness: readonly number[]) {
  const clock = new FakeClock();
  const hub = new RecordingHub();
  const logs: string[] = [];
  clock.lateByMs = lateness[0] ?? 0;
  const loop = startFanoutGovernor(
    hub,
    { info: (message: string) => void logs.push(message) },
    clock,
  );
  const intervals: number[] = [];
  for (let i = 0; i < lateness.length; i++) {
    clock.lateByMs = lateness[i + 1] ?? 0;
    clock.advance(clock.pending()[0]);
    intervals.push(hub.fanoutIntervalMs);
  }
  return { clock, hub, logs, loop, intervals };
}

const OVERLOADED = 2 * DEFAULT_FANOUT_GOVERNOR.overloadLagMs;
const late = (n: number) => new Array<number>(n).fill(OVERLOADED);
const onTime = (n: number) => new Array<number>(n).fill(0);

Deno.test("startFanoutGovernor - late firings raise the hub's fan-out interval", () => {
  const h = governed([0, ...late(6)]);
  assert.deepEqual(
    h.intervals,
    [0, 0, 0, 0, 100, 200, 400],
    "the smoothed lag crosses the mark on the fourth late firing, then doubles",
  );
  assert.deepEqual(h.logs, ["Event loop late: thinning broadcasts"]);
  assert.equal(h.hub.flushes, 7, "every firing sends the held ticks");
  h.loop.stop();
});

Deno.test("startFanoutGovernor - on-time firings bring the interval back to 0", () => {
  const h = governed([0, ...late(8), ...onTime(40)]);
  const recovering = h.intervals.slice(9);
  assert.ok(h.intervals[8] > 0);
  assert.equal(recovering.at(-1), 0);
  assert.deepEqual(
    recovering.filter((ms, i) => ms > (recovering[i - 1] ?? h.intervals[8])),
    [],
    "it only shrinks",
  );
  assert.deepEqual(h.logs, [
    "Event loop late: thinning broadcasts",
    "Event loop on time: broadcasting every tick",
  ]);
  h.loop.stop();
});

Deno.test("startFanoutGovernor - the first firing's lateness does not count", () => {
  const h = governed([10_000, ...late(4)]);
  assert.deepEqual(
    h.intervals,
    governed([0, ...late(4)]).intervals,
    "as after an on-time first firing",
  );
  assert.deepEqual(h.intervals, [0, 0, 0, 0, 100]);
  h.loop.stop();
});

Deno.test("startFanoutGovernor - samples every period; stop() cancels and keeps the interval", () => {
  const h = governed([]);
  assert.deepEqual(h.clock.pending(), [GOVERNOR_PERIOD_MS]);
  h.loop.stop();
  const g = governed([0, ...late(4)]);
  g.loop.stop();
  assert.deepEqual(g.clock.pending(), []);
  g.clock.advance(10_000);
  assert.equal(g.hub.fanoutIntervalMs, 100);
  assert.equal(g.hub.flushes, 5);
});
