import assert from "node:assert/strict";
import { errorHandler, isServerFault } from "./error_handler.ts";
import { HttpError } from "./http_error.ts";

function handler() {
  const logged: Record<string, unknown>[] = [];
  const handleError = errorHandler({
    logger: { error: (_message, fields) => logged.push(fields ?? {}) },
  });
  return { handleError, logged };
}

const REQ = new Request("http://localhost/api/x?secret=1", { method: "PUT" });

Deno.test("errorHandler - an HttpError is its JSON answer, not logged", async () => {
  const { handleError, logged } = handler();
  const response = await handleError(
    new HttpError(405, "method_not_allowed", "Use GET", {
      headers: { allow: "GET" },
    }),
    REQ,
  );
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "GET");
  assert.deepEqual(await response.json(), {
    error: "method_not_allowed",
    detail: "Use GET",
  });
  assert.deepEqual(logged, []);
});

Deno.test("errorHandler - 5xx and unexpected errors are logged with method and path", async () => {
  const { handleError, logged } = handler();
  const unavailable = await handleError(
    new HttpError(503, "unavailable", "Try later"),
    REQ,
  );
  assert.equal(unavailable.status, 503);
  const failed = await handleError(new TypeError("hunter2"), REQ);
  assert.equal(failed.status, 500);
  assert.ok(!(await failed.text()).includes("hunter2"));
  assert.equal(logged.length, 2);
  assert.deepEqual(
    logged.map((fields) => [fields.method, fields.path]),
    [["PUT", "/api/x"], ["PUT", "/api/x"]],
  );
  assert.ok(logged[1].error instanceof TypeError);
  await unavailable.body?.cancel();
});

Deno.test("isServerFault - 4xx HttpErrors are expected, everything else is a fault", () => {
  assert.equal(isServerFault(new HttpError(404, "x", "y")), false);
  assert.equal(isServerFault(new HttpError(500, "x", "y")), true);
  assert.equal(isServerFault(new Error("x")), true);
  assert.equal(isServerFault("text"), true);
});
