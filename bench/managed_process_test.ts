import assert from "node:assert/strict";
import { ManagedProcess, RAISE_FILE_LIMIT_SCRIPT } from "./managed_process.ts";

Deno.test("ManagedProcess - lines are delivered and the tail is bounded", async () => {
  const lines: string[] = [];
  const child = ManagedProcess.start({
    name: "echo",
    command: "bash",
    args: ["-c", "for i in 1 2 3; do echo line$i; done; echo oops >&2"],
    onStdoutLine: (line) => lines.push(line),
    tailBytes: 12,
  });
  const status = await child.waitExit(10_000);
  assert.ok(status?.success);
  await child.stop();
  assert.deepEqual(lines, ["line1", "line2", "line3"]);
  assert.ok(child.tail().length <= 12);
  assert.match(child.tail(), /oops/);
});

Deno.test("ManagedProcess - stop escalates to SIGKILL when SIGTERM is ignored", async () => {
  const ready = Promise.withResolvers<void>();
  const child = ManagedProcess.start({
    name: "stubborn",
    command: "bash",
    args: ["-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"],
    onStdoutLine: () => ready.resolve(),
  });
  await ready.promise;
  const status = await child.stop(200);
  assert.equal(status.success, false);
  assert.equal(status.signal, "SIGKILL");
});

Deno.test("ManagedProcess - the wrapper raises a lowered file limit", async () => {
  const lines: string[] = [];
  const child = ManagedProcess.start({
    name: "limits",
    command: "bash",
    args: [
      "-c",
      `ulimit -Sn 256; echo $(ulimit -n); bash -c '${RAISE_FILE_LIMIT_SCRIPT}' bash bash -c 'echo $(ulimit -n) $(ulimit -Hn)'`,
    ],
    raiseFileLimit: false,
    onStdoutLine: (line) => lines.push(line),
  });
  assert.ok((await child.waitExit(10_000))?.success);
  await child.stop();
  assert.equal(lines[0], "256");
  const [soft, hard] = lines[1].split(" ");
  assert.equal(soft, hard);
});
