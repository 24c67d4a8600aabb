import assert from "node:assert/strict";
import { checkRedisUrl, redactRedisUrl } from "./redis_url.ts";

Deno.test("checkRedisUrl - accepts redis and rediss with user and password", () => {
  const plain = checkRedisUrl("redis://127.0.0.1:6379/0");
  assert.ok(plain.ok);
  const tls = checkRedisUrl("rediss://app:s3cret@cache.example:6380");
  assert.ok(tls.ok);
  assert.equal(tls.redacted, "rediss://app:***@cache.example:6380");
});

Deno.test("checkRedisUrl - problems never contain the password", () => {
  for (
    const bad of [
      "http://u:s3cret@host",
      "redis://u:s3cret@host/abc",
      "redis://u:s3cret@host?x=1",
      "not a url s3cret",
    ]
  ) {
    const result = checkRedisUrl(bad);
    assert.equal(result.ok, false, bad);
    if (!result.ok) assert.ok(!result.problem.includes("s3cret"), bad);
  }
});

Deno.test("redactRedisUrl - leaves a URL without password as it is", () => {
  assert.equal(redactRedisUrl("redis://host:1"), "redis://host:1");
});
