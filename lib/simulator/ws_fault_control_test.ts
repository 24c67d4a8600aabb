import assert from "node:assert/strict";
import { WsFaultControl } from "./ws_fault_control.ts";

Deno.test("WsFaultControl - a counted fault clears itself after its hits", () => {
  const control = new WsFaultControl();
  assert.deepEqual(control.set({ kind: "refuse" }, { count: 2 }), {
    fault: "refuse",
    remaining: 2,
  });
  assert.ok(control.take("refuse"));
  assert.deepEqual(control.active, { fault: "refuse", remaining: 1 });
  assert.ok(control.take("refuse"));
  assert.equal(control.active, null);
  assert.equal(control.take("refuse"), null);
  assert.deepEqual(control.applied, { refuse: 2 });
});

Deno.test("WsFaultControl - asking for another kind neither hits nor uses it up", () => {
  const control = new WsFaultControl();
  control.set({ kind: "ack-delay", ms: 100 }, { count: 1 });
  assert.equal(control.take("silence"), null);
  assert.deepEqual(control.take("ack-delay"), { kind: "ack-delay", ms: 100 });
  assert.deepEqual(control.applied, { "ack-delay:100": 1 });
});

Deno.test("WsFaultControl - without a count holds until cleared; bad counts throw", () => {
  const control = new WsFaultControl();
  control.set({ kind: "silence" });
  for (let i = 0; i < 5; i++) assert.ok(control.take("silence"));
  assert.deepEqual(control.active, { fault: "silence", remaining: null });
  control.clear();
  assert.equal(control.active, null);
  assert.throws(
    () => control.set({ kind: "close" }, { count: 0 }),
    /count must be a positive integer, got 0/,
  );
});
