import assert from "node:assert/strict";
import { operatorSafeText, UpstreamError } from "./upstream_error.ts";

Deno.test("operatorSafeText - hides URLs, which may carry credentials", () => {
  assert.equal(
    operatorSafeText(
      "error sending request for url (https://user:pw@api.example/v5?key=s3cret): refused",
    ),
    "error sending request for url (<url>): refused",
  );
});

Deno.test("operatorSafeText - replaces control characters and bounds length", () => {
  assert.equal(operatorSafeText("a\nb\u0000c\u009b"), "a b c");
  const long = operatorSafeText("y".repeat(500), 50);
  assert.equal(long.length, 50);
  assert.ok(long.endsWith("…"));
});

Deno.test("UpstreamError - sanitises its message and keeps the details", () => {
  const error = new UpstreamError("http", "HTTP 502 from http://h/x\n", {
    status: 502,
    simulated: true,
  });
  assert.equal(error.name, "UpstreamError");
  assert.equal(error.message, "HTTP 502 from <url>");
  assert.equal(error.status, 502);
  assert.equal(error.simulated, true);
  assert.equal(error.retCode, undefined);
});
