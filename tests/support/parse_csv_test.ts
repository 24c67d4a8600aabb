import assert from "node:assert/strict";
import { parseCsv } from "./parse_csv.ts";

Deno.test("parseCsv - quoted and bare fields, doubled quotes, breaks inside quotes", () => {
  assert.deepEqual(parseCsv('a,"b ""c"", d",,"x\r\ny"\r\n1,2,3,4\r\n'), [
    [
      { value: "a", quoted: false },
      { value: 'b "c", d', quoted: true },
      { value: "", quoted: false },
      { value: "x\r\ny", quoted: true },
    ],
    [
      { value: "1", quoted: false },
      { value: "2", quoted: false },
      { value: "3", quoted: false },
      { value: "4", quoted: false },
    ],
  ]);
});

Deno.test("parseCsv - malformed input is refused", () => {
  for (const bad of ['"open\r\n', 'a"b\r\n', "a,b", "a\nb\r\n", '"a"b\r\n']) {
    assert.throws(() => parseCsv(bad), Error, JSON.stringify(bad));
  }
});
