import assert from "node:assert/strict";
import { positiveIntegerFlag } from "./positive_flag.ts";

Deno.test("positiveIntegerFlag - reads --name=N, falls back when absent, refuses the rest", () => {
  assert.equal(positiveIntegerFlag(["--rounds=3"], "rounds", 8), 3);
  assert.equal(positiveIntegerFlag(["--other=3"], "rounds", 8), 8);
  for (
    const bad of ["--rounds=0", "--rounds=-2", "--rounds=1.5", "--rounds=x"]
  ) {
    assert.throws(
      () => positiveIntegerFlag([bad], "rounds", 8),
      (error) => error instanceof RangeError && error.message.includes(bad),
    );
  }
});
