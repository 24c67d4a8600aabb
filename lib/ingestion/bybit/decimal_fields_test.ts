import assert from "node:assert/strict";
import {
  FieldProblem,
  readDecimal,
  readDecimalFields,
  readPriceAndSize,
} from "./decimal_fields.ts";
import { PLAUSIBLE } from "./plausible_ranges.ts";

Deno.test("readDecimal - plain and exponent notation are numbers", () => {
  assert.equal(readDecimal("20533.13"), 20533.13);
  assert.equal(readDecimal("-0.0068"), -0.0068);
  assert.equal(readDecimal("1e-8"), 1e-8);
  assert.equal(readDecimal("1."), 1);
  assert.equal(readDecimal(".5", PLAUSIBLE.price), 0.5);
});

Deno.test("readDecimal - anything else is a reason, quoting a short excerpt", () => {
  for (const bad of ["", " 1", "1 ", "0x10", "Infinity", "1e999", "1,5"]) {
    const read = readDecimal(bad);
    assert.equal(typeof read, "string", bad);
    assert.match(String(read), /^expected a finite decimal string, got "/);
  }
  const long = readDecimal("9".repeat(500) + "x");
  assert.ok(typeof long === "string" && long.length < 80);
});

Deno.test("readDecimal - a value outside its range is a reason without the value", () => {
  assert.equal(
    readDecimal("1e300", PLAUSIBLE.price),
    "outside the plausible range 0 to 1e9",
  );
  assert.equal(
    readDecimal("-1", PLAUSIBLE.size),
    readDecimal("-2", PLAUSIBLE.size),
  );
});

const FIELDS = [
  { key: "p", range: PLAUSIBLE.price, aboveZero: "price must be above zero" },
  { key: "v", range: PLAUSIBLE.size, optional: true },
];

Deno.test("readDecimalFields - reads every field in order into the target it returns", () => {
  const into: Record<string, unknown> = { kept: true };
  assert.equal(readDecimalFields({ p: "2.5", v: "10" }, FIELDS, into), into);
  assert.deepEqual(into, { kept: true, p: 2.5, v: 10 });
});

Deno.test("readDecimalFields - blank or missing optional fields are left out", () => {
  for (const source of [{ p: "1", v: "" }, { p: "1" }]) {
    assert.deepEqual(readDecimalFields(source, FIELDS, {}), { p: 1 });
  }
});

Deno.test("readDecimalFields - the first bad field is the problem, with its key", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ p: "abc", v: "-1" }, 'p: expected a finite decimal string, got "abc"'],
    [{ p: "0" }, "p: price must be above zero"],
    [{ p: "1", v: "1e17" }, "v: outside the plausible range 0 to 1e16"],
    [{ p: 5 }, "p: expected a decimal string"],
    [{}, "p: expected a decimal string"],
  ];
  for (const [source, reason] of cases) {
    const problem = readDecimalFields(source, FIELDS, {});
    assert.ok(problem instanceof FieldProblem, JSON.stringify(source));
    assert.equal(problem.toString(), reason);
  }
});

Deno.test("FieldProblem - without a path the reason is the message alone", () => {
  assert.equal(new FieldProblem("", "invalid").toString(), "invalid");
  assert.equal(new FieldProblem("data.v", "bad").toString(), "data.v: bad");
});

Deno.test("readPriceAndSize - price, size and their notional, or the first problem", () => {
  assert.deepEqual(readPriceAndSize({ p: "2.5", v: "4" }, FIELDS), {
    p: 2.5,
    v: 4,
    notional: 10,
  });
  assert.equal(
    String(readPriceAndSize({ p: "0", v: "4" }, FIELDS)),
    "p: price must be above zero",
  );
});
