import assert from "node:assert/strict";
import { errorResponse, HttpError, jsonResponse } from "./http_error.ts";

Deno.test("HttpError - carries status, code, detail and headers", () => {
  const error = new HttpError(429, "rate_limited", "Slow down", {
    headers: { "retry-after": "3" },
  });
  assert.ok(error instanceof Error);
  assert.equal(error.name, "HttpError");
  assert.equal(error.status, 429);
  assert.equal(error.code, "rate_limited");
  assert.equal(error.message, "Slow down");
  assert.deepEqual(error.headers, { "retry-after": "3" });
});

Deno.test("errorResponse - an HttpError becomes its JSON body and headers", async () => {
  const response = errorResponse(
    new HttpError(404, "unknown_symbol", "X is not tracked", {
      headers: { "x-extra": "1" },
    }),
  );
  assert.equal(response.status, 404);
  assert.equal(
    response.headers.get("content-type"),
    "application/json; charset=utf-8",
  );
  assert.equal(response.headers.get("x-extra"), "1");
  assert.deepEqual(await response.json(), {
    error: "unknown_symbol",
    detail: "X is not tracked",
  });
});

Deno.test("errorResponse - any other error is a generic 500 that leaks nothing", async () => {
  const secret = "postgres://admin:hunter2@db/internal";
  for (
    const thrown of [
      new Error(secret),
      new TypeError(`Cannot read ${secret}`),
      secret,
      { message: secret, stack: secret },
      undefined,
    ]
  ) {
    const response = errorResponse(thrown);
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.ok(!text.includes("hunter2"), text);
    assert.ok(!text.includes("Error"), text);
    assert.deepEqual(JSON.parse(text), {
      error: "internal_error",
      detail: "The server could not complete the request",
    });
  }
});

Deno.test("jsonResponse - serialises the body with status and headers", async () => {
  const response = jsonResponse({ a: 1 }, 201, { "cache-control": "no-store" });
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("cache-control"), "no-store");
  assert.deepEqual(await response.json(), { a: 1 });
});
