import assert from "node:assert/strict";
import { summarizeHeap } from "./page_soak.ts";

const MB = 1024 * 1024;

Deno.test("summarizeHeap - measures from the end of the warm-up minute, flat within 2 MB", () => {
  const summary = summarizeHeap([
    { minute: 0, usedBytes: 3 * MB },
    { minute: 1, usedBytes: 8 * MB },
    { minute: 5, usedBytes: 9.5 * MB },
    { minute: 10, usedBytes: 9 * MB },
  ]);
  assert.deepEqual(summary, {
    firstMb: 8,
    lastMb: 9,
    maxMb: 9.5,
    deltaMb: 1,
    flat: true,
  });
  assert.equal(
    summarizeHeap([{ minute: 1, usedBytes: 8 * MB }, {
      minute: 10,
      usedBytes: 11 * MB,
    }]).flat,
    false,
  );
  assert.throws(() => summarizeHeap([]), RangeError);
});
