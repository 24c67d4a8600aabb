import assert from "node:assert/strict";
import {
  commandVersion,
  cpuModelFrom,
  readMachineInfo,
} from "./machine_info.ts";

Deno.test("cpuModelFrom - first model name, or unknown", () => {
  const cpuinfo =
    "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
  assert.equal(cpuModelFrom(cpuinfo), "AMD EPYC 7B13");
  assert.equal(cpuModelFrom(""), "unknown");
});

Deno.test("commandVersion - null for a command that does not exist", async () => {
  assert.equal(await commandVersion("no-such-command-for-bench"), null);
});

Deno.test("readMachineInfo - describes this machine", async () => {
  const info = await readMachineInfo();
  assert.ok(info.cores >= 1);
  assert.ok(info.memory_gb > 0);
  assert.equal(info.deno, Deno.version.deno);
  assert.equal(info.loadavg_start.length, 3);
});
