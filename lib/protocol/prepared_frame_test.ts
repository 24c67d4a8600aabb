import assert from "node:assert/strict";
import { preparedText } from "./prepared_frame.ts";

Deno.test("preparedText - byteLength is what a socket queues, also for non-ASCII", () => {
  assert.deepEqual(preparedText('{"a":1}'), { text: '{"a":1}', byteLength: 7 });
  assert.equal(preparedText('{"note":"€"}').byteLength, 14);
  assert.equal(preparedText("zwölf").byteLength, 6);
  assert.equal(preparedText("").byteLength, 0);
});
