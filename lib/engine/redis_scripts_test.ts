import assert from "node:assert/strict";
import { parseEventMessage } from "./redis_scripts.ts";

Deno.test("parseEventMessage - reads the epoch and each channel, seq and data", () => {
  const message =
    'e1\nBTC-USDT\t7\t{"ts":1,"note":"a\\tb"}\n#alerts\t2\t{}\nbroken';
  assert.deepEqual(parseEventMessage(message), {
    epoch: "e1",
    entries: [
      { channel: "BTC-USDT", seq: 7, data: '{"ts":1,"note":"a\\tb"}' },
      { channel: "#alerts", seq: 2, data: "{}" },
    ],
  });
});
