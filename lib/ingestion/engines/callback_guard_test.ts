import assert from "node:assert/strict";
import { consumeSafely, describeError, logSafely } from "./callback_guard.ts";

Deno.test("callback guard - a throwing consumer is logged and does not throw", () => {
  const logged: unknown[] = [];
  consumeSafely("Tick", () => {
    throw new Error("boom");
  }, (level, message, fields) => logged.push({ level, message, fields }));
  assert.deepEqual(logged, [{
    level: "error",
    message: "Tick consumer failed",
    fields: { message: "boom" },
  }]);
});

Deno.test("callback guard - a throwing logger is swallowed", () => {
  assert.doesNotThrow(() =>
    logSafely(
      () => {
        throw new Error("logger down");
      },
      "info",
      "hello",
      {},
    )
  );
  assert.doesNotThrow(() =>
    consumeSafely("State", () => {
      throw new Error("consumer down");
    }, () => {
      throw new Error("logger down");
    })
  );
});

Deno.test("callback guard - error descriptions are made safe for operators", () => {
  assert.equal(describeError("plain"), "plain");
  const described = describeError(new Error("bad\u0000\nline"));
  assert.equal(described.includes("\u0000"), false);
  assert.equal(described.includes("\n"), false);
});
