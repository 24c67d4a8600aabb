import assert from "node:assert/strict";
import { ConnectionLimiter } from "./connection_limiter.ts";

Deno.test("ConnectionLimiter - allows up to the cap per IP", () => {
  const limiter = new ConnectionLimiter(2);
  assert.equal(limiter.tryAcquire("1.1.1.1"), true);
  assert.equal(limiter.tryAcquire("1.1.1.1"), true);
  assert.equal(limiter.tryAcquire("1.1.1.1"), false);
  assert.equal(limiter.openFor("1.1.1.1"), 2);
});

Deno.test("ConnectionLimiter - IPs are counted separately", () => {
  const limiter = new ConnectionLimiter(1);
  assert.equal(limiter.tryAcquire("a"), true);
  assert.equal(limiter.tryAcquire("b"), true);
  assert.equal(limiter.tryAcquire("a"), false);
});

Deno.test("ConnectionLimiter - a release frees a slot", () => {
  const limiter = new ConnectionLimiter(1);
  limiter.tryAcquire("a");
  limiter.release("a");
  assert.equal(limiter.openFor("a"), 0);
  assert.equal(limiter.tryAcquire("a"), true);
});

Deno.test("ConnectionLimiter - an extra release never goes negative", () => {
  const limiter = new ConnectionLimiter(2);
  limiter.release("a");
  limiter.tryAcquire("a");
  limiter.release("a");
  limiter.release("a");
  assert.equal(limiter.openFor("a"), 0);
  assert.equal(limiter.tryAcquire("a"), true);
  assert.equal(limiter.tryAcquire("a"), true);
  assert.equal(limiter.tryAcquire("a"), false);
});

Deno.test("ConnectionLimiter - rejects a cap that is not a positive integer", () => {
  for (const max of [0, -1, 2.5, NaN]) {
    assert.throws(() => new ConnectionLimiter(max), /maxPerIp/, String(max));
  }
});
