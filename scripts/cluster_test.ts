import assert from "node:assert/strict";
import { parseClusterFlags } from "./cluster.ts";

Deno.test("parseClusterFlags - defaults to three instances on port 8000", () => {
  assert.deepEqual(parseClusterFlags([]), { instances: 3, port: 8000 });
  assert.deepEqual(parseClusterFlags(["--instances=5", "--port=9100"]), {
    instances: 5,
    port: 9100,
  });
});

Deno.test("parseClusterFlags - a bad flag names itself", () => {
  assert.throws(() => parseClusterFlags(["--instances=0"]), /--instances/);
  assert.throws(() => parseClusterFlags(["--port=x"]), /--port/);
  assert.throws(() => parseClusterFlags(["--nodes=2"]), /unknown flag --nodes/);
});
