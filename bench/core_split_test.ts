import assert from "node:assert/strict";
import { coreSplitFor, onCores, splitCores } from "./core_split.ts";

Deno.test("splitCores - servers the first half, the outside world the rest", () => {
  assert.deepEqual(splitCores(2), { server: "0", outside: "1" });
  assert.deepEqual(splitCores(3), { server: "0", outside: "1-2" });
  assert.deepEqual(splitCores(8), { server: "0-3", outside: "4-7" });
  assert.equal(splitCores(1), null);
  assert.equal(splitCores(0), null);
  assert.equal(splitCores(2.5), null);
});

Deno.test("onCores - wraps the command in taskset only when CPUs are given", () => {
  assert.deepEqual(onCores(undefined, "deno", ["run", "x.ts"]), {
    command: "deno",
    args: ["run", "x.ts"],
  });
  assert.deepEqual(onCores("0-1", "node", ["peer.mjs"]), {
    command: "taskset",
    args: ["-c", "0-1", "node", "peer.mjs"],
  });
});

Deno.test("coreSplitFor - shares when asked or with one CPU, and says why", async () => {
  assert.deepEqual(await coreSplitFor("shared", 8), {
    split: null,
    reason: "--cores=shared",
  });
  const single = await coreSplitFor("split", 1);
  assert.equal(single.split, null);
  assert.match(single.reason, /1 CPU/);
});

Deno.test({
  name: "coreSplitFor - places processes with taskset where it can",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    // util-linux (taskset) is essential on Debian, as on this project's CI.
    const { split, reason } = await coreSplitFor("split", 2);
    assert.deepEqual(split, { server: "0", outside: "1" });
    assert.match(reason, /servers on CPU 0, generators and simulator on CPU 1/);
    const { command, args } = onCores(split.outside, "true", []);
    const { success } = await new Deno.Command(command, { args }).output();
    assert.ok(success);
  },
});
