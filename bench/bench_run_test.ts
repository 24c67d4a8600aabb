import assert from "node:assert/strict";
import { phaseOf, serverFigures, splitConnections } from "./bench_run.ts";
import type { ProcessSample } from "./proc_sampler.ts";

Deno.test("phaseOf - reads the generator's phase markers only", () => {
  assert.equal(
    phaseOf('{"event":"phase","phase":"window-start","at":1}'),
    "window-start",
  );
  assert.equal(phaseOf("Load generator failed: boom"), undefined);
  assert.equal(phaseOf('{"event":"phase",broken'), undefined);
});

Deno.test("serverFigures - window CPU and memory per subscriber", () => {
  const sample = (
    at: number,
    cpuSeconds: number,
    rssKb: number,
  ): ProcessSample => ({
    at,
    cpuSeconds,
    rssKb,
    peakRssKb: rssKb,
    threads: 4,
  });
  const marks = new Map([
    ["idle", sample(0, 1, 40_960)],
    ["start", sample(1_000, 2, 81_920)],
    ["end", sample(11_000, 5, 102_400)],
  ]);
  const figures = serverFigures({
    get: (name) => marks.get(name),
    maxRssKb: 110_000,
  }, 1_000);
  assert.deepEqual(figures, {
    cpu_percent: 30,
    rss_mb_idle: 40,
    rss_mb_loaded: 100,
    rss_mb_max: 107.4,
    rss_kb_per_subscriber: 61.4,
  });
  const empty = serverFigures({ get: () => undefined, maxRssKb: 0 }, 0);
  assert.equal(empty.cpu_percent, null);
  assert.equal(empty.rss_kb_per_subscriber, null);
  assert.equal(empty.rss_mb_max, null);
});

Deno.test("splitConnections - as even as can be, never an empty process", () => {
  assert.deepEqual(splitConnections(10_000, 2), [5_000, 5_000]);
  assert.deepEqual(splitConnections(1_001, 3), [334, 334, 333]);
  assert.deepEqual(splitConnections(2, 4), [1, 1]);
  assert.deepEqual(splitConnections(7, 1), [7]);
});
