import assert from "node:assert/strict";
import { faultName, parseFault, PLAIN_FAULTS } from "./faults.ts";

Deno.test("parseFault - every plain name parses to itself", () => {
  for (const name of PLAIN_FAULTS) {
    const parsed = parseFault(name);
    assert.ok(parsed.ok, name);
    assert.equal(faultName(parsed.fault), name);
  }
  assert.deepEqual(parseFault(" http503 "), {
    ok: true,
    fault: { kind: "http503" },
  });
});

Deno.test("parseFault - latency takes milliseconds up to ten minutes", () => {
  assert.deepEqual(parseFault("latency:250"), {
    ok: true,
    fault: { kind: "latency", ms: 250 },
  });
  const tooLong = parseFault("latency:600001");
  assert.ok(!tooLong.ok);
  assert.match(tooLong.detail, /at most 600000 ms/);
  assert.ok(!parseFault("latency:").ok);
  assert.ok(!parseFault("latency:-5").ok);
  assert.ok(!parseFault("latency:1.5").ok);
});

Deno.test("parseFault - unlisted takes a symbol, uppercased", () => {
  const parsed = parseFault("unlisted:solusdt");
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.fault, { kind: "unlisted", symbol: "SOLUSDT" });
  assert.equal(faultName(parsed.fault), "unlisted:SOLUSDT");
  assert.ok(!parseFault("unlisted:SOL-USDT").ok);
  assert.ok(!parseFault("unlisted:").ok);
});

Deno.test("parseFault - an unknown name is refused with the accepted names", () => {
  const parsed = parseFault("http418");
  assert.ok(!parsed.ok);
  assert.match(parsed.detail, /unknown fault "http418"/);
  assert.match(parsed.detail, /http503/);
  assert.match(parsed.detail, /latency:<ms>/);
  assert.match(parsed.detail, /unlisted:<SYMBOL>/);
  assert.ok(!parseFault("").ok);
  assert.ok(!parseFault("HTTP503").ok);
});
