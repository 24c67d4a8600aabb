import assert from "node:assert/strict";
import { computed, type Signal, signal } from "@preact/signals";
import { deserializeProps, serializeProps } from "./island_props.ts";

Deno.test("serializeProps - round-trips JSON values, Dates, non-finite numbers and undefined", () => {
  const props = {
    text: "plain",
    n: 1.5,
    list: [1, "two", null, undefined, true],
    nested: { at: new Date("2026-01-02T03:04:05.006Z"), nan: NaN },
    inf: -Infinity,
    missing: undefined,
    invalid: new Date(NaN),
  };
  const back = deserializeProps(serializeProps(props)) as typeof props;
  assert.deepEqual(back.list, [1, "two", null, undefined, true]);
  assert.ok(back.nested.at instanceof Date);
  assert.equal(back.nested.at.toISOString(), "2026-01-02T03:04:05.006Z");
  assert.ok(Number.isNaN(back.nested.nan));
  assert.equal(back.inf, -Infinity);
  assert.ok("missing" in back && back.missing === undefined);
  assert.ok(Number.isNaN(back.invalid.getTime()));
  assert.equal(back.text, "plain");
});

Deno.test("serializeProps - a string cannot close the script element", () => {
  const evil = "</script><script>alert(1)</script><!-- \u2028 & >";
  const text = serializeProps({ evil });
  assert.ok(!text.includes("<"), text);
  assert.ok(!text.includes(">"), text);
  assert.ok(!text.includes("\u2028"));
  assert.equal((deserializeProps(text) as { evil: string }).evil, evil);
});

Deno.test("serializeProps - keys starting with $ cannot forge tags", () => {
  const props = { $s: 1, $$d: "x", obj: { $d: "2020-01-01", $u: 1 } };
  const back = deserializeProps(serializeProps(props));
  assert.deepEqual(back, props);
});

Deno.test("serializeProps - one signal shared by two islands revives as one signal", () => {
  const selected = signal("BTC-USDT");
  const total = computed(() => selected.value.length);
  const text = serializeProps([
    { selected, total },
    { selected, when: signal(new Date(0)) },
  ]);
  const [a, b] = deserializeProps(text) as [
    { selected: Signal<string>; total: Signal<number> },
    { selected: Signal<string>; when: Signal<Date> },
  ];
  assert.equal(a.selected, b.selected);
  assert.equal(a.selected.value, "BTC-USDT");
  assert.equal(a.total.value, 8);
  assert.equal(b.when.value.getTime(), 0);
  a.selected.value = "ETH-USDT";
  assert.equal(b.selected.value, "ETH-USDT");
});

Deno.test("serializeProps - refuses functions, class instances and cycles with the path", () => {
  assert.throws(
    () => serializeProps({ onClick: () => {} }),
    /props\.onClick .*function/,
  );
  assert.throws(
    () => serializeProps({ m: [new Map()] }),
    /props\.m\[0\] .*Map instance/,
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => serializeProps(cyclic), /props\.self is a circular/);
  assert.throws(() => serializeProps({ big: 1n }), /bigint/);
});

Deno.test("serializeProps - the same object twice (not a cycle) is fine", () => {
  const shared = { a: 1 };
  assert.deepEqual(deserializeProps(serializeProps([shared, shared])), [
    { a: 1 },
    { a: 1 },
  ]);
});
