import assert from "node:assert/strict";
import { MAX_ACK_DELAY_MS, parseWsFault, wsFaultName } from "./ws_faults.ts";

Deno.test("parseWsFault - accepts every plain name and ack-delay:<ms>", () => {
  for (const name of ["close", "silence", "malformed", "refuse"]) {
    const parsed = parseWsFault(` ${name} `);
    assert.ok(parsed.ok, name);
    assert.equal(wsFaultName(parsed.fault), name);
  }
  assert.deepEqual(parseWsFault("ack-delay:250"), {
    ok: true,
    fault: { kind: "ack-delay", ms: 250 },
  });
});

Deno.test("parseWsFault - rejects unknown names and overlong delays, saying what is accepted", () => {
  const unknown = parseWsFault("http503");
  assert.ok(!unknown.ok);
  assert.match(
    unknown.detail,
    /^unknown WebSocket fault "http503"; expected one of close, silence/,
  );
  const long = parseWsFault(`ack-delay:${MAX_ACK_DELAY_MS + 1}`);
  assert.ok(!long.ok);
  assert.match(long.detail, /at most 600000 ms/);
  assert.equal(parseWsFault("ack-delay:").ok, false);
});
