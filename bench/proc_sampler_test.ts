import assert from "node:assert/strict";
import {
  cpuPercent,
  parseStatCpuSeconds,
  parseStatName,
  parseStatus,
  ProcessSampler,
  readProcessSample,
  readThreadSample,
  threadCpuPercent,
} from "./proc_sampler.ts";

Deno.test("parseStatCpuSeconds - sums utime and stime", () => {
  const stat =
    "14611 (cat) R 14609 14609 4266 0 -1 4194304 98 0 0 0 250 50 0 0 20 0 1 0 185210 3133440 390";
  assert.equal(parseStatCpuSeconds(stat), 3);
});

Deno.test("parseStatCpuSeconds - a name with spaces and parentheses", () => {
  const stat =
    "7 (deno (worker) 1) S 1 7 7 0 -1 0 0 0 0 0 1000 234 0 0 20 0 9 0 1 2 3";
  assert.equal(parseStatCpuSeconds(stat), 12.34);
  assert.throws(() => parseStatCpuSeconds("garbage"), RangeError);
});

Deno.test("parseStatus - reads RSS, peak RSS and threads", () => {
  const status =
    "Name:\tdeno\nVmHWM:\t  120400 kB\nVmRSS:\t  98304 kB\nThreads:\t12\n";
  assert.deepEqual(parseStatus(status), {
    rssKb: 98304,
    peakRssKb: 120400,
    threads: 12,
  });
  assert.deepEqual(parseStatus(""), { rssKb: 0, peakRssKb: 0, threads: 0 });
});

Deno.test("cpuPercent - CPU seconds over wall seconds", () => {
  const base = { rssKb: 0, peakRssKb: 0, threads: 1 };
  assert.equal(
    cpuPercent({ ...base, at: 0, cpuSeconds: 1 }, {
      ...base,
      at: 2000,
      cpuSeconds: 2.5,
    }),
    75,
  );
  assert.equal(
    cpuPercent({ ...base, at: 5, cpuSeconds: 1 }, {
      ...base,
      at: 5,
      cpuSeconds: 1,
    }),
    null,
  );
});

Deno.test("readProcessSample - reads this very process", async () => {
  const sample = await readProcessSample(Deno.pid);
  assert.ok(sample);
  assert.ok(sample.rssKb > 1000);
  assert.ok(sample.threads >= 1);
  assert.equal(await readProcessSample(2 ** 30), null);
});

Deno.test("ProcessSampler - marks keep named samples", async () => {
  const sampler = new ProcessSampler(Deno.pid, 10_000);
  try {
    const sample = await sampler.mark("start");
    assert.ok(sample);
    assert.equal(sampler.get("start"), sample);
    assert.ok(sampler.maxRssKb >= sample.rssKb);
  } finally {
    sampler.stop();
  }
});

Deno.test("threadCpuPercent - the main thread by pid, the others by name, new threads from zero", () => {
  const sample = (at: number, threads: [number, string, number][]) => ({
    at,
    threads: new Map(
      threads.map(([tid, name, cpuSeconds]) => [tid, { name, cpuSeconds }]),
    ),
  });
  const from = sample(0, [[10, "deno", 5], [11, "worker-1", 2], [
    12,
    "V8 DefaultWorke",
    1,
  ]]);
  const to = sample(2_000, [
    [10, "deno", 6.2],
    [11, "worker-1", 2.6],
    [12, "V8 DefaultWorke", 1.1],
    [13, "V8 DefaultWorke", 0.1],
  ]);
  assert.deepEqual(threadCpuPercent(10, from, to), {
    main: 60,
    "worker-1": 30,
    "V8 DefaultWorke": 10,
  });
  assert.deepEqual(threadCpuPercent(10, to, to), {});
});

Deno.test("readThreadSample - reads this process's threads, the main one by its pid", async () => {
  const sample = await readThreadSample(Deno.pid);
  assert.ok(sample !== null);
  assert.ok(sample.threads.has(Deno.pid));
  assert.equal(parseStatName("12 (V8 DefaultWorke) S 1"), "V8 DefaultWorke");
  assert.equal(await readThreadSample(2 ** 30), null);
});
