import assert from "node:assert/strict";
import {
  repoStartTaskV8Flags,
  serviceRunArgs,
  startTaskV8Flags,
} from "./service_args.ts";

Deno.test("startTaskV8Flags - reads the start task's V8 flags, null without", () => {
  const withFlags = JSON.stringify({
    tasks: { start: "deno run --v8-flags=--max-semi-space-size=8 main.ts" },
  });
  assert.equal(startTaskV8Flags(withFlags), "--max-semi-space-size=8");
  const without = JSON.stringify({ tasks: { start: "deno run main.ts" } });
  assert.equal(startTaskV8Flags(without), null);
  assert.throws(() => startTaskV8Flags("{}"), /no start task/);
});

Deno.test("serviceRunArgs - the service runs with deno task start's V8 flags, extra ones after", async () => {
  const own = startTaskV8Flags(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  assert.ok(own, "deno task start sets V8 flags");
  assert.deepEqual(serviceRunArgs(), [
    "run",
    "--allow-all",
    `--v8-flags=${own}`,
    "main.ts",
  ]);
  assert.deepEqual(
    serviceRunArgs({
      extraV8Flags: "--max-old-space-size=384",
      denoFlags: ["--cpu-prof"],
    }),
    [
      "run",
      "--allow-all",
      "--cpu-prof",
      `--v8-flags=${own},--max-old-space-size=384`,
      "main.ts",
    ],
  );
});

Deno.test("repoStartTaskV8Flags - the flags of this repository's own start task", async () => {
  const denoJson = await Deno.readTextFile(
    new URL("../deno.json", import.meta.url),
  );
  assert.equal(repoStartTaskV8Flags(), startTaskV8Flags(denoJson));
  assert.match(repoStartTaskV8Flags() ?? "", /--max-semi-space-size=/);
});
