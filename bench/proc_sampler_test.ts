import assert from "node:assert/strict";
import {
  cpuPercent,
  parseStatCpuSeconds,
  parseStatus,
  ProcessSampler,
  readProcessSample,
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
