import assert from "node:assert/strict";
import {
  CLOSE_CODES,
  CloseCode,
  closeCodeInfo,
  shouldReconnect,
} from "./close_codes.ts";

Deno.test("close codes - every named code has one table row under its own number", () => {
  for (const code of Object.values(CloseCode)) {
    assert.equal(CLOSE_CODES[code].code, code);
    assert.match(CLOSE_CODES[code].name, /^[a-z_]+$/);
    assert.ok(CLOSE_CODES[code].notice.length > 0);
  }
  assert.equal(Object.keys(CLOSE_CODES).length, Object.keys(CloseCode).length);
});

Deno.test("close codes - only a policy violation is final; the rest reconnect with backoff", () => {
  assert.deepEqual(
    Object.values(CLOSE_CODES).map((row) => [row.code, row.reconnect]),
    [
      [1000, "backoff"],
      [1001, "backoff"],
      [1008, "never"],
      [1011, "backoff"],
      [1013, "backoff"],
    ],
  );
  assert.equal(shouldReconnect(CloseCode.PolicyViolation), false);
  assert.equal(shouldReconnect(CloseCode.TryAgainLater), true);
});

Deno.test("close codes - a code the server never sends reads as a lost connection", () => {
  assert.deepEqual(closeCodeInfo(1006), {
    code: 1006,
    name: "connection_lost",
    reconnect: "backoff",
    notice: "The connection was lost",
  });
  assert.equal(shouldReconnect(4000), true);
});
