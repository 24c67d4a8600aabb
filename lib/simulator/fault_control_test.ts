import assert from "node:assert/strict";
import { FaultControl } from "./fault_control.ts";

const HTTP503 = { kind: "http503" } as const;
const MALFORMED = { kind: "malformed" } as const;

Deno.test("FaultControl - no standing fault answers normally", () => {
  const control = new FaultControl(1);
  assert.equal(control.active, null);
  assert.equal(control.take(), null);
  assert.deepEqual(control.applied, {});
});

Deno.test("FaultControl - a count hits that many requests, then clears", () => {
  const control = new FaultControl(1);
  assert.deepEqual(control.set(HTTP503, { count: 2 }), {
    fault: "http503",
    remaining: 2,
    rate: 1,
  });
  assert.deepEqual(control.take(), HTTP503);
  assert.equal(control.active?.remaining, 1);
  assert.deepEqual(control.take(), HTTP503);
  assert.equal(control.active, null);
  assert.equal(control.take(), null);
  assert.deepEqual(control.applied, { http503: 2 });
});

Deno.test("FaultControl - without a count the fault stands until cleared", () => {
  const control = new FaultControl(1);
  control.set(HTTP503);
  for (let i = 0; i < 5; i++) assert.deepEqual(control.take(), HTTP503);
  assert.equal(control.active?.remaining, null);
  control.clear();
  assert.equal(control.take(), null);
});

Deno.test("FaultControl - a fault named on the request wins and spends no count", () => {
  const control = new FaultControl(1);
  control.set(HTTP503, { count: 1 });
  assert.deepEqual(control.take(MALFORMED), MALFORMED);
  assert.equal(control.active?.remaining, 1);
  assert.deepEqual(control.applied, { malformed: 1 });
});

Deno.test("FaultControl - a rate hits about that share, the same way per seed", () => {
  const run = (seed: number) => {
    const control = new FaultControl(seed);
    control.set(HTTP503, { rate: 0.3 });
    return Array.from({ length: 1_000 }, () => control.take() !== null);
  };
  const hits = run(9).filter(Boolean).length;
  assert.ok(hits > 240 && hits < 360, `hits ${hits}`);
  assert.deepEqual(run(9), run(9));
  assert.notDeepEqual(run(9), run(10));
  const never = new FaultControl(1);
  never.set(HTTP503, { rate: 0 });
  for (let i = 0; i < 100; i++) assert.equal(never.take(), null);
});

Deno.test("FaultControl - rejects a bad count or rate naming it", () => {
  const control = new FaultControl(1);
  assert.throws(() => control.set(HTTP503, { count: 0 }), /count/);
  assert.throws(() => control.set(HTTP503, { count: 1.5 }), /count/);
  assert.throws(() => control.set(HTTP503, { rate: 1.1 }), /rate/);
  assert.throws(() => control.set(HTTP503, { rate: NaN }), /rate/);
  assert.equal(control.active, null);
});
