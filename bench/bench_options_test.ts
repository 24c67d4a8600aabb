import assert from "node:assert/strict";
import { BENCH_TARGETS } from "./bench_targets.ts";
import { parseBenchOptions } from "./bench_options.ts";
import { OptionsError } from "./load_options.ts";

function problems(args: string[]): string {
  try {
    parseBenchOptions(args);
  } catch (error) {
    assert.ok(error instanceof OptionsError);
    return error.message;
  }
  assert.fail("expected an OptionsError");
}

Deno.test("parseBenchOptions - defaults follow the performance goals", () => {
  const options = parseBenchOptions([]);
  assert.deepEqual(options.subscribers, [1000, 4000]);
  assert.deepEqual(options.targets, BENCH_TARGETS);
  assert.equal(options.duration, 20);
  assert.equal(options.rate, 20);
  assert.equal(options.muxRatio, 0);
  assert.equal(options.repeat, 1);
  assert.equal(options.resultsDir, "bench/results");
  assert.equal(options.dryRun, false);
});

Deno.test("parseBenchOptions - --with-10k adds 10,000 subscribers once", () => {
  assert.deepEqual(parseBenchOptions(["--with-10k"]).subscribers, [
    1000,
    4000,
    10000,
  ]);
  assert.deepEqual(
    parseBenchOptions(["--with-10k", "--subscribers=10000,200"]).subscribers,
    [200, 10000],
  );
});

Deno.test("parseBenchOptions - --dry-run is small unless told otherwise", () => {
  const dry = parseBenchOptions(["--dry-run"]);
  assert.deepEqual(dry.subscribers, [50]);
  assert.equal(dry.duration, 5);
  assert.equal(dry.resultsDir, "bench/results/dry-run");
  const custom = parseBenchOptions([
    "--dry-run",
    "--subscribers=300",
    "--duration=8",
  ]);
  assert.deepEqual(custom.subscribers, [300]);
  assert.equal(custom.duration, 8);
});

Deno.test("parseBenchOptions - --repeat sets the runs per target and count", () => {
  assert.equal(parseBenchOptions(["--repeat=3"]).repeat, 3);
});

Deno.test("parseBenchOptions - --only keeps the canonical order", () => {
  assert.deepEqual(parseBenchOptions(["--only=socketio,bare"]).targets, [
    "bare",
    "socketio",
  ]);
  assert.deepEqual(
    parseBenchOptions(["--only=ws-deno,sentinel-deno,sentinel"]).targets,
    ["sentinel", "sentinel-deno", "ws-deno"],
  );
});

Deno.test("parseBenchOptions - bad flags are named with their values", () => {
  assert.match(
    problems(["--only=bare,nginx"]),
    /Flag --only takes targets from .*"bare,nginx"/,
  );
  assert.match(
    problems(["--subscribers=100,abc"]),
    /Flag --subscribers .*"100,abc"/,
  );
  assert.match(problems(["--subscribers=0"]), /Flag --subscribers/);
  assert.match(
    problems(["--duration=0"]),
    /Flag --duration must be from 1 to 600/,
  );
  assert.match(problems(["--rate=-1"]), /Flag --rate/);
  assert.match(
    problems(["--mux-ratio=1.5"]),
    /Flag --mux-ratio must be from 0 to 1/,
  );
  assert.match(problems(["--repeat=0"]), /Flag --repeat must be from 1 to 9/);
  assert.match(problems(["--repeat=2.5"]), /Flag --repeat must be an integer/);
  assert.match(problems(["--frobnicate"]), /frobnicate/);
});

Deno.test("parseBenchOptions - --cluster takes 2 to 8 instances", () => {
  assert.equal(parseBenchOptions([]).cluster, undefined);
  assert.equal(parseBenchOptions(["--cluster=3"]).cluster, 3);
  assert.throws(() => parseBenchOptions(["--cluster=1"]), /--cluster/);
  assert.throws(() => parseBenchOptions(["--cluster=x"]), /--cluster/);
});

Deno.test("parseBenchOptions - --service-v8-flags takes V8 flags, named when bad", () => {
  assert.equal(parseBenchOptions([]).serviceV8Flags, undefined);
  assert.equal(
    parseBenchOptions(["--service-v8-flags=--max-semi-space-size=8"])
      .serviceV8Flags,
    "--max-semi-space-size=8",
  );
  assert.throws(
    () => parseBenchOptions(["--service-v8-flags=semi"]),
    /--service-v8-flags must be comma-separated/,
  );
});

Deno.test("parseBenchOptions - --generators splits the load over 1 to 4 processes", () => {
  assert.equal(parseBenchOptions([]).generators, 1);
  assert.equal(parseBenchOptions(["--generators=3"]).generators, 3);
  for (const bad of ["0", "5", "1.5", "two"]) {
    assert.match(problems([`--generators=${bad}`]), /Flag --generators must/);
  }
});

Deno.test("parseBenchOptions - --client is handed to the generators, node:net by default", () => {
  assert.equal(parseBenchOptions([]).client, "net");
  assert.equal(parseBenchOptions(["--client=websocket"]).client, "websocket");
  assert.match(problems(["--client=raw"]), /Flag --client must be one of/);
});

Deno.test("parseBenchOptions - --cores splits the machine by default, shared on request", () => {
  assert.equal(parseBenchOptions([]).cores, "split");
  assert.equal(parseBenchOptions(["--cores=shared"]).cores, "shared");
  assert.match(
    problems(["--cores=half"]),
    /Flag --cores must be one of split, shared/,
  );
});
