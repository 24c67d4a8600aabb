import assert from "node:assert/strict";
import { AlertQueryError } from "../alerts/alert_query.ts";
import { ThresholdUpdateError } from "../alerts/threshold_update.ts";
import { HttpError } from "../web/mod.ts";
import { answeringDomainErrors, toHttpError } from "./domain_errors.ts";

Deno.test("toHttpError - domain validation errors become 400s with their code and message", () => {
  const query = new AlertQueryError("limit: expected an integer from 1 to 500");
  const mapped = toHttpError(query);
  assert.ok(mapped instanceof HttpError);
  assert.equal(mapped.status, 400);
  assert.equal(mapped.code, "invalid_query");
  assert.equal(mapped.message, query.message);
  assert.equal(mapped.cause, query);

  const threshold = toHttpError(new ThresholdUpdateError("Give at least one"));
  assert.ok(threshold instanceof HttpError);
  assert.equal(threshold.status, 400);
  assert.equal(threshold.code, "invalid_threshold");
  assert.equal(threshold.message, "Give at least one");
});

Deno.test("toHttpError - anything else passes through untouched", () => {
  const other = new TypeError("bug");
  assert.equal(toHttpError(other), other);
  const http = new HttpError(404, "unknown_symbol", "X");
  assert.equal(toHttpError(http), http);
  assert.equal(toHttpError("text"), "text");
});

Deno.test("answeringDomainErrors - returns the value or rethrows mapped", () => {
  assert.equal(answeringDomainErrors(() => 7), 7);
  assert.throws(
    () =>
      answeringDomainErrors(() => {
        throw new ThresholdUpdateError("bad");
      }),
    (error) => error instanceof HttpError && error.code === "invalid_threshold",
  );
});
