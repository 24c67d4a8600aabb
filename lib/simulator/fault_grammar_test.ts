import assert from "node:assert/strict";
import { delaySpelling, faultVocabulary } from "./fault_grammar.ts";

const vocabulary = faultVocabulary({
  noun: "test fault",
  plain: ["on", "off"] as const,
  spellings: [delaySpelling("wait", 100)],
});

Deno.test("faultVocabulary - plain names and delays parse and name back", () => {
  assert.deepEqual(vocabulary.parse(" on "), {
    ok: true,
    fault: { kind: "on" },
  });
  const wait = vocabulary.parse("wait:100");
  assert.deepEqual(wait, { ok: true, fault: { kind: "wait", ms: 100 } });
  assert.ok(wait.ok);
  assert.equal(vocabulary.name(wait.fault), "wait:100");
  assert.equal(vocabulary.name({ kind: "off" }), "off");
  assert.equal(vocabulary.help, "on, off, wait:<ms>");
});

Deno.test("faultVocabulary - refusals say why and what is accepted", () => {
  assert.deepEqual(vocabulary.parse("wait:101"), {
    ok: false,
    detail: "wait must be at most 100 ms, got 101",
  });
  for (const raw of ["wait:", "wait:-1", "wait:1.5", "nope"]) {
    const parsed = vocabulary.parse(raw);
    assert.ok(!parsed.ok);
    assert.match(
      parsed.detail,
      /^unknown test fault ".*"; expected one of on, off, wait:<ms>$/,
    );
  }
});
