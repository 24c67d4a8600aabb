import assert from "node:assert/strict";
import {
  alertIdFloor,
  formatAlertId,
  nextAlertId,
  parseAlertId,
} from "./alert_id.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

Deno.test("alert id - formats fixed-width and parses back", () => {
  const id = formatAlertId({ ms: T0, seq: 37 });
  assert.match(id, /^[0-9a-z]{10}-[0-9a-z]{4}$/);
  assert.equal(id.endsWith("-0011"), true);
  assert.deepEqual(parseAlertId(id), { ms: T0, seq: 37 });
  for (
    const bad of ["", "x", `${id}0`, id.toUpperCase(), id.replace("-", "_")]
  ) {
    assert.equal(parseAlertId(bad), undefined, bad);
  }
});

Deno.test("alert id - string order is generation order, across milliseconds and counters", () => {
  let last = undefined;
  const ids: string[] = [];
  for (const now of [T0, T0, T0, T0 + 1, T0 + 1_000, T0 + 86_400_000]) {
    last = nextAlertId(last, now);
    ids.push(formatAlertId(last));
  }
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("alert id - a clock that steps back never produces a smaller id", () => {
  let last = nextAlertId(undefined, T0);
  const before = formatAlertId(last);
  last = nextAlertId(last, T0 - 60_000);
  assert.deepEqual(last, { ms: T0, seq: 1 });
  assert.ok(formatAlertId(last) > before);
});

Deno.test("alert id - counter overflow spills into the next millisecond", () => {
  const next = nextAlertId({ ms: T0, seq: 36 ** 4 - 1 }, T0);
  assert.deepEqual(next, { ms: T0 + 1, seq: 0 });
});

Deno.test("alert id - the floor of a time bounds ids before and after it", () => {
  const floor = alertIdFloor(T0);
  assert.ok(formatAlertId({ ms: T0 - 1, seq: 36 ** 4 - 1 }) < floor);
  assert.ok(formatAlertId({ ms: T0, seq: 0 }) >= floor);
  assert.equal(alertIdFloor(-5), "0000000000-0000");
});
