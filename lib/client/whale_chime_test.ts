import assert from "node:assert/strict";
import {
  type AudioContextLike,
  type ChimeState,
  WhaleChime,
} from "./whale_chime.ts";

/** An AudioContext that starts suspended and runs once resumed, if allowed. */
function fakeContext(allowed: { value: boolean }) {
  const context = {
    state: "suspended" as AudioContextState,
    onstatechange: null as ((this: BaseAudioContext, ev: Event) => void) | null,
    resume() {
      if (allowed.value) {
        context.state = "running";
        context.onstatechange?.call(context as never, new Event("statechange"));
      }
      return Promise.resolve();
    },
  };
  return context as unknown as AudioContextLike;
}

Deno.test("WhaleChime - turned on by a click it is on at once", async () => {
  const states: ChimeState[] = [];
  const chime = new WhaleChime(
    () => fakeContext({ value: true }),
    (s) => states.push(s),
  );
  chime.setEnabled(true);
  await Promise.resolve();
  assert.equal(chime.state, "on");
  assert.ok(states.includes("on"));
});

Deno.test("WhaleChime - restored without a gesture it is locked, and on after the first gesture", async () => {
  let created = 0;
  const allowed = { value: false };
  const states: ChimeState[] = [];
  const chime = new WhaleChime(() => {
    created++;
    return fakeContext(allowed);
  }, (s) => states.push(s));
  chime.setEnabled(true, false);
  assert.equal(chime.state, "locked");
  assert.equal(created, 0, "no AudioContext before a gesture");
  allowed.value = true;
  chime.unlock();
  await Promise.resolve();
  assert.equal(chime.state, "on");
  assert.deepEqual(states.at(-1), "on");
});

Deno.test("WhaleChime - a browser that still refuses audio keeps it locked", async () => {
  const chime = new WhaleChime(() => fakeContext({ value: false }));
  chime.setEnabled(true);
  await Promise.resolve();
  assert.equal(chime.state, "locked");
  chime.setEnabled(false);
  assert.equal(chime.state, "off");
});
