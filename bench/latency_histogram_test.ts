import assert from "node:assert/strict";
import { LatencyHistogram } from "./latency_histogram.ts";

Deno.test("LatencyHistogram - empty histogram has null percentiles", () => {
  const summary = new LatencyHistogram().summary();
  assert.equal(summary.count, 0);
  assert.equal(summary.p50_ms, null);
  assert.equal(summary.p99_ms, null);
  assert.equal(summary.max_ms, null);
});

Deno.test("LatencyHistogram - small values are exact", () => {
  const histogram = new LatencyHistogram();
  for (let v = 1; v <= 100; v++) histogram.record(v);
  assert.equal(histogram.quantile(0.5), 50);
  assert.equal(histogram.quantile(0.99), 99);
  assert.equal(histogram.quantile(1), 100);
  assert.equal(histogram.quantile(0), 1);
});

Deno.test("LatencyHistogram - large values stay within the precision bound", () => {
  const histogram = new LatencyHistogram();
  const values = [150, 999, 12_345, 250_000, 1_000_000, 7_654_321];
  for (const value of values) {
    const single = new LatencyHistogram();
    single.record(value);
    single.record(value * 2);
    const reported = single.quantile(0.5)!;
    assert.ok(reported >= value, `${reported} understates ${value}`);
    assert.ok(reported <= value * (1 + 1 / 64), `${reported} vs ${value}`);
    histogram.record(value);
  }
  assert.equal(histogram.quantile(1), 7_654_321);
});

Deno.test("LatencyHistogram - percentiles of a uniform spread", () => {
  const histogram = new LatencyHistogram();
  for (let v = 1; v <= 10_000; v++) histogram.record(v * 10);
  const p50 = histogram.quantile(0.5)!;
  const p99 = histogram.quantile(0.99)!;
  assert.ok(Math.abs(p50 - 50_000) / 50_000 < 0.02, `p50 ${p50}`);
  assert.ok(Math.abs(p99 - 99_000) / 99_000 < 0.02, `p99 ${p99}`);
  const summary = histogram.summary();
  assert.equal(summary.count, 10_000);
  assert.equal(summary.min_ms, 0.01);
  assert.equal(summary.max_ms, 100);
  assert.equal(summary.mean_ms, 50.005);
});

Deno.test("LatencyHistogram - memory is fixed whatever the sample count", () => {
  const histogram = new LatencyHistogram();
  const buckets = histogram.bucketCount;
  for (let i = 0; i < 100_000; i++) histogram.record(i * 997 % 5_000_000);
  assert.equal(histogram.bucketCount, buckets);
  assert.ok(buckets < 2_000, `${buckets} buckets`);
});

Deno.test("LatencyHistogram - negatives count as zero and overflow is clamped", () => {
  const histogram = new LatencyHistogram({ maxValueMicros: 1_000 });
  histogram.record(-5);
  histogram.record(5_000_000);
  assert.equal(histogram.count, 2);
  assert.equal(histogram.quantile(0), 0);
  assert.equal(histogram.quantile(1), 1_000);
});

Deno.test("LatencyHistogram - merge adds counts and extremes", () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let v = 1; v <= 50; v++) a.record(v);
  for (let v = 51; v <= 100; v++) b.record(v);
  a.merge(b);
  assert.equal(a.count, 100);
  assert.equal(a.quantile(0.5), 50);
  assert.equal(a.quantile(1), 100);
  assert.throws(
    () => a.merge(new LatencyHistogram({ precisionBits: 5 })),
    RangeError,
  );
});

Deno.test("LatencyHistogram - options are validated", () => {
  assert.throws(() => new LatencyHistogram({ precisionBits: 2 }), RangeError);
  assert.throws(() => new LatencyHistogram({ maxValueMicros: 0 }), RangeError);
  assert.throws(() => new LatencyHistogram().quantile(1.5), RangeError);
});

Deno.test("LatencyHistogram - its data read back gives the same percentiles, and merges", () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 1; i <= 5_000; i++) a.record(i * 37);
  for (let i = 1; i <= 500; i++) b.record(2_000_000 + i);
  const data = JSON.parse(JSON.stringify(a.toData()));
  const copy = LatencyHistogram.fromData(data);
  assert.deepEqual(copy.summary(), a.summary());
  copy.merge(LatencyHistogram.fromData(b.toData()));
  a.merge(b);
  assert.deepEqual(copy.summary(), a.summary());
  assert.deepEqual(
    LatencyHistogram.fromData(new LatencyHistogram().toData()).summary(),
    new LatencyHistogram().summary(),
  );
});

Deno.test("LatencyHistogram - data from other options is refused", () => {
  const wide = new LatencyHistogram();
  wide.record(100_000_000);
  assert.throws(
    () => LatencyHistogram.fromData(wide.toData(), { maxValueMicros: 1_000 }),
    RangeError,
  );
});
