import assert from "node:assert/strict";
import type { AlertFrame } from "../protocol/frames.ts";
import { type AlertDraft, alertFrame } from "./alert_draft.ts";
import { AlertPipeline, type AlertSink } from "./alert_pipeline.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

function draft(notional: number): AlertDraft {
  return {
    at: T0,
    symbol: "BTC-USDT",
    kind: "whale_trade",
    price: 60_000,
    notional,
    threshold: 250_000,
    side: "Sell",
    source: "ws",
  };
}

/** A sink whose commits complete only when the test says so. */
function manualSink() {
  const commits: {
    drafts: readonly AlertDraft[];
    resolve: () => void;
    reject: (e: Error) => void;
  }[] = [];
  const stored: string[] = [];
  let next = 0;
  const waiters: (() => void)[] = [];
  const sink: AlertSink = {
    append: (drafts) =>
      new Promise<AlertFrame[]>((resolve, reject) => {
        commits.push({
          drafts,
          resolve: () => {
            const frames = drafts.map((d) => alertFrame(d, `id-${next++}`));
            stored.push(...frames.map((f) => f.id));
            resolve(frames);
          },
          reject,
        });
        for (const wake of waiters.splice(0)) wake();
      }),
  };
  /** Resolves once `n` commits have started. */
  const started = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => commits.length >= n ? resolve() : waiters.push(check);
      check();
    });
  return { sink, commits, stored, started };
}

Deno.test("AlertPipeline - nothing is published before its commit completed", async () => {
  const { sink, commits, stored, started } = manualSink();
  const published: string[] = [];
  const pipeline = new AlertPipeline({
    sink,
    publish: (alert) => {
      assert.ok(stored.includes(alert.id), `${alert.id} stored before push`);
      published.push(alert.id);
    },
  });
  pipeline.submit([draft(1), draft(2)]);
  await started(1);
  assert.deepEqual(published, []);
  assert.equal(pipeline.stats().pending, 0);
  commits[0].resolve();
  await pipeline.drained();
  assert.deepEqual(published, ["id-0", "id-1"]);
  assert.equal(pipeline.stats().stored, 2);
});

Deno.test("AlertPipeline - a failed commit publishes nothing, is counted, and later alerts still flow", async () => {
  const { sink, commits, started } = manualSink();
  const published: string[] = [];
  const errors: number[] = [];
  const pipeline = new AlertPipeline({
    sink,
    publish: (alert) => published.push(alert.id),
    onError: (_error, lost) => errors.push(lost),
  });
  pipeline.submit([draft(1)]);
  await started(1);
  pipeline.submit([draft(2)]);
  commits[0].reject(new Error("KV down"));
  await started(2);
  commits[1].resolve();
  await pipeline.drained();
  assert.deepEqual(published, ["id-0"]);
  assert.deepEqual(errors, [1]);
  assert.deepEqual(pipeline.stats(), {
    stored: 1,
    failed: 1,
    dropped: 0,
    pending: 0,
  });
});

Deno.test("AlertPipeline - commits are serial, in submission order, in bounded batches", async () => {
  const { sink, commits, started } = manualSink();
  const published: number[] = [];
  const pipeline = new AlertPipeline({
    sink,
    publish: (alert) => published.push(alert.notional),
    maxBatch: 2,
  });
  pipeline.submit([draft(1), draft(2), draft(3)]);
  pipeline.submit([draft(4)]);
  await started(1);
  assert.equal(commits.length, 1, "one commit at a time");
  assert.equal(commits[0].drafts.length, 2);
  commits[0].resolve();
  await started(2);
  assert.deepEqual(commits[1].drafts.map((d) => d.notional), [3, 4]);
  commits[1].resolve();
  await pipeline.drained();
  assert.deepEqual(published, [1, 2, 3, 4]);
});

Deno.test("AlertPipeline - a full queue drops and counts the overflow", async () => {
  const { sink, commits, started } = manualSink();
  let droppedReported = 0;
  const pipeline = new AlertPipeline({
    sink,
    publish: () => {},
    maxPending: 3,
    maxBatch: 1,
    onDrop: (n) => droppedReported += n,
  });
  pipeline.submit([draft(1)]);
  await started(1);
  pipeline.submit([draft(2), draft(3), draft(4), draft(5), draft(6)]);
  assert.equal(pipeline.stats().pending, 3);
  assert.equal(pipeline.stats().dropped, 2);
  assert.equal(droppedReported, 2);
  for (let i = 0; i < 4; i++) {
    await started(i + 1);
    commits[i].resolve();
  }
  await pipeline.drained();
  assert.equal(pipeline.stats().stored, 4);
});

Deno.test("AlertPipeline - a publish that throws does not stop the others", async () => {
  const { sink, commits, started } = manualSink();
  const published: string[] = [];
  const pipeline = new AlertPipeline({
    sink,
    publish: (alert) => {
      if (alert.id === "id-0") throw new Error("socket gone");
      published.push(alert.id);
    },
  });
  pipeline.submit([draft(1), draft(2)]);
  await started(1);
  commits[0].resolve();
  await pipeline.drained();
  assert.deepEqual(published, ["id-1"]);
  assert.equal(pipeline.stats().stored, 2);
});

Deno.test("AlertPipeline - bad options are refused naming the field", () => {
  const { sink } = manualSink();
  assert.throws(
    () => new AlertPipeline({ sink, publish: () => {}, maxPending: 0 }),
    /maxPending/,
  );
  assert.throws(
    () => new AlertPipeline({ sink, publish: () => {}, maxBatch: 1.5 }),
    /maxBatch/,
  );
});
