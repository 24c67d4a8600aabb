import assert from "node:assert/strict";
import { type HistoryWindow, planResume } from "./resume_plan.ts";

// History holds seq 91..100 of epoch "e1".
const WINDOW: HistoryWindow = { epoch: "e1", oldestSeq: 91, latestSeq: 100 };

Deno.test("planResume - no since replays the full history", () => {
  assert.deepEqual(planResume({}, WINDOW), { kind: "full" });
  assert.deepEqual(planResume({ epoch: "other" }, WINDOW), { kind: "full" });
});

Deno.test("planResume - a since inside the window resumes after it", () => {
  assert.deepEqual(planResume({ since: 95, epoch: "e1" }, WINDOW), {
    kind: "from",
    after: 95,
  });
});

Deno.test("planResume - a since without an epoch is trusted", () => {
  assert.deepEqual(planResume({ since: 95 }, WINDOW), {
    kind: "from",
    after: 95,
  });
});

Deno.test("planResume - a since just before the oldest held tick is still gapless", () => {
  assert.deepEqual(planResume({ since: 90 }, WINDOW), {
    kind: "from",
    after: 90,
  });
});

Deno.test("planResume - a since older than that is too old", () => {
  assert.deepEqual(planResume({ since: 89 }, WINDOW), {
    kind: "reset",
    reason: "too-old",
  });
  assert.deepEqual(planResume({ since: 0 }, WINDOW), {
    kind: "reset",
    reason: "too-old",
  });
});

Deno.test("planResume - a client that is up to date gets nothing to replay", () => {
  assert.deepEqual(planResume({ since: 100 }, WINDOW), {
    kind: "from",
    after: 100,
  });
});

Deno.test("planResume - a client ahead of the server is reset", () => {
  assert.deepEqual(planResume({ since: 101, epoch: "e1" }, WINDOW), {
    kind: "reset",
    reason: "ahead",
  });
});

Deno.test("planResume - another epoch is reset whatever the seq", () => {
  for (const since of [0, 95, 100, 500]) {
    assert.deepEqual(planResume({ since, epoch: "e0" }, WINDOW), {
      kind: "reset",
      reason: "epoch-changed",
    });
  }
});

Deno.test("planResume - an empty channel: since 0 is up to date, more is ahead", () => {
  const empty: HistoryWindow = { epoch: "e1", latestSeq: 0 };
  assert.deepEqual(planResume({ since: 0 }, empty), { kind: "from", after: 0 });
  assert.deepEqual(planResume({ since: 3 }, empty), {
    kind: "reset",
    reason: "ahead",
  });
});

Deno.test("planResume - seq published but no history held is too old", () => {
  const lost: HistoryWindow = { epoch: "e1", latestSeq: 10 };
  assert.deepEqual(planResume({ since: 5 }, lost), {
    kind: "reset",
    reason: "too-old",
  });
});
